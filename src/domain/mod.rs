//! Pure value types shared by every part of estate: money, rates, financial
//! years, asset classes and the register's enumerations.
//!
//! Nothing here does I/O, reads the clock, or knows about the database, the
//! terminal or spreadsheets.

pub mod asset_class;
pub mod dates;
pub mod department;
pub mod enums;
pub mod financial_year;
pub mod identity;
pub mod ids;
pub mod money;
pub mod rate;
pub mod rules;

pub use asset_class::{AssetClass, ClassSynonyms};
pub use dates::{add_years, iso, parse_date, parse_iso_date, write_iso};
pub use department::{DepartmentText, cost_centre_key, department_key, split_department};
pub use enums::{
    AgreementType, AssetStatus, BudgetType, CostBasis, DisposalMethod, Funding, LicenceMetric,
    LineType, UnknownValue,
};
pub use financial_year::FinancialYear;
pub use ids::{AssetId, BatchId, DepartmentId, LicenceId, LineId, OrgId, RunId, SiteId};
pub use money::Money;
pub use rate::Rate;

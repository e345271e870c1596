//! Turns a table's cells into register records: which column is which field
//! (the heading dictionary in `data/import/columns.csv`, a profile, `--map`
//! overrides), what the sheet holds (hardware, lines or licences), and each
//! cell's value (spreadsheet dates in both epochs, UK and ISO dates as text,
//! money as numbers or text, class words and model names).
//!
//! Parsing never fails: a row becomes records or a list of problems naming
//! the column heading and the value. Nothing here touches the database.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::{Date, Month};

use super::profiles::Profile;
use super::read::{Row, Value};
use crate::domain::{
    AgreementType, AssetClass, AssetStatus, BudgetType, ClassSynonyms, CostBasis, Funding,
    LicenceMetric, LineType, Money, Rate, add_years,
};
use crate::register::{AssetFields, LicenceFields, LineFields};

mod cells;
mod columns;
mod dates;
mod fields;
mod licences;
mod lines;
mod models;
mod money;
mod rows;
mod status;
#[cfg(test)]
mod tests;
mod values;

pub use cells::*;
pub use columns::*;
pub use dates::*;
pub use fields::*;
use licences::licence;
pub use lines::*;
pub use models::*;
pub use money::*;
pub use rows::*;
pub use status::*;
pub use values::*;

//! The programme's funding sources as the register holds them: per
//! financial year, per organisation or for the whole register, each an
//! amount or a share of the year's programme (`estate funding`). The records
//! are [`crate::forecast::funding::FundingEntry`]; what they mean for a
//! programme (the funding table, MRP and interest) is the pure engine in
//! `forecast::funding`. SQL and the audit rows are in `store.rs`.

pub mod store;

/// Why a funding change was refused.
#[derive(Debug, thiserror::Error)]
pub enum FundingError {
    /// The value breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// Nothing to clear.
    #[error("no funding is set for {0}; `estate funding list` shows what is")]
    NothingSet(String),
    /// An organisation code the register does not hold.
    #[error(transparent)]
    Register(#[from] crate::register::RegisterError),
    /// A database failure.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl From<rusqlite::Error> for FundingError {
    fn from(e: rusqlite::Error) -> Self {
        FundingError::Db(e.into())
    }
}

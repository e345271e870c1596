//! How the capital programme is paid for, as use cases: set a source of
//! funding for a year (an amount or a share of the year's programme, for one
//! organisation or the whole register), clear it, list what is set. Every
//! change is one transaction with an audit row naming the actor.

use crate::domain::FinancialYear;
use crate::error::{Context, Result};
use crate::forecast::funding::{FundingEntry, FundingSource};
use crate::funding::store::{self, FundingChanged};
use crate::register::Actor;

use super::Register;

/// Sets one source of funding for one year (replacing what was set).
///
/// # Errors
/// An unknown organisation, a share above 100%, a busy register.
pub fn set(register: &mut Register, entry: &FundingEntry, actor: &Actor) -> Result<FundingChanged> {
    register
        .write(|tx| store::set(tx, entry, actor))
        .with_context(|| format!("failed to set {} for {}", entry.source, entry.year))
}

/// Clears a year's funding (one source, or all of them) for one
/// organisation or the whole register.
///
/// # Errors
/// An unknown organisation, nothing set, a busy register.
pub fn clear(
    register: &mut Register,
    organisation: Option<&str>,
    year: FinancialYear,
    source: Option<FundingSource>,
    actor: &Actor,
) -> Result<Vec<FundingChanged>> {
    register
        .write(|tx| store::clear(tx, organisation, year, source, actor))
        .with_context(|| format!("failed to clear the funding of {year}"))
}

/// The funding set: for one organisation, or all (the whole register's own
/// first, then each organisation's).
///
/// # Errors
/// An unknown organisation, a register that cannot be read.
pub fn list(register: &Register, organisation: Option<&str>) -> Result<Vec<FundingEntry>> {
    store::list(register.reader(), organisation).context("failed to list the funding")
}

/// Adds the funding table, the borrowing's MRP and interest (and their rows
/// in the revenue position) and embodied beside operational carbon to a
/// Cabinet report of one `organisation` or the whole register, from the
/// funding set, the `borrowing_rate` setting and the shipped
/// embodied-carbon figures.
///
/// # Errors
/// A register that cannot be read, a malformed `borrowing_rate`.
pub fn add_to_report(
    conn: &rusqlite::Connection,
    report: &mut crate::forecast::cabinet::CabinetReport,
    organisation: Option<&str>,
) -> Result<()> {
    let entries = store::list(conn, organisation).context("failed to read the funding")?;
    let settings = crate::policy::store::read(conn)
        .map_err(crate::db::DbError::from)
        .context("failed to read the borrowing rate")?
        .settings;
    let rate = match settings.iter().find(|s| s.key == "borrowing_rate") {
        Some(s) if !s.value.trim().is_empty() => {
            let rate: crate::domain::Rate = s
                .value
                .parse()
                .context("setting borrowing_rate is not a rate")?;
            Some((rate, s.source.clone()))
        }
        _ => None,
    };
    let factors = crate::policy::running::builtin_embodied_carbon()
        .context("failed to read the embodied-carbon figures")?;
    crate::forecast::cabinet::add_finance(report, organisation, &entries, rate, &factors);
    Ok(())
}

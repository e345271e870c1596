//! The SQL of funding sources (`funding_sources`, V15) and their audit rows.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rust_decimal::Decimal;

use super::FundingError;
use crate::db::now_timestamp;
use crate::domain::{FinancialYear, Money, Rate};
use crate::forecast::funding::{Funding, FundingEntry, FundingSource};
use crate::register::Actor;
use crate::register::store::organisation_by_code;

/// What a funding change did, for the audit and the message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FundingChanged {
    /// `funding.YEAR.SOURCE` (with `.ORG` for one organisation).
    pub field: String,
    /// What it was, if set.
    pub old: Option<String>,
    /// What it is now (`None` when cleared).
    pub new: Option<String>,
}

fn organisation_id(conn: &Connection, code: Option<&str>) -> Result<Option<i64>, FundingError> {
    let Some(code) = code else { return Ok(None) };
    let code = code.trim().to_ascii_uppercase();
    match organisation_by_code(conn, &code)? {
        Some(o) => Ok(Some(o.id.0)),
        None => Err(crate::register::RegisterError::UnknownOrganisation { code }.into()),
    }
}

fn field(year: FinancialYear, source: FundingSource, org: Option<&str>) -> String {
    match org {
        Some(code) => format!(
            "funding.{year}.{source}.{}",
            code.trim().to_ascii_uppercase()
        ),
        None => format!("funding.{year}.{source}"),
    }
}

/// The stored form of a funding: (amount in pence, share as a fraction).
fn columns(funding: Funding) -> Result<(Option<i64>, Option<String>), FundingError> {
    match funding {
        Funding::Amount(m) => {
            let pence = m.to_pence().filter(|p| *p >= 0).ok_or_else(|| {
                FundingError::Invalid(format!(
                    "an amount of funding must be a whole number of pence, 0 or more, not {m}"
                ))
            })?;
            Ok((Some(pence), None))
        }
        Funding::Share(r) => {
            let f = r.fraction();
            if f.is_sign_negative() || f > Decimal::ONE {
                return Err(FundingError::Invalid(format!(
                    "a share of the programme must be from 0% to 100%, not {r}"
                )));
            }
            Ok((None, Some(f.normalize().to_string())))
        }
    }
}

fn funding_from(pence: Option<i64>, share: Option<String>) -> rusqlite::Result<Funding> {
    match (pence, share) {
        (Some(p), _) => Ok(Funding::Amount(Money::from_pence(p))),
        (None, Some(s)) => s
            .parse::<Decimal>()
            .map(|d| Funding::Share(Rate::from_fraction(d)))
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            }),
        (None, None) => Err(rusqlite::Error::InvalidColumnType(
            0,
            "amount_pence".into(),
            rusqlite::types::Type::Null,
        )),
    }
}

fn current(
    tx: &Transaction<'_>,
    org: Option<i64>,
    year: FinancialYear,
    source: FundingSource,
) -> rusqlite::Result<Option<Funding>> {
    let row: Option<(Option<i64>, Option<String>)> = tx
        .query_row(
            "SELECT amount_pence, share FROM funding_sources \
             WHERE ifnull(organisation_id, 0) = ifnull(?1, 0) AND year = ?2 AND source = ?3",
            params![org, year.to_string(), source.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(p, s)| funding_from(p, s)).transpose()
}

fn audit(
    tx: &Transaction<'_>,
    org: Option<i64>,
    change: &FundingChanged,
    actor: &Actor,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO audit_log (at, entity, entity_id, organisation_id, action, field, \
         old_value, new_value, command, who) VALUES (?1, 'policy', 0, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            now_timestamp(),
            org,
            if change.new.is_some() {
                "update"
            } else {
                "delete"
            },
            change.field,
            change.old,
            change.new,
            actor.command,
            actor.who
        ],
    )?;
    Ok(())
}

/// Sets `entry` (replacing what its organisation, year and source had), with
/// an audit row naming the actor.
///
/// # Errors
/// An unknown organisation, a share above 100%, an amount in part pence, a
/// database error.
pub fn set(
    tx: &Transaction<'_>,
    entry: &FundingEntry,
    actor: &Actor,
) -> Result<FundingChanged, FundingError> {
    let org = organisation_id(tx, entry.organisation.as_deref())?;
    let (pence, share) = columns(entry.funding)?;
    let old = current(tx, org, entry.year, entry.source)?;
    tx.execute(
        "DELETE FROM funding_sources WHERE ifnull(organisation_id, 0) = ifnull(?1, 0) \
         AND year = ?2 AND source = ?3",
        params![org, entry.year.to_string(), entry.source.as_str()],
    )?;
    tx.execute(
        "INSERT INTO funding_sources (organisation_id, year, source, amount_pence, share) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            org,
            entry.year.to_string(),
            entry.source.as_str(),
            pence,
            share
        ],
    )?;
    let change = FundingChanged {
        field: field(entry.year, entry.source, entry.organisation.as_deref()),
        old: old.map(|f| f.to_string()),
        new: Some(entry.funding.to_string()),
    };
    audit(tx, org, &change, actor)?;
    Ok(change)
}

/// Clears the funding of `year` for one organisation or the whole register
/// (`org`): one source, or every source when `source` is `None`. One audit
/// row per source cleared.
///
/// # Errors
/// An unknown organisation, nothing set to clear, a database error.
pub fn clear(
    tx: &Transaction<'_>,
    org: Option<&str>,
    year: FinancialYear,
    source: Option<FundingSource>,
    actor: &Actor,
) -> Result<Vec<FundingChanged>, FundingError> {
    let id = organisation_id(tx, org)?;
    let mut done = Vec::new();
    for s in FundingSource::ALL {
        if source.is_some_and(|only| only != *s) {
            continue;
        }
        let Some(old) = current(tx, id, year, *s)? else {
            continue;
        };
        tx.execute(
            "DELETE FROM funding_sources WHERE ifnull(organisation_id, 0) = ifnull(?1, 0) \
             AND year = ?2 AND source = ?3",
            params![id, year.to_string(), s.as_str()],
        )?;
        let change = FundingChanged {
            field: field(year, *s, org),
            old: Some(old.to_string()),
            new: None,
        };
        audit(tx, id, &change, actor)?;
        done.push(change);
    }
    if done.is_empty() {
        let what = match (source, org) {
            (Some(s), Some(o)) => format!("{s} in {year} for {}", o.trim().to_ascii_uppercase()),
            (Some(s), None) => format!("{s} in {year}"),
            (None, Some(o)) => format!("{year} for {}", o.trim().to_ascii_uppercase()),
            (None, None) => year.to_string(),
        };
        return Err(FundingError::NothingSet(what));
    }
    Ok(done)
}

/// Every funding entry, for one organisation (`Some(code)`), the whole
/// register's own (`Some("")` is not used), or all (`None`): ordered by
/// organisation (the whole register first), year and source.
///
/// # Errors
/// An unknown organisation, a database error.
pub fn list(conn: &Connection, org: Option<&str>) -> Result<Vec<FundingEntry>, FundingError> {
    let only = organisation_id(conn, org)?;
    let mut stmt = conn.prepare(
        "SELECT o.code, f.year, f.source, f.amount_pence, f.share \
         FROM funding_sources f LEFT JOIN organisations o ON o.organisation_id = f.organisation_id \
         WHERE ?1 IS NULL OR f.organisation_id = ?1 \
         ORDER BY ifnull(o.code, ''), f.year, f.source",
    )?;
    let rows = stmt.query_map(params![only], |r| {
        let year: String = r.get(1)?;
        let source: String = r.get(2)?;
        let bad = |e: Box<dyn std::error::Error + Send + Sync>| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e)
        };
        Ok(FundingEntry {
            organisation: r.get(0)?,
            year: year.parse().map_err(|e| bad(Box::new(e)))?,
            source: source.parse().map_err(|e| bad(Box::new(e)))?,
            funding: funding_from(r.get(3)?, r.get(4)?)?,
        })
    })?;
    let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // Stable source order (the table's), not alphabetical.
    entries.sort_by(|a, b| {
        (a.organisation.as_deref().unwrap_or(""), a.year, a.source).cmp(&(
            b.organisation.as_deref().unwrap_or(""),
            b.year,
            b.source,
        ))
    });
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    #[test]
    fn setting_again_replaces_and_clearing_removes_with_audit_rows() {
        let mut conn = db::open_in_memory().unwrap();
        let year: FinancialYear = "2026/27".parse().unwrap();
        let actor = Actor::from("estate funding set").by("alice");
        let entry = |f| FundingEntry {
            organisation: None,
            year,
            source: FundingSource::Borrowing,
            funding: f,
        };
        db::write(&mut conn, |tx| {
            set(
                tx,
                &entry(Funding::Amount(Money::from_pence(100_000))),
                &actor,
            )
        })
        .unwrap();
        let second = db::write(&mut conn, |tx| {
            set(
                tx,
                &entry(Funding::Share(Rate::from_percent(Decimal::from(60)))),
                &actor,
            )
        })
        .unwrap();
        assert_eq!(second.old.as_deref(), Some("£1,000.00"));
        let listed = list(&conn, None).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            listed[0].funding,
            Funding::Share(Rate::from_fraction(Decimal::new(6, 1)))
        );
        db::write(&mut conn, |tx| clear(tx, None, year, None, &actor)).unwrap();
        assert!(list(&conn, None).unwrap().is_empty());
        let audited: i64 = conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE field = 'funding.2026/27.borrowing' \
                 AND who = 'alice'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 3);
        let err = db::write(&mut conn, |tx| clear(tx, None, year, None, &actor)).unwrap_err();
        assert!(matches!(err, FundingError::NothingSet(_)));
    }
}

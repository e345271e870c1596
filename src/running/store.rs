//! The SQL of the running-cost forecasts: the register's distinct models,
//! in-use device counts, and the model power profiles matched from ENERGY
//! STAR lists. (An asset's own energy figure is read with the asset, into
//! the forecast's snapshot: `forecast::store::load_snapshot`.)

use std::collections::BTreeMap;

use rusqlite::{Connection, Transaction, params};

use super::energystar::{ModelMatch, RegisterModel};
use crate::db::now_timestamp;
use crate::domain::AssetClass;
use crate::forecast::power::ModelProfile;
use crate::register::Actor;

fn conversion<E: std::error::Error + Send + Sync + 'static>(col: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
}

/// A SQL count as u64 (counts are never negative).
fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn class(text: &str, col: usize) -> rusqlite::Result<AssetClass> {
    text.parse().map_err(|e| conversion(col, e))
}

/// Every manufacturer + model of live (in use or in store) assets, with
/// class and count, by manufacturer, model and class.
///
/// # Errors
/// A database error.
pub fn register_models(conn: &Connection) -> rusqlite::Result<Vec<RegisterModel>> {
    let mut stmt = conn.prepare(
        "SELECT manufacturer, model, class, count(*) FROM assets \
         WHERE status IN ('in_use', 'in_store') AND trim(coalesce(manufacturer, '')) <> '' \
         AND trim(coalesce(model, '')) <> '' \
         GROUP BY manufacturer, model, class ORDER BY manufacturer, model, class",
    )?;
    stmt.query_map([], |r| {
        Ok(RegisterModel {
            manufacturer: r.get(0)?,
            model: r.get(1)?,
            class: class(&r.get::<_, String>(2)?, 2)?,
            assets: count(r.get(3)?),
        })
    })?
    .collect()
}

/// In-use assets per (organisation code, class): what per-device licences
/// are checked against.
///
/// # Errors
/// A database error.
pub fn in_use_devices(conn: &Connection) -> rusqlite::Result<BTreeMap<(String, AssetClass), u64>> {
    let mut stmt = conn.prepare(
        "SELECT o.code, a.class, count(*) FROM assets a \
         JOIN organisations o ON o.organisation_id = a.organisation_id \
         WHERE a.status = 'in_use' GROUP BY o.code, a.class ORDER BY o.code, a.class",
    )?;
    stmt.query_map([], |r| {
        Ok((
            (r.get::<_, String>(0)?, class(&r.get::<_, String>(1)?, 1)?),
            count(r.get(2)?),
        ))
    })?
    .collect()
}

/// Stores matched model profiles, replacing any for the same manufacturer
/// and model; `when` dates the import in each figure's source. The import
/// is recorded in the audit trail as done by `actor`.
///
/// # Errors
/// A database error; the caller's transaction then rolls back.
pub fn save_model_profiles(
    tx: &Transaction<'_>,
    matched: &[ModelMatch],
    when: &str,
    actor: impl Into<Actor>,
) -> rusqlite::Result<usize> {
    let actor: Actor = actor.into();
    let now = now_timestamp();
    let mut stmt = tx.prepare(
        "INSERT OR REPLACE INTO power_model_profiles (manufacturer, model, kwh_per_year, \
         certified_model, energystar_ids, source, imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for m in matched {
        stmt.execute(params![
            m.manufacturer,
            m.model,
            m.kwh_per_year.to_string(),
            m.certified_model,
            m.energystar_ids,
            format!(
                "ENERGY STAR certified {} (id {}) in {}, imported {when}",
                m.certified_model, m.energystar_ids, m.files
            ),
            now
        ])?;
    }
    tx.execute(
        "INSERT INTO audit_log (at, entity, entity_id, action, field, new_value, command, who) \
         VALUES (?1, 'policy', 0, 'update', 'power_model_profiles', ?2, ?3, ?4)",
        params![
            now,
            format!(
                "{} model profiles matched from ENERGY STAR lists",
                matched.len()
            ),
            actor.command,
            actor.who
        ],
    )?;
    Ok(matched.len())
}

/// The model power profiles held, by manufacturer and model.
///
/// # Errors
/// A database error.
pub fn model_profiles(conn: &Connection) -> rusqlite::Result<Vec<ModelProfile>> {
    let mut stmt = conn.prepare(
        "SELECT manufacturer, model, kwh_per_year, source FROM power_model_profiles \
         ORDER BY manufacturer, model",
    )?;
    stmt.query_map([], |r| {
        Ok(ModelProfile {
            manufacturer: r.get(0)?,
            model: r.get(1)?,
            kwh_per_year: r
                .get::<_, String>(2)?
                .parse()
                .map_err(|e| conversion(2, e))?,
            source: r.get(3)?,
        })
    })?
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;
    use rust_decimal::Decimal;

    #[test]
    fn model_profiles_round_trip_and_replace() {
        let mut conn = db::open_in_memory().unwrap();
        let m = ModelMatch {
            manufacturer: "Lenovo".into(),
            model: "ThinkPad T14 Gen 1".into(),
            class: AssetClass::Laptop,
            assets: 2,
            certified_model: "Lenovo ThinkPad T14 Gen 1".into(),
            files: "computers.csv".into(),
            energystar_ids: "2357381".into(),
            products: 1,
            kwh_per_year: Decimal::new(19, 0),
        };
        for _ in 0..2 {
            db::write(&mut conn, |tx| {
                save_model_profiles(tx, std::slice::from_ref(&m), "2026-11-28", "test")
            })
            .unwrap();
        }
        let got = model_profiles(&conn).unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].kwh_per_year, Decimal::new(19, 0));
        assert!(got[0].source.contains("2357381"));
        assert!(register_models(&conn).unwrap().is_empty());
        assert!(in_use_devices(&conn).unwrap().is_empty());
    }
}

//! Stores and reads the reference data (lives, prices, power profiles,
//! settings) in the register.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{
    CarbonFactor, Defaults, Generation, LifeRule, LineCost, ModelLife, PowerProfile, Price,
    ProductSynonym, ProgrammeLine, Setting, Tariff,
};
use crate::db::now_timestamp;
use crate::domain::{AssetClass, FinancialYear, LineType, Money, Rate};
use crate::policy::running::{DeviceScope, UserScope, product_key};
use crate::register::Actor;

/// Replaces the reference tables with `defaults`, recording the reload in
/// the audit trail as done by `actor`.
///
/// # Errors
/// A database error; the caller's transaction then rolls back.
pub fn load(
    tx: &Transaction<'_>,
    defaults: &Defaults,
    actor: impl Into<Actor>,
    origin: &str,
) -> rusqlite::Result<()> {
    let actor: Actor = actor.into();
    tx.execute("DELETE FROM policy_lives", [])?;
    tx.execute("DELETE FROM price_book", [])?;
    tx.execute("DELETE FROM power_profiles", [])?;
    tx.execute("DELETE FROM settings", [])?;
    tx.execute("DELETE FROM policy_model_lives", [])?;
    tx.execute("DELETE FROM programme_lines", [])?;
    {
        let mut stmt =
            tx.prepare("INSERT INTO policy_lives (class, life_years, source) VALUES (?1, ?2, ?3)")?;
        for l in &defaults.lives {
            stmt.execute(params![l.class.as_str(), l.life_years, l.source])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO price_book (class, manufacturer, model, unit_cost_pence, source) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for p in &defaults.prices {
            let pence = p
                .unit_cost
                .to_pence()
                .expect("invariant: prices are whole pence (parsed so)");
            stmt.execute(params![
                p.class.as_str(),
                p.manufacturer,
                p.model,
                pence,
                p.source
            ])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO power_profiles (class, generation, kwh_per_year, watts, hours_per_year, source) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for p in &defaults.power_profiles {
            stmt.execute(params![
                p.class.as_str(),
                p.generation.as_str(),
                p.kwh_per_year.map(|d| d.to_string()),
                p.watts.map(|d| d.to_string()),
                p.hours_per_year,
                p.source
            ])?;
        }
        let mut stmt =
            tx.prepare("INSERT INTO settings (key, value, source) VALUES (?1, ?2, ?3)")?;
        for s in &defaults.settings {
            stmt.execute(params![s.key, s.value, s.source])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO policy_model_lives (manufacturer, model, life_years, source) \
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for m in &defaults.model_lives {
            stmt.execute(params![m.manufacturer, m.model, m.life_years, m.source])?;
        }
        let mut stmt = tx.prepare(
            "INSERT INTO programme_lines (class, line, line_order, source) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for l in &defaults.programme_lines {
            stmt.execute(params![l.class.as_str(), l.line, l.order, l.source])?;
        }
    }
    load_running_costs(tx, defaults)?;
    tx.execute(
        "INSERT INTO audit_log (at, entity, entity_id, action, field, new_value, command, who) \
         VALUES (?1, 'policy', 0, 'update', 'defaults', ?2, ?3, ?4)",
        params![
            now_timestamp(),
            format!("loaded from {origin}"),
            actor.command,
            actor.who
        ],
    )?;
    Ok(())
}

/// Reads the reference data held in the register.
///
/// # Errors
/// A database error, or a stored value that no longer parses (reported as
/// a conversion failure naming the column).
pub fn read(conn: &Connection) -> rusqlite::Result<Defaults> {
    let class = |s: String, col: usize| {
        s.parse::<AssetClass>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    let mut stmt =
        conn.prepare("SELECT class, life_years, source FROM policy_lives ORDER BY class")?;
    let lives = stmt
        .query_map([], |r| {
            Ok(LifeRule {
                class: class(r.get(0)?, 0)?,
                life_years: r.get(1)?,
                source: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT class, manufacturer, model, unit_cost_pence, source FROM price_book \
         ORDER BY class, manufacturer, model",
    )?;
    let prices = stmt
        .query_map([], |r| {
            Ok(Price {
                class: class(r.get(0)?, 0)?,
                manufacturer: r.get(1)?,
                model: r.get(2)?,
                unit_cost: Money::from_pence(r.get(3)?),
                source: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT class, generation, kwh_per_year, watts, hours_per_year, source FROM power_profiles \
         ORDER BY class, generation",
    )?;
    let decimal =
        |v: Option<String>, col: usize| -> rusqlite::Result<Option<rust_decimal::Decimal>> {
            v.map(|s| {
                s.parse().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        col,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })
            })
            .transpose()
        };
    let power_profiles = stmt
        .query_map([], |r| {
            let generation: String = r.get(1)?;
            Ok(PowerProfile {
                class: class(r.get(0)?, 0)?,
                generation: if generation == "current" {
                    Generation::Current
                } else {
                    Generation::Legacy
                },
                kwh_per_year: decimal(r.get(2)?, 2)?,
                watts: decimal(r.get(3)?, 3)?,
                hours_per_year: r.get(4)?,
                source: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare("SELECT key, value, source FROM settings ORDER BY key")?;
    let settings = stmt
        .query_map([], |r| {
            Ok(Setting {
                key: r.get(0)?,
                value: r.get(1)?,
                source: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT manufacturer, model, life_years, source FROM policy_model_lives \
         ORDER BY manufacturer, model",
    )?;
    let model_lives = stmt
        .query_map([], |r| {
            Ok(ModelLife {
                manufacturer: r.get(0)?,
                model: r.get(1)?,
                life_years: r.get(2)?,
                source: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt =
        conn.prepare("SELECT class, line, line_order, source FROM programme_lines ORDER BY class")?;
    let programme_lines = stmt
        .query_map([], |r| {
            Ok(ProgrammeLine {
                class: class(r.get(0)?, 0)?,
                line: r.get(1)?,
                order: r.get(2)?,
                source: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut defaults = Defaults {
        lives,
        prices,
        power_profiles,
        settings,
        model_lives,
        programme_lines,
        tariffs: Vec::new(),
        carbon_factors: Vec::new(),
        line_costs: Vec::new(),
        product_synonyms: Vec::new(),
    };
    read_running_costs(conn, &mut defaults)?;
    Ok(defaults)
}

/// Replaces the running-cost reference tables (tariffs, carbon factors,
/// line costs, product synonyms). Model power profiles are register data
/// imported from ENERGY STAR lists and are left alone.
fn load_running_costs(tx: &Transaction<'_>, defaults: &Defaults) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM power_tariffs", [])?;
    tx.execute("DELETE FROM carbon_factors", [])?;
    tx.execute("DELETE FROM line_costs", [])?;
    tx.execute("DELETE FROM product_synonyms", [])?;
    let mut stmt =
        tx.prepare("INSERT INTO power_tariffs (year, gbp_per_kwh, source) VALUES (?1, ?2, ?3)")?;
    for t in &defaults.tariffs {
        stmt.execute(params![
            t.year.to_string(),
            t.gbp_per_kwh.amount().to_string(),
            t.source
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO carbon_factors (edition, generation, transmission_distribution, source) \
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for f in &defaults.carbon_factors {
        stmt.execute(params![
            f.edition,
            f.generation.to_string(),
            f.transmission_distribution.to_string(),
            f.source
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO line_costs (line_type, switch_off, migrate_to, migration_cost_pence, source) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in &defaults.line_costs {
        stmt.execute(params![
            c.line_type.as_str(),
            c.switch_off,
            c.migrate_to.map(LineType::as_str),
            c.migration_cost
                .to_pence()
                .expect("invariant: migration costs are whole pence (parsed so)"),
            c.source
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO product_synonyms (alias_key, alias, product, category, per_user, \
         per_device, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for s in &defaults.product_synonyms {
        stmt.execute(params![
            product_key(&s.alias),
            s.alias,
            s.product,
            s.category,
            s.per_user.as_str(),
            s.per_device.as_ref().map(DeviceScope::to_text),
            s.source
        ])?;
    }
    Ok(())
}

fn conversion<E: std::error::Error + Send + Sync + 'static>(col: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
}

/// Reads the running-cost reference tables into `defaults`.
fn read_running_costs(conn: &Connection, defaults: &mut Defaults) -> rusqlite::Result<()> {
    let decimal = |text: String, col: usize| -> rusqlite::Result<rust_decimal::Decimal> {
        text.parse().map_err(|e| conversion(col, e))
    };
    let mut stmt =
        conn.prepare("SELECT year, gbp_per_kwh, source FROM power_tariffs ORDER BY year")?;
    defaults.tariffs = stmt
        .query_map([], |r| {
            Ok(Tariff {
                year: r
                    .get::<_, String>(0)?
                    .parse::<FinancialYear>()
                    .map_err(|e| conversion(0, e))?,
                gbp_per_kwh: Money::from_decimal(decimal(r.get(1)?, 1)?),
                source: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT edition, generation, transmission_distribution, source FROM carbon_factors \
         ORDER BY edition",
    )?;
    defaults.carbon_factors = stmt
        .query_map([], |r| {
            Ok(CarbonFactor {
                edition: r.get(0)?,
                generation: decimal(r.get(1)?, 1)?,
                transmission_distribution: decimal(r.get(2)?, 2)?,
                source: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let line_type = |text: String, col: usize| -> rusqlite::Result<LineType> {
        text.parse().map_err(|e| conversion(col, e))
    };
    let mut stmt = conn.prepare(
        "SELECT line_type, switch_off, migrate_to, migration_cost_pence, source FROM line_costs \
         ORDER BY line_type",
    )?;
    defaults.line_costs = stmt
        .query_map([], |r| {
            Ok(LineCost {
                line_type: line_type(r.get(0)?, 0)?,
                switch_off: r.get(1)?,
                migrate_to: r
                    .get::<_, Option<String>>(2)?
                    .map(|t| line_type(t, 2))
                    .transpose()?,
                migration_cost: Money::from_pence(r.get(3)?),
                source: r.get(4)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut stmt = conn.prepare(
        "SELECT alias, product, category, per_user, per_device, source FROM product_synonyms \
         ORDER BY alias_key",
    )?;
    defaults.product_synonyms = stmt
        .query_map([], |r| {
            let per_user: String = r.get(3)?;
            Ok(ProductSynonym {
                alias: r.get(0)?,
                product: r.get(1)?,
                category: r.get(2)?,
                per_user: if per_user == "named_users" {
                    UserScope::NamedUsers
                } else {
                    UserScope::AllStaff
                },
                per_device: r
                    .get::<_, Option<String>>(4)?
                    .map(|t| {
                        DeviceScope::parse(&t).map_err(|e| {
                            conversion(4, std::io::Error::new(std::io::ErrorKind::InvalidData, e))
                        })
                    })
                    .transpose()?,
                source: r.get(5)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(())
}

/// One change to the policy, as `estate policy set` makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyChange {
    /// A class's replacement life.
    Life {
        /// The class.
        class: AssetClass,
        /// Years (1-50).
        years: u32,
    },
    /// A model's replacement life.
    ModelLife {
        /// Manufacturer.
        manufacturer: String,
        /// Model.
        model: String,
        /// Years (1-50).
        years: u32,
    },
    /// A unit price for a class, or for one model of it.
    Price {
        /// The class.
        class: AssetClass,
        /// Manufacturer ("" for the class price).
        manufacturer: String,
        /// Model ("" for the class price).
        model: String,
        /// Unit cost ex VAT at the price base.
        amount: Money,
    },
    /// The annual inflation rate.
    Inflation(Rate),
    /// The financial year the price book is quoted at.
    PriceBase(FinancialYear),
    /// The capitalisation de minimis (0 = off), per item or, grouped, per
    /// class per year.
    CapitalThreshold {
        /// The threshold, ex VAT.
        amount: Money,
        /// A year's replacements of one class are one scheme.
        grouped: bool,
    },
    /// The yearly rise of recurring licence prices.
    LicenceUplift(Rate),
    /// The interest rate on the programme's borrowing, with where it comes
    /// from (e.g. "PWLB certainty rate, 25-year maturity, 2 Feb 2027").
    BorrowingRate {
        /// The yearly rate.
        rate: Rate,
        /// Its source, in words.
        source: Option<String>,
    },
}

/// What a policy change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyChanged {
    /// The setting, e.g. `life.desktop`.
    pub field: String,
    /// Its value before, if it had one.
    pub old: Option<String>,
    /// Its value now.
    pub new: String,
}

/// Why a policy change was refused.
#[derive(Debug, thiserror::Error)]
pub enum PolicySetError {
    /// The value breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// A database failure.
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl From<rusqlite::Error> for PolicySetError {
    fn from(e: rusqlite::Error) -> Self {
        PolicySetError::Db(e.into())
    }
}

fn check_life(years: u32) -> Result<(), PolicySetError> {
    crate::domain::rules::life_years(years)
        .map(|_| ())
        .map_err(|e| PolicySetError::Invalid(e.0))
}

fn upsert_setting(
    tx: &Transaction<'_>,
    key: &str,
    value: &str,
    source: &str,
) -> rusqlite::Result<Option<String>> {
    let old: Option<String> = tx
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    tx.execute(
        "INSERT INTO settings (key, value, source) VALUES (?1, ?2, ?3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, source = excluded.source",
        params![key, value, source],
    )?;
    Ok(old)
}

/// Makes one change to the policy in the caller's transaction, with an
/// audit row (entity `policy`) naming the actor's command and who ran it. The new figure's source
/// says it was set by that command.
///
/// # Errors
/// A value that breaks a rule (a life outside 1-50 years, a negative or
/// fractional-penny price), or a database error.
pub fn set(
    tx: &Transaction<'_>,
    change: &PolicyChange,
    actor: impl Into<Actor>,
) -> Result<PolicyChanged, PolicySetError> {
    let actor: Actor = actor.into();
    let command = &actor.command;
    let source = format!("set with `{command}` on {}", &now_timestamp()[..10]);
    let (field, old, new) = match change {
        PolicyChange::Life { class, years } => {
            check_life(*years)?;
            let old: Option<u32> = tx
                .query_row(
                    "SELECT life_years FROM policy_lives WHERE class = ?1",
                    [class.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "INSERT INTO policy_lives (class, life_years, source) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (class) DO UPDATE SET life_years = excluded.life_years, \
                 source = excluded.source",
                params![class.as_str(), years, source],
            )?;
            (
                format!("life.{class}"),
                old.map(|y| y.to_string()),
                years.to_string(),
            )
        }
        PolicyChange::ModelLife {
            manufacturer,
            model,
            years,
        } => {
            check_life(*years)?;
            let (manufacturer, model) = (manufacturer.trim(), model.trim());
            if manufacturer.is_empty() || model.is_empty() {
                return Err(PolicySetError::Invalid(
                    "a model life needs both a manufacturer and a model".into(),
                ));
            }
            let old: Option<u32> = tx
                .query_row(
                    "SELECT life_years FROM policy_model_lives WHERE manufacturer = ?1 \
                     AND model = ?2",
                    [manufacturer, model],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "INSERT INTO policy_model_lives (manufacturer, model, life_years, source) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT (manufacturer, model) DO UPDATE SET \
                 life_years = excluded.life_years, source = excluded.source",
                params![manufacturer, model, years, source],
            )?;
            (
                format!("life.{manufacturer} {model}"),
                old.map(|y| y.to_string()),
                years.to_string(),
            )
        }
        PolicyChange::Price {
            class,
            manufacturer,
            model,
            amount,
        } => {
            let pence = amount.to_pence().filter(|p| *p >= 0).ok_or_else(|| {
                PolicySetError::Invalid(format!(
                    "a price must be a whole number of pence, 0 or more, not {amount}"
                ))
            })?;
            let (manufacturer, model) = (manufacturer.trim(), model.trim());
            let old: Option<i64> = tx
                .query_row(
                    "SELECT unit_cost_pence FROM price_book WHERE class = ?1 \
                     AND manufacturer = ?2 AND model = ?3",
                    params![class.as_str(), manufacturer, model],
                    |r| r.get(0),
                )
                .optional()?;
            tx.execute(
                "INSERT INTO price_book (class, manufacturer, model, unit_cost_pence, source) \
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (class, manufacturer, model) DO UPDATE \
                 SET unit_cost_pence = excluded.unit_cost_pence, source = excluded.source",
                params![class.as_str(), manufacturer, model, pence, source],
            )?;
            let field = if manufacturer.is_empty() && model.is_empty() {
                format!("price.{class}")
            } else {
                format!("price.{class}.{manufacturer} {model}")
            };
            let money = |p: i64| crate::register::money_text(Money::from_pence(p));
            (field, old.map(money), money(pence))
        }
        PolicyChange::Inflation(rate) => {
            if rate.fraction() <= -rust_decimal::Decimal::ONE {
                return Err(PolicySetError::Invalid(format!(
                    "an inflation rate of {rate} is not possible (it must be above -100%)"
                )));
            }
            let new = rate.to_string();
            let old = upsert_setting(tx, "inflation", &new, &source)?;
            ("inflation".to_string(), old, new)
        }
        PolicyChange::PriceBase(year) => {
            let new = year.to_string();
            let old = upsert_setting(tx, "price_base", &new, &source)?;
            ("price_base".to_string(), old, new)
        }
        PolicyChange::LicenceUplift(rate) => {
            if rate.fraction() <= -rust_decimal::Decimal::ONE {
                return Err(PolicySetError::Invalid(format!(
                    "a licence price uplift of {rate} is not possible (it must be above -100%)"
                )));
            }
            let new = rate.to_string();
            let old = upsert_setting(tx, "licence_price_uplift", &new, &source)?;
            ("licence_price_uplift".to_string(), old, new)
        }
        PolicyChange::BorrowingRate {
            rate,
            source: given,
        } => {
            if rate.fraction().is_sign_negative() || rate.fraction() >= rust_decimal::Decimal::ONE {
                return Err(PolicySetError::Invalid(format!(
                    "a borrowing rate of {rate} is not likely: give a yearly rate from 0% to below \
                     100%, e.g. 5.2%"
                )));
            }
            let new = rate.to_string();
            let source = match given.as_deref().map(str::trim) {
                Some(text) if !text.is_empty() => {
                    format!("{text} (set on {})", &now_timestamp()[..10])
                }
                _ => source.clone(),
            };
            let old = upsert_setting(tx, "borrowing_rate", &new, &source)?;
            (
                "borrowing_rate".to_string(),
                old.filter(|o| !o.is_empty()),
                new,
            )
        }
        PolicyChange::CapitalThreshold { amount, grouped } => {
            let pence = amount.to_pence().filter(|p| *p >= 0).ok_or_else(|| {
                PolicySetError::Invalid(format!(
                    "a capital threshold must be a whole number of pence, 0 or more, not {amount}"
                ))
            })?;
            let value = crate::register::money_text(Money::from_pence(pence));
            let grouping = if *grouped { "yes" } else { "no" };
            let old_value = upsert_setting(tx, "capital_threshold", &value, &source)?;
            let old_grouping = upsert_setting(tx, "capital_threshold_grouped", grouping, &source)?;
            (
                "capital_threshold".to_string(),
                old_value
                    .map(|v| format!("{v} grouped {}", old_grouping.as_deref().unwrap_or("no"))),
                format!("{value} grouped {grouping}"),
            )
        }
    };
    tx.execute(
        "INSERT INTO audit_log (at, entity, entity_id, action, field, old_value, new_value, \
         command, who) VALUES (?1, 'policy', 0, 'update', ?2, ?3, ?4, ?5, ?6)",
        params![now_timestamp(), field, old, new, command, actor.who],
    )?;
    Ok(PolicyChanged { field, old, new })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;

    #[test]
    fn defaults_round_trip_through_the_register() {
        let mut conn = db::open_in_memory().unwrap();
        let defaults = Defaults::builtin();
        db::write(&mut conn, |tx| load(tx, &defaults, "test", "builtin")).unwrap();
        let back = read(&conn).unwrap();
        assert_eq!(back.lives.len(), 12);
        assert_eq!(back.prices.len(), defaults.prices.len());
        assert_eq!(back.power_profiles.len(), defaults.power_profiles.len());
        assert_eq!(back.settings.len(), defaults.settings.len());
        let desktop = back
            .lives
            .iter()
            .find(|l| l.class == AssetClass::Desktop)
            .unwrap();
        assert_eq!(desktop.life_years, 5);
        assert_eq!(back.tariffs, defaults.tariffs);
        assert_eq!(back.carbon_factors, defaults.carbon_factors);
        assert_eq!(back.line_costs.len(), defaults.line_costs.len());
        assert_eq!(back.product_synonyms.len(), defaults.product_synonyms.len());
        // Loading again replaces rather than duplicates.
        db::write(&mut conn, |tx| load(tx, &defaults, "test", "builtin")).unwrap();
        assert_eq!(read(&conn).unwrap().lives.len(), 12);
        assert_eq!(back.programme_lines.len(), 12);
    }

    #[test]
    fn each_policy_change_is_one_audited_write() {
        let mut conn = db::open_in_memory().unwrap();
        db::write(&mut conn, |tx| {
            load(tx, &Defaults::builtin(), "init", "builtin")
        })
        .unwrap();
        let changes = [
            PolicyChange::Life {
                class: AssetClass::Desktop,
                years: 6,
            },
            PolicyChange::ModelLife {
                manufacturer: "Dell".into(),
                model: "OptiPlex 7010".into(),
                years: 7,
            },
            PolicyChange::Price {
                class: AssetClass::Laptop,
                manufacturer: String::new(),
                model: String::new(),
                amount: Money::from_pence(90_000),
            },
            PolicyChange::Price {
                class: AssetClass::Laptop,
                manufacturer: "Lenovo".into(),
                model: "ThinkPad T14".into(),
                amount: Money::from_pence(112_500),
            },
            PolicyChange::Inflation("3.5%".parse().unwrap()),
            PolicyChange::PriceBase("2027/28".parse().unwrap()),
        ];
        let mut done = Vec::new();
        for c in &changes {
            done.push(db::write(&mut conn, |tx| set(tx, c, "estate policy set")).unwrap());
        }
        let fields: Vec<(&str, Option<&str>, &str)> = done
            .iter()
            .map(|c| (c.field.as_str(), c.old.as_deref(), c.new.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("life.desktop", Some("5"), "6"),
                ("life.Dell OptiPlex 7010", None, "7"),
                ("price.laptop", Some("850.00"), "900.00"),
                ("price.laptop.Lenovo ThinkPad T14", None, "1125.00"),
                ("inflation", Some("2.0%"), "3.5%"),
                ("price_base", Some("2026/27"), "2027/28"),
            ]
        );
        let d = read(&conn).unwrap();
        assert_eq!(
            d.lives
                .iter()
                .find(|l| l.class == AssetClass::Desktop)
                .unwrap()
                .life_years,
            6
        );
        assert_eq!(d.model_lives.len(), 1);
        assert_eq!(d.prices.len(), Defaults::builtin().prices.len() + 1);
        let audited: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'policy' AND command = 'estate policy set'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(audited, 6);
        let err = db::write(&mut conn, |tx| {
            set(
                tx,
                &PolicyChange::Life {
                    class: AssetClass::Server,
                    years: 0,
                },
                "x",
            )
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "a life must be 1 to 50 years, not 0");
    }
}

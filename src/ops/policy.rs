//! The replacement policy, price book, power profiles and settings as use
//! cases: create a register with the defaults, show, change one figure,
//! reload the defaults.

use std::path::Path;
use std::time::Duration;

use crate::domain::rules;
use crate::error::{Context, Result};
use crate::policy::store::{PolicyChange, PolicyChanged};
use crate::policy::{self, Defaults};
use crate::register::Actor;

use super::Register;
use super::forecast::Slips;

/// The defaults from the data folder `dir`, or the built-in copy; with a
/// description of where from.
///
/// # Errors
/// A file in `dir` is missing or wrong.
pub fn defaults(dir: Option<&Path>) -> Result<(Defaults, String)> {
    match dir {
        Some(dir) => Ok((Defaults::from_dir(dir)?, dir.display().to_string())),
        None => Ok((Defaults::builtin(), "the built-in data/".to_string())),
    }
}

/// Creates a new register at `path` and loads `defaults` (from `origin`).
///
/// # Errors
/// A file is there already, or cannot be created.
pub fn init(
    path: &Path,
    busy_timeout: Duration,
    (defaults, origin): (&Defaults, &str),
    actor: &Actor,
) -> Result<Register> {
    let mut register = Register::create(path, busy_timeout)?;
    load(&mut register, (defaults, origin), actor)?;
    Ok(register)
}

/// Replaces the register's policy with `defaults` (from `origin`).
///
/// # Errors
/// A busy register.
pub fn load(
    register: &mut Register,
    (defaults, origin): (&Defaults, &str),
    actor: &Actor,
) -> Result<()> {
    register
        .write(|tx| policy::store::load(tx, defaults, actor, origin))
        .context("failed to load the defaults")
}

/// The policy as the register holds it.
///
/// # Errors
/// The register cannot be read.
pub fn show(register: &Register) -> Result<Defaults> {
    Ok(policy::store::read(register.reader())?)
}

/// Refuses a policy figure that is almost certainly a slip unless slips
/// are taken.
///
/// # Errors
/// As said.
pub fn check_likely(change: &PolicyChange, today: time::Date, slips: Slips) -> Result<()> {
    match change {
        PolicyChange::Price { class, amount, .. } => {
            slips.check(rules::likely_cost(&format!("a {class} price"), *amount))
        }
        PolicyChange::Inflation(rate) | PolicyChange::LicenceUplift(rate) => {
            slips.check(rules::likely_inflation(*rate))
        }
        PolicyChange::CapitalThreshold { amount, .. } => {
            slips.check(rules::likely_cost("a capital threshold", *amount))
        }
        PolicyChange::PriceBase(year) => slips.check(rules::likely_price_base(*year, today)),
        _ => Ok(()),
    }
}

/// Changes one figure of the policy.
///
/// # Errors
/// A value the rules refuse, a likely slip (unless taken), a busy register.
pub fn set(
    register: &mut Register,
    change: &PolicyChange,
    (today, slips): (time::Date, Slips),
    actor: &Actor,
) -> Result<PolicyChanged> {
    check_likely(change, today, slips)?;
    register
        .write(|tx| policy::store::set(tx, change, actor.clone()))
        .context("failed to change the policy")
}

/// Creates the sample register at `path` (marked as a sample, so `estate
/// demo` may rebuild it): the built-in policy, the two councils of the
/// sample estate and their shared ICT service (40% / 60%), in one write.
///
/// # Errors
/// A file is there already, or cannot be created.
pub fn create_sample(path: &Path, busy_timeout: Duration, actor: &Actor) -> Result<()> {
    use crate::register::store;
    use rust_decimal::Decimal;
    let mut register = Register::create(path, busy_timeout)?;
    crate::db::mark_sample(register.reader())?;
    let defaults = Defaults::builtin();
    register
        .write(|tx| -> Result<()> {
            policy::store::load(tx, &defaults, actor, "the built-in data/")?;
            let councils = [
                ("AVN", "Avonmere District Council", false, Some(640)),
                ("BRK", "Brookfield Borough Council", false, Some(910)),
                (
                    "ABS",
                    "Avonmere & Brookfield Shared ICT Service",
                    true,
                    None,
                ),
            ];
            for (code, name, shared, staff) in councils {
                store::add_organisation(tx, code, name, shared, staff, actor)?;
            }
            let org = |code: &str| store::resolve_organisation(tx, Some(code));
            let members = vec![
                (org("AVN")?, Decimal::new(4, 1)),
                (org("BRK")?, Decimal::new(6, 1)),
            ];
            store::set_shares(tx, &org("ABS")?, &members, actor)?;
            Ok(())
        })
        .context("failed to build the sample register")
}

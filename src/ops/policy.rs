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
        PolicyChange::Inflation(rate) => slips.check(rules::likely_inflation(*rate)),
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

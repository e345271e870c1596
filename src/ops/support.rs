//! `estate support`'s use case: what leaves security support in each year
//! of a horizon, read from the register and its end-of-support rules.

use crate::Result;
use crate::forecast::support::{self, Leaving};
use crate::forecast::{Horizon, store};
use crate::ops::Register;

/// Live assets of the register (of organisation `org` when given, by its
/// code) whose last supported day falls in `horizon` (or before it: listed
/// in its first year), by year, day, organisation and tag.
///
/// # Errors
/// The organisation is unknown, or the register cannot be read.
pub fn leaving(register: &Register, horizon: Horizon, org: Option<&str>) -> Result<Vec<Leaving>> {
    let org = super::forecast::organisation(register, org)?;
    let conn = register.reader();
    let snapshot = store::load_snapshot(conn, org.as_deref())?;
    let assumptions = store::load_assumptions(conn)?;
    Ok(support::leaving_support(
        &snapshot,
        &assumptions.support,
        horizon,
    ))
}

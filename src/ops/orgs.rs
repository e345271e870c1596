//! Organisations, sites and departments as use cases.

use crate::domain::Rate;
use crate::error::{Context, Error, ErrorKind, Result};
use crate::register::store::{self, PlaceKind};
use crate::register::{Actor, Organisation, Place, Share};

use super::Register;

/// The organisations, with the shares of the shared services.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Organisations {
    /// Every organisation, by code.
    pub organisations: Vec<Organisation>,
    /// Each shared service's members and their shares.
    pub shares: Vec<Share>,
}

/// The organisations and the shared services' shares.
///
/// # Errors
/// The register cannot be read.
pub fn organisations(register: &Register) -> Result<Organisations> {
    Ok(Organisations {
        organisations: store::list_organisations(register.reader())?,
        shares: store::list_shares(register.reader())?,
    })
}

/// A new organisation.
#[derive(Debug, Clone, Default)]
pub struct AddOrganisation {
    /// Its code (made upper case).
    pub code: String,
    /// Its name.
    pub name: String,
    /// True for a shared service, whose costs are shared among members.
    pub shared: bool,
    /// Its staff count.
    pub staff: Option<u32>,
}

/// Adds an organisation; returns its code as held.
///
/// # Errors
/// A bad or taken code, a busy register.
pub fn add_organisation(
    register: &mut Register,
    request: &AddOrganisation,
    actor: &Actor,
) -> Result<String> {
    let code = request.code.trim().to_ascii_uppercase();
    register
        .write(|tx| {
            store::add_organisation(
                tx,
                &code,
                &request.name,
                request.shared,
                request.staff,
                actor,
            )
        })
        .with_context(|| format!("failed to add organisation {code}"))?;
    Ok(code)
}

/// Sets a shared service's members and their shares; returns the shared
/// service's code.
///
/// # Errors
/// No such organisation, not a shared service, shares that do not make a
/// whole, a busy register.
pub fn set_shares(
    register: &mut Register,
    shared: &str,
    members: &[(String, Rate)],
    actor: &Actor,
) -> Result<String> {
    let conn = register.reader();
    let shared_org = store::resolve_organisation(conn, Some(shared))?;
    let mut parsed = Vec::with_capacity(members.len());
    for (code, rate) in members {
        parsed.push((
            store::resolve_organisation(conn, Some(code))?,
            rate.fraction(),
        ));
    }
    register
        .write(|tx| store::set_shares(tx, &shared_org, &parsed, actor))
        .with_context(|| format!("failed to set the shares of {}", shared_org.code))?;
    Ok(shared_org.code)
}

/// Sets an organisation's staff count; returns its code.
///
/// # Errors
/// No such organisation, a busy register.
pub fn set_staff(register: &mut Register, code: &str, count: u32, actor: &Actor) -> Result<String> {
    let org = store::resolve_organisation(register.reader(), Some(code))?;
    register.write(|tx| store::set_staff_count(tx, &org, Some(count), actor))?;
    Ok(org.code)
}

/// The word for a kind of place, as messages say it.
pub fn place_word(kind: PlaceKind) -> &'static str {
    match kind {
        PlaceKind::Site => "site",
        PlaceKind::Department => "department",
    }
}

/// Sites or departments (one organisation's, or all).
///
/// # Errors
/// No such organisation.
pub fn places(register: &Register, kind: PlaceKind, org: Option<&str>) -> Result<Vec<Place>> {
    let conn = register.reader();
    let org = match org {
        Some(code) => Some(store::resolve_organisation(conn, Some(code))?.id),
        None => None,
    };
    Ok(store::list_places(conn, kind, org)?)
}

/// A new site or department.
#[derive(Debug, Clone)]
pub struct AddPlace {
    /// Site or department.
    pub kind: PlaceKind,
    /// The organisation's code (`None`: the register's only one).
    pub organisation: Option<String>,
    /// Its name.
    pub name: String,
    /// A department's cost-centre code.
    pub cost_centre: Option<String>,
}

/// Adds a site or department; returns the organisation's code.
///
/// # Errors
/// A cost centre for a site, no such organisation, a name already taken, a
/// busy register.
pub fn add_place(register: &mut Register, request: &AddPlace, actor: &Actor) -> Result<String> {
    let what = place_word(request.kind);
    if request.kind == PlaceKind::Site && request.cost_centre.is_some() {
        return Err(Error::new(
            ErrorKind::Invalid,
            "--cost-centre belongs to departments, not sites",
        ));
    }
    let org = store::resolve_organisation(register.reader(), request.organisation.as_deref())?;
    register
        .write(|tx| {
            store::add_place(
                tx,
                request.kind,
                &org,
                &request.name,
                request.cost_centre.as_deref(),
                actor,
            )
        })
        .with_context(|| format!("failed to add {what} {}", request.name.trim()))?;
    Ok(org.code)
}

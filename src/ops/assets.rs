//! Register edits as use cases: add, update, dispose (and its reversal),
//! list and show hardware assets.

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use crate::domain::{AssetClass, AssetStatus, ClassSynonyms, Funding, Money, iso};
use crate::error::{Context, Error, ErrorKind, Result};
use crate::register::store::{self, DisposalReversed, Entity};
use crate::register::{Actor, Asset, AssetFields, AssetFilter, AuditEntry, Disposal, FieldChange};

use super::Register;
use super::forecast::Slips;

/// The class a word names: a class, or a supplier's word for one
/// (Notebook, MFP).
///
/// # Errors
/// The word names no class.
pub fn class(word: &str) -> Result<AssetClass> {
    Ok(ClassSynonyms::builtin().parse_class(word)?)
}

/// What a use case checks a change against: today (no dates in the
/// future) and whether likely slips are taken.
#[derive(Debug, Clone, Copy)]
pub struct Checks {
    /// Today.
    pub today: Date,
    /// Refuse or take likely slips (`--force`).
    pub slips: Slips,
}

/// Fields to set on an asset: each `Some` is set (a blank text clears it).
#[derive(Debug, Clone, Default)]
#[allow(missing_docs, reason = "each is the asset field of the same name")]
pub struct AssetChanges {
    pub serial: Option<String>,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub site: Option<String>,
    pub department: Option<String>,
    pub user: Option<String>,
    pub purchase_date: Option<Date>,
    pub cost: Option<Money>,
    pub supplier: Option<String>,
    pub order_ref: Option<String>,
    pub warranty_end: Option<Date>,
    pub funding: Option<Funding>,
    pub lease_end: Option<Date>,
    pub status: Option<AssetStatus>,
    pub life: Option<u32>,
    pub power_watts: Option<Decimal>,
    pub power_hours: Option<u32>,
    pub power_kwh: Option<Decimal>,
    pub notes: Option<String>,
    pub os: Option<String>,
    pub os_version: Option<String>,
    pub firmware: Option<String>,
    pub support_end: Option<Date>,
}

impl AssetChanges {
    /// Sets these changes on `f`.
    pub fn apply(&self, f: &mut AssetFields) {
        let set = |slot: &mut Option<String>, v: &Option<String>| {
            if let Some(v) = v {
                *slot = Some(v.trim().to_string()).filter(|s| !s.is_empty());
            }
        };
        set(&mut f.serial, &self.serial);
        set(&mut f.manufacturer, &self.manufacturer);
        set(&mut f.model, &self.model);
        set(&mut f.site, &self.site);
        set(&mut f.department, &self.department);
        set(&mut f.assigned_user, &self.user);
        set(&mut f.supplier, &self.supplier);
        set(&mut f.order_ref, &self.order_ref);
        set(&mut f.notes, &self.notes);
        set(&mut f.os, &self.os);
        set(&mut f.os_version, &self.os_version);
        set(&mut f.firmware, &self.firmware);
        let keep = |slot: &mut Option<_>, v: Option<_>| {
            if v.is_some() {
                *slot = v;
            }
        };
        keep(&mut f.in_service_date, self.purchase_date);
        keep(&mut f.warranty_end, self.warranty_end);
        keep(&mut f.lease_end, self.lease_end);
        keep(&mut f.support_end, self.support_end);
        if self.cost.is_some() {
            f.purchase_cost = self.cost;
        }
        if let Some(funding) = self.funding {
            f.funding = funding;
        }
        if let Some(status) = self.status {
            f.status = status;
        }
        if self.life.is_some() {
            f.life_years = self.life;
        }
        if self.power_watts.is_some() {
            f.power_watts = self.power_watts;
        }
        if self.power_hours.is_some() {
            f.power_hours_per_year = self.power_hours;
        }
        if self.power_kwh.is_some() {
            f.power_kwh_per_year = self.power_kwh;
        }
    }
}

/// A new asset.
#[derive(Debug, Clone)]
pub struct AddAsset {
    /// The organisation's code (`None`: the register's only one).
    pub organisation: Option<String>,
    /// The class.
    pub class: AssetClass,
    /// The asset tag.
    pub tag: String,
    /// Its other fields.
    pub fields: AssetChanges,
}

/// Adds an asset and returns it as the register holds it.
///
/// # Errors
/// A date in the future or before 1980, a likely slip of a cost, a tag or
/// serial already held, no such organisation or site, a busy register.
pub fn add(
    register: &mut Register,
    request: &AddAsset,
    checks: Checks,
    actor: &Actor,
) -> Result<Asset> {
    let mut fields = AssetFields::new(request.tag.trim(), request.class);
    request.fields.apply(&mut fields);
    check_dates(checks.today, &fields)?;
    check_cost(checks.slips, request.fields.cost, &fields)?;
    let org = store::resolve_organisation(register.reader(), request.organisation.as_deref())?;
    let id = register
        .write(|tx| store::insert_asset(tx, &org, &fields, false, actor))
        .with_context(|| format!("failed to add asset {}", fields.asset_tag))?;
    Ok(store::asset_by_id(register.reader(), id)?)
}

/// Refuses a cost given that is almost certainly a slip (over
/// £10,000,000) unless slips are taken, as import does.
fn check_cost(slips: Slips, given: Option<Money>, f: &AssetFields) -> Result<()> {
    match given {
        Some(cost) => slips.check(crate::domain::rules::likely_cost(
            &format!("asset {}: a cost", f.asset_tag),
            cost,
        )),
        None => Ok(()),
    }
}

/// Refuses in-service dates in the future or before 1980, by the rule
/// import keeps (`domain::rules::in_service_date`).
fn check_dates(today: Date, f: &AssetFields) -> Result<()> {
    if let Some(d) = f.in_service_date {
        crate::domain::rules::in_service_date(d, today).map_err(|e| {
            Error::new(
                ErrorKind::Invalid,
                format!("asset {}: the purchase date {e}", f.asset_tag),
            )
        })?;
    }
    Ok(())
}

/// Assets by organisation, class, site and status.
///
/// # Errors
/// No such organisation.
pub fn list(register: &Register, filter: &AssetFilter) -> Result<Vec<Asset>> {
    let conn = register.reader();
    let mut filter = filter.clone();
    if let Some(code) = &filter.organisation {
        filter.organisation = Some(store::resolve_organisation(conn, Some(code))?.code);
    }
    Ok(store::list_assets(conn, &filter)?)
}

/// One asset with its disposal and its whole history.
#[derive(Debug, Clone, Serialize)]
pub struct Shown {
    /// The asset.
    pub asset: Asset,
    /// Its disposal, when disposed of.
    pub disposal: Option<Disposal>,
    /// Its audit trail, oldest first.
    pub history: Vec<AuditEntry>,
}

/// The asset `key` (tag or serial) of organisation `org` (`None`: the
/// register's only one), with its disposal and history.
///
/// # Errors
/// No such organisation or asset.
pub fn show(register: &Register, org: Option<&str>, key: &str) -> Result<Shown> {
    let conn = register.reader();
    let org = store::resolve_organisation(conn, org)?;
    let asset = store::require_asset(conn, &org, key)?;
    let disposal = store::disposal_of(conn, asset.id)?;
    let history = store::history(conn, Entity::Asset, asset.id.0)?;
    Ok(Shown {
        asset,
        disposal,
        history,
    })
}

/// A change to an asset.
#[derive(Debug, Clone, Default)]
pub struct UpdateAsset {
    /// The organisation's code (`None`: the register's only one).
    pub organisation: Option<String>,
    /// The asset's tag or serial.
    pub key: String,
    /// A new class.
    pub class: Option<AssetClass>,
    /// A new tag.
    pub tag: Option<String>,
    /// Fields to clear, by name.
    pub clear: Vec<String>,
    /// Fields to set.
    pub fields: AssetChanges,
}

/// What an update changed.
#[derive(Debug, Clone, Serialize)]
pub struct Updated {
    /// The organisation's code.
    pub organisation: String,
    /// The tag before the update.
    pub tag_before: String,
    /// The tag after it.
    pub tag: String,
    /// Each field changed (none: unchanged).
    pub changes: Vec<FieldChange>,
}

/// Changes an asset's fields; every change is kept in its history.
///
/// # Errors
/// No such asset, a field that cannot be cleared, a date or cost refused, a
/// change the register's rules refuse, a busy register.
pub fn update(
    register: &mut Register,
    request: &UpdateAsset,
    checks: Checks,
    actor: &Actor,
) -> Result<Updated> {
    let org = store::resolve_organisation(register.reader(), request.organisation.as_deref())?;
    let current = store::require_asset(register.reader(), &org, &request.key)?;
    let mut fields = current.fields.clone();
    if let Some(class) = request.class {
        fields.class = class;
    }
    if let Some(tag) = &request.tag {
        fields.asset_tag = tag.trim().to_string();
    }
    for name in &request.clear {
        clear_field(&mut fields, name)?;
    }
    request.fields.apply(&mut fields);
    if request.fields.purchase_date.is_some() {
        check_dates(checks.today, &fields)?;
    }
    check_cost(checks.slips, request.fields.cost, &fields)?;
    let changes = register
        .write(|tx| store::update_asset(tx, &org, &current, &fields, false, actor))
        .with_context(|| format!("failed to update asset {}", current.fields.asset_tag))?;
    Ok(Updated {
        organisation: org.code,
        tag_before: current.fields.asset_tag,
        tag: fields.asset_tag,
        changes,
    })
}

fn clear_field(f: &mut AssetFields, name: &str) -> Result<()> {
    match crate::domain::enums::normalise_word(name).as_str() {
        "serial" => f.serial = None,
        "manufacturer" => f.manufacturer = None,
        "model" => f.model = None,
        "site" => f.site = None,
        "department" => f.department = None,
        "user" | "assigned_user" => f.assigned_user = None,
        "purchase_date" | "in_service_date" => f.in_service_date = None,
        "cost" | "purchase_cost" => f.purchase_cost = None,
        "supplier" => f.supplier = None,
        "order_ref" => f.order_ref = None,
        "warranty_end" => f.warranty_end = None,
        "lease_end" => f.lease_end = None,
        "life" | "life_years" => f.life_years = None,
        "power" => {
            f.power_watts = None;
            f.power_hours_per_year = None;
            f.power_kwh_per_year = None;
        }
        "notes" => f.notes = None,
        "os" => f.os = None,
        "os_version" => f.os_version = None,
        "firmware" => f.firmware = None,
        "support_end" => f.support_end = None,
        other => {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "`{other}` cannot be cleared; clearable fields: serial, manufacturer, model, \
                     site, department, user, purchase_date, cost, supplier, order_ref, \
                     warranty_end, lease_end, life, power, notes, os, os_version, firmware, \
                     support_end"
                ),
            ));
        }
    }
    Ok(())
}

/// Records an asset's disposal; returns the organisation's code and the
/// asset's tag.
///
/// # Errors
/// A date in the future, no such asset, already disposed of, a busy register.
pub fn dispose(
    register: &mut Register,
    org: Option<&str>,
    key: &str,
    disposal: &Disposal,
    checks: Checks,
    actor: &Actor,
) -> Result<(String, String)> {
    check_disposal(disposal, checks.today)?;
    let org = store::resolve_organisation(register.reader(), org)?;
    let asset = store::require_asset(register.reader(), &org, key)?;
    register
        .write(|tx| store::dispose_asset(tx, &org, &asset, disposal, actor))
        .with_context(|| format!("failed to dispose of asset {}", asset.fields.asset_tag))?;
    Ok((org.code, asset.fields.asset_tag))
}

/// Refuses a disposal dated after `today` (a front end may ask before it
/// opens the register).
///
/// # Errors
/// As said.
pub fn check_disposal(disposal: &Disposal, today: Date) -> Result<()> {
    if disposal.date > today {
        return Err(Error::new(
            ErrorKind::Invalid,
            format!("the disposal date {} is in the future", iso(disposal.date)),
        ));
    }
    Ok(())
}

/// Reverses an asset's disposal, for `reason`; returns the organisation's
/// code, the asset's tag and what was reversed.
///
/// # Errors
/// No such asset, no disposal to reverse, a busy register.
pub fn undo_disposal(
    register: &mut Register,
    org: Option<&str>,
    key: &str,
    reason: &str,
    actor: &Actor,
) -> Result<(String, String, DisposalReversed)> {
    let org = store::resolve_organisation(register.reader(), org)?;
    let asset = store::require_asset(register.reader(), &org, key)?;
    let reversed = register
        .write(|tx| store::undo_disposal(tx, &org, &asset, reason, actor))
        .with_context(|| {
            format!(
                "failed to reverse the disposal of asset {}",
                asset.fields.asset_tag
            )
        })?;
    Ok((org.code, asset.fields.asset_tag, reversed))
}

/// One page of the register for `query` (filters, search, order, cursor),
/// and the cursor of the page after it when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The assets, in the query's order.
    pub assets: Vec<Asset>,
    /// The cursor of the next page (`None`: this is the last).
    pub next: Option<String>,
}

/// A page of assets. A cursor is the sort key and the asset id of the last
/// asset of the page before, as `id:key`.
///
/// # Errors
/// No such organisation, or the register cannot be read.
pub fn page(register: &Register, query: &store::AssetQuery) -> Result<Page> {
    let conn = register.reader();
    let mut query = query.clone();
    if let Some(code) = &query.organisation {
        query.organisation = Some(store::resolve_organisation(conn, Some(code))?.code);
    }
    let wanted = query.limit.clamp(1, 1000);
    query.limit = wanted + 1;
    let mut assets = store::page_assets(conn, &query)?;
    let more = assets.len() > wanted as usize;
    assets.truncate(wanted as usize);
    let next = if more {
        assets
            .last()
            .map(|a| format!("{}:{}", a.id.0, query.order.key_of(a)))
    } else {
        None
    };
    Ok(Page { assets, next })
}

/// Reads a cursor made by [`page`].
///
/// # Errors
/// Not a cursor.
pub fn cursor(text: &str) -> Result<(String, i64)> {
    text.split_once(':')
        .and_then(|(id, key)| Some((key.to_string(), id.parse().ok()?)))
        .ok_or_else(|| Error::new(ErrorKind::Invalid, format!("`{text}` is not a page cursor")))
}

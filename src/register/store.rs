//! SQL for the register's records. Every write takes the caller's
//! transaction and records itself in `audit_log`.

use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use rust_decimal::Decimal;
use time::Date;

use super::forget::{Forget, Forgotten, Redaction};
use super::{
    Actor, Asset, AssetFields, AssetFilter, AuditEntry, Disposal, FieldChange, Licence,
    LicenceFields, Line, LineFields, Organisation, Place, RegisterError, Share, check_org_code,
    diff_fields, money_text,
};
use crate::db::now_timestamp;
use crate::domain::{
    AssetId, AssetStatus, BatchId, LicenceId, LineId, Money, OrgId, cost_centre_key,
    department_key, identity, iso, split_department,
};

type Result<T> = std::result::Result<T, RegisterError>;

/// The kinds of record the audit trail knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entity {
    /// An organisation.
    Organisation,
    /// A site.
    Site,
    /// A department.
    Department,
    /// A hardware asset.
    Asset,
    /// A phone line.
    PhoneLine,
    /// A licence entitlement.
    Licence,
    /// An apportionment share.
    Share,
}

impl Entity {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Organisation => "organisation",
            Entity::Site => "site",
            Entity::Department => "department",
            Entity::Asset => "asset",
            Entity::PhoneLine => "phone_line",
            Entity::Licence => "licence",
            Entity::Share => "share",
        }
    }
}

/// Writes one audit row.
///
/// # Errors
/// A database error.
#[allow(clippy::too_many_arguments)]
pub fn audit(
    tx: &Transaction<'_>,
    entity: Entity,
    entity_id: i64,
    org: Option<OrgId>,
    action: &str,
    field: Option<&str>,
    old: Option<&str>,
    new: Option<&str>,
    actor: &Actor,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO audit_log (at, entity, entity_id, organisation_id, action, field, old_value, \
         new_value, command, batch_id, who) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    stmt.execute(params![
        now_timestamp(),
        entity.as_str(),
        entity_id,
        org.map(|o| o.0),
        action,
        field,
        old,
        new,
        actor.command,
        actor.batch.map(|b| b.0),
        actor.who
    ])?;
    Ok(())
}

/// A record's field values as the JSON object an insert's audit row holds:
/// keys in sorted order, `null` for an empty field (the same text as a
/// `serde_json::Map` gives, written straight into one buffer, since an
/// import writes one per row).
fn record_json(values: &[(&'static str, Option<String>)]) -> String {
    let mut sorted: Vec<&(&'static str, Option<String>)> = values.iter().collect();
    sorted.sort_by_key(|(k, _)| *k);
    let mut out = Vec::with_capacity(64 + values.len() * 24);
    out.push(b'{');
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, k);
        out.push(b':');
        match v {
            Some(v) => {
                let _ = serde_json::to_writer(&mut out, v);
            }
            None => out.extend_from_slice(b"null"),
        }
    }
    out.push(b'}');
    String::from_utf8(out).unwrap_or_default()
}

/// Writes a JSON object one member at a time, in the order given, with
/// strings escaped as `serde_json` escapes them.
struct JsonObject {
    out: Vec<u8>,
    scratch: String,
}

impl JsonObject {
    fn new() -> Self {
        JsonObject {
            out: Vec::with_capacity(512),
            scratch: String::new(),
        }
    }

    fn key(&mut self, key: &str) {
        self.out.push(if self.out.is_empty() { b'{' } else { b',' });
        // Writing a string into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut self.out, key);
        self.out.push(b':');
    }

    fn text(&mut self, key: &str, value: Option<&str>) {
        self.key(key);
        match value {
            Some(v) => {
                let _ = serde_json::to_writer(&mut self.out, v);
            }
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn shown(&mut self, key: &str, value: Option<impl std::fmt::Display>) {
        use std::fmt::Write as _;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let value = value.map(|v| {
            let _ = write!(scratch, "{v}");
            scratch.as_str()
        });
        self.text(key, value);
        self.scratch = scratch;
    }

    fn date(&mut self, key: &str, value: Option<Date>) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        let value = value.map(|d| {
            crate::domain::write_iso(&mut scratch, d);
            scratch.as_str()
        });
        self.text(key, value);
        self.scratch = scratch;
    }

    fn finish(mut self) -> String {
        if self.out.is_empty() {
            self.out.push(b'{');
        }
        self.out.push(b'}');
        String::from_utf8(self.out).unwrap_or_default()
    }
}

/// `record_json(&fields.field_values())`, written straight from the
/// fields: an import writes one a row, and building the 21 values as
/// strings first cost more than the rest of the JSON. Keys in sorted order;
/// a test holds the two to the same text.
fn asset_json(f: &AssetFields) -> String {
    let mut j = JsonObject::new();
    j.text("asset_tag", Some(&f.asset_tag));
    j.text("assigned_user", f.assigned_user.as_deref());
    j.text("class", Some(f.class.as_str()));
    j.text("cpu", f.cpu.as_deref());
    j.text("department", f.department.as_deref());
    j.text("firmware", f.firmware.as_deref());
    j.text("funding", Some(f.funding.as_str()));
    j.date("in_service_date", f.in_service_date);
    j.date("lease_end", f.lease_end);
    j.shown("life_years", f.life_years);
    j.text("manufacturer", f.manufacturer.as_deref());
    j.text("model", f.model.as_deref());
    j.text("notes", f.notes.as_deref());
    j.text("order_ref", f.order_ref.as_deref());
    j.text("os", f.os.as_deref());
    j.text("os_version", f.os_version.as_deref());
    j.shown("power_hours_per_year", f.power_hours_per_year);
    j.shown(
        "power_kwh_per_year",
        f.power_kwh_per_year.map(|d| d.normalize()),
    );
    j.shown("power_watts", f.power_watts.map(|d| d.normalize()));
    j.text("purchase_cost", f.purchase_cost.map(money_text).as_deref());
    j.text("serial", f.serial.as_deref());
    j.text("site", f.site.as_deref());
    j.text("status", Some(f.status.as_str()));
    j.text("supplier", f.supplier.as_deref());
    j.date("support_end", f.support_end);
    j.date("warranty_end", f.warranty_end);
    j.finish()
}

fn audit_changes(
    tx: &Transaction<'_>,
    entity: Entity,
    id: i64,
    org: OrgId,
    changes: &[FieldChange],
    actor: &Actor,
) -> rusqlite::Result<()> {
    for c in changes {
        audit(
            tx,
            entity,
            id,
            Some(org),
            "update",
            Some(c.field),
            c.old.as_deref(),
            c.new.as_deref(),
            actor,
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- organisations

fn org_from_row(r: &Row<'_>) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        id: OrgId(r.get(0)?),
        code: r.get(1)?,
        name: r.get(2)?,
        is_shared_service: r.get(3)?,
        staff_count: r.get(4)?,
    })
}

const ORG_COLUMNS: &str = "organisation_id, code, name, is_shared_service, staff_count";

/// Adds an organisation.
///
/// # Errors
/// A bad or duplicate code, or a database error.
pub fn add_organisation(
    tx: &Transaction<'_>,
    code: &str,
    name: &str,
    is_shared_service: bool,
    staff_count: Option<u32>,
    actor: &Actor,
) -> Result<OrgId> {
    check_org_code(code)?;
    if name.trim().is_empty() {
        return Err(RegisterError::Invalid(format!(
            "organisation {code} needs a name"
        )));
    }
    if organisation_by_code(tx, code)?.is_some() {
        return Err(RegisterError::DuplicateOrganisation { code: code.into() });
    }
    tx.execute(
        "INSERT INTO organisations (code, name, is_shared_service, staff_count, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            code,
            name.trim(),
            is_shared_service,
            staff_count,
            now_timestamp()
        ],
    )?;
    let id = OrgId(tx.last_insert_rowid());
    let json = serde_json::json!({
        "code": code, "name": name.trim(), "is_shared_service": is_shared_service,
        "staff_count": staff_count,
    })
    .to_string();
    audit(
        tx,
        Entity::Organisation,
        id.0,
        Some(id),
        "insert",
        None,
        None,
        Some(&json),
        actor,
    )?;
    Ok(id)
}

/// Sets an organisation's staff count.
///
/// # Errors
/// A database error.
pub fn set_staff_count(
    tx: &Transaction<'_>,
    org: &Organisation,
    staff: Option<u32>,
    actor: &Actor,
) -> Result<()> {
    tx.execute(
        "UPDATE organisations SET staff_count = ?1 WHERE organisation_id = ?2",
        params![staff, org.id.0],
    )?;
    audit(
        tx,
        Entity::Organisation,
        org.id.0,
        Some(org.id),
        "update",
        Some("staff_count"),
        org.staff_count.map(|s| s.to_string()).as_deref(),
        staff.map(|s| s.to_string()).as_deref(),
        actor,
    )?;
    Ok(())
}

/// The (organisation code, asset tag) of every asset whose notes hold
/// `marker` (e.g. the import's "age estimated from enrolment").
///
/// # Errors
/// A database error.
pub fn assets_noted(
    conn: &Connection,
    marker: &str,
) -> Result<std::collections::BTreeSet<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT o.code, a.asset_tag FROM assets a \
         JOIN organisations o ON o.organisation_id = a.organisation_id \
         WHERE a.notes IS NOT NULL AND instr(a.notes, ?1) > 0",
    )?;
    let rows = stmt
        .query_map([marker], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every organisation, by code.
///
/// # Errors
/// A database error.
pub fn list_organisations(conn: &Connection) -> Result<Vec<Organisation>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ORG_COLUMNS} FROM organisations ORDER BY code"
    ))?;
    let rows = stmt
        .query_map([], org_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The organisation with `code`, if any.
///
/// # Errors
/// A database error.
pub fn organisation_by_code(conn: &Connection, code: &str) -> Result<Option<Organisation>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ORG_COLUMNS} FROM organisations WHERE code = ?1"),
            [code],
            org_from_row,
        )
        .optional()?)
}

/// The organisation a command means: the one named by `code`, or the only
/// one in the register when no code is given.
///
/// # Errors
/// An unknown code, an empty register, or several organisations with none chosen.
pub fn resolve_organisation(conn: &Connection, code: Option<&str>) -> Result<Organisation> {
    if let Some(code) = code {
        let code = code.trim().to_ascii_uppercase();
        return organisation_by_code(conn, &code)?
            .ok_or(RegisterError::UnknownOrganisation { code });
    }
    let mut all = list_organisations(conn)?;
    match all.len() {
        0 => Err(RegisterError::NoOrganisations),
        1 => Ok(all.remove(0)),
        _ => Err(RegisterError::OrganisationRequired {
            codes: all
                .iter()
                .map(|o| o.code.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

/// Sets how a shared service's costs are apportioned: replaces its shares.
/// Only a shared service has shares, and only organisations that are not
/// shared services bear them. The ratios must each be above 0 and sum to
/// exactly 1.
///
/// # Errors
/// An organisation that is not a shared service; a member that is the
/// service itself or another shared service; ratios that do not sum to 1;
/// or a database error.
pub fn set_shares(
    tx: &Transaction<'_>,
    shared: &Organisation,
    members: &[(Organisation, Decimal)],
    actor: &Actor,
) -> Result<()> {
    if !shared.is_shared_service {
        return Err(RegisterError::NotSharedService {
            code: shared.code.clone(),
        });
    }
    if let Some((m, _)) = members.iter().find(|(m, _)| m.id == shared.id) {
        return Err(RegisterError::Invalid(format!(
            "{} cannot be a member of itself",
            m.code
        )));
    }
    if let Some((m, _)) = members.iter().find(|(m, _)| m.is_shared_service) {
        return Err(RegisterError::Invalid(format!(
            "{} is itself a shared service, so it cannot bear a share of {}: \
             shares go to member councils",
            m.code, shared.code
        )));
    }
    let total: Decimal = members.iter().map(|m| m.1).sum();
    if total != Decimal::ONE {
        return Err(RegisterError::Invalid(format!(
            "the shares of {} must add up to 100%, not {}%",
            shared.code,
            (total * Decimal::ONE_HUNDRED).normalize()
        )));
    }
    if let Some((m, r)) = members.iter().find(|(_, r)| *r <= Decimal::ZERO) {
        return Err(RegisterError::Invalid(format!(
            "the share of {} must be above 0, not {r}",
            m.code
        )));
    }
    tx.execute(
        "DELETE FROM organisation_shares WHERE shared_organisation_id = ?1",
        [shared.id.0],
    )?;
    for (member, ratio) in members {
        tx.execute(
            "INSERT INTO organisation_shares (shared_organisation_id, member_organisation_id, ratio) \
             VALUES (?1, ?2, ?3)",
            params![shared.id.0, member.id.0, ratio.normalize().to_string()],
        )?;
    }
    let text = members
        .iter()
        .map(|(m, r)| format!("{}={}", m.code, r.normalize()))
        .collect::<Vec<_>>()
        .join(",");
    audit(
        tx,
        Entity::Share,
        shared.id.0,
        Some(shared.id),
        "update",
        Some("shares"),
        None,
        Some(&text),
        actor,
    )?;
    Ok(())
}

/// Every apportionment share, by shared service then member.
///
/// # Errors
/// A database error or a stored ratio that does not parse.
pub fn list_shares(conn: &Connection) -> Result<Vec<Share>> {
    let mut stmt = conn.prepare(
        "SELECT s.code, m.code, sh.ratio FROM organisation_shares sh \
         JOIN organisations s ON s.organisation_id = sh.shared_organisation_id \
         JOIN organisations m ON m.organisation_id = sh.member_organisation_id \
         ORDER BY s.code, m.code",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(shared, member, ratio)| {
            let ratio = ratio.parse().map_err(|_| {
                RegisterError::Invalid(format!("stored share `{ratio}` is not a number"))
            })?;
            Ok(Share {
                shared,
                member,
                ratio,
            })
        })
        .collect()
}

// ---------------------------------------------------------------- sites, departments

/// Sites or departments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlaceKind {
    /// A site (building).
    Site,
    /// A department or cost centre.
    Department,
}

impl PlaceKind {
    fn by_name_sql(self) -> &'static str {
        match self {
            PlaceKind::Site => {
                "SELECT site_id FROM sites WHERE organisation_id = ?1 AND name = ?2 COLLATE NOCASE"
            }
            PlaceKind::Department => {
                "SELECT department_id FROM departments WHERE organisation_id = ?1 \
                 AND name = ?2 COLLATE NOCASE"
            }
        }
    }

    fn table(self) -> (&'static str, &'static str, Entity, &'static str) {
        match self {
            PlaceKind::Site => ("sites", "site_id", Entity::Site, "site"),
            PlaceKind::Department => (
                "departments",
                "department_id",
                Entity::Department,
                "department",
            ),
        }
    }
}

/// Adds a site or department to an organisation.
///
/// # Errors
/// A duplicate or empty name, or a database error.
pub fn add_place(
    tx: &Transaction<'_>,
    kind: PlaceKind,
    org: &Organisation,
    name: &str,
    cost_centre: Option<&str>,
    actor: &Actor,
) -> Result<i64> {
    let (table, _, entity, what) = kind.table();
    let mut name = name.trim();
    let mut cost_centre = cost_centre.map(str::trim).filter(|c| !c.is_empty());
    if kind == PlaceKind::Department && cost_centre.is_none() {
        // `RB02 Revenues & Benefits`: the code is the cost centre.
        let text = split_department(name);
        name = text.name;
        cost_centre = text.code;
    }
    if name.is_empty() {
        return Err(RegisterError::Invalid(format!("a {what} needs a name")));
    }
    let duplicate = match kind {
        PlaceKind::Site => place_id(tx, kind, org.id, name)?.is_some(),
        PlaceKind::Department => {
            let index = Departments::read(tx, org.id)?;
            if let Some(code) = cost_centre.filter(|c| index.by_code(c).is_some()) {
                return Err(RegisterError::DuplicateName {
                    what: "cost centre",
                    org: org.code.clone(),
                    name: code.into(),
                });
            }
            index.by_name(name).is_some()
        }
    };
    if duplicate {
        return Err(RegisterError::DuplicateName {
            what,
            org: org.code.clone(),
            name: name.into(),
        });
    }
    match kind {
        PlaceKind::Site => tx.execute(
            &format!("INSERT INTO {table} (organisation_id, name) VALUES (?1, ?2)"),
            params![org.id.0, name],
        )?,
        PlaceKind::Department => tx.execute(
            &format!(
                "INSERT INTO {table} (organisation_id, name, cost_centre) VALUES (?1, ?2, ?3)"
            ),
            params![org.id.0, name, cost_centre],
        )?,
    };
    let id = tx.last_insert_rowid();
    let json = serde_json::json!({ "name": name, "cost_centre": cost_centre }).to_string();
    audit(
        tx,
        entity,
        id,
        Some(org.id),
        "insert",
        None,
        None,
        Some(&json),
        actor,
    )?;
    Ok(id)
}

/// The id of a site by name (case-insensitive), or of a department by the
/// text's cost-centre code where it starts with one
/// ([`split_department`]), else by its name's [`department_key`], if any.
///
/// # Errors
/// A database error.
pub fn place_id(conn: &Connection, kind: PlaceKind, org: OrgId, name: &str) -> Result<Option<i64>> {
    match kind {
        PlaceKind::Site => Ok(conn
            .prepare_cached(kind.by_name_sql())?
            .query_row(params![org.0, name.trim()], |r| r.get(0))
            .optional()?),
        PlaceKind::Department => Ok(Departments::read(conn, org)?.find(name).id()),
    }
}

/// An organisation's departments by cost centre and by name key, for
/// finding the department a text such as `RB02 Revenues & Benefits` or
/// `revenues and benefits` means. A department's code is its cost centre,
/// or (for one stored before codes were split off) the code its name starts
/// with; its key is that of its name without the code. Where two share a
/// code or key, the oldest wins.
#[derive(Debug, Default)]
struct Departments {
    by_code: HashMap<String, i64>,
    by_key: HashMap<String, i64>,
    coded: HashSet<i64>,
}

/// Where a department text leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// To this department, as it is.
    Department(i64),
    /// To this department, found by name, which has no cost centre yet and
    /// takes the text's code.
    GainsCode(i64),
    /// To no department.
    Nothing,
}

impl Found {
    fn id(self) -> Option<i64> {
        match self {
            Found::Department(id) | Found::GainsCode(id) => Some(id),
            Found::Nothing => None,
        }
    }
}

impl Departments {
    fn read(conn: &Connection, org: OrgId) -> Result<Self> {
        let mut stmt = conn.prepare_cached(
            "SELECT department_id, name, cost_centre FROM departments              WHERE organisation_id = ?1 ORDER BY department_id DESC",
        )?;
        let mut index = Departments::default();
        let mut rows = stmt.query([org.0])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let name: String = r.get(1)?;
            let cost_centre: Option<String> = r.get(2)?;
            let text = split_department(&name);
            index.insert(id, text.name, cost_centre.as_deref().or(text.code));
        }
        Ok(index)
    }

    /// Records a department (a later insert of the same code or key wins,
    /// so [`Departments::read`] reads the oldest last).
    fn insert(&mut self, id: i64, name: &str, code: Option<&str>) {
        self.by_key.insert(department_key(name), id);
        if let Some(code) = code.filter(|c| !c.trim().is_empty()) {
            self.by_code.insert(cost_centre_key(code), id);
            self.coded.insert(id);
        }
    }

    fn by_code(&self, code: &str) -> Option<i64> {
        self.by_code.get(&cost_centre_key(code)).copied()
    }

    fn by_name(&self, name: &str) -> Option<i64> {
        self.by_key.get(&department_key(name)).copied()
    }

    /// The department `text` means: by its code where it has one, else
    /// (or when no department has that code) by its name.
    fn find(&self, text: &str) -> Found {
        let text = split_department(text);
        if let Some(id) = text.code.and_then(|c| self.by_code(c)) {
            return Found::Department(id);
        }
        match self.by_name(text.name) {
            Some(id) if text.code.is_some() && !self.coded.contains(&id) => Found::GainsCode(id),
            Some(id) => Found::Department(id),
            None => Found::Nothing,
        }
    }
}

/// Gives department `id`, found by name, the cost-centre code `code` (with
/// an audit row).
fn set_cost_centre(
    tx: &Transaction<'_>,
    org: &Organisation,
    id: i64,
    code: &str,
    actor: &Actor,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE departments SET cost_centre = ?2 WHERE department_id = ?1 AND cost_centre IS NULL",
    )?
    .execute(params![id, code])?;
    audit(
        tx,
        Entity::Department,
        id,
        Some(org.id),
        "update",
        Some("cost_centre"),
        None,
        Some(code),
        actor,
    )?;
    Ok(())
}

/// The department `text` means, giving it the text's code where it was
/// found by name and has none; `None` when there is no such department.
fn find_department(
    tx: &Transaction<'_>,
    index: &mut Departments,
    org: &Organisation,
    text: &str,
    actor: &Actor,
) -> Result<Option<i64>> {
    match index.find(text) {
        Found::Department(id) => Ok(Some(id)),
        Found::GainsCode(id) => {
            let split = split_department(text);
            if let Some(code) = split.code {
                set_cost_centre(tx, org, id, code, actor)?;
                index.insert(id, split.name, Some(code));
            }
            Ok(Some(id))
        }
        Found::Nothing => Ok(None),
    }
}

/// Sites or departments, optionally of one organisation.
///
/// # Errors
/// A database error.
pub fn list_places(conn: &Connection, kind: PlaceKind, org: Option<OrgId>) -> Result<Vec<Place>> {
    let (table, id_col, _, _) = kind.table();
    let extra = match kind {
        PlaceKind::Site => "NULL, p.staff_count",
        PlaceKind::Department => "p.cost_centre, NULL",
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT p.{id_col}, o.code, p.name, {extra} FROM {table} p \
         JOIN organisations o ON o.organisation_id = p.organisation_id \
         WHERE ?1 IS NULL OR p.organisation_id = ?1 ORDER BY o.code, p.name"
    ))?;
    let rows = stmt
        .query_map([org.map(|o| o.0)], |r| {
            Ok(Place {
                id: r.get(0)?,
                organisation: r.get(1)?,
                name: r.get(2)?,
                cost_centre: r.get(3)?,
                staff_count: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Resolves an optional site or department name to its id. When `create` is
/// true an unknown name is added (as an import does); otherwise it is an error.
fn resolve_place(
    tx: &Transaction<'_>,
    kind: PlaceKind,
    org: &Organisation,
    name: Option<&str>,
    create: bool,
    actor: &Actor,
) -> Result<Option<i64>> {
    let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let found = match kind {
        PlaceKind::Site => place_id(tx, kind, org.id, name)?,
        PlaceKind::Department if create => {
            find_department(tx, &mut Departments::read(tx, org.id)?, org, name, actor)?
        }
        PlaceKind::Department => Departments::read(tx, org.id)?.find(name).id(),
    };
    if let Some(id) = found {
        return Ok(Some(id));
    }
    if create {
        return add_place(tx, kind, org, name, None, actor).map(Some);
    }
    Err(match kind {
        PlaceKind::Site => RegisterError::UnknownSite {
            org: org.code.clone(),
            name: name.into(),
        },
        PlaceKind::Department => RegisterError::UnknownDepartment {
            org: org.code.clone(),
            name: name.into(),
        },
    })
}

/// A record's site and department, resolved to their ids.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlaceIds {
    /// The site, if any.
    pub site: Option<i64>,
    /// The department, if any.
    pub department: Option<i64>,
}

/// Sites and departments by name for a long run of writes in one
/// transaction (an import): each organisation's places are read once, and
/// a name is then resolved by a lookup instead of a query. Names match as
/// [`place_id`] matches them: sites trimmed and ignoring ASCII case,
/// departments by cost-centre code, else by name key.
#[derive(Debug, Default)]
pub struct Places {
    by_name: HashMap<(i64, PlaceKind), HashMap<String, i64>>,
    departments: HashMap<i64, Departments>,
    added: Vec<(i64, PlaceKind, String)>,
    key: String,
}

impl Places {
    fn names(
        &mut self,
        conn: &Connection,
        kind: PlaceKind,
        org: OrgId,
    ) -> Result<&HashMap<String, i64>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.by_name.entry((org.0, kind)) {
            let (table, id_col, _, _) = kind.table();
            let mut stmt = conn.prepare(&format!(
                "SELECT {id_col}, name FROM {table} WHERE organisation_id = ?1 ORDER BY {id_col} DESC"
            ))?;
            let mut names = HashMap::new();
            let mut rows = stmt.query([org.0])?;
            while let Some(r) = rows.next()? {
                // Lowest id last, so it wins where names differ only in case.
                let name: String = r.get(1)?;
                names.insert(name.trim().to_ascii_lowercase(), r.get(0)?);
            }
            slot.insert(names);
        }
        Ok(self.by_name.entry((org.0, kind)).or_default())
    }

    fn departments(&mut self, conn: &Connection, org: OrgId) -> Result<&mut Departments> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.departments.entry(org.0) {
            slot.insert(Departments::read(conn, org)?);
        }
        Ok(self.departments.entry(org.0).or_default())
    }

    /// The place `name` means, or `None` where resolving it would write
    /// (add a place, or give a department its code).
    fn lookup(
        &mut self,
        conn: &Connection,
        kind: PlaceKind,
        org: OrgId,
        name: &str,
    ) -> Result<Option<i64>> {
        if kind == PlaceKind::Department {
            return Ok(match self.departments(conn, org)?.find(name) {
                Found::Department(id) => Some(id),
                Found::GainsCode(_) | Found::Nothing => None,
            });
        }
        let mut key = std::mem::take(&mut self.key);
        key.clear();
        key.extend(name.trim().chars().map(|c| c.to_ascii_lowercase()));
        let found = self.names(conn, kind, org)?.get(key.as_str()).copied();
        self.key = key;
        Ok(found)
    }

    /// The ids of a record's site and department when both (where given)
    /// are in the register already; `None` when resolving them would add
    /// one (so a caller that may yet refuse the record opens a savepoint
    /// before [`Places::resolve`]).
    ///
    /// # Errors
    /// A database error.
    pub fn known(
        &mut self,
        conn: &Connection,
        org: &Organisation,
        site: Option<&str>,
        department: Option<&str>,
    ) -> Result<Option<PlaceIds>> {
        let mut ids = PlaceIds::default();
        for (kind, name, slot) in [
            (PlaceKind::Site, site, &mut ids.site),
            (PlaceKind::Department, department, &mut ids.department),
        ] {
            if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
                match self.lookup(conn, kind, org.id, name)? {
                    Some(id) => *slot = Some(id),
                    None => return Ok(None),
                }
            }
        }
        Ok(Some(ids))
    }

    /// Whether two department texts name the same department of the
    /// register as it is (`RB02 Revenues & Benefits` and `Revenues &
    /// Benefits` once that department has cost centre RB02), so that a
    /// record naming it either way is not changed.
    ///
    /// # Errors
    /// A database error.
    pub fn same_department(
        &mut self,
        conn: &Connection,
        org: OrgId,
        a: Option<&str>,
        b: Option<&str>,
    ) -> Result<bool> {
        let (Some(a), Some(b)) = (a, b) else {
            return Ok(false);
        };
        let index = self.departments(conn, org)?;
        Ok(match (index.find(a), index.find(b)) {
            (Found::Department(x), Found::Department(y)) => x == y,
            _ => false,
        })
    }

    /// The ids of a record's site and department, adding (with audit rows)
    /// any not yet in the register.
    ///
    /// # Errors
    /// A database error.
    pub fn resolve(
        &mut self,
        tx: &Transaction<'_>,
        org: &Organisation,
        site: Option<&str>,
        department: Option<&str>,
        actor: &Actor,
    ) -> Result<PlaceIds> {
        Ok(PlaceIds {
            site: self.resolve_one(tx, PlaceKind::Site, org, site, actor)?,
            department: self.resolve_one(tx, PlaceKind::Department, org, department, actor)?,
        })
    }

    fn resolve_one(
        &mut self,
        tx: &Transaction<'_>,
        kind: PlaceKind,
        org: &Organisation,
        name: Option<&str>,
        actor: &Actor,
    ) -> Result<Option<i64>> {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        if kind == PlaceKind::Department {
            let index = self.departments(tx, org.id)?;
            if let Some(id) = find_department(tx, index, org, name, actor)? {
                // A code given may be taken back with the row's savepoint.
                self.added.push((org.id.0, kind, String::new()));
                return Ok(Some(id));
            }
            let id = add_place(tx, kind, org, name, None, actor)?;
            let text = split_department(name);
            self.departments(tx, org.id)?
                .insert(id, text.name, text.code);
            self.added.push((org.id.0, kind, String::new()));
            return Ok(Some(id));
        }
        if let Some(id) = self.lookup(tx, kind, org.id, name)? {
            return Ok(Some(id));
        }
        let id = add_place(tx, kind, org, name, None, actor)?;
        let key = name.to_ascii_lowercase();
        self.by_name
            .entry((org.id.0, kind))
            .or_default()
            .insert(key.clone(), id);
        self.added.push((org.id.0, kind, key));
        Ok(Some(id))
    }

    /// Keeps the places added since the last call (their savepoint was
    /// released).
    pub fn keep_added(&mut self) {
        self.added.clear();
    }

    /// Forgets the places added since [`Places::keep_added`] was last
    /// called: their savepoint was rolled back, so they are gone.
    pub fn forget_added(&mut self) {
        for (org, kind, key) in self.added.drain(..) {
            if kind == PlaceKind::Department {
                // Read again from the register when next needed.
                self.departments.remove(&org);
                continue;
            }
            if let Some(names) = self.by_name.get_mut(&(org, kind)) {
                names.remove(&key);
            }
        }
    }
}

// ---------------------------------------------------------------- assets

const ASSET_SELECT: &str = "SELECT a.asset_id, o.code, a.asset_tag, a.serial, a.class, a.manufacturer, \
     a.model, s.name, d.name, a.assigned_user, a.in_service_date, a.purchase_cost_pence, a.supplier, \
     a.order_ref, a.warranty_end, a.funding, a.lease_end, a.status, a.life_years, a.power_watts, \
     a.power_hours_per_year, a.power_kwh_per_year, a.notes, a.batch_id, a.created_at, a.updated_at, \
     a.os, a.os_version, a.firmware, a.support_end, a.cpu \
     FROM assets a JOIN organisations o ON o.organisation_id = a.organisation_id \
     LEFT JOIN sites s ON s.site_id = a.site_id \
     LEFT JOIN departments d ON d.department_id = a.department_id";

fn conversion<E: std::error::Error + Send + Sync + 'static>(col: usize, e: E) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, Box::new(e))
}

fn get_date(r: &Row<'_>, col: usize) -> rusqlite::Result<Option<Date>> {
    let Some(text) = r.get_ref(col)?.as_str_or_null()? else {
        return Ok(None);
    };
    // Stored dates are ISO; the general parser is the fallback.
    match crate::domain::parse_iso_date(text) {
        Some(d) => Ok(Some(d)),
        None => crate::domain::parse_date(text)
            .map(Some)
            .map_err(|e| conversion(col, e)),
    }
}

fn get_decimal(r: &Row<'_>, col: usize) -> rusqlite::Result<Option<Decimal>> {
    let text: Option<String> = r.get(col)?;
    text.map(|t| t.parse::<Decimal>().map_err(|e| conversion(col, e)))
        .transpose()
}

fn get_parsed<T: std::str::FromStr>(r: &Row<'_>, col: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let text: String = r.get(col)?;
    text.parse().map_err(|e| conversion(col, e))
}

fn asset_from_row(r: &Row<'_>) -> rusqlite::Result<Asset> {
    Ok(Asset {
        id: AssetId(r.get(0)?),
        organisation: r.get(1)?,
        fields: AssetFields {
            asset_tag: r.get(2)?,
            serial: r.get(3)?,
            class: get_parsed(r, 4)?,
            manufacturer: r.get(5)?,
            model: r.get(6)?,
            site: r.get(7)?,
            department: r.get(8)?,
            assigned_user: r.get(9)?,
            in_service_date: get_date(r, 10)?,
            purchase_cost: r.get::<_, Option<i64>>(11)?.map(Money::from_pence),
            supplier: r.get(12)?,
            order_ref: r.get(13)?,
            warranty_end: get_date(r, 14)?,
            funding: get_parsed(r, 15)?,
            lease_end: get_date(r, 16)?,
            status: get_parsed(r, 17)?,
            life_years: r.get(18)?,
            power_watts: get_decimal(r, 19)?,
            power_hours_per_year: r.get(20)?,
            power_kwh_per_year: get_decimal(r, 21)?,
            notes: r.get(22)?,
            os: r.get(26)?,
            os_version: r.get(27)?,
            firmware: r.get(28)?,
            cpu: r.get(30)?,
            support_end: get_date(r, 29)?,
        },
        batch_id: r.get::<_, Option<i64>>(23)?.map(BatchId),
        created_at: r.get(24)?,
        updated_at: r.get(25)?,
    })
}

/// The asset with this id.
///
/// # Errors
/// A database error (including no such row).
pub fn asset_by_id(conn: &Connection, id: AssetId) -> Result<Asset> {
    Ok(conn
        .prepare_cached(&format!("{ASSET_SELECT} WHERE a.asset_id = ?1"))?
        .query_row([id.0], asset_from_row)?)
}

/// The asset of `org` whose tag, or failing that serial, is `key`, compared
/// by the identity rule ([`crate::domain::identity::key`]): ` pc-1` finds
/// `PC-1`. Where a register from before the rule holds two that are now
/// the same, the one written exactly as `key` wins, then the older.
///
/// # Errors
/// A database error.
pub fn find_asset(conn: &Connection, org: &Organisation, key: &str) -> Result<Option<Asset>> {
    let wanted = identity::key(key);
    if wanted.is_empty() {
        return Ok(None);
    }
    let exact = identity::tidy(key);
    for column in ["tag_key", "serial_key"] {
        let written = if column == "tag_key" {
            "a.asset_tag"
        } else {
            "a.serial"
        };
        let found = conn
            .prepare_cached(&format!(
                "{ASSET_SELECT} WHERE a.organisation_id = ?1 AND a.{column} = ?2 \
                 ORDER BY {written} = ?3 DESC, a.asset_id LIMIT 1"
            ))?
            .query_row(params![org.id.0, wanted, exact], asset_from_row)
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Like [`find_asset`], with an error naming the key when there is none.
///
/// # Errors
/// [`RegisterError::NoSuchAsset`] or a database error.
pub fn require_asset(conn: &Connection, org: &Organisation, key: &str) -> Result<Asset> {
    find_asset(conn, org, key)?.ok_or_else(|| RegisterError::NoSuchAsset {
        org: org.code.clone(),
        key: key.trim().into(),
    })
}

/// Assets matching `filter`, by organisation then tag.
///
/// # Errors
/// A database error.
pub fn list_assets(conn: &Connection, filter: &AssetFilter) -> Result<Vec<Asset>> {
    let mut stmt = conn.prepare(&format!(
        "{ASSET_SELECT} WHERE (?1 IS NULL OR o.code = ?1) AND (?2 IS NULL OR a.class = ?2) \
         AND (?3 IS NULL OR s.name = ?3 COLLATE NOCASE) AND (?4 IS NULL OR a.status = ?4) \
         ORDER BY o.code, a.asset_tag"
    ))?;
    let rows = stmt
        .query_map(
            params![
                filter.organisation,
                filter
                    .class
                    .map(super::super::domain::asset_class::AssetClass::as_str),
                filter.site,
                filter
                    .status
                    .map(super::super::domain::enums::AssetStatus::as_str)
            ],
            asset_from_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Refuses a tag or serial that another asset of `org` holds under the
/// identity rule. An update (`current` given) checks only an identity it
/// changes, so two assets that a register from before the rule holds
/// under one key (which `check` reports) can still be corrected.
fn check_asset_unique(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &AssetFields,
    current: Option<&Asset>,
) -> Result<()> {
    let except = current.map(|a| a.id);
    let changed = |new: Option<&str>, old: Option<&str>| {
        current.is_none() || new.map(identity::key) != old.map(identity::key)
    };
    let old = current.map(|a| &a.fields);
    let other = |sql: &str, value: &str| -> rusqlite::Result<Option<String>> {
        tx.prepare_cached(sql)?
            .query_row(
                params![org.id.0, identity::key(value), except.map(|a| a.0)],
                |r| r.get(0),
            )
            .optional()
    };
    let by_tag = "SELECT asset_tag FROM assets WHERE organisation_id = ?1 AND tag_key = ?2 \
                  AND (?3 IS NULL OR asset_id <> ?3) ORDER BY asset_id LIMIT 1";
    let by_serial = "SELECT asset_tag FROM assets WHERE organisation_id = ?1 AND serial_key = ?2 \
                     AND (?3 IS NULL OR asset_id <> ?3) ORDER BY asset_id LIMIT 1";
    let tag_changed = changed(
        Some(fields.asset_tag.as_str()),
        old.map(|f| f.asset_tag.as_str()),
    );
    if tag_changed {
        if let Some(existing) = other(by_tag, &fields.asset_tag)? {
            return Err(RegisterError::DuplicateTag {
                org: org.code.clone(),
                tag: fields.asset_tag.clone(),
                existing,
            });
        }
    }
    let serial_changed = changed(
        fields.serial.as_deref(),
        old.and_then(|f| f.serial.as_deref()),
    );
    if let Some(serial) = fields.serial.as_ref().filter(|_| serial_changed) {
        if let Some(tag) = other(by_serial, serial)? {
            return Err(RegisterError::DuplicateSerial {
                org: org.code.clone(),
                serial: serial.clone(),
                tag,
            });
        }
    }
    Ok(())
}

/// Refuses a change of status into or out of `disposed`: an asset is
/// disposed of only by [`dispose_asset`] (with its method and certificate)
/// and comes back only through [`undo_disposal`] (with a reason).
fn check_disposal_rule(org: &Organisation, current: &Asset, fields: &AssetFields) -> Result<()> {
    let was = current.fields.status == AssetStatus::Disposed;
    let will = fields.status == AssetStatus::Disposed;
    match (was, will) {
        (false, true) => Err(RegisterError::DisposedOnlyByDispose {
            org: org.code.clone(),
            tag: current.fields.asset_tag.clone(),
        }),
        (true, false) => Err(RegisterError::DisposedUntilReversed {
            org: org.code.clone(),
            tag: current.fields.asset_tag.clone(),
        }),
        _ => Ok(()),
    }
}

fn pence(m: Option<Money>, what: &str) -> Result<Option<i64>> {
    m.map(|m| {
        m.to_pence()
            .ok_or_else(|| RegisterError::Invalid(format!("{what} must be whole pence ({m})")))
    })
    .transpose()
}

/// The site and department `fields` name, resolved in `org` (added when
/// `create_places`, else they must exist).
fn asset_places(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &AssetFields,
    create_places: bool,
    actor: &Actor,
) -> Result<PlaceIds> {
    Ok(PlaceIds {
        site: resolve_place(
            tx,
            PlaceKind::Site,
            org,
            fields.site.as_deref(),
            create_places,
            actor,
        )?,
        department: resolve_place(
            tx,
            PlaceKind::Department,
            org,
            fields.department.as_deref(),
            create_places,
            actor,
        )?,
    })
}

/// Adds a hardware asset to `org`. When `create_places` is true, a site or
/// department not yet known is added (imports); otherwise it must exist.
///
/// # Errors
/// A broken rule, a duplicate tag or serial, an unknown site, or a database error.
pub fn insert_asset(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &AssetFields,
    create_places: bool,
    actor: &Actor,
) -> Result<AssetId> {
    let fields = &*fields.tidied();
    fields.validate()?;
    check_asset_unique(tx, org, fields, None)?;
    let places = asset_places(tx, org, fields, create_places, actor)?;
    insert_new_asset(tx, org, fields, places, actor)
}

/// Adds a hardware asset whose fields the caller has validated
/// ([`AssetFields::validate`]), whose tag and serial it knows to be new in
/// `org`, and whose site and department it has resolved: what an import
/// does, holding every identity of the organisation and every place in
/// memory instead of asking the database for each row. The register's
/// UNIQUE constraints still refuse a duplicate the caller missed.
///
/// # Errors
/// A cost that is not whole pence, a constraint, or a database error.
pub fn insert_new_asset(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &AssetFields,
    places: PlaceIds,
    actor: &Actor,
) -> Result<AssetId> {
    let fields = &*fields.tidied();
    if fields.status == AssetStatus::Disposed {
        return Err(RegisterError::DisposedOnlyByDispose {
            org: org.code.clone(),
            tag: fields.asset_tag.clone(),
        });
    }
    let now = now_timestamp();
    let mut stmt = tx.prepare_cached(
        "INSERT INTO assets (organisation_id, asset_tag, serial, class, manufacturer, model, site_id, \
         department_id, assigned_user, in_service_date, purchase_cost_pence, supplier, order_ref, \
         warranty_end, funding, lease_end, status, life_years, power_watts, power_hours_per_year, \
         power_kwh_per_year, notes, batch_id, created_at, updated_at, tag_key, serial_key, os, \
         os_version, firmware, support_end, cpu) VALUES \
         (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, \
         ?21, ?22, ?23, ?24, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)",
    )?;
    stmt.execute(params![
        org.id.0,
        fields.asset_tag,
        fields.serial,
        fields.class.as_str(),
        fields.manufacturer,
        fields.model,
        places.site,
        places.department,
        fields.assigned_user,
        fields.in_service_date.map(iso),
        pence(fields.purchase_cost, "a cost")?,
        fields.supplier,
        fields.order_ref,
        fields.warranty_end.map(iso),
        fields.funding.as_str(),
        fields.lease_end.map(iso),
        fields.status.as_str(),
        fields.life_years,
        fields.power_watts.map(|d| d.normalize().to_string()),
        fields.power_hours_per_year,
        fields.power_kwh_per_year.map(|d| d.normalize().to_string()),
        fields.notes,
        actor.batch.map(|b| b.0),
        now,
        identity::key(&fields.asset_tag),
        fields.serial.as_deref().map(identity::key),
        fields.os,
        fields.os_version,
        fields.firmware,
        fields.support_end.map(iso),
        fields.cpu,
    ])?;
    let id = AssetId(tx.last_insert_rowid());
    // An import's record is audited by its batch (`batch_id`, see [`history`]).
    if actor.batch.is_none() {
        audit(
            tx,
            Entity::Asset,
            id.0,
            Some(org.id),
            "insert",
            None,
            None,
            Some(&asset_json(fields)),
            actor,
        )?;
    }
    Ok(id)
}

/// Sets an asset's fields to `fields`, writing only what changed and one
/// audit row per changed field. Returns the changes (empty when nothing
/// differed, in which case nothing is written).
///
/// # Errors
/// A broken rule, a duplicate tag or serial, an unknown site, or a database error.
pub fn update_asset(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Asset,
    fields: &AssetFields,
    create_places: bool,
    actor: &Actor,
) -> Result<Vec<FieldChange>> {
    let fields = &*fields.tidied();
    check_disposal_rule(org, current, fields)?;
    update_any_status(tx, org, current, fields, create_places, actor)
}

/// [`update_asset`] without the disposal rule: for [`dispose_asset`] and
/// [`undo_disposal`], the two ways in and out of `disposed`.
fn update_any_status(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Asset,
    fields: &AssetFields,
    create_places: bool,
    actor: &Actor,
) -> Result<Vec<FieldChange>> {
    let changes = diff_fields(&current.fields.field_values(), &fields.field_values());
    if changes.is_empty() {
        return Ok(changes);
    }
    fields.validate()?;
    check_asset_unique(tx, org, fields, Some(current))?;
    let places = asset_places(tx, org, fields, create_places, actor)?;
    write_asset_update(tx, org, current, fields, places, &changes, actor)?;
    Ok(changes)
}

/// Like [`update_asset`], for a caller that has resolved the asset's site
/// and department itself (an import, through [`Places`]).
///
/// # Errors
/// As [`update_asset`].
pub fn update_asset_in_places(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Asset,
    fields: &AssetFields,
    places: PlaceIds,
    actor: &Actor,
) -> Result<Vec<FieldChange>> {
    let mut fields = fields.tidied();
    if fields.department != current.fields.department && places.department.is_some() {
        // `RB02 Revenues & Benefits` names the department the asset is in
        // already (`Revenues & Benefits`, cost centre RB02): no change.
        let now: Option<i64> = tx
            .prepare_cached("SELECT department_id FROM assets WHERE asset_id = ?1")?
            .query_row([current.id.0], |r| r.get(0))?;
        if now == places.department {
            fields
                .to_mut()
                .department
                .clone_from(&current.fields.department);
        }
    }
    let fields = &*fields;
    let changes = diff_fields(&current.fields.field_values(), &fields.field_values());
    if changes.is_empty() {
        return Ok(changes);
    }
    check_disposal_rule(org, current, fields)?;
    fields.validate()?;
    check_asset_unique(tx, org, fields, Some(current))?;
    write_asset_update(tx, org, current, fields, places, &changes, actor)?;
    Ok(changes)
}

fn write_asset_update(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Asset,
    fields: &AssetFields,
    places: PlaceIds,
    changes: &[FieldChange],
    actor: &Actor,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE assets SET asset_tag = ?2, serial = ?3, class = ?4, manufacturer = ?5, model = ?6, \
         site_id = ?7, department_id = ?8, assigned_user = ?9, in_service_date = ?10, \
         purchase_cost_pence = ?11, supplier = ?12, order_ref = ?13, warranty_end = ?14, funding = ?15, \
         lease_end = ?16, status = ?17, life_years = ?18, power_watts = ?19, power_hours_per_year = ?20, \
         power_kwh_per_year = ?21, notes = ?22, updated_at = ?23, tag_key = ?24, serial_key = ?25, \
         os = ?26, os_version = ?27, firmware = ?28, support_end = ?29, cpu = ?30 \
         WHERE asset_id = ?1",
    )?
    .execute(params![
        current.id.0,
        fields.asset_tag,
        fields.serial,
        fields.class.as_str(),
        fields.manufacturer,
        fields.model,
        places.site,
        places.department,
        fields.assigned_user,
        fields.in_service_date.map(iso),
        pence(fields.purchase_cost, "a cost")?,
        fields.supplier,
        fields.order_ref,
        fields.warranty_end.map(iso),
        fields.funding.as_str(),
        fields.lease_end.map(iso),
        fields.status.as_str(),
        fields.life_years,
        fields.power_watts.map(|d| d.normalize().to_string()),
        fields.power_hours_per_year,
        fields.power_kwh_per_year.map(|d| d.normalize().to_string()),
        fields.notes,
        now_timestamp(),
        identity::key(&fields.asset_tag),
        fields.serial.as_deref().map(identity::key),
        fields.os,
        fields.os_version,
        fields.firmware,
        fields.support_end.map(iso),
        fields.cpu,
    ])?;
    audit_changes(tx, Entity::Asset, current.id.0, org.id, changes, actor)?;
    Ok(())
}

/// Records an asset's disposal and sets its status to disposed.
///
/// # Errors
/// An asset already disposed of, a negative or fractional-penny proceeds, or a database error.
pub fn dispose_asset(
    tx: &Transaction<'_>,
    org: &Organisation,
    asset: &Asset,
    disposal: &Disposal,
    actor: &Actor,
) -> Result<()> {
    let existing: Option<String> = tx
        .query_row(
            "SELECT disposal_date FROM disposals WHERE asset_id = ?1",
            [asset.id.0],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(date) = existing {
        return Err(RegisterError::AlreadyDisposed {
            org: org.code.clone(),
            tag: asset.fields.asset_tag.clone(),
            date,
        });
    }
    if disposal.proceeds.is_some_and(Money::is_negative) {
        return Err(RegisterError::Invalid(
            "disposal proceeds cannot be negative".into(),
        ));
    }
    tx.execute(
        "INSERT INTO disposals (asset_id, disposal_date, method, certificate, contractor, proceeds_pence, \
         notes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            asset.id.0,
            iso(disposal.date),
            disposal.method.as_str(),
            disposal.certificate,
            disposal.contractor,
            pence(disposal.proceeds, "proceeds")?,
            disposal.notes,
            now_timestamp()
        ],
    )?;
    let json = serde_json::json!({
        "date": iso(disposal.date),
        "method": disposal.method.as_str(),
        "certificate": disposal.certificate,
        "contractor": disposal.contractor,
        "proceeds": disposal.proceeds.map(money_text),
        "notes": disposal.notes,
    })
    .to_string();
    audit(
        tx,
        Entity::Asset,
        asset.id.0,
        Some(org.id),
        "dispose",
        None,
        None,
        Some(&json),
        actor,
    )?;
    let mut fields = asset.fields.clone();
    fields.status = AssetStatus::Disposed;
    update_any_status(tx, org, asset, &fields, false, actor)?;
    Ok(())
}

/// What reversing a disposal did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DisposalReversed {
    /// The disposal record removed (kept in full in the audit trail), if
    /// there was one.
    pub disposal: Option<Disposal>,
    /// The status the asset returned to.
    pub status: AssetStatus,
    /// Why.
    pub reason: String,
}

/// Reverses a disposal recorded in error: removes the disposal record
/// (keeping it, whole, in an `undo` row of the audit trail with the
/// reason) and puts the asset back in the status it had before it was
/// disposed of, as the audit trail tells it, else `in_store`.
///
/// # Errors
/// A blank reason, an asset that is not disposed of, or a database error.
pub fn undo_disposal(
    tx: &Transaction<'_>,
    org: &Organisation,
    asset: &Asset,
    reason: &str,
    actor: &Actor,
) -> Result<DisposalReversed> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(RegisterError::Invalid(
            "give the reason the disposal is reversed, e.g. --reason \"recorded against the wrong asset\""
                .into(),
        ));
    }
    let disposal = disposal_of(tx, asset.id)?;
    if disposal.is_none() && asset.fields.status != AssetStatus::Disposed {
        return Err(RegisterError::NotDisposed {
            org: org.code.clone(),
            tag: asset.fields.asset_tag.clone(),
        });
    }
    let before: Option<String> = tx
        .query_row(
            "SELECT old_value FROM audit_log WHERE entity = 'asset' AND entity_id = ?1 \
             AND action = 'update' AND field = 'status' AND new_value = 'disposed' \
             ORDER BY audit_id DESC LIMIT 1",
            [asset.id.0],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let status = before
        .and_then(|s| s.parse::<AssetStatus>().ok())
        .filter(|s| *s != AssetStatus::Disposed)
        .unwrap_or(AssetStatus::InStore);
    let record = disposal.as_ref().map(|d| {
        serde_json::json!({
            "date": iso(d.date),
            "method": d.method.as_str(),
            "certificate": d.certificate,
            "contractor": d.contractor,
            "proceeds": d.proceeds.map(money_text),
            "notes": d.notes,
        })
        .to_string()
    });
    tx.execute("DELETE FROM disposals WHERE asset_id = ?1", [asset.id.0])?;
    audit(
        tx,
        Entity::Asset,
        asset.id.0,
        Some(org.id),
        "undo",
        Some("disposal"),
        record.as_deref(),
        Some(&format!("disposal reversed: {reason}")),
        actor,
    )?;
    let mut fields = asset.fields.clone();
    fields.status = status;
    update_any_status(tx, org, asset, &fields, false, actor)?;
    Ok(DisposalReversed {
        disposal,
        status,
        reason: reason.to_string(),
    })
}

/// The disposal record of an asset, if it has one.
///
/// # Errors
/// A database error.
pub fn disposal_of(conn: &Connection, asset: AssetId) -> Result<Option<Disposal>> {
    Ok(conn
        .query_row(
            "SELECT disposal_date, method, certificate, contractor, proceeds_pence, notes \
             FROM disposals WHERE asset_id = ?1",
            [asset.0],
            |r| {
                Ok(Disposal {
                    date: get_date(r, 0)?.expect("invariant: disposal_date is NOT NULL"),
                    method: get_parsed(r, 1)?,
                    certificate: r.get(2)?,
                    contractor: r.get(3)?,
                    proceeds: r.get::<_, Option<i64>>(4)?.map(Money::from_pence),
                    notes: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// The audit trail of one record, oldest first.
///
/// A record an import created has no insert row of its own (V18): its batch
/// is its audit. Its first entry is then made from the record and its batch
/// — when and by whom, the import's command, the file — with the values as
/// imported: the record's values today with the old values of its later
/// update rows put back, newest first.
///
/// # Errors
/// A database error.
pub fn history(conn: &Connection, entity: Entity, id: i64) -> Result<Vec<AuditEntry>> {
    let mut rows = audit_rows(conn, entity, id)?;
    if let Some((since, created)) = created_by_batch(conn, entity, id, &rows)? {
        // Rows up to `since` are older than the batch: an earlier record
        // that had this id, removed by undoing its own batch. A record from
        // before V18 may still have its own insert row, which says it.
        let at = rows.iter().position(|e| e.id > since).unwrap_or(rows.len());
        if !rows[at..].iter().any(|e| e.action == "insert") {
            rows.insert(at, created);
        }
    }
    Ok(rows)
}

/// What [`created_by_batch`] reads of a record's creating batch: its id,
/// the record's `created_at`, the batch's who, file, command and
/// `audit_before`.
type CreatingBatch = (i64, String, String, String, Option<String>, Option<i64>);

/// The batch that created a record, as the history's first entry; `None`
/// for a record added by hand or one that no longer exists.
fn created_by_batch(
    conn: &Connection,
    entity: Entity,
    id: i64,
    rows: &[AuditEntry],
) -> Result<Option<(i64, AuditEntry)>> {
    let (table, key) = match entity {
        Entity::Asset => ("assets", "asset_id"),
        Entity::PhoneLine => ("phone_lines", "line_id"),
        Entity::Licence => ("licences", "licence_id"),
        _ => return Ok(None),
    };
    let batch: Option<CreatingBatch> = conn
        .query_row(
            &format!(
                "SELECT b.batch_id, r.created_at, b.who, b.file_name, b.command, b.audit_before                  FROM {table} r JOIN import_batches b ON b.batch_id = r.batch_id WHERE r.{key} = ?1"
            ),
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()?;
    let Some((batch, at, who, file, command, audit_before)) = batch else {
        return Ok(None);
    };
    let mut values = match entity {
        Entity::Asset => asset_by_id(conn, AssetId(id))?.fields.field_values(),
        Entity::PhoneLine => match conn
            .query_row(
                &format!("{LINE_SELECT} WHERE l.line_id = ?1"),
                [id],
                line_from_row,
            )
            .optional()?
        {
            Some(l) => l.fields.field_values(),
            None => return Ok(None),
        },
        _ => match conn
            .query_row(
                &format!("{LICENCE_SELECT} WHERE l.licence_id = ?1"),
                [id],
                licence_from_row,
            )
            .optional()?
        {
            Some(l) => l.fields.field_values(),
            None => return Ok(None),
        },
    };
    // Newest first, each change taken back: an update's old value, and a
    // redaction's name as the redacted text it is everywhere else.
    let since = audit_before.unwrap_or(0);
    for e in rows.iter().rev().filter(|e| e.id > since) {
        let Some(field) = e.field.as_deref() else {
            continue;
        };
        let old = match e.action.as_str() {
            "update" => e.old_value.clone(),
            "redact" => Some(REDACTED.to_string()),
            _ => continue,
        };
        if let Some(slot) = values.iter_mut().find(|(name, _)| *name == field) {
            slot.1 = old;
        }
    }
    Ok(Some((
        since,
        AuditEntry {
            id: 0,
            at,
            action: "insert".into(),
            field: None,
            old_value: None,
            new_value: Some(record_json(&values)),
            command: command.unwrap_or_else(|| format!("import {file}")),
            batch_id: Some(BatchId(batch)),
            who,
            source: Some(file),
        },
    )))
}

/// The rows `audit_log` holds for one record, oldest first.
fn audit_rows(conn: &Connection, entity: Entity, id: i64) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT audit_id, at, action, field, old_value, new_value, command, batch_id, who \
         FROM audit_log \
         WHERE entity = ?1 AND entity_id = ?2 ORDER BY audit_id",
    )?;
    let rows = stmt
        .query_map(params![entity.as_str(), id], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                action: r.get(2)?,
                field: r.get(3)?,
                old_value: r.get(4)?,
                new_value: r.get(5)?,
                command: r.get(6)?,
                batch_id: r.get::<_, Option<i64>>(7)?.map(BatchId),
                who: r.get(8)?,
                source: None,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

// ---------------------------------------------------------------- phone lines

const LINE_SELECT: &str = "SELECT l.line_id, o.code, l.number, l.line_type, l.supplier, s.name, \
     l.monthly_rental_pence, l.contract_end, l.critical_care, l.line_use, l.status, l.notes, l.batch_id \
     FROM phone_lines l JOIN organisations o ON o.organisation_id = l.organisation_id \
     LEFT JOIN sites s ON s.site_id = l.site_id";

fn line_from_row(r: &Row<'_>) -> rusqlite::Result<Line> {
    Ok(Line {
        id: LineId(r.get(0)?),
        organisation: r.get(1)?,
        fields: LineFields {
            number: r.get(2)?,
            line_type: get_parsed(r, 3)?,
            supplier: r.get(4)?,
            site: r.get(5)?,
            monthly_rental: Money::from_pence(r.get(6)?),
            contract_end: get_date(r, 7)?,
            critical_care: r.get(8)?,
            line_use: r.get(9)?,
            active: r.get::<_, String>(10)? == "active",
            notes: r.get(11)?,
        },
        batch_id: r.get::<_, Option<i64>>(12)?.map(BatchId),
    })
}

/// The line of `org` with this number, if any.
///
/// # Errors
/// A database error.
pub fn find_line(conn: &Connection, org: &Organisation, number: &str) -> Result<Option<Line>> {
    Ok(conn
        .prepare_cached(&format!(
            "{LINE_SELECT} WHERE l.organisation_id = ?1 AND l.number = ?2"
        ))?
        .query_row(params![org.id.0, number.trim()], line_from_row)
        .optional()?)
}

/// Every line, optionally of one organisation, by organisation then number.
///
/// # Errors
/// A database error.
pub fn list_lines(conn: &Connection, org: Option<&str>) -> Result<Vec<Line>> {
    let mut stmt = conn.prepare(&format!(
        "{LINE_SELECT} WHERE ?1 IS NULL OR o.code = ?1 ORDER BY o.code, l.number"
    ))?;
    let rows = stmt
        .query_map([org], line_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Adds a phone line.
///
/// # Errors
/// A duplicate number, a fractional-penny rental, an unknown site (unless
/// `create_places`), or a database error.
pub fn insert_line(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &LineFields,
    create_places: bool,
    actor: &Actor,
) -> Result<LineId> {
    if find_line(tx, org, &fields.number)?.is_some() {
        return Err(RegisterError::DuplicateLine {
            org: org.code.clone(),
            number: fields.number.clone(),
        });
    }
    let site = resolve_place(
        tx,
        PlaceKind::Site,
        org,
        fields.site.as_deref(),
        create_places,
        actor,
    )?;
    insert_new_line(tx, org, fields, site, actor)
}

/// Adds a phone line whose number the caller knows to be new in `org` and
/// whose site it has resolved (an import); the UNIQUE constraint still
/// refuses a duplicate.
///
/// # Errors
/// A rental that is negative or not whole pence, a constraint, or a database error.
pub fn insert_new_line(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &LineFields,
    site: Option<i64>,
    actor: &Actor,
) -> Result<LineId> {
    fields.validate()?;
    let rental = line_rental(fields)?;
    let now = now_timestamp();
    tx.prepare_cached(
        "INSERT INTO phone_lines (organisation_id, number, line_type, supplier, site_id, \
         monthly_rental_pence, contract_end, critical_care, line_use, status, notes, batch_id, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
    )?
    .execute(params![
        org.id.0,
        fields.number.trim(),
        fields.line_type.as_str(),
        fields.supplier,
        site,
        rental,
        fields.contract_end.map(iso),
        fields.critical_care,
        fields.line_use,
        if fields.active { "active" } else { "ceased" },
        fields.notes,
        actor.batch.map(|b| b.0),
        now
    ])?;
    let id = LineId(tx.last_insert_rowid());
    // An import's record is audited by its batch (`batch_id`, see [`history`]).
    if actor.batch.is_none() {
        audit(
            tx,
            Entity::PhoneLine,
            id.0,
            Some(org.id),
            "insert",
            None,
            None,
            Some(&record_json(&fields.field_values())),
            actor,
        )?;
    }
    Ok(id)
}

fn line_rental(fields: &LineFields) -> Result<i64> {
    whole_pence(
        fields.monthly_rental,
        &format!("line {}", fields.number),
        "a rental",
    )
}

/// `amount` in pence, refusing a negative amount or a fraction of a penny
/// with a message naming `what` (e.g. "a rental") of `whose` (e.g. "line
/// 01632 960001").
fn whole_pence(amount: Money, whose: &str, what: &str) -> Result<i64> {
    if amount.is_negative() {
        return Err(RegisterError::Invalid(format!(
            "{whose}: {what} cannot be negative"
        )));
    }
    amount
        .to_pence()
        .ok_or_else(|| RegisterError::Invalid(format!("{whose}: {what} must be whole pence")))
}

/// Sets a line's fields, writing only what changed (with audit rows).
///
/// # Errors
/// As [`insert_line`].
pub fn update_line(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Line,
    fields: &LineFields,
    create_places: bool,
    actor: &Actor,
) -> Result<Vec<FieldChange>> {
    if diff_fields(&current.fields.field_values(), &fields.field_values()).is_empty() {
        return Ok(Vec::new());
    }
    let site = resolve_place(
        tx,
        PlaceKind::Site,
        org,
        fields.site.as_deref(),
        create_places,
        actor,
    )?;
    update_line_in_site(tx, org, current, fields, site, actor)
}

/// Like [`update_line`], for a caller that has resolved the site itself.
///
/// # Errors
/// As [`update_line`].
pub fn update_line_in_site(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Line,
    fields: &LineFields,
    site: Option<i64>,
    actor: &Actor,
) -> Result<Vec<FieldChange>> {
    fields.validate()?;
    let changes = diff_fields(&current.fields.field_values(), &fields.field_values());
    if changes.is_empty() {
        return Ok(changes);
    }
    tx.prepare_cached(
        "UPDATE phone_lines SET number = ?2, line_type = ?3, supplier = ?4, site_id = ?5, \
         monthly_rental_pence = ?6, contract_end = ?7, critical_care = ?8, line_use = ?9, status = ?10, \
         notes = ?11, updated_at = ?12 WHERE line_id = ?1",
    )?
    .execute(params![
        current.id.0,
        fields.number.trim(),
        fields.line_type.as_str(),
        fields.supplier,
        site,
        line_rental(fields)?,
        fields.contract_end.map(iso),
        fields.critical_care,
        fields.line_use,
        if fields.active { "active" } else { "ceased" },
        fields.notes,
        now_timestamp()
    ])?;
    audit_changes(tx, Entity::PhoneLine, current.id.0, org.id, &changes, actor)?;
    Ok(changes)
}

// ---------------------------------------------------------------- licences

const LICENCE_SELECT: &str = "SELECT l.licence_id, o.code, l.product, l.vendor, l.agreement, \
     l.agreement_type, l.metric, l.quantity, l.unit_cost_pence, l.cost_basis, l.start_date, l.end_date, \
     l.budget, l.covers_classes, l.category, l.notes, l.batch_id \
     FROM licences l JOIN organisations o ON o.organisation_id = l.organisation_id";

fn licence_from_row(r: &Row<'_>) -> rusqlite::Result<Licence> {
    Ok(Licence {
        id: LicenceId(r.get(0)?),
        organisation: r.get(1)?,
        fields: LicenceFields {
            product: r.get(2)?,
            vendor: r.get(3)?,
            agreement: r.get(4)?,
            agreement_type: get_parsed(r, 5)?,
            metric: get_parsed(r, 6)?,
            quantity: r.get(7)?,
            unit_cost: Money::from_pence(r.get(8)?),
            cost_basis: get_parsed(r, 9)?,
            start_date: get_date(r, 10)?,
            end_date: get_date(r, 11)?,
            budget: get_parsed(r, 12)?,
            covers_classes: r.get(13)?,
            category: r.get(14)?,
            notes: r.get(15)?,
        },
        batch_id: r.get::<_, Option<i64>>(16)?.map(BatchId),
    })
}

/// The entitlement of `org` for this product, agreement and metric, if any.
///
/// # Errors
/// A database error.
pub fn find_licence(
    conn: &Connection,
    org: &Organisation,
    fields: &LicenceFields,
) -> Result<Option<Licence>> {
    Ok(conn
        .query_row(
            &format!(
                "{LICENCE_SELECT} WHERE l.organisation_id = ?1 AND l.product = ?2 AND l.agreement = ?3 \
                 AND l.metric = ?4"
            ),
            params![org.id.0, fields.product.trim(), fields.agreement, fields.metric.as_str()],
            licence_from_row,
        )
        .optional()?)
}

/// Every entitlement, optionally of one organisation.
///
/// # Errors
/// A database error.
pub fn list_licences(conn: &Connection, org: Option<&str>) -> Result<Vec<Licence>> {
    let mut stmt = conn.prepare(&format!(
        "{LICENCE_SELECT} WHERE ?1 IS NULL OR o.code = ?1 ORDER BY o.code, l.product, l.agreement"
    ))?;
    let rows = stmt
        .query_map([org], licence_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn licence_cost(fields: &LicenceFields) -> Result<i64> {
    whole_pence(
        fields.unit_cost,
        &format!("licence {}", fields.product),
        "a unit cost",
    )
}

/// Adds a licence entitlement.
///
/// # Errors
/// A duplicate entitlement, a broken rule, or a database error.
pub fn insert_licence(
    tx: &Transaction<'_>,
    org: &Organisation,
    fields: &LicenceFields,
    actor: &Actor,
) -> Result<LicenceId> {
    fields.validate()?;
    if find_licence(tx, org, fields)?.is_some() {
        return Err(RegisterError::Invalid(format!(
            "organisation {} already holds {} under agreement `{}` ({})",
            org.code, fields.product, fields.agreement, fields.metric
        )));
    }
    let now = now_timestamp();
    tx.prepare_cached(
        "INSERT INTO licences (organisation_id, product, vendor, agreement, agreement_type, metric, \
         quantity, unit_cost_pence, cost_basis, start_date, end_date, budget, covers_classes, category, \
         notes, batch_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, \
         ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
    )?
    .execute(params![
        org.id.0,
        fields.product.trim(),
        fields.vendor,
        fields.agreement,
        fields.agreement_type.as_str(),
        fields.metric.as_str(),
        fields.quantity,
        licence_cost(fields)?,
        fields.cost_basis.as_str(),
        fields.start_date.map(iso),
        fields.end_date.map(iso),
        fields.budget.as_str(),
        fields.covers_classes,
        fields.category,
        fields.notes,
        actor.batch.map(|b| b.0),
        now
    ])?;
    let id = LicenceId(tx.last_insert_rowid());
    // An import's record is audited by its batch (`batch_id`, see [`history`]).
    if actor.batch.is_none() {
        audit(
            tx,
            Entity::Licence,
            id.0,
            Some(org.id),
            "insert",
            None,
            None,
            Some(&record_json(&fields.field_values())),
            actor,
        )?;
    }
    Ok(id)
}

/// Sets an entitlement's fields, writing only what changed (with audit rows).
///
/// # Errors
/// A broken rule or a database error.
pub fn update_licence(
    tx: &Transaction<'_>,
    org: &Organisation,
    current: &Licence,
    fields: &LicenceFields,
    actor: &Actor,
) -> Result<Vec<FieldChange>> {
    fields.validate()?;
    let changes = diff_fields(&current.fields.field_values(), &fields.field_values());
    if changes.is_empty() {
        return Ok(changes);
    }
    tx.prepare_cached(
        "UPDATE licences SET product = ?2, vendor = ?3, agreement = ?4, agreement_type = ?5, metric = ?6, \
         quantity = ?7, unit_cost_pence = ?8, cost_basis = ?9, start_date = ?10, end_date = ?11, \
         budget = ?12, covers_classes = ?13, category = ?14, notes = ?15, updated_at = ?16 \
         WHERE licence_id = ?1",
    )?
    .execute(params![
        current.id.0,
        fields.product.trim(),
        fields.vendor,
        fields.agreement,
        fields.agreement_type.as_str(),
        fields.metric.as_str(),
        fields.quantity,
        licence_cost(fields)?,
        fields.cost_basis.as_str(),
        fields.start_date.map(iso),
        fields.end_date.map(iso),
        fields.budget.as_str(),
        fields.covers_classes,
        fields.category,
        fields.notes,
        now_timestamp()
    ])?;
    audit_changes(tx, Entity::Licence, current.id.0, org.id, &changes, actor)?;
    Ok(changes)
}

// ---------------------------------------------------------------- checks and redaction

/// Runs SQLite's `integrity_check` and `foreign_key_check` and estate's own
/// consistency checks; returns one line per problem (empty when sound).
///
/// # Errors
/// A database error that stops the checks running at all.
pub fn check(conn: &Connection) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check")?;
    for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
        let row = row?;
        if row != "ok" {
            problems.push(format!("integrity: {row}"));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check")?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (table, rowid, parent) in rows {
        problems.push(format!(
            "foreign key: {table} row {} points at a missing {parent} record",
            rowid.map_or_else(|| "?".into(), |r| r.to_string())
        ));
    }
    let own: [(&str, &str); 11] = [
        (
            "SELECT 'asset ' || asset_tag || ' belongs to no organisation' FROM assets a \
             WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.organisation_id = a.organisation_id)",
            "organisation",
        ),
        (
            "SELECT 'asset ' || asset_tag || ' has a negative cost' FROM assets WHERE purchase_cost_pence < 0 \
             UNION ALL SELECT 'line ' || number || ' has a negative rental' FROM phone_lines WHERE monthly_rental_pence < 0 \
             UNION ALL SELECT 'licence ' || product || ' has a negative unit cost' FROM licences WHERE unit_cost_pence < 0 \
             UNION ALL SELECT 'price of ' || class || ' is negative' FROM price_book WHERE unit_cost_pence < 0",
            "money",
        ),
        // A record is audited as added either by its insert row (added by
        // hand) or by the import batch it names (V18), never by neither.
        (
            "SELECT 'asset ' || asset_tag || ' has no audit record of being added' FROM assets a \
             WHERE a.batch_id IS NULL AND NOT EXISTS (SELECT 1 FROM audit_log l \
             WHERE l.entity = 'asset' AND l.entity_id = a.asset_id AND l.action = 'insert')",
            "audit",
        ),
        (
            "SELECT 'line ' || number || ' has no audit record of being added' FROM phone_lines p \
             WHERE p.batch_id IS NULL AND NOT EXISTS (SELECT 1 FROM audit_log l \
             WHERE l.entity = 'phone_line' AND l.entity_id = p.line_id AND l.action = 'insert')",
            "audit",
        ),
        (
            "SELECT 'licence ' || product || ' has no audit record of being added' FROM licences c \
             WHERE c.batch_id IS NULL AND NOT EXISTS (SELECT 1 FROM audit_log l \
             WHERE l.entity = 'licence' AND l.entity_id = c.licence_id AND l.action = 'insert')",
            "audit",
        ),
        (CREATED_BY_BATCH_CHECK, "audit"),
        (
            "SELECT 'organisation ' || code || ' has no audit record of being added' FROM organisations o WHERE NOT EXISTS \
             (SELECT 1 FROM audit_log l WHERE l.entity = 'organisation' AND l.entity_id = o.organisation_id AND l.action = 'insert')",
            "audit",
        ),
        (
            "SELECT 'asset ' || a.asset_tag || ' has a disposal record but its status is ' || a.status \
             FROM disposals d JOIN assets a ON a.asset_id = d.asset_id WHERE a.status <> 'disposed'",
            "disposal",
        ),
        (
            "SELECT 'asset ' || a.asset_tag || ' is disposed of but has no disposal record; record it with \
             `estate dispose ' || a.asset_tag || ' --org ' || o.code || ' --method METHOD --date DATE`' \
             FROM assets a JOIN organisations o ON o.organisation_id = a.organisation_id \
             WHERE a.status = 'disposed' AND NOT EXISTS (SELECT 1 FROM disposals d WHERE d.asset_id = a.asset_id) \
             ORDER BY o.code, a.asset_tag",
            "disposal",
        ),
        (
            "SELECT 'assets ' || a.asset_tag || ' and ' || b.asset_tag || ' in organisation ' || o.code || \
             ' have the same tag (ignoring case, spaces and invisible characters); change one with \
             `estate update ' || b.asset_tag || ' --org ' || o.code || ' --tag NEW`' \
             FROM assets a JOIN assets b ON b.organisation_id = a.organisation_id AND b.tag_key = a.tag_key \
             AND b.asset_id > a.asset_id JOIN organisations o ON o.organisation_id = a.organisation_id \
             UNION ALL SELECT 'assets ' || a.asset_tag || ' and ' || b.asset_tag || ' in organisation ' || o.code || \
             ' have the same serial (ignoring case, spaces and invisible characters)' \
             FROM assets a JOIN assets b ON b.organisation_id = a.organisation_id AND b.serial_key = a.serial_key \
             AND b.asset_id > a.asset_id JOIN organisations o ON o.organisation_id = a.organisation_id",
            "identity",
        ),
        (
            "SELECT 'the shares of ' || o.code || ' add up to ' || CAST(SUM(CAST(s.ratio AS REAL)) * 100 AS TEXT) || '%, not 100%' \
             FROM organisation_shares s JOIN organisations o ON o.organisation_id = s.shared_organisation_id \
             GROUP BY s.shared_organisation_id HAVING ABS(SUM(CAST(s.ratio AS REAL)) - 1.0) > 0.0000001",
            "shares",
        ),
    ];
    for (sql, _area) in own {
        let mut stmt = conn.prepare(sql)?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            problems.push(row?);
        }
    }
    Ok(problems)
}

/// The creating batch a record names must be one that could have created
/// it: not undone (an undo removes what the batch created), begun no later
/// than the record was added, and the same batch as its insert row says
/// when it has one (a record added by hand names no batch).
const CREATED_BY_BATCH_CHECK: &str = "WITH created (what, name, batch, at) AS ( \
     SELECT 'asset', asset_tag, batch_id, created_at FROM assets WHERE batch_id IS NOT NULL \
     UNION ALL SELECT 'line', number, batch_id, created_at FROM phone_lines WHERE batch_id IS NOT NULL \
     UNION ALL SELECT 'licence', product, batch_id, created_at FROM licences WHERE batch_id IS NOT NULL) \
     SELECT c.what || ' ' || c.name || ' names import batch ' || c.batch || ' as its creator, ' || \
     CASE WHEN b.batch_id IS NULL THEN 'but there is no such batch' \
          WHEN b.undone_at IS NOT NULL THEN 'but that batch was undone at ' || b.undone_at \
          ELSE 'but it was added at ' || c.at || ', before the batch began at ' || b.imported_at END \
     FROM created c LEFT JOIN import_batches b ON b.batch_id = c.batch \
     WHERE b.batch_id IS NULL OR b.undone_at IS NOT NULL OR c.at < b.imported_at \
     UNION ALL SELECT c.what || ' ' || c.name || ' names import batch ' || c.batch || \
     ' as its creator, but its audit row ' || l.audit_id || ' says it was added ' || \
     CASE WHEN l.batch_id IS NULL THEN 'by hand' ELSE 'by batch ' || l.batch_id END \
     FROM (SELECT 'asset' AS entity, 'asset' AS what, asset_id AS id, asset_tag AS name, \
               batch_id AS batch FROM assets WHERE batch_id IS NOT NULL \
           UNION ALL SELECT 'phone_line', 'line', line_id, number, batch_id FROM phone_lines \
               WHERE batch_id IS NOT NULL \
           UNION ALL SELECT 'licence', 'licence', licence_id, product, batch_id FROM licences \
               WHERE batch_id IS NOT NULL) c \
     JOIN import_batches b ON b.batch_id = c.batch \
     JOIN audit_log l ON l.entity = c.entity AND l.entity_id = c.id \
     WHERE l.action = 'insert' AND l.audit_id > COALESCE(b.audit_before, 0) \
       AND l.batch_id IS NOT c.batch";

/// The text that replaces a forgotten person's name.
pub const REDACTED: &str = "[redacted]";

/// Removes a person from the register (UK GDPR erasure): their name,
/// matched as whole words in any capitals and any script
/// ([`Forget`]), and any e-mail address or user name given with it, in every
/// column that can hold them ([`REDACTABLE`]): assigned users (cleared where
/// the whole value is the name), notes, the audit trail (old and new
/// values, inserted records, command lines, who), the rows an import kept to
/// undo itself (so an undo cannot bring the name back), import batches and
/// the names and command lines of saved forecasts.
/// Each match is replaced by [`REDACTED`]. One `redact` audit row per asset,
/// line or licence that held the name records that a redaction happened,
/// without repeating the name. Returns every field changed, with counts, in
/// the order of [`REDACTABLE`] and then of the records. A dry run is this in
/// a transaction that is rolled back.
///
/// # Errors
/// [`RegisterError::NothingToForget`] when no record holds the name or an
/// address (and then nothing is written), or a database error.
pub fn forget_user(tx: &Transaction<'_>, forget: &Forget, actor: &Actor) -> Result<Forgotten> {
    let mut changes = Vec::new();
    let mut holders: BTreeMap<(Entity, i64), (Option<i64>, bool)> = BTreeMap::new();
    for (table, column, holder, place) in REDACTABLE {
        let rows = tx
            .prepare(&format!(
                "SELECT t.rowid, t.{column}, {holder} FROM {table} t \
                 WHERE t.{column} IS NOT NULL ORDER BY t.rowid"
            ))?
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let assigned = column == "assigned_user";
        // A row an import kept is put back by an undo: a name there must
        // leave no assigned user rather than one called "[redacted]".
        let clear: &[&str] = if table == "import_prior_rows" {
            &["assigned_user"]
        } else {
            &[]
        };
        for (rowid, text, entity, id, org, record) in rows {
            if !forget.may_occur(&text) {
                continue;
            }
            let (new, count) = if assigned && forget.is_whole(&text) {
                (None, 1)
            } else {
                match forget.redact_value(&text, REDACTED, clear) {
                    Some((t, n)) => (Some(t), n),
                    None => continue,
                }
            };
            tx.execute(
                &format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"),
                params![new, rowid],
            )?;
            changes.push(Redaction {
                place: place.to_string(),
                record: record.unwrap_or_else(|| format!("row {rowid}")),
                field: column.to_string(),
                count,
            });
            let entity = match entity.as_deref() {
                Some("asset") => Entity::Asset,
                Some("phone_line") => Entity::PhoneLine,
                Some("licence") => Entity::Licence,
                _ => continue,
            };
            if let Some(id) = id {
                let slot = holders.entry((entity, id)).or_insert((org, false));
                if slot.0.is_none() {
                    slot.0 = org;
                }
                slot.1 |= assigned && table == "assets";
            }
        }
    }
    if changes.is_empty() {
        return Err(RegisterError::NothingToForget);
    }
    let records_noted = holders.len();
    for ((entity, id), (org, assigned)) in holders {
        let org = match org {
            Some(org) => Some(org),
            None => record_organisation(tx, entity, id)?,
        };
        audit(
            tx,
            entity,
            id,
            org.map(OrgId),
            "redact",
            assigned.then_some("assigned_user"),
            None,
            Some(REDACTED),
            actor,
        )?;
    }
    Ok(Forgotten {
        changes,
        records_noted,
    })
}

/// Every text column that can hold a person's name or identifier (e-mail
/// address, user name): table, column, the SQL giving the record it belongs
/// to (entity, id, organisation and how a person knows the record; NULLs
/// where it belongs to no one record), and where a person would look for
/// it. A migration that adds such a column adds it here.
pub const REDACTABLE: [(&str, &str, &str, &str); 21] = [
    (
        "assets",
        "assigned_user",
        "'asset', t.asset_id, t.organisation_id, t.asset_tag",
        "assets",
    ),
    (
        "assets",
        "notes",
        "'asset', t.asset_id, t.organisation_id, t.asset_tag",
        "assets",
    ),
    (
        "phone_lines",
        "notes",
        "'phone_line', t.line_id, t.organisation_id, t.number",
        "phone lines",
    ),
    (
        "licences",
        "notes",
        "'licence', t.licence_id, t.organisation_id, t.product",
        "licences",
    ),
    (
        "disposals",
        "notes",
        "'asset', t.asset_id, NULL, (SELECT a.asset_tag FROM assets a WHERE a.asset_id = t.asset_id)",
        "disposals",
    ),
    ("audit_log", "old_value", AUDIT_HOLDER, "audit trail"),
    ("audit_log", "new_value", AUDIT_HOLDER, "audit trail"),
    ("audit_log", "command", AUDIT_HOLDER, "audit trail"),
    ("audit_log", "who", AUDIT_HOLDER, "audit trail"),
    (
        "import_prior_rows",
        "row_json",
        "t.entity, t.entity_id, json_extract(t.row_json, '$.organisation_id'), \
         'batch ' || t.batch_id || ', kept ' || replace(t.entity, '_', ' ') || ' ' || \
         coalesce(json_extract(t.row_json, '$.asset_tag'), json_extract(t.row_json, '$.number'), \
                  json_extract(t.row_json, '$.product'), t.entity_id)",
        "import batches",
    ),
    (
        "import_batches",
        "file_name",
        BATCH_HOLDER,
        "import batches",
    ),
    ("import_batches", "sheet", BATCH_HOLDER, "import batches"),
    (
        "import_batches",
        "summary_json",
        BATCH_HOLDER,
        "import batches",
    ),
    ("import_batches", "who", BATCH_HOLDER, "import batches"),
    // The import's command line, which a created record's history shows (V18).
    ("import_batches", "command", BATCH_HOLDER, "import batches"),
    // A saved forecast keeps its name and the command line that saved it.
    ("forecast_runs", "name", RUN_HOLDER, "saved forecasts"),
    ("forecast_runs", "command", RUN_HOLDER, "saved forecasts"),
    // A taught word keeps who taught it (`estate vocabulary`).
    (
        "vocabulary",
        "added_by",
        "NULL, NULL, NULL, 'word ' || t.vocabulary_id",
        "taught words",
    ),
    // An approval keeps its minute, who recorded it and the command (V11).
    (
        "run_approvals",
        "minute",
        APPROVAL_HOLDER,
        "saved forecasts",
    ),
    ("run_approvals", "who", APPROVAL_HOLDER, "saved forecasts"),
    (
        "run_approvals",
        "command",
        APPROVAL_HOLDER,
        "saved forecasts",
    ),
];

/// An approval belongs to no one record.
const APPROVAL_HOLDER: &str = "NULL, NULL, NULL, 'approval of run ' || t.run_id";

/// A saved forecast belongs to no one record.
const RUN_HOLDER: &str = "NULL, NULL, NULL, 'run ' || t.run_id";

/// The record an audit row belongs to, and the row itself.
const AUDIT_HOLDER: &str = "t.entity, t.entity_id, t.organisation_id, 'row ' || t.audit_id";

/// An import batch belongs to no one record.
const BATCH_HOLDER: &str = "NULL, NULL, NULL, 'batch ' || t.batch_id";

/// The organisation of an asset, line or licence, if it still exists.
fn record_organisation(tx: &Transaction<'_>, entity: Entity, id: i64) -> Result<Option<i64>> {
    let (table, key) = match entity {
        Entity::PhoneLine => ("phone_lines", "line_id"),
        Entity::Licence => ("licences", "licence_id"),
        _ => ("assets", "asset_id"),
    };
    Ok(tx
        .query_row(
            &format!("SELECT organisation_id FROM {table} WHERE {key} = ?1"),
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db;
    use crate::domain::{AssetClass, AssetStatus, DisposalMethod, LineType};
    use time::macros::date;

    #[test]
    fn rentals_and_unit_costs_are_whole_non_negative_pence() {
        let m = |s: &str| s.parse::<Money>().unwrap();
        assert_eq!(
            whole_pence(m("18.50"), "line 01632 960001", "a rental").unwrap(),
            1850
        );
        assert_eq!(whole_pence(m("0"), "line 1", "a rental").unwrap(), 0);
        assert_eq!(
            whole_pence(m("-1.00"), "line 01632 960001", "a rental")
                .unwrap_err()
                .to_string(),
            "line 01632 960001: a rental cannot be negative"
        );
        assert_eq!(
            whole_pence(m("20.405"), "licence Microsoft 365 E3", "a unit cost")
                .unwrap_err()
                .to_string(),
            "licence Microsoft 365 E3: a unit cost must be whole pence"
        );
    }

    fn setup() -> (Connection, Organisation) {
        let mut conn = db::open_in_memory().unwrap();
        let actor = Actor::command("test");
        db::write(&mut conn, |tx| {
            add_organisation(tx, "BCW", "Brookfield Borough Council", false, None, &actor)?;
            let org = organisation_by_code(tx, "BCW")?.unwrap();
            add_place(tx, PlaceKind::Site, &org, "Civic Centre", None, &actor)?;
            Ok::<_, RegisterError>(())
        })
        .unwrap();
        let org = organisation_by_code(&conn, "BCW").unwrap().unwrap();
        (conn, org)
    }

    fn desktop(tag: &str, serial: &str) -> AssetFields {
        let mut f = AssetFields::new(tag, AssetClass::Desktop);
        f.serial = Some(serial.into());
        f.manufacturer = Some("Dell".into());
        f.model = Some("OptiPlex 7010".into());
        f.in_service_date = Some(date!(2021 - 04 - 01));
        f.purchase_cost = Some(Money::from_pence(61_234));
        f.site = Some("Civic Centre".into());
        f
    }

    /// The audit JSON as `serde_json` writes a map of the field values.
    fn serde_record_json(values: &[(&'static str, Option<String>)]) -> String {
        let map: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .map(|(k, v)| {
                let v = v
                    .clone()
                    .map_or(serde_json::Value::Null, serde_json::Value::String);
                ((*k).to_string(), v)
            })
            .collect();
        serde_json::Value::Object(map).to_string()
    }

    #[test]
    fn an_inserts_audit_json_is_the_same_text_however_it_is_written() {
        let plain = AssetFields::new("T-1", AssetClass::Other);
        let mut full = desktop("PC \"7\" \\ x", "SN\u{1}\n\t\u{7f}é😀");
        full.department = Some("R&B <Ops>".into());
        full.assigned_user = Some("Zoë O'Neill".into());
        full.warranty_end = Some(date!(2024 - 02 - 29));
        full.funding = crate::domain::Funding::Leased;
        full.lease_end = Some(date!(2027 - 03 - 31));
        full.status = AssetStatus::InStore;
        full.life_years = Some(7);
        full.power_watts = Some(Decimal::new(1250, 2));
        full.power_hours_per_year = Some(8760);
        full.notes = Some("a\u{0}b\r\u{8}\u{c}".into());
        full.supplier = Some(String::new());
        full.order_ref = Some("PO/1".into());
        full.purchase_cost = Some(Money::from_decimal(Decimal::new(6123, 1)));
        let mut kwh = plain.clone();
        kwh.power_kwh_per_year = Some(Decimal::new(1_000, 1));
        kwh.purchase_cost = Some(Money::from_pence(0));
        for f in [plain, full, kwh] {
            let expected = serde_record_json(&f.field_values());
            assert_eq!(record_json(&f.field_values()), expected);
            assert_eq!(asset_json(&f), expected);
        }
    }

    #[test]
    fn an_asset_round_trips_exactly() {
        let (mut conn, org) = setup();
        let fields = desktop("PC-00123", "5CG1234XYZ");
        let id = db::write(&mut conn, |tx| {
            insert_asset(tx, &org, &fields, false, &Actor::command("t"))
        })
        .unwrap();
        let back = asset_by_id(&conn, id).unwrap();
        assert_eq!(back.fields, fields);
        assert_eq!(back.organisation, "BCW");
        assert_eq!(
            find_asset(&conn, &org, "5CG1234XYZ").unwrap().unwrap().id,
            id
        );
    }

    #[test]
    fn duplicates_are_refused_by_name() {
        let (mut conn, org) = setup();
        let a = Actor::command("t");
        db::write(&mut conn, |tx| {
            insert_asset(tx, &org, &desktop("PC-1", "S1"), false, &a)
        })
        .unwrap();
        let err = db::write(&mut conn, |tx| {
            insert_asset(tx, &org, &desktop("PC-1", "S2"), false, &a)
        })
        .unwrap_err();
        assert!(matches!(err, RegisterError::DuplicateTag { .. }), "{err}");
        let err = db::write(&mut conn, |tx| {
            insert_asset(tx, &org, &desktop("PC-2", "S1"), false, &a)
        })
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "serial `S1` is already recorded in organisation BCW (asset PC-1); `estate show PC-1 --org BCW` shows it"
        );
        let mut f = desktop("PC-3", "S3");
        f.site = Some("Nowhere".into());
        let err = db::write(&mut conn, |tx| insert_asset(tx, &org, &f, false, &a)).unwrap_err();
        assert!(matches!(err, RegisterError::UnknownSite { .. }), "{err}");
    }

    #[test]
    fn add_update_dispose_leaves_the_full_history() {
        let (mut conn, org) = setup();
        let a = Actor::command("estate add");
        let id = db::write(&mut conn, |tx| {
            insert_asset(tx, &org, &desktop("PC-1", "S1"), false, &a)
        })
        .unwrap();
        let current = asset_by_id(&conn, id).unwrap();
        let mut f = current.fields.clone();
        f.assigned_user = Some("J Smith".into());
        f.purchase_cost = Some(Money::from_pence(60_000));
        let changes = db::write(&mut conn, |tx| {
            update_asset(
                tx,
                &org,
                &current,
                &f,
                false,
                &Actor::command("estate update"),
            )
        })
        .unwrap();
        assert_eq!(changes.len(), 2);
        let current = asset_by_id(&conn, id).unwrap();
        let disposal = Disposal {
            date: date!(2026 - 05 - 01),
            method: DisposalMethod::Recycling,
            certificate: Some("ADISA-123".into()),
            contractor: None,
            proceeds: None,
            notes: None,
        };
        db::write(&mut conn, |tx| {
            dispose_asset(
                tx,
                &org,
                &current,
                &disposal,
                &Actor::command("estate dispose"),
            )
        })
        .unwrap();
        assert_eq!(
            asset_by_id(&conn, id).unwrap().fields.status,
            AssetStatus::Disposed
        );
        let h = history(&conn, Entity::Asset, id.0).unwrap();
        let actions: Vec<(&str, Option<&str>)> = h
            .iter()
            .map(|e| (e.action.as_str(), e.field.as_deref()))
            .collect();
        assert_eq!(
            actions,
            [
                ("insert", None),
                ("update", Some("assigned_user")),
                ("update", Some("purchase_cost")),
                ("dispose", None),
                ("update", Some("status"))
            ]
        );
        assert_eq!(h[2].old_value.as_deref(), Some("612.34"));
        assert_eq!(h[2].new_value.as_deref(), Some("600.00"));
        let current = asset_by_id(&conn, id).unwrap();
        let err = db::write(&mut conn, |tx| {
            dispose_asset(tx, &org, &current, &disposal, &a)
        })
        .unwrap_err();
        assert!(matches!(err, RegisterError::AlreadyDisposed { .. }));
    }

    #[test]
    fn an_unchanged_update_writes_nothing() {
        let (mut conn, org) = setup();
        let a = Actor::command("t");
        let id = db::write(&mut conn, |tx| {
            insert_asset(tx, &org, &desktop("PC-1", "S1"), false, &a)
        })
        .unwrap();
        let current = asset_by_id(&conn, id).unwrap();
        let changes = db::write(&mut conn, |tx| {
            update_asset(tx, &org, &current, &current.fields, false, &a)
        })
        .unwrap();
        assert!(changes.is_empty());
        assert_eq!(history(&conn, Entity::Asset, id.0).unwrap().len(), 1);
    }

    #[test]
    fn the_schema_rejects_what_the_code_would_not_write() {
        let (conn, org) = setup();
        let bad = [
            ("class", "'toaster'"),
            ("status", "'broken'"),
            ("funding", "'borrowed'"),
            ("purchase_cost_pence", "-1"),
            ("in_service_date", "'31/03/2024'"),
            ("life_years", "0"),
        ];
        for (col, value) in bad {
            let class = if col == "class" { value } else { "'desktop'" };
            let (extra_col, extra_val) = if col == "class" {
                (String::new(), String::new())
            } else {
                (format!(", {col}"), format!(", {value}"))
            };
            let sql = format!(
                "INSERT INTO assets (organisation_id, asset_tag, class, created_at, updated_at{extra_col}) \
                 VALUES ({}, 'X-{col}', {class}, 'x', 'x'{extra_val})",
                org.id.0
            );
            assert!(
                conn.execute(&sql, []).is_err(),
                "{col} = {value} should be rejected"
            );
        }
        assert!(conn
            .execute(
                "INSERT INTO assets (organisation_id, asset_tag, class, created_at, updated_at, lease_end) \
                 VALUES (?1, 'L1', 'laptop', 'x', 'x', '2027-01-01')",
                [org.id.0]
            )
            .is_err(), "a lease end on purchased kit");
        assert!(
            conn.execute(
                "INSERT INTO assets (organisation_id, asset_tag, class, created_at, updated_at) \
                 VALUES (999, 'F1', 'laptop', 'x', 'x')",
                []
            )
            .is_err(),
            "an unknown organisation"
        );
        assert!(
            conn.execute(
                "INSERT INTO organisations (code, name, created_at) VALUES ('bcw', 'x', 'x')",
                []
            )
            .is_err()
        );
        assert!(conn
            .execute(
                "INSERT INTO phone_lines (organisation_id, number, line_type, created_at, updated_at) \
                 VALUES (?1, '01234', 'carrier_pigeon', 'x', 'x')",
                [org.id.0]
            )
            .is_err());
        assert!(conn
            .execute(
                "INSERT INTO licences (organisation_id, product, metric, quantity, unit_cost_pence, cost_basis, \
                 created_at, updated_at) VALUES (?1, 'M365', 'per_user', -5, 100, 'annual', 'x', 'x')",
                [org.id.0]
            )
            .is_err());
        assert!(conn
            .execute(
                "INSERT INTO disposals (asset_id, disposal_date, method, created_at) VALUES (1, '2026-01-01', 'fire', 'x')",
                []
            )
            .is_err());
    }

    #[test]
    fn lines_and_licences_round_trip() {
        let (mut conn, org) = setup();
        let a = Actor::command("t");
        let line = LineFields {
            number: "01604 123456".into(),
            line_type: LineType::Pstn,
            supplier: Some("BT".into()),
            site: Some("Civic Centre".into()),
            monthly_rental: Money::from_pence(2_000),
            contract_end: Some(date!(2027 - 01 - 31)),
            critical_care: true,
            line_use: Some("Telecare".into()),
            active: true,
            notes: None,
        };
        db::write(&mut conn, |tx| insert_line(tx, &org, &line, false, &a)).unwrap();
        assert_eq!(list_lines(&conn, Some("BCW")).unwrap()[0].fields, line);
        let lic = LicenceFields {
            product: "Microsoft 365 E3".into(),
            vendor: Some("Microsoft".into()),
            agreement: "EA 1234".into(),
            agreement_type: crate::domain::AgreementType::EnterpriseAgreement,
            metric: crate::domain::LicenceMetric::PerUser,
            quantity: 600,
            unit_cost: Money::from_pence(2_040),
            cost_basis: crate::domain::CostBasis::Monthly,
            start_date: Some(date!(2024 - 07 - 01)),
            end_date: Some(date!(2027 - 06 - 30)),
            budget: crate::domain::BudgetType::Revenue,
            covers_classes: None,
            category: Some("office suite".into()),
            notes: None,
        };
        db::write(&mut conn, |tx| insert_licence(tx, &org, &lic, &a)).unwrap();
        assert_eq!(list_licences(&conn, None).unwrap()[0].fields, lic);
    }
}

/// What the register page (and the API's asset list) asks for: filters, a
/// search, an order and a keyset cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetQuery {
    /// Only this organisation (code).
    pub organisation: Option<String>,
    /// Only this class.
    pub class: Option<crate::domain::AssetClass>,
    /// Only this site (name, any case).
    pub site: Option<String>,
    /// Only this department (name, any case).
    pub department: Option<String>,
    /// Only this status.
    pub status: Option<AssetStatus>,
    /// Text found (any case) in the tag, serial, model or assigned user.
    pub search: Option<String>,
    /// The order.
    pub order: AssetOrder,
    /// Only assets after this one in the order: its sort key and id.
    pub after: Option<(String, i64)>,
    /// At most this many.
    pub limit: u32,
}

/// The order of [`AssetQuery`]: each has an index on (key, `asset_id`), so
/// a page after a cursor is found without counting the pages before it
/// (V13 and V19).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssetOrder {
    /// By asset tag.
    #[default]
    Tag,
    /// By in-service date (assets without one first).
    InService,
    /// By model, ignoring case (assets without one first).
    Model,
    /// By class.
    Class,
    /// By purchase cost, lowest first (assets without one first).
    Cost,
}

impl AssetOrder {
    /// Every order, with the word the page and the API use for it.
    pub const ALL: [(AssetOrder, &'static str); 5] = [
        (AssetOrder::Tag, "tag"),
        (AssetOrder::InService, "in_service"),
        (AssetOrder::Model, "model"),
        (AssetOrder::Class, "class"),
        (AssetOrder::Cost, "cost"),
    ];

    /// The order a word names (`tag`, `in_service`, `model`, `class`, `cost`).
    pub fn from_word(word: &str) -> Option<AssetOrder> {
        Self::ALL.iter().find(|(_, w)| *w == word).map(|(o, _)| *o)
    }

    /// The key, written exactly as its index is (V13, V19), so that SQLite
    /// walks the index instead of sorting.
    fn key_sql(self) -> &'static str {
        match self {
            AssetOrder::Tag => "a.asset_tag",
            AssetOrder::InService => "COALESCE(a.in_service_date, '')",
            AssetOrder::Model => "COALESCE(a.model, '') COLLATE NOCASE",
            AssetOrder::Class => "a.class",
            AssetOrder::Cost => "COALESCE(a.purchase_cost_pence, -1)",
        }
    }

    /// The cursor's key as SQL (a cost is compared as a number).
    fn cursor_sql(self) -> &'static str {
        match self {
            AssetOrder::Cost => "CAST(? AS INTEGER)",
            _ => "?",
        }
    }

    /// The sort key of `asset` in this order (for the next page's cursor).
    pub fn key_of(self, asset: &Asset) -> String {
        let f = &asset.fields;
        match self {
            AssetOrder::Tag => f.asset_tag.clone(),
            AssetOrder::InService => f.in_service_date.map(iso).unwrap_or_default(),
            AssetOrder::Model => f.model.clone().unwrap_or_default(),
            AssetOrder::Class => f.class.as_str().to_string(),
            AssetOrder::Cost => f
                .purchase_cost
                .and_then(Money::to_pence)
                .unwrap_or(-1)
                .to_string(),
        }
    }
}

/// At most this many matches of a page's filters are sorted: when the
/// filters match fewer, the page is found through their indexes and the
/// matches sorted; when more, by walking the order's index and testing each
/// asset against the filters, which then meets a match every few rows.
const FEW_MATCHES: i64 = 2000;

/// The upper end of a prefix range: every text starting with `prefix` is
/// at least `prefix` and below this (U+10FFFF is the greatest character, in
/// binary and in NOCASE order).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// One page of assets for `query`, in its order.
///
/// The search matches the start of the tag or serial (by the identity rule
/// of V7: any case, spaces and invisible characters ignored), of the model
/// or of the assigned user (any case): each is a range of an index, so a
/// search costs the same in a million assets as in a hundred.
///
/// # Errors
/// A database error.
pub fn page_assets(conn: &Connection, query: &AssetQuery) -> Result<Vec<Asset>> {
    use rusqlite::types::Value;
    let text = |s: &str| Value::Text(s.to_string());
    let search = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    // The filters with their values, each written so that SQLite may search
    // an index for it (`indexed`) or only test it on rows found another way
    // (a unary `+` makes a column no longer an index's).
    let filters = |indexed: bool| {
        let p = if indexed { "" } else { "+" };
        let mut w: Vec<String> = Vec::new();
        let mut v: Vec<Value> = Vec::new();
        if let Some(code) = &query.organisation {
            w.push(format!(
                "{p}a.organisation_id IN (SELECT organisation_id FROM organisations WHERE code = ?)"
            ));
            v.push(text(code));
        }
        if let Some(class) = query.class {
            w.push(format!("{p}a.class = ?"));
            v.push(text(class.as_str()));
        }
        if let Some(site) = &query.site {
            w.push(format!(
                "{p}a.site_id IN (SELECT site_id FROM sites WHERE name = ? COLLATE NOCASE)"
            ));
            v.push(text(site));
        }
        if let Some(department) = &query.department {
            w.push(format!(
                "{p}a.department_id IN (SELECT department_id FROM departments \
                 WHERE name = ? COLLATE NOCASE)"
            ));
            v.push(text(department));
        }
        if let Some(status) = query.status {
            w.push(format!("{p}a.status = ?"));
            v.push(text(status.as_str()));
        }
        if let Some(search) = search {
            let orgs = "a.organisation_id IN (SELECT organisation_id FROM organisations)";
            // First in the text, so the plain `?`s after it are numbered 5 on.
            w.insert(
                0,
                format!(
                    "(({orgs} AND {p}a.tag_key >= ?1 AND {p}a.tag_key < ?2) \
                 OR ({orgs} AND {p}a.serial_key >= ?1 AND {p}a.serial_key < ?2) \
                 OR ({p}COALESCE(a.model, '') COLLATE NOCASE >= ?3 \
                     AND {p}COALESCE(a.model, '') COLLATE NOCASE < ?4) \
                 OR ({p}a.assigned_user >= ?3 COLLATE NOCASE \
                     AND {p}a.assigned_user < ?4 COLLATE NOCASE))"
                ),
            );
            let key = crate::domain::identity::key(search);
            v.splice(
                0..0,
                [
                    text(&key),
                    text(&prefix_end(&key)),
                    text(search),
                    text(&prefix_end(search)),
                ],
            );
        }
        (w, v)
    };
    let (indexed, indexed_values) = filters(true);
    // Few matches: find them through the filters' indexes and sort them.
    // Many (or no filter): walk the order's index.
    let few = !indexed.is_empty() && {
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM assets a WHERE {} LIMIT {FEW_MATCHES})",
            indexed.join(" AND ")
        );
        let n: i64 = conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(&indexed_values), |r| r.get(0))?;
        n < FEW_MATCHES
    };
    let (mut conditions, mut values) = if few {
        (indexed, indexed_values)
    } else {
        filters(false)
    };
    let key = query.order.key_sql();
    // Only with a cursor is the range said, so that SQLite seeks the index
    // to it.
    if let Some((after_key, after_id)) = &query.after {
        conditions.push(format!(
            "({key}, a.asset_id) > ({}, ?)",
            query.order.cursor_sql()
        ));
        values.push(text(after_key));
        values.push(Value::Integer(*after_id));
    }
    values.push(Value::Integer(i64::from(query.limit)));
    let sql = format!(
        "{ASSET_SELECT} {} {} ORDER BY {key}, a.asset_id LIMIT ?",
        if conditions.is_empty() { "" } else { "WHERE" },
        conditions.join(" AND ")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(&values), asset_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The register's change counter as this connection sees it (`PRAGMA
/// data_version`): it moves whenever another connection (another request's,
/// or another process's) commits a change. A connection that never writes
/// can so tell whether anything changed since it last looked.
///
/// # Errors
/// A database error.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

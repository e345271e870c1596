//! Writes an import: one file is one batch, written in one transaction, so
//! a failure, an error or a kill part-way leaves the register as it was.
//! Also lists batches and undoes one, restoring exactly what it changed.
//!
//! Rows stream from the reader through [`mapping::RowReader`] into the
//! register's own `store` functions (which audit every change against the
//! batch). Existing records are matched by maps loaded once per organisation
//! and batch, not by a query per row. A row the register refuses is rolled
//! back to its savepoint and rejected, never half-written.

use std::collections::{BTreeMap, HashMap};
use std::ops::ControlFlow;
use std::path::Path;
use std::rc::Rc;
use std::str::FromStr;
use std::sync::mpsc;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use rust_decimal::Decimal;
use serde::Serialize;

use super::identities::{Identities, Slot, TooManyKeys};
use super::mapping::{
    AssetRecord, Field, FieldSet, Kind, LicenceRecord, LineRecord, Parsed, Problem, RowOutcome,
    Source,
};
use super::read::Row;
use super::reading::{Item, QUEUE_BATCHES, ROWS_PER_BATCH, headings_of, read_tables, table_at};
use super::{
    FIRST_REJECTS, IdentityChange, ImportError, ImportOptions, ImportPlan, ImportSummary,
    KindCounts, Reject, SheetSummary, StatusNotTaken, Table, sha256_file,
};
use crate::db::{DbError, now_timestamp};
use crate::domain::{AssetStatus, BatchId, identity};
use crate::output_file::OutputFile;
use crate::register::store::{
    self as reg, PlaceIds, Places, asset_by_id, insert_licence, insert_new_asset, insert_new_line,
    list_organisations, update_asset_in_places, update_licence, update_line_in_site,
};
use crate::register::{
    Actor, AssetFields, LicenceFields, LineFields, Organisation, RegisterError, diff_fields,
};

/// How often (in rows) the progress callback is called.
const PROGRESS_EVERY: u64 = 1_000;

/// The tables an import writes rows of, with their id columns, as the
/// audit trail names them.
const RECORD_TABLES: [(&str, &str, &str); 3] = [
    ("asset", "assets", "asset_id"),
    ("phone_line", "phone_lines", "line_id"),
    ("licence", "licences", "licence_id"),
];

fn table_of(entity: &str) -> Option<(&'static str, &'static str)> {
    RECORD_TABLES
        .iter()
        .find(|(e, _, _)| *e == entity)
        .map(|(_, t, id)| (*t, *id))
}

/// The columns of a table, for snapshotting whole rows.
fn table_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    let cols = stmt
        .query_map([], |r| r.get::<_, String>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(cols)
}

/// How serials and tags are compared: the register's one identity rule
/// ([`identity::key_into`]), written into `out` so matching a million rows
/// allocates nothing.
fn key_into(out: &mut String, text: &str) {
    identity::key_into(out, text);
}

/// [`key_into`] for one-off comparisons.
fn key(text: &str) -> String {
    identity::key(text)
}

/// `text` as the identity set `which` keys it, written into `out`.
fn normalise(out: &mut String, which: Identity, text: &str) {
    match which {
        Identity::Serial | Identity::Tag => key_into(out, text),
        Identity::Line | Identity::Licence => {
            out.clear();
            out.push_str(text);
        }
    }
}

/// A licence's identity: product, agreement and metric.
fn licence_key(f: &LicenceFields) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}",
        f.product,
        f.agreement,
        f.metric.as_str()
    )
}

/// One organisation's identities: what the register holds (loaded once per
/// kind of record) and what this file has given so far.
#[derive(Default)]
struct OrgIndex {
    serials: Identities,
    tags: Identities,
    lines: Identities,
    licences: Identities,
    loaded: [bool; 3],
}

impl OrgIndex {
    fn set(&mut self, which: Identity) -> &mut Identities {
        match which {
            Identity::Serial => &mut self.serials,
            Identity::Tag => &mut self.tags,
            Identity::Line => &mut self.lines,
            Identity::Licence => &mut self.licences,
        }
    }

    /// Reads the organisation's identities of one kind, once. Borrowed
    /// strings from each row go straight into the compact sets.
    fn load(
        &mut self,
        tx: &Transaction<'_>,
        org: &Organisation,
        kind: Kind,
        file: &str,
    ) -> Result<(), RowError> {
        let slot = kind as usize;
        if self.loaded.get(slot).copied().unwrap_or(true) {
            return Ok(());
        }
        let text = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<Option<String>> {
            r.get::<_, Option<String>>(i)
        };
        let mut buffer = String::new();
        match kind {
            Kind::Hardware => {
                let mut stmt = tx.prepare(
                    "SELECT asset_id, asset_tag, serial FROM assets WHERE organisation_id = ?1",
                )?;
                let mut rows = stmt.query([org.id.0])?;
                while let Some(r) = rows.next()? {
                    let id: i64 = r.get(0)?;
                    key_into(&mut buffer, r.get_ref(1)?.as_str()?);
                    self.tags
                        .set_id(&buffer, Some(id))
                        .map_err(|e| too_many(file, e))?;
                    if let Some(serial) = r.get_ref(2)?.as_str_or_null()? {
                        key_into(&mut buffer, serial);
                        self.serials
                            .set_id(&buffer, Some(id))
                            .map_err(|e| too_many(file, e))?;
                    }
                }
            }
            Kind::Lines => {
                let mut stmt = tx.prepare(
                    "SELECT line_id, number FROM phone_lines WHERE organisation_id = ?1",
                )?;
                let mut rows = stmt.query([org.id.0])?;
                while let Some(r) = rows.next()? {
                    let number = r.get_ref(1)?.as_str()?;
                    self.lines
                        .set_id(number, Some(r.get(0)?))
                        .map_err(|e| too_many(file, e))?;
                }
            }
            Kind::Licences => {
                let mut stmt = tx.prepare(
                    "SELECT licence_id, product, agreement, metric FROM licences WHERE organisation_id = ?1",
                )?;
                let mut rows = stmt.query([org.id.0])?;
                while let Some(r) = rows.next()? {
                    let joined = format!(
                        "{}\u{1f}{}\u{1f}{}",
                        text(r, 1)?.unwrap_or_default(),
                        text(r, 2)?.unwrap_or_default(),
                        text(r, 3)?.unwrap_or_default()
                    );
                    self.licences
                        .set_id(&joined, Some(r.get(0)?))
                        .map_err(|e| too_many(file, e))?;
                }
            }
        }
        if let Some(l) = self.loaded.get_mut(slot) {
            *l = true;
        }
        Ok(())
    }
}

fn too_many(file: &str, e: TooManyKeys) -> RowError {
    RowError::Fatal(ImportError::TooLarge {
        file: file.to_string(),
        detail: e.to_string(),
    })
}

/// Finds the organisation a row's text names: its code, its name (ignoring
/// case and punctuation), or a short form of the name — `Avonmere DC`,
/// `Brookfield BC`, `Shared Service`, `Avonmere` — whose words all appear
/// in exactly one organisation's name (or in the shortest of several).
///
/// # Errors
/// A reason naming the text when no organisation, or more than one equally,
/// matches.
/// How the reason a value is not an organisation begins.
const NOT_AN_ORGANISATION: &str = "is not an organisation in the register";

pub fn match_organisation(text: &str, orgs: &[Organisation]) -> Result<usize, String> {
    let t = text.trim();
    if let Some(i) = orgs.iter().position(|o| o.code.eq_ignore_ascii_case(t)) {
        return Ok(i);
    }
    let norm = super::mapping::normalise_heading;
    if let Some(i) = orgs.iter().position(|o| norm(&o.name) == norm(t)) {
        return Ok(i);
    }
    let mut words: Vec<String> = Vec::new();
    for w in norm(t).split(' ').filter(|w| !w.is_empty()) {
        match w {
            "dc" => words.extend(["district".into(), "council".into()]),
            "bc" => words.extend(["borough".into(), "council".into()]),
            "cc" => words.extend(["council".into()]),
            "mbc" => words.extend(["metropolitan".into(), "borough".into(), "council".into()]),
            other => words.push(other.to_string()),
        }
    }
    let mut candidates: Vec<(usize, usize)> = orgs
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let name = norm(&o.name);
            let name_words: Vec<&str> = name.split(' ').collect();
            (!words.is_empty() && words.iter().all(|w| name_words.contains(&w.as_str())))
                .then_some((name_words.len(), i))
        })
        .collect();
    candidates.sort_unstable();
    match candidates.as_slice() {
        [] => Err(format!(
            "{NOT_AN_ORGANISATION} (by code or name); `estate orgs` lists them, `estate orgs \
             add` adds one"
        )),
        [(_, i)] => Ok(*i),
        [(a, i), (b, _), ..] if a < b => Ok(*i),
        several => Err(format!(
            "could be any of {}; use the organisation's code",
            several
                .iter()
                .filter_map(|(_, i)| orgs.get(*i).map(|o| o.code.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The state of one batch being written.
struct Batch<'t, 'c> {
    tx: &'t Transaction<'c>,
    file: String,
    actor: Actor,
    id: BatchId,
    default_org: Option<Rc<Organisation>>,
    org_names: BTreeMap<String, Result<Rc<Organisation>, String>>,
    all_orgs: Option<Vec<Organisation>>,
    indexes: HashMap<i64, OrgIndex>,
    places: Places,
    /// The plan's sheet names, by index (duplicates name the sheet).
    sheet_names: Vec<String>,
    /// The row being written: its sheet's index, and whether it opened a
    /// savepoint (only rows that write more than one refusable statement do).
    sheet: u32,
    savepoint: bool,
    key: String,
    snapshot_sql: BTreeMap<&'static str, String>,
    counts: BTreeMap<Kind, KindCounts>,
    rejects: Vec<Reject>,
    generated: u64,
    identity_changes: Vec<IdentityChange>,
    statuses_not_taken: Vec<StatusNotTaken>,
    /// The tables this import is bulk-loading, whose secondary indexes it
    /// builds after the load.
    bulk: BulkLoad,
}

/// The new records an import adds to a table before it may build the
/// table's non-unique indexes after the load rather than during it. Below
/// this the rows are too few for it to matter, and a small import leaves
/// the schema alone.
pub const BULK_LOAD_ROWS: u64 = 10_000;

/// Secondary indexes built after a bulk load (issue 18). When an import has
/// added [`BULK_LOAD_ROWS`] new records to a table, and at least as many as
/// the table held before it began, the table's non-unique indexes are
/// dropped inside the import's transaction (each one's `CREATE INDEX` kept
/// as `sqlite_master` has it) and created again, by one sort each, just
/// before the commit: the rest of the load no longer updates them row by
/// row. From that point on most of the table's rows are this import's, so
/// rebuilding costs about what keeping them would have, but in order. The
/// UNIQUE indexes and those backing constraints stay: they are the rules
/// every row is checked against. A kill, an error or a dry run rolls the
/// transaction back, schema and all, so the register is as it was.
#[derive(Default)]
struct BulkLoad {
    /// [`ImportOptions::bulk_load_rows`].
    floor: u64,
    tables: [TableLoad; 3],
}

#[derive(Default)]
struct TableLoad {
    /// New records written to the table so far.
    added: u64,
    /// When the indexes go: the count of new records, once known.
    at: Option<u64>,
    /// The indexes dropped, as `(name, sql)`, to create again.
    dropped: Option<Vec<(String, String)>>,
}

/// The table an import writes each kind of record to.
fn table_of_kind(kind: Kind) -> &'static str {
    match kind {
        Kind::Hardware => "assets",
        Kind::Lines => "phone_lines",
        Kind::Licences => "licences",
    }
}

impl BulkLoad {
    /// Counts a new record of `kind`, dropping its table's secondary
    /// indexes when the load has become a bulk one.
    fn added(&mut self, tx: &Transaction<'_>, kind: Kind) -> rusqlite::Result<()> {
        let Some(t) = self.tables.get_mut(kind as usize) else {
            return Ok(());
        };
        if t.dropped.is_some() {
            return Ok(());
        }
        t.added += 1;
        if t.added < self.floor {
            return Ok(());
        }
        let table = table_of_kind(kind);
        let at = if let Some(at) = t.at {
            at
        } else {
            // Asked once, when the load reaches the floor: what the table
            // held before the import is what it holds now less what the
            // import added (an import only adds rows).
            let now: i64 =
                tx.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
            let before = u64::try_from(now).unwrap_or(0).saturating_sub(t.added);
            *t.at.insert(before.max(self.floor))
        };
        if t.added >= at {
            t.dropped = Some(drop_secondary_indexes(tx, table)?);
        }
        Ok(())
    }

    /// Creates again every index dropped, as it was; returns their names.
    fn rebuild(&mut self, tx: &Transaction<'_>) -> rusqlite::Result<Vec<String>> {
        let mut names = Vec::new();
        for t in &mut self.tables {
            for (name, sql) in t.dropped.take().unwrap_or_default() {
                tx.execute_batch(&sql)?;
                names.push(name);
            }
        }
        Ok(names)
    }
}

/// Drops `table`'s indexes that are neither UNIQUE nor made by a
/// constraint, returning each one's name and `CREATE INDEX` statement.
fn drop_secondary_indexes(
    tx: &Transaction<'_>,
    table: &str,
) -> rusqlite::Result<Vec<(String, String)>> {
    let indexes = {
        let mut stmt = tx.prepare(&format!(
            "SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list('{table}') l \
             ON l.name = m.name WHERE m.type = 'index' AND m.tbl_name = '{table}' \
             AND m.sql IS NOT NULL AND l.\"unique\" = 0 AND l.origin = 'c' ORDER BY m.name"
        ))?;
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
    };
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    Ok(indexes)
}

/// Why writing one record failed: the row is rejected, or the batch stops.
enum RowError {
    Reject(Problem),
    Fatal(ImportError),
}

impl From<rusqlite::Error> for RowError {
    fn from(e: rusqlite::Error) -> Self {
        RowError::Fatal(e.into())
    }
}

impl From<rusqlite::types::FromSqlError> for RowError {
    fn from(e: rusqlite::types::FromSqlError) -> Self {
        RowError::Fatal(rusqlite::Error::from(e).into())
    }
}

impl From<RegisterError> for RowError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Db(DbError::Sqlite(rusqlite::Error::SqliteFailure(f, msg)))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                RowError::Reject(Problem {
                    column: String::new(),
                    value: String::new(),
                    reason: format!(
                        "the register refused it ({})",
                        msg.unwrap_or_else(|| f.to_string())
                    ),
                })
            }
            RegisterError::Db(db) => RowError::Fatal(ImportError::Db(db)),
            other => RowError::Reject(Problem {
                column: String::new(),
                value: String::new(),
                reason: other.to_string(),
            }),
        }
    }
}

enum Outcome {
    New,
    Changed,
    Unchanged,
}

/// A broken invariant: stops the batch (nothing is written) with a message
/// asking for a report, rather than panicking.
fn bug(what: &str) -> RowError {
    RowError::Fatal(ImportError::Internal(what.to_string()))
}

fn problem(column: &str, value: &str, reason: impl Into<String>) -> RowError {
    RowError::Reject(Problem {
        column: column.into(),
        value: value.into(),
        reason: reason.into(),
    })
}

/// Which identity set of an organisation a key belongs to.
#[derive(Clone, Copy)]
enum Identity {
    Serial,
    Tag,
    Line,
    Licence,
}

impl Identity {
    /// The kind of record whose register identities fill the set.
    fn kind(self) -> Kind {
        match self {
            Identity::Serial | Identity::Tag => Kind::Hardware,
            Identity::Line => Kind::Lines,
            Identity::Licence => Kind::Licences,
        }
    }
}

impl Batch<'_, '_> {
    fn organisation(
        &mut self,
        named: Option<&str>,
        table: &Table,
    ) -> Result<Rc<Organisation>, RowError> {
        let Some(name) = named else {
            return self.default_org.clone().ok_or_else(|| {
                problem(
                    &heading_of(table, Field::Organisation),
                    "",
                    "no organisation: give --org CODE or fill the organisation column",
                )
            });
        };
        let key = name.trim().to_lowercase();
        if !self.org_names.contains_key(&key) {
            if self.all_orgs.is_none() {
                self.all_orgs = Some(list_organisations(self.tx).map_err(RowError::from)?);
            }
            let all = self.all_orgs.as_deref().unwrap_or_default();
            let found = match match_organisation(name, all) {
                Ok(i) => all
                    .get(i)
                    .cloned()
                    .map(Rc::new)
                    .ok_or_else(|| problem("", name, "no such organisation")),
                Err(reason) => Err(problem(
                    &heading_of(table, Field::Organisation),
                    name,
                    reason,
                )),
            };
            self.org_names.insert(
                key.clone(),
                found.map_err(|e| match e {
                    RowError::Reject(p) => p.reason,
                    RowError::Fatal(e) => e.to_string(),
                }),
            );
        }
        match self.org_names.get(&key) {
            Some(Ok(o)) => Ok(Rc::clone(o)),
            Some(Err(reason)) => Err(problem(
                &heading_of(table, Field::Organisation),
                name,
                reason.clone(),
            )),
            None => Err(problem("", name, "no such organisation")),
        }
    }

    /// The entry of `text` (normalised as its set keys it) among the
    /// organisation's identities; with `add`, added when new. Each key of a
    /// row is normalised and hashed once, and its entry is the handle for
    /// the duplicate check, the match and the new record.
    fn entry(
        &mut self,
        org: &Organisation,
        which: Identity,
        text: &str,
        add: bool,
    ) -> Result<Option<u32>, RowError> {
        let mut key = std::mem::take(&mut self.key);
        normalise(&mut key, which, text);
        let file = &self.file;
        let index = self.indexes.entry(org.id.0).or_default();
        let found = index.load(self.tx, org, which.kind(), file).and_then(|()| {
            let ids = index.set(which);
            if add {
                ids.entry(&key).map(Some).map_err(|e| too_many(file, e))
            } else {
                Ok(ids.position(&key))
            }
        });
        self.key = key;
        found
    }

    /// What is known of an entry.
    fn slot(&mut self, org: &Organisation, which: Identity, entry: u32) -> Slot {
        self.indexes
            .get_mut(&org.id.0)
            .map(|i| i.set(which).slot(entry))
            .unwrap_or_default()
    }

    /// Records that the register record `id` holds an entry.
    fn hold(&mut self, org: &Organisation, which: Identity, entry: u32, id: i64) {
        if let Some(i) = self.indexes.get_mut(&org.id.0) {
            i.set(which).set_id_at(entry, Some(id));
        }
    }

    /// Records that the register record `id` now holds `text` (or, with
    /// `None`, no longer does).
    fn set_id(
        &mut self,
        org: &Organisation,
        which: Identity,
        text: &str,
        id: Option<i64>,
    ) -> Result<(), RowError> {
        match (self.entry(org, which, text, id.is_some())?, id) {
            (Some(entry), Some(id)) => self.hold(org, which, entry, id),
            (Some(entry), None) => {
                if let Some(i) = self.indexes.get_mut(&org.id.0) {
                    i.set(which).set_id_at(entry, None);
                }
            }
            (None, _) => {}
        }
        Ok(())
    }

    /// Reports an entry this file gave earlier; records this row otherwise.
    fn first_time(
        &mut self,
        org: &Organisation,
        (which, entry): (Identity, u32),
        value: &str,
        what: &str,
        (table, field): (&Table, Field),
        row: u32,
    ) -> Result<(), RowError> {
        let sheet = self.sheet;
        let Some(ids) = self.indexes.get_mut(&org.id.0).map(|i| i.set(which)) else {
            return Err(bug("an identity entry without its organisation"));
        };
        let Some((s, r)) = ids.slot(entry).seen else {
            ids.mark_seen(entry, sheet, row);
            return Ok(());
        };
        let s = self.sheet_names.get(s as usize).map_or("", String::as_str);
        Err(problem(
            &heading_of(table, field),
            value,
            format!(
                "{what} also appears on sheet `{s}`, row {r} of this file; the first was kept \
                 and this row rejected (remove the duplicate or correct it)"
            ),
        ))
    }

    /// Opens the row's savepoint, once: before a row writes a statement
    /// that a later one of its statements could still refuse.
    fn savepoint(&mut self) -> Result<(), RowError> {
        if !self.savepoint {
            self.tx
                .prepare_cached("SAVEPOINT import_row")?
                .execute([])?;
            self.savepoint = true;
        }
        Ok(())
    }

    /// The ids of a record's site and department, adding any the register
    /// lacks (inside the row's savepoint, so a refusal takes them back).
    fn places(
        &mut self,
        org: &Organisation,
        site: Option<&str>,
        department: Option<&str>,
    ) -> Result<PlaceIds, RowError> {
        if let Some(known) = self.places.known(self.tx, org, site, department)? {
            return Ok(known);
        }
        self.savepoint()?;
        Ok(self
            .places
            .resolve(self.tx, org, site, department, &self.actor)?)
    }

    fn snapshot(&mut self, entity: &'static str, id: i64) -> Result<(), RowError> {
        if !self.snapshot_sql.contains_key(entity) {
            let (table, id_col) =
                table_of(entity).ok_or_else(|| bug(&format!("{entity} is not a record table")))?;
            let cols = table_columns(self.tx, table)?;
            let pairs = cols
                .iter()
                .map(|c| format!("'{c}', {c}"))
                .collect::<Vec<_>>()
                .join(", ");
            self.snapshot_sql.insert(
                entity,
                format!(
                    "INSERT OR IGNORE INTO import_prior_rows (batch_id, entity, entity_id, row_json) \
                     SELECT ?1, '{entity}', {id_col}, json_object({pairs}) FROM {table} WHERE {id_col} = ?2"
                ),
            );
        }
        if let Some(sql) = self.snapshot_sql.get(entity) {
            self.tx
                .prepare_cached(sql)?
                .execute(params![self.id.0, id])?;
        }
        Ok(())
    }

    fn asset(&mut self, table: &Table, row: u32, rec: &AssetRecord) -> Result<Outcome, RowError> {
        let org = self.organisation(rec.organisation.as_deref(), table)?;
        let f = &rec.fields;
        let serial = match &f.serial {
            Some(s) => {
                let entry = self.entry(&org, Identity::Serial, s, true)?;
                let entry = entry.ok_or_else(|| bug("an added serial has no entry"))?;
                self.first_time(
                    &org,
                    (Identity::Serial, entry),
                    s,
                    "the same serial",
                    (table, Field::Serial),
                    row,
                )?;
                Some(entry)
            }
            None => None,
        };
        // A tag the row made up is only looked up, never recorded as given.
        let tag = self.entry(&org, Identity::Tag, &f.asset_tag, rec.tag_given)?;
        if let (true, Some(entry)) = (rec.tag_given, tag) {
            self.first_time(
                &org,
                (Identity::Tag, entry),
                &f.asset_tag,
                "the same asset tag",
                (table, Field::AssetTag),
                row,
            )?;
        }
        let by_serial = serial.and_then(|e| self.slot(&org, Identity::Serial, e).id);
        let by_tag = tag.and_then(|e| self.slot(&org, Identity::Tag, e).id);
        let existing = match (by_serial, by_tag) {
            (Some(id), _) => Some(id),
            (None, Some(id)) => {
                let current = asset_by_id(self.tx, crate::domain::AssetId(id))?;
                match (&current.fields.serial, &f.serial) {
                    (Some(theirs), Some(ours)) if key(theirs) != key(ours) => {
                        return Err(problem(
                            &heading_of(table, Field::AssetTag),
                            &f.asset_tag,
                            format!(
                                "asset tag `{}` belongs to the asset with serial `{theirs}` in the register, not `{ours}`",
                                f.asset_tag
                            ),
                        ));
                    }
                    _ => Some(id),
                }
            }
            (None, None) => None,
        };
        let Some(id) = existing else {
            // Neither the serial nor the tag is held in the organisation (the
            // index holds all of them), so only the rules are left to check.
            f.validate()?;
            let retired;
            let f = if f.status == AssetStatus::Disposed {
                let mut r = f.clone();
                r.status = AssetStatus::Retired;
                retired = r;
                &retired
            } else {
                f
            };
            let places = self.places(&org, f.site.as_deref(), f.department.as_deref())?;
            let id = insert_new_asset(self.tx, &org, f, places, &self.actor)?;
            if rec.fields.status == AssetStatus::Disposed {
                let statuses = (AssetStatus::Disposed, AssetStatus::Retired);
                self.status_not_taken(&org, row, &f.asset_tag, statuses);
            }
            match tag {
                Some(entry) => self.hold(&org, Identity::Tag, entry, id.0),
                None => self.set_id(&org, Identity::Tag, &f.asset_tag, Some(id.0))?,
            }
            if let Some(entry) = serial {
                self.hold(&org, Identity::Serial, entry, id.0);
            }
            return Ok(Outcome::New);
        };
        if unchanged_asset(self.tx, id, rec)? {
            return Ok(Outcome::Unchanged);
        }
        let current = asset_by_id(self.tx, crate::domain::AssetId(id))?;
        let mut merged = merge_asset(&current.fields, rec);
        if merged.department != current.fields.department
            && self.places.same_department(
                self.tx,
                org.id,
                merged.department.as_deref(),
                current.fields.department.as_deref(),
            )?
        {
            // `RB02 Revenues & Benefits` for an asset in `Revenues & Benefits`.
            merged.department.clone_from(&current.fields.department);
        }
        // `disposed` is reached only through `estate dispose` and left only
        // through `estate dispose --undo`: a supplier's "disposed" is taken
        // as retired (out of use) until the disposal is recorded, and a
        // disposed asset stays disposed whatever the file says.
        let was_disposed = current.fields.status == AssetStatus::Disposed;
        if rec.given.has(Field::Status) && was_disposed != (merged.status == AssetStatus::Disposed)
        {
            merged.status = if was_disposed {
                AssetStatus::Disposed
            } else {
                AssetStatus::Retired
            };
            let statuses = (rec.fields.status, merged.status);
            self.status_not_taken(&org, row, &current.fields.asset_tag, statuses);
        }
        if diff_fields(&current.fields.field_values(), &merged.field_values()).is_empty() {
            return Ok(Outcome::Unchanged);
        }
        self.savepoint()?;
        self.snapshot("asset", id)?;
        let places = self.places(&org, merged.site.as_deref(), merged.department.as_deref())?;
        let changes =
            update_asset_in_places(self.tx, &org, &current, &merged, places, &self.actor)?;
        if changes.is_empty() {
            return Ok(Outcome::Unchanged);
        }
        let (matched_by, matched_value) = match (by_serial, &current.fields.serial) {
            (Some(_), Some(serial)) => ("serial", serial.clone()),
            _ => ("tag", current.fields.asset_tag.clone()),
        };
        for c in changes
            .iter()
            .filter(|c| matches!(c.field, "asset_tag" | "serial"))
        {
            self.identity_changes.push(IdentityChange {
                sheet: self.sheet_name(),
                row,
                organisation: org.code.clone(),
                field: if c.field == "asset_tag" {
                    "tag"
                } else {
                    "serial"
                },
                old: c.old.clone(),
                new: c.new.clone(),
                matched_by,
                matched_value: matched_value.clone(),
            });
        }
        if current.fields.asset_tag != merged.asset_tag {
            self.set_id(&org, Identity::Tag, &current.fields.asset_tag, None)?;
            self.set_id(&org, Identity::Tag, &merged.asset_tag, Some(id))?;
        }
        if current.fields.serial != merged.serial {
            if let Some(s) = &current.fields.serial {
                self.set_id(&org, Identity::Serial, s, None)?;
            }
            if let Some(s) = &merged.serial {
                self.set_id(&org, Identity::Serial, s, Some(id))?;
            }
        }
        Ok(Outcome::Changed)
    }

    /// The name of the sheet being written.
    fn sheet_name(&self) -> String {
        self.sheet_names
            .get(self.sheet as usize)
            .cloned()
            .unwrap_or_default()
    }

    /// Records that a row's status was not taken (see [`StatusNotTaken`]).
    fn status_not_taken(
        &mut self,
        org: &Organisation,
        row: u32,
        tag: &str,
        (given, status): (AssetStatus, AssetStatus),
    ) {
        let reason = if status == AssetStatus::Disposed {
            format!(
                "asset {tag} is disposed of in the register and stays so; if its disposal \
                     was a mistake: estate dispose --undo {tag} --org {} --reason \"why\"",
                org.code
            )
        } else {
            format!(
                "the file says disposed; kept as retired until the disposal is recorded: \
                 estate dispose {tag} --org {} --method METHOD --date DATE --certificate REF",
                org.code
            )
        };
        self.statuses_not_taken.push(StatusNotTaken {
            sheet: self.sheet_name(),
            row,
            organisation: org.code.clone(),
            asset_tag: tag.to_string(),
            given,
            status,
            reason,
        });
    }

    fn line(&mut self, table: &Table, row: u32, rec: &LineRecord) -> Result<Outcome, RowError> {
        let org = self.organisation(rec.organisation.as_deref(), table)?;
        let number = rec.fields.number.as_str();
        let entry = self
            .entry(&org, Identity::Line, number, true)?
            .ok_or_else(|| bug("an added line has no entry"))?;
        self.first_time(
            &org,
            (Identity::Line, entry),
            number,
            "the same line",
            (table, Field::Number),
            row,
        )?;
        let Some(id) = self.slot(&org, Identity::Line, entry).id else {
            // The index holds every line of the organisation, so the number is new.
            let site = self.places(&org, rec.fields.site.as_deref(), None)?.site;
            let id = insert_new_line(self.tx, &org, &rec.fields, site, &self.actor)?;
            self.hold(&org, Identity::Line, entry, id.0);
            return Ok(Outcome::New);
        };
        let current = reg::find_line(self.tx, &org, number)?
            .ok_or_else(|| bug(&format!("line {number} is indexed but not found")))?;
        let merged = merge_line(&current.fields, rec);
        if diff_fields(&current.fields.field_values(), &merged.field_values()).is_empty() {
            return Ok(Outcome::Unchanged);
        }
        self.savepoint()?;
        self.snapshot("phone_line", id)?;
        let site = self.places(&org, merged.site.as_deref(), None)?.site;
        update_line_in_site(self.tx, &org, &current, &merged, site, &self.actor)?;
        Ok(Outcome::Changed)
    }

    fn licence(
        &mut self,
        table: &Table,
        row: u32,
        rec: &LicenceRecord,
    ) -> Result<Outcome, RowError> {
        let org = self.organisation(rec.organisation.as_deref(), table)?;
        let f = &rec.fields;
        let key = licence_key(f);
        let label = format!(
            "the same product under agreement `{}` ({})",
            f.agreement, f.metric
        );
        let entry = self
            .entry(&org, Identity::Licence, &key, true)?
            .ok_or_else(|| bug("an added licence has no entry"))?;
        self.first_time(
            &org,
            (Identity::Licence, entry),
            &f.product,
            &label,
            (table, Field::Product),
            row,
        )?;
        let Some(id) = self.slot(&org, Identity::Licence, entry).id else {
            let id = insert_licence(self.tx, &org, f, &self.actor)?;
            self.hold(&org, Identity::Licence, entry, id.0);
            return Ok(Outcome::New);
        };
        let current = reg::find_licence(self.tx, &org, f)?
            .ok_or_else(|| bug(&format!("licence {id} is indexed but not found")))?;
        let merged = merge_licence(&current.fields, rec);
        if diff_fields(&current.fields.field_values(), &merged.field_values()).is_empty() {
            return Ok(Outcome::Unchanged);
        }
        self.savepoint()?;
        self.snapshot("licence", id)?;
        update_licence(self.tx, &org, &current, &merged, &self.actor)?;
        Ok(Outcome::Changed)
    }

    /// Writes one record. A record that is refused leaves nothing behind:
    /// its first write is either the one statement that can be refused (a
    /// new record's INSERT, atomic on its own), or it opened a savepoint
    /// first (a new site, an update with its prior-row snapshot) that is
    /// rolled back. Per-row savepoints are not free — SQLite copies every
    /// page a savepoint touches into its sub-journal — so most rows have none.
    fn write(
        &mut self,
        table: &Table,
        row: u32,
        record: Record<'_>,
    ) -> Result<Result<Outcome, Problem>, ImportError> {
        self.savepoint = false;
        let changes_before = self.tx.total_changes();
        let result = match record {
            Record::Asset(a) => self.asset(table, row, a),
            Record::Line(l) => self.line(table, row, l),
            Record::Licence(l) => self.licence(table, row, l),
        };
        let savepoint = std::mem::take(&mut self.savepoint);
        match result {
            Ok(o) => {
                if savepoint {
                    self.tx.prepare_cached("RELEASE import_row")?.execute([])?;
                }
                self.places.keep_added();
                Ok(Ok(o))
            }
            Err(RowError::Reject(p)) => {
                if savepoint {
                    self.tx
                        .prepare_cached("ROLLBACK TO import_row")?
                        .execute([])?;
                    self.tx.prepare_cached("RELEASE import_row")?.execute([])?;
                    self.places.forget_added();
                } else if self.tx.total_changes() != changes_before {
                    return Err(ImportError::Internal(format!(
                        "row {row} was refused after part of it was written ({})",
                        p.reason
                    )));
                }
                Ok(Err(p))
            }
            Err(RowError::Fatal(e)) => Err(e),
        }
    }
    fn reject(
        &mut self,
        kind: Kind,
        sheet: &str,
        row: &Row,
        headings: &[String],
        problems: Vec<Problem>,
    ) {
        let counts = self.counts.entry(kind).or_default();
        counts.read += 1;
        counts.rejected += 1;
        let cells = headings
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(i, h)| {
                (
                    h.clone(),
                    row.cells
                        .get(i)
                        .map(|v| v.display().into_owned())
                        .unwrap_or_default(),
                )
            })
            .collect();
        self.rejects.push(Reject {
            sheet: sheet.to_string(),
            row: row.number,
            problems,
            cells,
        });
    }
}

#[derive(Clone, Copy)]
enum Record<'a> {
    Asset(&'a AssetRecord),
    Line(&'a LineRecord),
    Licence(&'a LicenceRecord),
}

fn heading_of(table: &Table, field: Field) -> String {
    table
        .columns
        .iter()
        .find(|c| c.field == Some(field))
        .map_or_else(|| field.as_str().to_string(), |c| c.heading.clone())
}

/// The register's asset with the fields this row gave put over it (a blank
/// cell, or a column the file does not have, leaves the register's value).
fn merge_asset(current: &AssetFields, rec: &AssetRecord) -> AssetFields {
    let g = rec.given;
    let n = &rec.fields;
    let mut f = current.clone();
    if rec.tag_given {
        f.asset_tag.clone_from(&n.asset_tag);
    }
    macro_rules! take {
        ($($field:ident => $member:ident),+ $(,)?) => {
            $(if g.has(Field::$field) { f.$member = n.$member.clone(); })+
        };
    }
    take!(
        Serial => serial, Class => class, Manufacturer => manufacturer, Model => model,
        Site => site, Department => department, AssignedUser => assigned_user,
        InServiceDate => in_service_date, Cost => purchase_cost, Supplier => supplier,
        OrderRef => order_ref, WarrantyEnd => warranty_end, Funding => funding,
        LeaseEnd => lease_end, Status => status, LifeYears => life_years,
        PowerWatts => power_watts, PowerKwh => power_kwh_per_year, Notes => notes,
        Os => os, OsVersion => os_version, Cpu => cpu,
    );
    f
}

/// True when the register's asset `id` already holds every value the row
/// gives, so [`merge_asset`] would change nothing: the common case of a
/// monthly re-import, checked from borrowed column values without building
/// the asset. `false` means "not shown unchanged here", and the caller
/// then compares the full records; so this is only ever a shortcut, never
/// a different answer.
#[allow(
    clippy::many_single_char_names,
    reason = "r, n, g, p, m: the row, new fields, given flags and a pair compared, in a tight loop"
)]
fn unchanged_asset(tx: &Transaction<'_>, id: i64, rec: &AssetRecord) -> rusqlite::Result<bool> {
    use rusqlite::types::ValueRef;
    let mut stmt = tx.prepare_cached(
        "SELECT a.asset_tag, a.serial, a.class, a.manufacturer, a.model, s.name, d.name, \
         a.assigned_user, a.in_service_date, a.purchase_cost_pence, a.supplier, a.order_ref, \
         a.warranty_end, a.funding, a.lease_end, a.status, a.life_years, a.power_watts, \
         a.power_kwh_per_year, a.notes FROM assets a \
         LEFT JOIN sites s ON s.site_id = a.site_id \
         LEFT JOIN departments d ON d.department_id = a.department_id WHERE a.asset_id = ?1",
    )?;
    // The operating system is not in the shortcut: the full comparison decides.
    if rec.given.has(Field::Os) || rec.given.has(Field::OsVersion) || rec.given.has(Field::Cpu) {
        return Ok(false);
    }
    let mut rows = stmt.query([id])?;
    let Some(r) = rows.next()? else {
        return Ok(false);
    };
    let n = &rec.fields;
    let text = |i: usize| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
    let date = |i: usize, want: Option<time::Date>| -> rusqlite::Result<bool> {
        Ok(match (text(i)?, want) {
            (None, None) => true,
            (Some(t), Some(d)) => crate::domain::parse_iso_date(t) == Some(d),
            _ => false,
        })
    };
    let decimal = |i: usize, want: Option<rust_decimal::Decimal>| -> rusqlite::Result<bool> {
        Ok(match (text(i)?, want) {
            (None, None) => true,
            // Both sides are written normalised, so equal values are equal text.
            (Some(t), Some(d)) => t.parse::<rust_decimal::Decimal>().ok() == Some(d),
            _ => false,
        })
    };
    let g = rec.given;
    let same = |field: Field, equal: rusqlite::Result<bool>| -> rusqlite::Result<bool> {
        if g.has(field) { equal } else { Ok(true) }
    };
    let cost_equal = match (r.get_ref(9)?, n.purchase_cost) {
        (ValueRef::Null, None) => true,
        // The audit text of a cost is its pounds to two places; a cost
        // written with more places differs as text, so it is not a shortcut.
        (ValueRef::Integer(p), Some(m)) => m.amount().scale() <= 2 && m.to_pence() == Some(p),
        _ => false,
    };
    let life_equal = match (r.get_ref(16)?, n.life_years) {
        (ValueRef::Null, None) => true,
        (ValueRef::Integer(y), Some(want)) => y == i64::from(want),
        _ => false,
    };
    Ok((!rec.tag_given || text(0)? == Some(n.asset_tag.as_str()))
        && same(Field::Serial, Ok(text(1)? == n.serial.as_deref()))?
        && same(Field::Class, Ok(text(2)? == Some(n.class.as_str())))?
        && same(
            Field::Manufacturer,
            Ok(text(3)? == n.manufacturer.as_deref()),
        )?
        && same(Field::Model, Ok(text(4)? == n.model.as_deref()))?
        && same(Field::Site, Ok(text(5)? == n.site.as_deref()))?
        && same(Field::Department, Ok(text(6)? == n.department.as_deref()))?
        && same(
            Field::AssignedUser,
            Ok(text(7)? == n.assigned_user.as_deref()),
        )?
        && same(Field::InServiceDate, date(8, n.in_service_date))?
        && same(Field::Cost, Ok(cost_equal))?
        && same(Field::Supplier, Ok(text(10)? == n.supplier.as_deref()))?
        && same(Field::OrderRef, Ok(text(11)? == n.order_ref.as_deref()))?
        && same(Field::WarrantyEnd, date(12, n.warranty_end))?
        && same(Field::Funding, Ok(text(13)? == Some(n.funding.as_str())))?
        && same(Field::LeaseEnd, date(14, n.lease_end))?
        && same(Field::Status, Ok(text(15)? == Some(n.status.as_str())))?
        && same(Field::LifeYears, Ok(life_equal))?
        && same(Field::PowerWatts, decimal(17, n.power_watts))?
        && same(Field::PowerKwh, decimal(18, n.power_kwh_per_year))?
        && same(Field::Notes, Ok(text(19)? == n.notes.as_deref()))?)
}

fn merge_line(current: &LineFields, rec: &LineRecord) -> LineFields {
    let g = rec.given;
    let n = &rec.fields;
    let mut f = current.clone();
    f.line_type = n.line_type;
    macro_rules! take {
        ($($field:ident => $member:ident),+ $(,)?) => {
            $(if g.has(Field::$field) { f.$member = n.$member.clone(); })+
        };
    }
    take!(
        Supplier => supplier, Site => site, Cost => monthly_rental, ContractEnd => contract_end,
        CriticalCare => critical_care, LineUse => line_use, Status => active, Notes => notes,
    );
    f
}

fn merge_licence(current: &LicenceFields, rec: &LicenceRecord) -> LicenceFields {
    let g = rec.given;
    let n = &rec.fields;
    let mut f = current.clone();
    let either = |a: Field, b: Field, g: FieldSet| g.has(a) || g.has(b);
    if either(Field::Vendor, Field::Manufacturer, g) {
        f.vendor.clone_from(&n.vendor);
    }
    if either(Field::StartDate, Field::InServiceDate, g) {
        f.start_date = n.start_date;
    }
    if either(Field::Category, Field::Class, g) {
        f.category.clone_from(&n.category);
    }
    macro_rules! take {
        ($($field:ident => $member:ident),+ $(,)?) => {
            $(if g.has(Field::$field) { f.$member = n.$member.clone(); })+
        };
    }
    take!(
        AgreementType => agreement_type, Quantity => quantity, Cost => unit_cost,
        CostBasis => cost_basis, EndDate => end_date, Budget => budget,
        CoversClasses => covers_classes, Notes => notes,
    );
    f
}

/// Streams every table of `plan` into the register as one batch, in one
/// transaction, and says what it did. With `opts.dry_run` (or when
/// `opts.strict` finds a rejected row) the transaction is rolled back and
/// nothing is written, but the summary is the same one a real import
/// would give. `progress` is called with the number of rows read so far.
///
/// # Errors
/// The file changed or cannot be read; no organisation given when the
/// register holds several; `--strict` with rejects ([`ImportError::Strict`],
/// carrying the summary); a database failure (nothing written).
pub fn commit(
    conn: &mut Connection,
    plan: &ImportPlan,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    // A large import touches index pages all over the file (serial numbers
    // arrive in no order); SQLite's default 2 MB page cache then spills and
    // re-reads pages for every few rows. A bigger cache for the length of
    // the import, put back after, costs memory that does not grow with the
    // file.
    let previous: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
    let result = commit_batch(conn, plan, opts, progress);
    conn.pragma_update(None, "cache_size", previous)?;
    result
}

/// The page cache an import uses, in `KiB` (as `PRAGMA cache_size` takes a
/// negative number).
pub const IMPORT_CACHE_KIB: i64 = -32 * 1024;

fn commit_batch(
    conn: &mut Connection,
    plan: &ImportPlan,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportSummary, ImportError> {
    if sha256_file(&plan.path)? != plan.sha256 {
        return Err(ImportError::Changed {
            file: plan.file.clone(),
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let has_org_column = plan.tables().any(|(_, t)| {
        t.columns
            .iter()
            .any(|c| c.field == Some(Field::Organisation))
    });
    let default_org = match (&opts.organisation, has_org_column) {
        (Some(code), _) => Some(reg::resolve_organisation(&tx, Some(code))?),
        (None, false) => Some(reg::resolve_organisation(&tx, None)?),
        (None, true) => reg::resolve_organisation(&tx, None).ok(),
    };
    // An organisation column none of whose values is an organisation in
    // the register (Snipe-IT's `Company` holding a supplier's customers)
    // is not an organisation column when --org says where the rows go:
    // its values are kept in notes instead of rejecting every row.
    let mut org_notes = Vec::new();
    let adjusted;
    let plan = match &default_org {
        Some(org) if opts.organisation.is_some() => {
            let orgs = list_organisations(&tx)?;
            let mut copy = plan.clone();
            let mut changed = false;
            for sheet in &mut copy.sheets {
                let Some(table) = sheet.table.as_mut() else {
                    continue;
                };
                if !opts.org_column_as_notes
                    && (table.organisation_values.is_empty()
                        || table
                            .organisation_values
                            .iter()
                            .any(|v| match_organisation(v, &orgs).is_ok()))
                {
                    continue;
                }
                for c in &mut table.columns {
                    if c.field == Some(Field::Organisation) {
                        c.field = None;
                        c.source = Source::NotOrganisation;
                        changed = true;
                        org_notes.push(if opts.org_column_as_notes {
                            format!(
                                "sheet `{}`: column `{}` was not read as organisations \
                                 (--org-column-as-notes): every row went into {} (--org) and \
                                 each value is kept in the asset's notes",
                                sheet.name, c.heading, org.code
                            )
                        } else {
                            format!(
                                "sheet `{}`: none of the {} value(s) in column `{}` is an \
                                 organisation in the register, so it was not read as one: every \
                                 row went into {} (--org) and each value is kept in the asset's \
                                 notes",
                                sheet.name,
                                table.organisation_values.len(),
                                c.heading,
                                org.code
                            )
                        });
                    }
                }
            }
            if changed {
                adjusted = copy;
                &adjusted
            } else {
                plan
            }
        }
        _ => plan,
    };
    let kinds: Vec<Kind> = {
        let mut k: Vec<Kind> = plan.tables().map(|(_, t)| t.kind).collect();
        k.sort();
        k.dedup();
        k
    };
    let kind_text = match kinds.as_slice() {
        [one] => one.as_str(),
        _ => "mixed",
    };
    let sheet_names = plan.tables().map(|(n, _)| n).collect::<Vec<_>>().join(", ");
    tx.execute(
        // The batch is the audit of every record it creates (V18): it keeps
        // the command and where the audit trail stood when it began.
        "INSERT INTO import_batches (organisation_id, file_name, file_sha256, sheet, profile, kind, \
         imported_at, who, command, audit_before) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, \
         (SELECT COALESCE(MAX(audit_id), 0) FROM audit_log))",
        params![
            default_org.as_ref().map(|o| o.id.0),
            plan.file,
            plan.sha256,
            sheet_names,
            plan.profile,
            kind_text,
            now_timestamp(),
            opts.who,
            opts.command
        ],
    )?;
    let batch_id = BatchId(tx.last_insert_rowid());
    let mut batch = Batch {
        tx: &tx,
        file: plan.file.clone(),
        actor: Actor {
            command: opts.command.clone(),
            batch: Some(batch_id),
            who: opts.who.clone(),
        },
        id: batch_id,
        default_org: default_org.clone().map(Rc::new),
        org_names: BTreeMap::new(),
        all_orgs: None,
        indexes: HashMap::new(),
        places: Places::default(),
        sheet_names: plan.sheets.iter().map(|s| s.name.clone()).collect(),
        sheet: 0,
        savepoint: false,
        key: String::new(),
        snapshot_sql: BTreeMap::new(),
        counts: BTreeMap::new(),
        rejects: Vec::new(),
        generated: 0,
        identity_changes: Vec::new(),
        statuses_not_taken: Vec::new(),
        bulk: BulkLoad {
            floor: opts.bulk_load_rows,
            tables: Default::default(),
        },
    };
    let mut summary = ImportSummary {
        file: plan.file.clone(),
        sha256: plan.sha256.clone(),
        format: plan.format.as_str().to_string(),
        dry_run: opts.dry_run,
        profile: plan.profile.clone(),
        organisation: default_org.as_ref().map(|o| o.code.clone()),
        notes: plan.notes.iter().cloned().chain(org_notes).collect(),
        ..ImportSummary::default()
    };
    // Two threads: one reads and parses rows (XML tokenising is the slow part),
    // this one writes them, with a bounded queue of row batches between.
    let (to_writer, from_reader) = mpsc::sync_channel::<Vec<Item>>(QUEUE_BATCHES);
    // Written batches go back to the reader, which drops their rows and
    // refills the vector: memory is freed by the thread that allocated it
    // (freeing across threads makes the allocator take locks) and the
    // vectors are reused.
    let (to_reader, written) = mpsc::channel::<Vec<Item>>();
    let all_headings: Vec<Vec<String>> = plan
        .sheets
        .iter()
        .map(|s| s.table.as_ref().map(headings_of).unwrap_or_default())
        .collect();
    let mut rows_done = 0u64;
    let mut fatal: Option<ImportError> = None;
    let mut ends: BTreeMap<usize, Item> = BTreeMap::new();
    let read_result = std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            let mut queue = Vec::with_capacity(ROWS_PER_BATCH);
            let sent = read_tables(plan, opts, &mut |item| {
                queue.push(item);
                if queue.len() >= ROWS_PER_BATCH {
                    let mut next = written.try_recv().unwrap_or_default();
                    next.clear();
                    next.reserve(ROWS_PER_BATCH);
                    let full = std::mem::replace(&mut queue, next);
                    if to_writer.send(full).is_err() {
                        // The writer stopped (an error): stop reading.
                        return ControlFlow::Break(());
                    }
                }
                ControlFlow::Continue(())
            });
            if !queue.is_empty() {
                let _ = to_writer.send(queue);
            }
            drop(to_writer);
            sent
        });
        'batches: for mut items in &from_reader {
            for item in &mut items {
                match item {
                    Item::Row {
                        sheet,
                        row,
                        outcome,
                    } => {
                        let sheet = *sheet;
                        let Some((name, table)) = table_at(plan, sheet) else {
                            fatal = Some(ImportError::Internal(format!("no table {sheet}")));
                            break 'batches;
                        };
                        rows_done += 1;
                        if rows_done % PROGRESS_EVERY == 0 {
                            progress(rows_done);
                        }
                        let headings = all_headings.get(sheet).map_or(&[][..], Vec::as_slice);
                        if let Err(e) =
                            write_row(&mut batch, (sheet, name, table, headings), row, outcome)
                        {
                            fatal = Some(e);
                            break 'batches;
                        }
                    }
                    Item::SheetEnd { sheet, .. } => {
                        let sheet = *sheet;
                        let end = std::mem::replace(
                            item,
                            Item::SheetEnd {
                                sheet,
                                rows: 0,
                                totals_row: None,
                                skipped_rows: Vec::new(),
                                cells_ignored: 0,
                                notes: Vec::new(),
                            },
                        );
                        ends.insert(sheet, end);
                    }
                }
            }
            // The reader may have finished: then the rows are dropped here.
            let _ = to_reader.send(items);
        }
        // Dropping the receiver tells a reader still running to stop.
        drop(from_reader);
        reader.join()
    });
    if let Some(e) = fatal {
        return Err(e);
    }
    match read_result {
        Ok(result) => result?,
        Err(_) => return Err(super::read::panicked(&plan.file)),
    }
    for (i, sheet) in plan.sheets.iter().enumerate() {
        let Some(table) = &sheet.table else {
            summary.sheets.push(SheetSummary {
                name: sheet.name.clone(),
                status: "skipped",
                reason: sheet.skipped.clone(),
                header_row: None,
                kind: None,
                rows: 0,
                totals_row: None,
                skipped_rows: Vec::new(),
                columns: Vec::new(),
                dates: Vec::new(),
            });
            continue;
        };
        let (rows, totals_row, skipped_rows) = match ends.remove(&i) {
            Some(Item::SheetEnd {
                rows,
                totals_row,
                skipped_rows,
                cells_ignored,
                notes,
                ..
            }) => {
                summary.notes.extend(notes);
                if cells_ignored > 0 {
                    summary.notes.push(format!(
                        "sheet `{}`: {cells_ignored} cell(s) right of column {} were ignored \
                         (estate reads the first {} columns)",
                        sheet.name,
                        super::read::column_letters(super::read::MAX_COLUMNS - 1),
                        super::read::MAX_COLUMNS
                    ));
                }
                (rows, totals_row, skipped_rows)
            }
            _ => (0, None, Vec::new()),
        };
        for c in &table.columns {
            match c.source {
                Source::Unknown
                | Source::Duplicate
                | Source::NotForKind
                | Source::NotOrganisation => {
                    summary
                        .unknown_columns
                        .push(format!("sheet `{}`: `{}`", sheet.name, c.heading));
                }
                _ => {}
            }
            if c.field == Some(Field::CostIncVat) {
                summary.notes.push(format!(
                    "sheet `{}`: column `{}` includes VAT; converted to net at {} VAT",
                    sheet.name, c.heading, opts.vat_rate
                ));
            }
        }
        summary.sheets.push(SheetSummary {
            name: sheet.name.clone(),
            status: "read",
            reason: None,
            header_row: Some(table.header_row),
            kind: Some(table.kind),
            rows,
            totals_row,
            skipped_rows,
            columns: table.columns.clone(),
            dates: table.dates.clone(),
        });
    }
    progress(rows_done);
    if batch.generated > 0 {
        summary.notes.push(format!(
            "{} assets were created from quantity rows without serial numbers, each with a \
             generated tag (GEN-…); re-importing the same rows finds them again",
            batch.generated
        ));
    }
    let mut total = KindCounts::default();
    for (kind, c) in &batch.counts {
        total.read += c.read;
        total.new += c.new;
        total.changed += c.changed;
        total.unchanged += c.unchanged;
        total.rejected += c.rejected;
        summary.kinds.push(KindCounts {
            kind: Some(*kind),
            ..c.clone()
        });
    }
    summary.total = total;
    summary.identity_changes = std::mem::take(&mut batch.identity_changes);
    summary.statuses_not_taken = std::mem::take(&mut batch.statuses_not_taken);
    // Rows rejected only because their organisation is not in the
    // register are told once, by value, not one reject a row.
    let mut unmatched: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    // (With --org only: its flag is one of the ways out.)
    let folding = opts.organisation.is_some();
    let only_org = |r: &Reject| -> Option<(String, String, String)> {
        if !folding {
            return None;
        }
        match r.problems.as_slice() {
            [p] if p.reason.starts_with(NOT_AN_ORGANISATION) => {
                Some((r.sheet.clone(), p.column.clone(), p.value.clone()))
            }
            _ => None,
        }
    };
    for r in &batch.rejects {
        if let Some(key) = only_org(r) {
            *unmatched.entry(key).or_default() += 1;
        }
    }
    let mut by_column: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for ((sheet, column, value), n) in unmatched {
        by_column
            .entry((sheet, column))
            .or_default()
            .push((value, n));
    }
    for ((sheet, column), values) in &by_column {
        let rows: u64 = values.iter().map(|(_, n)| n).sum();
        let listed = values
            .iter()
            .map(|(v, n)| format!("`{v}` ({n} row{})", if *n == 1 { "" } else { "s" }))
            .collect::<Vec<_>>()
            .join(", ");
        let first = values.first().map_or("", |(v, _)| v.as_str());
        summary.notes.push(format!(
            "sheet `{sheet}`: {} value(s) in column `{column}` are not organisations in the \
             register, so their {rows} row(s) were rejected: {listed}. Either add each to the \
             register (`estate orgs add CODE \"{first}\"`) and import again, or import every \
             row into --org with --org-column-as-notes (the column's values kept in each \
             asset's notes)",
            values.len()
        ));
    }
    summary.first_rejects = batch
        .rejects
        .iter()
        .filter(|r| only_org(r).is_none())
        .take(FIRST_REJECTS)
        .cloned()
        .collect();
    summary.rejects = std::mem::take(&mut batch.rejects);
    let refused = opts.strict && summary.total.rejected > 0;
    if !opts.dry_run && !refused {
        // In the same transaction as the load: a kill before the commit
        // leaves the register with its indexes as they were.
        summary.indexes_rebuilt = batch.bulk.rebuild(&tx)?;
    }
    let t = &summary.total;
    let json = serde_json::to_string(&summary).unwrap_or_default();
    tx.execute(
        "UPDATE import_batches SET rows_read = ?2, rows_new = ?3, rows_changed = ?4, \
         rows_unchanged = ?5, rows_rejected = ?6, summary_json = ?7 WHERE batch_id = ?1",
        params![
            batch_id.0,
            i64::try_from(t.read).unwrap_or(i64::MAX),
            i64::try_from(t.new).unwrap_or(i64::MAX),
            i64::try_from(t.changed).unwrap_or(i64::MAX),
            i64::try_from(t.unchanged).unwrap_or(i64::MAX),
            i64::try_from(t.rejected).unwrap_or(i64::MAX),
            json
        ],
    )?;
    if opts.strict && summary.total.rejected > 0 {
        // Dropping the transaction rolls it back: nothing is written.
        drop(tx);
        return Err(ImportError::Strict {
            file: plan.file.clone(),
            rejected: summary.total.rejected,
            summary: Box::new(summary),
        });
    }
    if summary.total.rejected > 0
        && summary.total.new + summary.total.changed + summary.total.unchanged == 0
    {
        // Every row rejected: no batch, so a scheduled import can tell
        // failure from success (the rejects are still reported).
        drop(tx);
        return Err(ImportError::AllRejected {
            file: plan.file.clone(),
            rejected: summary.total.rejected,
            summary: Box::new(ImportSummary {
                dry_run: opts.dry_run,
                ..summary
            }),
        });
    }
    if opts.dry_run {
        drop(tx);
        return Ok(summary);
    }
    tx.commit()?;
    summary.batch = Some(batch_id);
    Ok(summary)
}

/// Writes one parsed row: its records, or its rejection.
fn write_row(
    batch: &mut Batch<'_, '_>,
    (index, sheet, table, headings): (usize, &str, &Table, &[String]),
    row: &Row,
    outcome: &RowOutcome,
) -> Result<(), ImportError> {
    batch.sheet = u32::try_from(index).unwrap_or(u32::MAX);
    match &outcome.parsed {
        Parsed::Rejected(problems) => {
            batch.reject(table.kind, sheet, row, headings, problems.clone());
            Ok(())
        }
        Parsed::Assets(assets) => {
            if assets.len() > 1 {
                batch.generated += assets.len() as u64;
            }
            for a in assets {
                apply(batch, table, sheet, row, headings, Record::Asset(a))?;
            }
            Ok(())
        }
        Parsed::Line(l) => apply(batch, table, sheet, row, headings, Record::Line(l)),
        Parsed::Licence(l) => apply(batch, table, sheet, row, headings, Record::Licence(l)),
    }
}

fn apply(
    batch: &mut Batch<'_, '_>,
    table: &Table,
    sheet: &str,
    row: &Row,
    headings: &[String],
    record: Record<'_>,
) -> Result<(), ImportError> {
    let result = batch.write(table, row.number, record)?;
    match result {
        Ok(outcome) => {
            let c = batch.counts.entry(table.kind).or_default();
            c.read += 1;
            match outcome {
                Outcome::New => {
                    c.new += 1;
                    let tx = batch.tx;
                    batch.bulk.added(tx, table.kind)?;
                }
                Outcome::Changed => c.changed += 1,
                Outcome::Unchanged => c.unchanged += 1,
            }
        }
        Err(p) => batch.reject(table.kind, sheet, row, headings, vec![p]),
    }
    Ok(())
}

/// Starts the file `--rejects` names, before anything is imported: a
/// temporary file beside it (see [`crate::output_file`]), so a folder that
/// cannot be written is refused while the register is untouched, and the
/// file named is replaced only when the rejects are written whole. The file
/// is readable by its owner only: rejected rows may hold people's names.
///
/// # Errors
/// [`ImportError::Write`] naming the file.
pub fn create_rejects_file(path: &Path) -> Result<OutputFile, ImportError> {
    OutputFile::create(path).map_err(|source| ImportError::Write {
        file: super::read::display_name(path),
        source,
    })
}

/// A cell for the rejects file: a number as it is, any other text that a
/// spreadsheet would run as a formula neutralised (the rows came from
/// someone else's file, and the user will open this one in Excel).
fn reject_cell(text: &str) -> String {
    if Decimal::from_str(text.trim()).is_ok() {
        text.to_string()
    } else {
        crate::report::neutralise(text).into_owned()
    }
}

/// Writes every reject to a CSV file the user can fix and re-import: the
/// rows' own columns under their headings, after `Reject sheet`,
/// `Reject row` and `Reject reason` (which a re-import ignores). Text that
/// would start a formula is neutralised with a leading `'`, which a
/// re-import takes off again.
///
/// # Errors
/// The file cannot be written.
pub fn write_rejects(summary: &ImportSummary, path: &Path) -> Result<(), ImportError> {
    write_rejects_to(summary, create_rejects_file(path)?)
}

/// As [`write_rejects`], into a file started by [`create_rejects_file`],
/// which is put in place when every reject is written.
///
/// # Errors
/// The file cannot be written.
pub fn write_rejects_to(summary: &ImportSummary, mut out: OutputFile) -> Result<(), ImportError> {
    let path = out.target().to_path_buf();
    let write = |e: std::io::Error| ImportError::Write {
        file: super::read::display_name(&path),
        source: e,
    };
    let io = |e: csv::Error| write(std::io::Error::other(e.to_string()));
    let mut headings: Vec<&str> = Vec::new();
    for r in &summary.rejects {
        for (h, _) in &r.cells {
            if !headings.contains(&h.as_str()) {
                headings.push(h);
            }
        }
    }
    let mut w = csv::Writer::from_writer(&mut out);
    let mut head = vec!["Reject sheet", "Reject row", "Reject reason"];
    head.extend(headings.iter().copied());
    w.write_record(head.iter().map(|h| reject_cell(h)))
        .map_err(io)?;
    for r in &summary.rejects {
        let reason = r
            .problems
            .iter()
            .map(|p| {
                if p.column.is_empty() {
                    format!("{}{}", p.quoted_value(), p.reason)
                } else {
                    format!("{}: {}{}", p.column, p.quoted_value(), p.reason)
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut line = vec![r.sheet.clone(), r.row.to_string(), reason];
        for h in &headings {
            line.push(
                r.cells
                    .iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        w.write_record(line.iter().map(|c| reject_cell(c)))
            .map_err(io)?;
    }
    w.flush().map_err(write)?;
    drop(w);
    out.commit().map_err(write)
}

// ---------------------------------------------------------------- batches and undo

/// One import batch as `estate imports` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchRecord {
    /// Its number.
    pub batch: BatchId,
    /// The file's name.
    pub file: String,
    /// The file's SHA-256.
    pub sha256: String,
    /// The organisation (code), when one was given.
    pub organisation: Option<String>,
    /// The sheets read.
    pub sheet: Option<String>,
    /// The profile used.
    pub profile: Option<String>,
    /// hardware, lines, licences or mixed.
    pub kind: String,
    /// Rows read.
    pub read: i64,
    /// New records.
    pub new: i64,
    /// Changed records.
    pub changed: i64,
    /// Unchanged records.
    pub unchanged: i64,
    /// Rejected rows.
    pub rejected: i64,
    /// When (UTC).
    pub imported_at: String,
    /// When it was undone, if it was.
    pub undone_at: Option<String>,
    /// Who ran the import (`unknown` for batches made before estate
    /// recorded it).
    pub who: String,
}

/// Every batch, oldest first.
///
/// # Errors
/// A database error.
pub fn list_batches(conn: &Connection) -> Result<Vec<BatchRecord>, ImportError> {
    let mut stmt = conn.prepare(
        "SELECT b.batch_id, b.file_name, b.file_sha256, o.code, b.sheet, b.profile, b.kind, \
         b.rows_read, b.rows_new, b.rows_changed, b.rows_unchanged, b.rows_rejected, \
         b.imported_at, b.undone_at, b.who FROM import_batches b \
         LEFT JOIN organisations o ON o.organisation_id = b.organisation_id ORDER BY b.batch_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(BatchRecord {
                batch: BatchId(r.get(0)?),
                file: r.get(1)?,
                sha256: r.get(2)?,
                organisation: r.get(3)?,
                sheet: r.get(4)?,
                profile: r.get(5)?,
                kind: r.get(6)?,
                read: r.get(7)?,
                new: r.get(8)?,
                changed: r.get(9)?,
                unchanged: r.get(10)?,
                rejected: r.get(11)?,
                imported_at: r.get(12)?,
                undone_at: r.get(13)?,
                who: r.get(14)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// What an undo did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UndoSummary {
    /// The batch undone.
    pub batch: i64,
    /// Records the batch had added, now removed (assets, lines, licences).
    pub removed: u64,
    /// Records the batch had changed, now restored.
    pub restored: u64,
    /// Sites and departments the batch had created, now removed.
    pub places_removed: u64,
}

fn label(tx: &Transaction<'_>, entity: &str, id: i64) -> String {
    let sql = match entity {
        "asset" => "SELECT asset_tag FROM assets WHERE asset_id = ?1",
        "phone_line" => "SELECT number FROM phone_lines WHERE line_id = ?1",
        "licence" => "SELECT product FROM licences WHERE licence_id = ?1",
        "site" => "SELECT name FROM sites WHERE site_id = ?1",
        "department" => "SELECT name FROM departments WHERE department_id = ?1",
        _ => return format!("{entity} {id}"),
    };
    let name: Option<String> = tx
        .query_row(sql, [id], |r| r.get(0))
        .optional()
        .ok()
        .flatten();
    format!(
        "{} `{}`",
        entity.replace('_', " "),
        name.unwrap_or_else(|| id.to_string())
    )
}

/// Reverses a batch: removes what it added, puts back what it changed
/// (whole rows, timestamps included), removes sites and departments it
/// created, marks it undone and records the undo in the audit trail — all
/// in one transaction. Refused when a later change (another command, or a
/// later import not itself undone) touched anything the batch wrote.
///
/// # Errors
/// No such batch, already undone, refused (naming what depends on it), or a
/// database error.
pub fn undo(
    conn: &mut Connection,
    batch: BatchId,
    actor: impl Into<Actor>,
) -> Result<UndoSummary, ImportError> {
    crate::db::write(conn, |tx| {
        let undone: Option<Option<String>> = tx
            .query_row(
                "SELECT undone_at FROM import_batches WHERE batch_id = ?1",
                [batch.0],
                |r| r.get(0),
            )
            .optional()?;
        match undone {
            None => return Err(ImportError::NoSuchBatch(batch.0)),
            Some(Some(at)) => return Err(ImportError::AlreadyUndone { batch: batch.0, at }),
            Some(None) => {}
        }
        let later: Option<(String, i64, String, Option<i64>, String)> = tx
            .query_row(
                // Anything after the batch began, by anyone else, on a
                // record it changed (its audit rows) or created (the
                // record names it: V18).
                "SELECT a.entity, a.entity_id, a.command, a.batch_id, a.at FROM audit_log a \
                 WHERE a.audit_id > COALESCE( \
                     (SELECT audit_before FROM import_batches WHERE batch_id = ?1), \
                     (SELECT MAX(audit_id) FROM audit_log WHERE batch_id = ?1)) \
                 AND a.action <> 'undo' \
                 AND (a.batch_id IS NULL OR (a.batch_id <> ?1 AND a.batch_id NOT IN \
                      (SELECT batch_id FROM import_batches WHERE undone_at IS NOT NULL))) \
                 AND (EXISTS (SELECT 1 FROM audit_log b WHERE b.batch_id = ?1 \
                              AND b.entity = a.entity AND b.entity_id = a.entity_id) \
                      OR (a.entity = 'asset' AND EXISTS (SELECT 1 FROM assets r \
                          WHERE r.asset_id = a.entity_id AND r.batch_id = ?1)) \
                      OR (a.entity = 'phone_line' AND EXISTS (SELECT 1 FROM phone_lines r \
                          WHERE r.line_id = a.entity_id AND r.batch_id = ?1)) \
                      OR (a.entity = 'licence' AND EXISTS (SELECT 1 FROM licences r \
                          WHERE r.licence_id = a.entity_id AND r.batch_id = ?1))) \
                 ORDER BY a.audit_id LIMIT 1",
                [batch.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        if let Some((entity, id, cmd, later_batch, at)) = later {
            let what = label(tx, &entity, id);
            let fix = match later_batch {
                Some(b) => format!("undo batch {b} first (`estate imports undo {b}`)"),
                None => "reverse that change first".to_string(),
            };
            return Err(ImportError::UndoRefused {
                batch: batch.0,
                reason: format!("{what} was changed after it by `{cmd}` at {at}; {fix}"),
            });
        }
        let actor = Actor {
            batch: Some(batch),
            ..actor.into()
        };
        let mut summary = UndoSummary {
            batch: batch.0,
            ..UndoSummary::default()
        };
        // Put back what the batch changed.
        let prior: Vec<(String, i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT entity, entity_id, row_json FROM import_prior_rows WHERE batch_id = ?1 \
                 ORDER BY entity, entity_id",
            )?;
            stmt.query_map([batch.0], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (entity, id, json) in &prior {
            let Some((table, id_col)) = table_of(entity) else {
                continue;
            };
            let cols = table_columns(tx, table)?;
            let sets = cols
                .iter()
                .filter(|c| c.as_str() != id_col)
                .map(|c| format!("{c} = json_extract(?2, '$.{c}')"))
                .collect::<Vec<_>>()
                .join(", ");
            tx.execute(
                &format!("UPDATE {table} SET {sets} WHERE {id_col} = ?1"),
                params![id, json],
            )?;
            audit_undo(
                tx,
                entity,
                *id,
                &format!("restored as before batch {}", batch.0),
                &actor,
            )?;
            summary.restored += 1;
        }
        // Remove what it added: records first (each names the batch that
        // created it), then the places they used (their insert rows).
        let created: Vec<(String, i64)> = {
            let mut stmt = tx.prepare(
                "SELECT 'asset', asset_id FROM assets WHERE batch_id = ?1 \
                 UNION ALL SELECT 'phone_line', line_id FROM phone_lines WHERE batch_id = ?1 \
                 UNION ALL SELECT 'licence', licence_id FROM licences WHERE batch_id = ?1",
            )?;
            stmt.query_map([batch.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        let inserted: Vec<(String, i64)> = {
            let mut stmt = tx.prepare(
                "SELECT entity, entity_id FROM audit_log WHERE batch_id = ?1 AND action = 'insert' \
                 AND entity IN ('site', 'department') ORDER BY audit_id DESC",
            )?;
            stmt.query_map([batch.0], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?
        };
        for (entity, id) in &created {
            let Some((table, id_col)) = table_of(entity) else {
                continue;
            };
            remove_added(tx, (table, id_col), entity, *id, batch, &actor)?;
            summary.removed += 1;
        }
        for (entity, id) in &inserted {
            let (table, id_col) = match entity.as_str() {
                "site" => ("sites", "site_id"),
                "department" => ("departments", "department_id"),
                _ => continue,
            };
            let lines_sql = if table == "sites" {
                "(SELECT COUNT(*) FROM phone_lines WHERE site_id = ?1)"
            } else {
                "0"
            };
            let users: i64 = tx.query_row(
                &format!("SELECT (SELECT COUNT(*) FROM assets WHERE {id_col} = ?1) + {lines_sql}"),
                [id],
                |r| r.get(0),
            )?;
            if users > 0 {
                return Err(ImportError::UndoRefused {
                    batch: batch.0,
                    reason: format!(
                        "{} was created by it and is now used by {users} record(s) added since; \
                         move or remove them first",
                        label(tx, entity, *id)
                    ),
                });
            }
            remove_added(tx, (table, id_col), entity, *id, batch, &actor)?;
            summary.places_removed += 1;
        }
        tx.execute(
            "UPDATE import_batches SET undone_at = ?2 WHERE batch_id = ?1",
            params![batch.0, now_timestamp()],
        )?;
        Ok(summary)
    })
}

/// Deletes a row an undone batch added, and says so in the audit trail.
fn remove_added(
    tx: &Transaction<'_>,
    (table, id_col): (&str, &str),
    entity: &str,
    id: i64,
    batch: BatchId,
    actor: &Actor,
) -> rusqlite::Result<()> {
    tx.execute(&format!("DELETE FROM {table} WHERE {id_col} = ?1"), [id])?;
    audit_undo(
        tx,
        entity,
        id,
        &format!("removed: added by batch {}", batch.0),
        actor,
    )
}

/// Records in the audit trail that an undo removed or restored a record.
fn audit_undo(
    tx: &Transaction<'_>,
    entity: &str,
    id: i64,
    what: &str,
    actor: &Actor,
) -> rusqlite::Result<()> {
    reg::audit(
        tx,
        entity_of(entity),
        id,
        None,
        "undo",
        None,
        None,
        Some(what),
        actor,
    )
}

fn entity_of(name: &str) -> reg::Entity {
    match name {
        "asset" => reg::Entity::Asset,
        "phone_line" => reg::Entity::PhoneLine,
        "licence" => reg::Entity::Licence,
        "site" => reg::Entity::Site,
        "department" => reg::Entity::Department,
        _ => reg::Entity::Organisation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::OrgId;

    fn org(id: i64, code: &str, name: &str) -> Organisation {
        Organisation {
            id: OrgId(id),
            code: code.into(),
            name: name.into(),
            is_shared_service: false,
            staff_count: None,
        }
    }

    #[test]
    fn organisations_are_found_by_code_name_or_short_name() {
        let orgs = [
            org(1, "AVN", "Avonmere District Council"),
            org(2, "BRK", "Brookfield Borough Council"),
            org(3, "ABS", "Avonmere & Brookfield Shared ICT Service"),
        ];
        let cases = [
            ("avn", 0),
            ("AVONMERE DISTRICT COUNCIL", 0),
            ("Avonmere DC", 0),
            ("Avonmere", 0),
            ("Brookfield BC", 1),
            ("Shared Service", 2),
            ("Avonmere & Brookfield Shared ICT Service", 2),
        ];
        for (text, want) in cases {
            assert_eq!(match_organisation(text, &orgs), Ok(want), "{text}");
        }
        assert!(
            match_organisation("Kettering", &orgs)
                .unwrap_err()
                .starts_with("is not an organisation in the register")
        );
        let twins = [org(1, "NN", "North Council"), org(2, "NS", "South Council")];
        assert_eq!(
            match_organisation("Council", &twins),
            Err("could be any of NN, NS; use the organisation's code".into())
        );
    }
}

//! What the benches share: the estate they run on (generated once per bench
//! binary into a temporary folder, outside every timed loop), fresh
//! registers, the library calls they time, and the baselines those calls
//! are measured against — each baseline doing only the part of the work a
//! library underneath estate does alone (calamine reading cells, csv
//! deserialising rows, SQLite inserting rows, `rust_xlsxwriter` writing
//! cells).
//!
//! `ESTATE_BENCH_ROWS` sets the number of assets (default 1,000,000; e.g.
//! `ESTATE_BENCH_ROWS=100000 cargo bench` for the quick run).

#![allow(dead_code, reason = "each bench binary uses part of this module")]

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use estate::db::{self, OpenMode};
use estate::domain::{AssetClass, ClassSynonyms, iso};
use estate::generate;
use estate::import::{self, ImportOptions, ImportSummary};
use estate::register::Actor;
use rusqlite::{Connection, params};
use tempfile::TempDir;

/// The seed of every generated estate.
pub const SEED: u64 = 7;

/// The organisation the estate is imported into.
pub const ORG: &str = "GEN";

/// How many assets the benches use: `ESTATE_BENCH_ROWS`, else a million.
pub fn rows() -> u64 {
    std::env::var("ESTATE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1_000_000)
}

/// Criterion for runs of seconds each: ten samples (criterion's least), each
/// one run, no plots.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(1))
        .without_plots()
        .configure_from_args()
}

/// The generated inputs, in a folder removed when the bench ends.
pub struct Estate {
    /// The folder.
    pub dir: TempDir,
    /// Assets in the files.
    pub assets: u64,
    /// The supplier-style workbook (assets, lines and licences sheets).
    pub xlsx: PathBuf,
    /// The same assets as CSV (lines and licences beside it, not imported).
    pub csv: PathBuf,
    /// An initialised register holding the organisation and nothing else.
    pub empty: PathBuf,
    /// Rows the workbook holds on all its sheets (assets + lines + licences).
    pub xlsx_rows: u64,
}

impl Estate {
    /// Generates the estate: `which` says whether the xlsx is needed (it
    /// takes about nine seconds a million rows to write).
    pub fn generate(xlsx: bool) -> Estate {
        let assets = rows();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let xlsx_path = dir.path().join("estate.xlsx");
        let csv_path = dir.path().join("estate.csv");
        let mut xlsx_rows = 0;
        if xlsx {
            let g = generate::write_xlsx(&xlsx_path, assets, SEED).expect("the xlsx is written");
            xlsx_rows = g.assets + g.lines + g.licences;
        }
        generate::write_csv(&csv_path, assets, SEED).expect("the csv is written");
        let empty = dir.path().join("empty.db");
        create_register(&empty);
        Estate {
            dir,
            assets,
            xlsx: xlsx_path,
            csv: csv_path,
            empty,
            xlsx_rows,
        }
    }

    /// A copy of the empty register, at a new path in the folder.
    pub fn fresh_register(&self, name: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        remove_register(&path);
        std::fs::copy(&self.empty, &path).expect("the empty register is copied");
        path
    }
}

/// Deletes a register and its WAL files, if there.
pub fn remove_register(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Creates a register as `estate init` then `estate orgs add` do.
pub fn create_register(path: &Path) {
    let mut conn = db::open(path, OpenMode::CreateNew).expect("a new register");
    let actor = Actor::command("bench");
    db::write(
        &mut conn,
        |tx| -> Result<(), estate::register::RegisterError> {
            estate::policy::store::load(
                tx,
                &estate::policy::Defaults::builtin(),
                "bench",
                "the built-in data/",
            )
            .expect("the defaults load");
            estate::register::store::add_organisation(
                tx,
                ORG,
                "Generated Council",
                false,
                None,
                &actor,
            )?;
            Ok(())
        },
    )
    .expect("the organisation is added");
}

/// The options an import of the generated estate uses (`--org GEN`, a
/// pinned today so the dates are the same every run).
pub fn import_options() -> ImportOptions {
    let today = time::macros::date!(2026 - 11 - 28);
    let mut opts = ImportOptions::new(today);
    opts.organisation = Some(ORG.into());
    opts.command = "estate import (bench)".into();
    opts
}

/// `estate import FILE --org GEN` through the library: plan, then commit.
pub fn import(register: &Path, file: &Path) -> ImportSummary {
    import_with(register, file, &import_options())
}

/// [`import`] with `opts`.
pub fn import_with(register: &Path, file: &Path, opts: &ImportOptions) -> ImportSummary {
    let mut conn = db::open(register, OpenMode::Existing).expect("the register opens");
    let plan = import::plan(file, opts).expect("the file is planned");
    import::commit(&mut conn, &plan, opts, &mut |_| {}).expect("the file imports")
}

/// Not a baseline but a decomposition: estate's own reading half alone
/// (plan, then every row read, parsed and mapped to a record, as the import's
/// reading thread does), with no register. The import overlaps this with
/// its writing half, so the import takes about the longer of the two.
pub fn estate_parse(file: &Path) -> u64 {
    let opts = import_options();
    let plan = import::plan(file, &opts).expect("the file is planned");
    let mut rows = 0u64;
    import::reading::read_tables(&plan, &opts, &mut |item| {
        if matches!(item, import::reading::Item::Row { .. }) {
            rows += 1;
        }
        std::ops::ControlFlow::Continue(())
    })
    .expect("the file reads");
    rows
}

/// Baseline: calamine's streaming cell reader over every sheet of the
/// workbook, keeping nothing (the floor for any xlsx importer).
pub fn calamine_stream(path: &Path) -> u64 {
    use calamine::{Reader, Xlsx, open_workbook};
    let mut book: Xlsx<_> = open_workbook(path).expect("the workbook opens");
    let mut cells = 0u64;
    for name in book.sheet_names() {
        let mut reader = book.worksheet_cells_reader(&name).expect("the sheet opens");
        while let Some(cell) = reader.next_cell().expect("the cells read") {
            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                cells += 1;
            }
        }
    }
    cells
}

/// One asset row of the CSV as a program would deserialise it.
#[derive(Debug, serde::Deserialize)]
#[allow(dead_code, reason = "deserialised, not read")]
pub struct CsvAsset {
    pub tag: String,
    serial: String,
    class: String,
    manufacturer: String,
    model: String,
    site: String,
    department: String,
    purchase_date: String,
    cost: String,
    warranty_end: String,
    supplier: String,
    status: String,
    watts: u32,
    user: String,
    notes: String,
}

/// Baseline: the csv crate deserialising every asset row into owned structs.
pub fn csv_deserialise(path: &Path) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .expect("the csv opens");
    let mut rows = 0u64;
    // The title block (three lines) and the header.
    for record in reader.deserialize::<CsvAsset>().skip(4) {
        let _asset: CsvAsset = record.expect("a row deserialises");
        rows += 1;
    }
    rows
}

/// One asset as the SQLite baseline inserts it: the values `estate import`
/// writes for the row, made ready outside the timed loop.
pub struct AssetValues {
    pub tag: String,
    pub serial: String,
    pub class: &'static str,
    pub manufacturer: &'static str,
    pub model: &'static str,
    pub site: &'static str,
    pub department: &'static str,
    pub user: String,
    pub in_service: String,
    pub pence: i64,
    pub supplier: &'static str,
    pub warranty_end: String,
    pub watts: String,
    pub notes: Option<&'static str>,
}

/// The generated estate's assets as the SQLite baseline inserts them.
pub fn asset_values(assets: u64) -> Vec<AssetValues> {
    let synonyms = ClassSynonyms::builtin();
    (0..assets)
        .map(|i| {
            let a = generate::asset(SEED, i);
            AssetValues {
                tag: a.tag,
                serial: a.serial,
                class: synonyms
                    .lookup(a.class_word)
                    .unwrap_or(AssetClass::Other)
                    .as_str(),
                manufacturer: a.manufacturer,
                model: a.model,
                site: a.site,
                department: a.department,
                user: a.user,
                in_service: iso(a.purchase_date),
                pence: a.cost.to_pence().unwrap_or(0),
                supplier: a.supplier,
                warranty_end: iso(a.warranty_end),
                watts: a.watts.to_string(),
                notes: (!a.notes.is_empty()).then_some(a.notes),
            }
        })
        .collect()
}

/// Baseline: SQLite alone inserting the assets into a fresh register (its
/// schema, indexes, constraints and pragmas as estate opens it, and the page
/// cache an import uses), one prepared INSERT per row in one transaction;
/// sites and departments are looked up in a map, as any bulk loader would.
///
/// With `audit`, the rows are audited as estate's import audits a record it
/// creates (V18): one `import_batches` row, and each asset names it in its
/// `batch_id` (before V18 this wrote an audit row per asset with the whole
/// record as JSON): the floor for anything that keeps estate's audit trail.
pub fn sqlite_insert(register: &Path, values: &[AssetValues], audit: bool) -> u64 {
    let mut conn = db::open(register, OpenMode::Existing).expect("the register opens");
    conn.pragma_update(None, "cache_size", estate::import::store::IMPORT_CACHE_KIB)
        .expect("the cache is sized");
    let tx = conn.transaction().expect("a transaction");
    let org: i64 = tx
        .query_row(
            "SELECT organisation_id FROM organisations WHERE code = ?1",
            [ORG],
            |r| r.get(0),
        )
        .expect("the organisation");
    let mut places = std::collections::HashMap::new();
    for v in values.iter().take(10_000) {
        for (table, name) in [("sites", v.site), ("departments", v.department)] {
            if let std::collections::hash_map::Entry::Vacant(slot) = places.entry((table, name)) {
                tx.execute(
                    &format!("INSERT INTO {table} (organisation_id, name) VALUES (?1, ?2)"),
                    params![org, name],
                )
                .expect("a place is added");
                slot.insert(tx.last_insert_rowid());
            }
        }
    }
    let now = db::now_timestamp();
    let batch: Option<i64> = audit.then(|| {
        tx.execute(
            "INSERT INTO import_batches (organisation_id, file_name, file_sha256, kind, \
             imported_at, who, command, audit_before) VALUES (?1, 'estate.csv', ?2, 'hardware', \
             ?3, 'bench', 'estate import estate.csv --org GEN', 0)",
            params![org, "0".repeat(64), now],
        )
        .expect("the batch is added");
        tx.last_insert_rowid()
    });
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO assets (organisation_id, asset_tag, serial, class, manufacturer, model, \
                 site_id, department_id, assigned_user, in_service_date, purchase_cost_pence, \
                 supplier, warranty_end, status, power_watts, notes, created_at, updated_at, \
                 batch_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'in_use', ?14, ?15, \
                 ?16, ?16, ?17)",
            )
            .expect("the insert prepares");
        for v in values {
            stmt.execute(params![
                org,
                v.tag,
                v.serial,
                v.class,
                v.manufacturer,
                v.model,
                places.get(&("sites", v.site)),
                places.get(&("departments", v.department)),
                v.user,
                v.in_service,
                v.pence,
                v.supplier,
                v.warranty_end,
                v.watts,
                v.notes,
                now,
                batch
            ])
            .expect("a row inserts");
        }
    }
    tx.commit().expect("the transaction commits");
    values.len() as u64
}

/// Runs `f` once and says how long it took, for the setup checks.
pub fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let value = f();
    eprintln!("{what}: {:.2} s", start.elapsed().as_secs_f64());
    value
}

/// A connection to `register`, for checks.
pub fn connect(register: &Path) -> Connection {
    db::open(register, OpenMode::Existing).expect("the register opens")
}

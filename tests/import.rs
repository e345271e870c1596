//! `estate import` as a library: supplier spreadsheets built in each test
//! (rust_xlsxwriter) and the real files in `../shared/real-inputs/`,
//! imported into a private in-memory register.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use estate::db;
use estate::domain::{AssetClass, BatchId, LineType, Money};
use estate::import::{self, ImportError, ImportOptions, ImportSummary, read};
use estate::register::store::{self, Entity, PlaceKind};
use estate::register::{Actor, AssetFilter};
use rusqlite::Connection;
use rust_xlsxwriter::{Format, Formula, Workbook};
use tempfile::TempDir;
use time::macros::date;

// ---------------------------------------------------------------- harness

fn register() -> Connection {
    let mut conn = db::open_in_memory().unwrap();
    db::write(&mut conn, |tx| {
        store::add_organisation(tx, "BCW", "Brookfield Borough Council", false, None, &Actor::command("test"))
    })
    .unwrap();
    conn
}

fn opts() -> ImportOptions {
    let mut o = ImportOptions::new(date!(2026 - 11 - 28));
    o.command = "estate import (test)".into();
    o
}

fn import(conn: &mut Connection, path: &Path, opts: &ImportOptions) -> Result<ImportSummary, ImportError> {
    let plan = import::plan(path, opts)?;
    import::commit(conn, &plan, opts, &mut |_| {})
}

/// Every row of every table, in row order, as text: two dumps are equal
/// when the register holds exactly the same content.
fn dump(conn: &Connection, skip: &[&str]) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'refinery_schema_history' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = BTreeMap::new();
    for t in tables.into_iter().filter(|t| !skip.contains(&t.as_str())) {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY rowid")).unwrap();
        let n = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.insert(t, rows);
    }
    out
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A cell of a fixture spreadsheet.
#[derive(Clone, Copy)]
enum C {
    S(&'static str),
    N(f64),
    /// A number formatted as a date.
    D(f64),
    /// A formula whose cached result is an error.
    E(&'static str),
    B,
}

use C::{B, D, E, N, S};

fn xlsx(dir: &TempDir, name: &str, sheets: &[(&str, &[(u32, &[C])])], merges: &[(u32, u16, u32, u16, &str)]) -> PathBuf {
    let path = dir.path().join(name);
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money = Format::new().set_num_format("£#,##0.00");
    for (i, (sheet, rows)) in sheets.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(*sheet).unwrap();
        for (r, cells) in *rows {
            for (c, cell) in cells.iter().enumerate() {
                let c = u16::try_from(c).unwrap();
                match *cell {
                    S(s) => {
                        ws.write_string(*r, c, s).unwrap();
                    }
                    N(n) => {
                        ws.write_number_with_format(*r, c, n, &money).unwrap();
                    }
                    D(n) => {
                        ws.write_number_with_format(*r, c, n, &date).unwrap();
                    }
                    E(e) => {
                        ws.write_formula(*r, c, Formula::new("=NA()").set_result(e)).unwrap();
                    }
                    B => {}
                }
            }
        }
        if i == 0 {
            for (r1, c1, r2, c2, text) in merges {
                ws.merge_range(*r1, *c1, *r2, *c2, text, &Format::new()).unwrap();
            }
        }
    }
    wb.save(&path).unwrap();
    path
}

/// A Dell-style asset report: title block, header on row 7, a `#N/A`, a
/// bad model, a totals row, and a row below the totals that must not be read.
fn dell_report(dir: &TempDir, name: &str, cost_1: f64, site_2: &'static str) -> PathBuf {
    let rows: &[(u32, &[C])] = &[
        (0, &[S("Dell Technologies — Asset Report")]),
        (1, &[S("Customer: Brookfield Borough Council"), B, S("Notes")]),
        (3, &[S("Generated 01/04/2024")]),
        (6, &[S("Service Tag"), S("Customer Asset Tag"), S("Product Description"), S("Ship Date"), S("Unit Price"), S("Ship To Site"), S("Colour")]),
        (7, &[S("ABC1234"), S("BCW-0001"), S("OptiPlex 7010"), D(45382.0), N(cost_1), S("Civic Centre"), S("Black")]),
        (8, &[S(" DEF5678 "), S("BCW-0002"), S("Latitude 5440"), S("31/03/2024"), S("£1,049.00"), S(site_2)]),
        (9, &[S("GHI9012"), B, S("PowerEdge R750"), S("2024-03-31"), E("#N/A"), S("Civic Centre")]),
        (10, &[S("JKL3456"), S("BCW-0004"), S("Frobnicator 9"), D(45382.0), N(10.0)]),
        (12, &[S("Total"), B, B, B, N(1671.34)]),
        (13, &[S("ZZZ9999"), S("BCW-0099"), S("OptiPlex 7010")]),
    ];
    xlsx(dir, name, &[("Asset Report", rows)], &[])
}

fn assets(conn: &Connection) -> Vec<estate::register::Asset> {
    store::list_assets(conn, &AssetFilter::default()).unwrap()
}

fn asset<'a>(all: &'a [estate::register::Asset], serial: &str) -> &'a estate::register::Asset {
    all.iter().find(|a| a.fields.serial.as_deref() == Some(serial)).unwrap()
}

fn real_inputs() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-inputs");
    [beside, PathBuf::from("/work/shared/real-inputs")]
        .into_iter()
        .find(|p| p.join("calamine").is_dir())
}

// ---------------------------------------------------------------- spreadsheets with quirks

#[test]
fn a_report_with_a_title_block_a_na_cell_and_a_totals_row_imports_exactly() {
    let dir = TempDir::new().unwrap();
    let path = dell_report(&dir, "dell.xlsx", 612.34, "Depot");
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.format, "xlsx");
    assert_eq!(s.sheets[0].header_row, Some(7));
    assert_eq!(s.sheets[0].totals_row, Some(13));
    assert_eq!(s.sheets[0].rows, 4, "the row below the totals is not read");
    assert_eq!(s.headline(), "3 new, 0 changed, 0 unchanged, 1 rejected");
    assert_eq!(s.warnings, 1);
    assert_eq!(s.unknown_columns, ["sheet `Asset Report`: `Colour`"]);
    assert_eq!(
        s.first_rejects[0].lines("dell.xlsx"),
        ["dell.xlsx, sheet `Asset Report`, row 11, column `Product Description`: `Frobnicator 9` \
          cannot tell the class from this model; add a Type column, or a rule to data/import/model-rules.csv"]
    );
    let all = assets(&conn);
    assert_eq!(all.len(), 3);
    let a = asset(&all, "ABC1234");
    assert_eq!(a.fields.asset_tag, "BCW-0001");
    assert_eq!(a.fields.class, AssetClass::Desktop);
    assert_eq!(a.fields.in_service_date, Some(date!(2024 - 03 - 31)));
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(61_234)));
    assert_eq!(a.fields.site.as_deref(), Some("Civic Centre"));
    assert_eq!(a.fields.notes.as_deref(), Some("Colour: Black"));
    assert_eq!(a.batch_id, s.batch);
    let b = asset(&all, "DEF5678");
    assert_eq!(b.fields.class, AssetClass::Laptop);
    assert_eq!(b.fields.purchase_cost, Some(Money::from_pence(104_900)));
    assert_eq!(b.fields.in_service_date, Some(date!(2024 - 03 - 31)));
    let c = asset(&all, "GHI9012");
    assert_eq!(c.fields.asset_tag, "GHI9012", "no tag: tagged with its serial");
    assert_eq!(c.fields.class, AssetClass::Server);
    assert_eq!(c.fields.purchase_cost, None, "#N/A read as blank");
    // The new site was created, audited against the batch.
    let sites = store::list_places(&conn, PlaceKind::Site, None).unwrap();
    assert_eq!(sites.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["Civic Centre", "Depot"]);
    let batches = import::list_batches(&conn).unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!((batches[0].new, batches[0].rejected, batches[0].kind.as_str()), (3, 1, "hardware"));
    assert_eq!(batches[0].sha256, s.sha256);
}

#[test]
fn reimporting_the_same_file_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let path = dell_report(&dir, "dell.xlsx", 612.34, "Depot");
    let mut conn = register();
    import(&mut conn, &path, &opts()).unwrap();
    let before = dump(&conn, &["import_batches"]);
    let again = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(again.headline(), "0 new, 0 changed, 3 unchanged, 1 rejected");
    assert_eq!(dump(&conn, &["import_batches"]), before);
}

#[test]
fn a_newer_report_updates_changed_fields_and_audits_them_against_its_batch() {
    let dir = TempDir::new().unwrap();
    let mut conn = register();
    import(&mut conn, &dell_report(&dir, "march.xlsx", 612.34, "Depot"), &opts()).unwrap();
    let s = import(&mut conn, &dell_report(&dir, "april.xlsx", 599.0, "Annexe"), &opts()).unwrap();
    assert_eq!(s.headline(), "0 new, 2 changed, 1 unchanged, 1 rejected");
    let all = assets(&conn);
    let a = asset(&all, "ABC1234");
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(59_900)));
    let h = store::history(&conn, Entity::Asset, a.id.0).unwrap();
    let last = h.last().unwrap();
    assert_eq!(
        (last.action.as_str(), last.field.as_deref(), last.old_value.as_deref(), last.new_value.as_deref()),
        ("update", Some("purchase_cost"), Some("612.34"), Some("599.00"))
    );
    assert_eq!(last.batch_id, s.batch);
    assert_eq!(last.command, "estate import (test)");
    let b = asset(&all, "DEF5678");
    assert_eq!(b.fields.site.as_deref(), Some("Annexe"));
    // A blank cell in the newer file does not erase what the register holds.
    let c = asset(&all, "GHI9012");
    assert_eq!(c.fields.site.as_deref(), Some("Civic Centre"));
}

#[test]
fn duplicate_serials_in_one_file_are_reported_not_merged() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "dups.xlsx",
        &[("Sheet1", &[
            (0, &[S("Serial Number"), S("Model")]),
            (1, &[S("S1"), S("OptiPlex 7010")]),
            (2, &[S("S2"), S("OptiPlex 7010")]),
            (3, &[S("S1"), S("Latitude 5440")]),
        ])],
        &[],
    );
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.headline(), "2 new, 0 changed, 0 unchanged, 1 rejected");
    assert_eq!(
        s.first_rejects[0].lines("dups.xlsx"),
        ["dups.xlsx, sheet `Sheet1`, row 4, column `Serial Number`: `S1` serial `S1` also appears on \
          sheet `Sheet1`, row 2 of this file; the first was kept and this row rejected (remove the \
          duplicate or correct it)"]
    );
    assert_eq!(asset(&assets(&conn), "S1").fields.model.as_deref(), Some("OptiPlex 7010"));
}

#[test]
fn rejects_are_written_with_reasons_and_strict_refuses_the_file() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "bad.xlsx",
        &[("Kit", &[
            (0, &[S("Asset Tag"), S("Type"), S("Model"), S("Purchase Date"), S("Cost")]),
            (1, &[S("PC-1"), S("Desktop"), S("OptiPlex 7010"), S("31/03/2024"), S("612.34")]),
            (2, &[S("PC-2"), S("Widget"), S("Frobnicator"), S("31/03/2024"), S("10")]),
            (3, &[S("PC-3"), S("Laptop"), S("Latitude"), S("31/03/2031"), S("(120.00)")]),
        ])],
        &[],
    );
    let mut conn = register();
    let before = dump(&conn, &[]);
    let mut strict = opts();
    strict.strict = true;
    let err = import(&mut conn, &path, &strict).unwrap_err();
    let ImportError::Strict { rejected, summary, .. } = &err else { panic!("{err}") };
    assert_eq!(*rejected, 2);
    assert_eq!(summary.total.new, 1, "the summary says what would have happened");
    assert!(err.to_string().starts_with("`bad.xlsx`: 2 row(s) rejected, so nothing was imported (--strict)"));
    assert_eq!(dump(&conn, &[]), before, "--strict wrote nothing");

    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.headline(), "1 new, 0 changed, 0 unchanged, 2 rejected");
    let rejects = dir.path().join("rejects.csv");
    import::write_rejects(&s, &rejects).unwrap();
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Reject sheet,Reject row,Reject reason,Asset Tag,Type,Model,Purchase Date,Cost");
    assert_eq!(
        lines[1],
        "Kit,3,Type: `Widget` `Widget` is not a known asset class; add it to data/class-synonyms.csv or use --map,PC-2,Widget,Frobnicator,31/03/2024,10"
    );
    assert_eq!(
        lines[2],
        "Kit,4,Purchase Date: `31/03/2031` 2031-03-31 is in the future; Cost: `(120.00)` is a negative amount (in brackets); a cost cannot be negative,PC-3,Laptop,Latitude,31/03/2031,(120.00)"
    );
    // The rejects file itself can be fixed and re-imported: its Reject columns are ignored.
    let plan = import::plan(&rejects, &opts()).unwrap();
    let table = plan.sheets[0].table.as_ref().unwrap();
    assert!(table.columns.iter().take(3).all(|c| c.field == Some(import::Field::Ignore)));
}

#[test]
fn a_failure_after_rows_were_written_leaves_every_table_as_before() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "boom.xlsx",
        &[("Kit", &[
            (0, &[S("Asset Tag"), S("Model"), S("Site")]),
            (1, &[S("PC-1"), S("OptiPlex 7010"), S("New Site")]),
            (2, &[S("PC-2"), S("OptiPlex 7010"), S("Other Site")]),
            (3, &[S("BOOM"), S("OptiPlex 7010")]),
            (4, &[S("PC-4"), S("OptiPlex 7010")]),
        ])],
        &[],
    );
    let mut conn = register();
    // A trigger that fails the way a full disk would: not a rule a row breaks.
    conn.execute_batch(
        "CREATE TRIGGER boom AFTER INSERT ON assets WHEN NEW.asset_tag = 'BOOM' \
         BEGIN INSERT INTO no_such_table VALUES (1); END;",
    )
    .unwrap();
    let before = dump(&conn, &[]);
    let err = import(&mut conn, &path, &opts()).unwrap_err();
    assert!(err.to_string().contains("no such table"), "{err}");
    assert_eq!(dump(&conn, &[]), before);
}

#[test]
fn undo_restores_the_exact_prior_state_and_only_once() {
    let dir = TempDir::new().unwrap();
    let mut conn = register();
    import(&mut conn, &dell_report(&dir, "march.xlsx", 612.34, "Depot"), &opts()).unwrap();
    let before = dump(&conn, &[]);
    let newer = xlsx(
        &dir,
        "april.xlsx",
        &[("Sheet1", &[
            (0, &[S("Serial Number"), S("Model"), S("Cost"), S("Site")]),
            (1, &[S("ABC1234"), S("OptiPlex 7010"), N(599.0), S("Annexe")]),
            (2, &[S("NEW0001"), S("ThinkPad T14"), N(900.0), S("Annexe")]),
            (3, &[S("NEW0002"), S("iPhone 13"), N(500.0), S("Depot")]),
        ])],
        &[],
    );
    let s = import(&mut conn, &newer, &opts()).unwrap();
    assert_eq!(s.headline(), "2 new, 1 changed, 0 unchanged, 0 rejected");
    let batch = s.batch.unwrap();
    let u = import::undo(&mut conn, batch, "estate imports undo").unwrap();
    assert_eq!((u.removed, u.restored, u.places_removed), (2, 1, 1));
    let after = dump(&conn, &[]);
    for (table, rows) in &before {
        if matches!(table.as_str(), "audit_log" | "import_batches" | "import_prior_rows") {
            continue;
        }
        assert_eq!(after.get(table), Some(rows), "table {table} after undo");
    }
    // History keeps the import and records its undo.
    let undos = count(&conn, &format!("SELECT COUNT(*) FROM audit_log WHERE action = 'undo' AND batch_id = {}", batch.0));
    assert_eq!(undos, 4);
    let listed = import::list_batches(&conn).unwrap();
    assert!(listed[1].undone_at.is_some());
    let err = import::undo(&mut conn, batch, "estate imports undo").unwrap_err();
    assert!(err.to_string().starts_with(&format!("import batch {} was already undone at", batch.0)), "{err}");
    assert!(matches!(import::undo(&mut conn, BatchId(99), "x"), Err(ImportError::NoSuchBatch(99))));
}

#[test]
fn undo_is_refused_when_a_later_change_depends_on_the_batch() {
    let dir = TempDir::new().unwrap();
    let mut conn = register();
    let s = import(&mut conn, &dell_report(&dir, "march.xlsx", 612.34, "Depot"), &opts()).unwrap();
    let org = store::organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let current = store::find_asset(&conn, &org, "BCW-0001").unwrap().unwrap();
    let mut f = current.fields.clone();
    f.assigned_user = Some("J Smith".into());
    db::write(&mut conn, |tx| store::update_asset(tx, &org, &current, &f, false, &Actor::command("estate update"))).unwrap();
    let before = dump(&conn, &[]);
    let err = import::undo(&mut conn, s.batch.unwrap(), "estate imports undo").unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("import batch 1 cannot be undone: asset `BCW-0001` was changed after it by `estate update` at"),
        "{text}"
    );
    assert!(text.ends_with("reverse that change first"), "{text}");
    assert_eq!(dump(&conn, &[]), before);
}

#[test]
fn an_xlsx_that_is_really_a_csv_is_read_as_csv() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("export.xlsx");
    std::fs::write(&path, "Serial Number,Model,Purchase Date,Cost\nS1,OptiPlex 7010,31/03/2024,\"£1,234.56\"\n").unwrap();
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.format, "csv");
    assert_eq!(s.notes[0], "`export.xlsx` is a text (CSV) file despite its .xlsx name; it was read as CSV");
    assert_eq!(asset(&assets(&conn), "S1").fields.purchase_cost, Some(Money::from_pence(123_456)));
}

#[test]
fn a_windows_1252_csv_with_semicolons_and_a_bom_less_header_imports() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("old register.csv");
    let mut bytes = b"Asset No;Type;Model;Price inc VAT;Delivered\r\n".to_vec();
    bytes.extend(b"PC-9;Desktop;OptiPlex;\xA3734.81;03/04/2024\r\n");
    std::fs::write(&path, bytes).unwrap();
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.headline(), "1 new, 0 changed, 0 unchanged, 0 rejected");
    assert_eq!(s.notes, ["sheet `old register.csv`: column `Price inc VAT` includes VAT; converted to net at 20% VAT"]);
    let org = store::organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let a = store::find_asset(&conn, &org, "PC-9").unwrap().unwrap();
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(61_234)));
    assert_eq!(a.fields.in_service_date, Some(date!(2024 - 04 - 03)), "UK day-first");
    let mut us = opts();
    us.us_dates = true;
    let mut conn = register();
    import(&mut conn, &path, &us).unwrap();
    let a = store::find_asset(&conn, &org, "PC-9").unwrap().unwrap();
    assert_eq!(a.fields.in_service_date, Some(date!(2024 - 03 - 04)), "--us-dates");
}

#[test]
fn merged_header_cells_and_an_empty_sheet_are_handled() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "merged.xlsx",
        &[
            ("Assets", &[
                (0, &[B, S("Purchase")]),
                (1, &[B, S("Cost"), S("Model")]),
                (2, &[S("T-1"), N(100.0), S("OptiPlex 7010")]),
            ]),
            ("Cover", &[]),
        ],
        // "Asset Tag" merged down A1:A2.
        &[(0, 0, 1, 0, "Asset Tag")],
    );
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.sheets[0].header_row, Some(2));
    assert_eq!(s.sheets[1].status, "skipped");
    assert_eq!(s.sheets[1].reason.as_deref(), Some("empty"));
    let org = store::organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let a = store::find_asset(&conn, &org, "T-1").unwrap().unwrap();
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(10_000)));
}

#[test]
fn quantity_rows_make_numbered_assets_that_a_reimport_finds_again() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("order.csv");
    std::fs::write(&path, "Model,Qty,Order Number,Unit Price\nOptiPlex 7010,3,PO-1,612.34\nbizhub C300i,1,PO-1,2500\n").unwrap();
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.headline(), "4 new, 0 changed, 0 unchanged, 0 rejected");
    assert!(s.notes.iter().any(|n| n.starts_with("3 assets were created from quantity rows")), "{:?}", s.notes);
    let all = assets(&conn);
    let mfd: Vec<_> = all.iter().filter(|a| a.fields.class == AssetClass::Mfd).collect();
    assert_eq!(mfd.len(), 1);
    assert!(all.iter().all(|a| a.fields.asset_tag.starts_with("GEN-")));
    let again = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(again.headline(), "0 new, 0 changed, 4 unchanged, 0 rejected");
}

#[test]
fn lines_and_licences_import_through_their_profiles() {
    let dir = TempDir::new().unwrap();
    let lines = dir.path().join("bt.csv");
    std::fs::write(
        &lines,
        "BT line schedule\n\nCLI,Service,Rental,Contract End,Description,Critical\n\
         01604 123456,Analogue Line,20.00,31/01/2027,Telecare,Yes\n\
         01604 654321,SOGEA 80/20,35.5,31/01/2027,Broadband,No\n\
         01604 111111,Carrier pigeon,1,,,\n",
    )
    .unwrap();
    let mut conn = register();
    let mut o = opts();
    o.profile = Some("telecoms-lines".into());
    let s = import(&mut conn, &lines, &o).unwrap();
    assert_eq!(s.sheets[0].kind, Some(import::Kind::Lines));
    assert_eq!(s.headline(), "2 new, 0 changed, 0 unchanged, 1 rejected");
    let all = store::list_lines(&conn, Some("BCW")).unwrap();
    assert_eq!(all[0].fields.number, "01604123456");
    assert_eq!(all[0].fields.line_type, LineType::Pstn);
    assert!(all[0].fields.critical_care);
    assert_eq!(all[1].fields.line_type, LineType::Sogea);
    assert_eq!(all[1].fields.monthly_rental, Money::from_pence(3_550));

    let lic = dir.path().join("licences.csv");
    std::fs::write(
        &lic,
        "Product Description,Publisher,Qty,Unit Price,Agreement Number,Licence Type,Billing Frequency,Start Date,End Date\n\
         Microsoft 365 E3,Microsoft,600,20.40,EA 1234,Per User,Monthly,01/07/2024,30/06/2027\n",
    )
    .unwrap();
    let mut o = opts();
    o.profile = Some("software-licences".into());
    let s = import(&mut conn, &lic, &o).unwrap();
    assert_eq!(s.headline(), "1 new, 0 changed, 0 unchanged, 0 rejected");
    let l = &store::list_licences(&conn, None).unwrap()[0];
    assert_eq!((l.fields.product.as_str(), l.fields.quantity), ("Microsoft 365 E3", 600));
    assert_eq!(l.fields.unit_cost, Money::from_pence(2_040));
    assert_eq!(l.fields.end_date, Some(date!(2027 - 06 - 30)));
}

#[test]
fn a_snipe_it_export_comes_across_with_its_company_as_organisation() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("snipe.csv");
    std::fs::write(
        &path,
        "Asset Tag,Name,Serial,Model,Model No.,Category,Manufacturer,Company,Location,Purchase Date,Purchase Cost,Warranty,Status,Checked Out To\n\
         BCW-100,Reception PC,5CG123,EliteDesk 800 G6,8ZX12,Desktop,HP,Brookfield Borough Council,Civic Centre,2021-04-01,612.34,36,Ready to Deploy,\n",
    )
    .unwrap();
    let mut conn = register();
    let mut o = opts();
    o.profile = Some("snipe-it".into());
    let s = import(&mut conn, &path, &o).unwrap();
    assert_eq!(s.headline(), "1 new, 0 changed, 0 unchanged, 0 rejected");
    let org = store::organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let a = store::find_asset(&conn, &org, "BCW-100").unwrap().unwrap();
    assert_eq!(a.fields.warranty_end, Some(date!(2024 - 04 - 01)), "36 months of warranty");
    assert_eq!(a.fields.status, estate::domain::AssetStatus::InStore);
    assert_eq!(a.fields.notes.as_deref(), Some("Name: Reception PC; Model No.: 8ZX12"));
}

#[test]
fn progress_is_reported_through_the_callback() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("many.csv");
    let mut text = String::from("Serial Number,Model\n");
    for i in 0..2_500 {
        text.push_str(&format!("S{i:05},OptiPlex 7010\n"));
    }
    std::fs::write(&path, text).unwrap();
    let mut conn = register();
    let o = opts();
    let plan = import::plan(&path, &o).unwrap();
    let mut seen = Vec::new();
    let s = import::commit(&mut conn, &plan, &o, &mut |n| seen.push(n)).unwrap();
    assert_eq!(seen, [1_000, 2_000, 2_500]);
    assert_eq!(s.total.new, 2_500);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM assets"), 2_500);
}

#[test]
fn the_register_is_untouched_by_a_dry_run() {
    let dir = TempDir::new().unwrap();
    let path = dell_report(&dir, "dell.xlsx", 612.34, "Depot");
    let mut conn = register();
    let before = dump(&conn, &[]);
    let mut o = opts();
    o.dry_run = true;
    let s = import(&mut conn, &path, &o).unwrap();
    assert_eq!(s.headline(), "3 new, 0 changed, 0 unchanged, 1 rejected");
    assert_eq!(s.batch, None);
    assert_eq!(dump(&conn, &[]), before);
}

// ---------------------------------------------------------------- real files

#[test]
fn dates_in_the_1904_system_are_read_as_the_same_days() {
    let Some(root) = real_inputs() else {
        eprintln!("skipped: ../shared/real-inputs is not here");
        return;
    };
    let first_date = |name: &str| {
        let mut book = read::Workbook::open(&root.join("calamine").join(name)).unwrap();
        let mut first = None;
        book.for_each_row("Sheet1", &mut |row| {
            first = row.cells.first().cloned();
            std::ops::ControlFlow::Break(())
        })
        .unwrap();
        match first {
            Some(read::Value::DateSerial { serial, is_1904 }) => (serial, is_1904),
            other => panic!("{name}: {other:?}"),
        }
    };
    let (s1904, is_1904) = first_date("date_1904.xlsx");
    assert_eq!((s1904, is_1904), (42_735.0, true));
    let (s1900, is_1900) = first_date("date.xlsx");
    assert_eq!((s1900, is_1900), (44_197.0, false));
    let d = import::mapping::date_from_serial;
    assert_eq!(d(s1904, true), Some(date!(2021 - 01 - 01)));
    assert_eq!(d(s1900, false), Some(date!(2021 - 01 - 01)));
}

#[test]
fn encrypted_corrupt_and_tableless_files_give_clear_errors_naming_the_file() {
    let Some(root) = real_inputs() else {
        eprintln!("skipped: ../shared/real-inputs is not here");
        return;
    };
    let err = |name: &str| import::plan(&root.join("calamine").join(name), &opts()).unwrap_err();
    let e = err("pass_protected.xlsx");
    assert!(matches!(e, ImportError::Encrypted { .. }), "{e}");
    assert!(e.to_string().starts_with("`pass_protected.xlsx` is password-protected (encrypted)"), "{e}");
    let e = err("issue252.xlsx");
    assert!(matches!(e, ImportError::Damaged { .. }), "{e}");
    assert!(e.to_string().starts_with("`issue252.xlsx` is damaged or not a complete spreadsheet ("), "{e}");
    let e = err("too_small.xls");
    assert_eq!(
        e.to_string(),
        "`too_small.xls` cannot be imported: its name says .xls but it holds 68 bytes of plain text \
         (`Attachment f:\\attachcus\\arnold-j\\Summer trading shots.xls not found!`), with no table of records in it"
    );
    let e = err("empty_sheet.xlsx");
    assert_eq!(
        e.to_string(),
        "`empty_sheet.xlsx` holds no table of records estate recognises (sheet `Sheet1`: empty); say \
         what its columns are with --map \"Heading=field\" or --profile"
    );
    let start = Instant::now();
    let e = err("issue_594_dos.ods");
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    assert!(start.elapsed() < Duration::from_secs(5));
}

#[test]
fn every_real_spreadsheet_imports_or_errors_without_panicking_or_hanging() {
    let Some(root) = real_inputs() else {
        eprintln!("skipped: ../shared/real-inputs is not here");
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("calamine"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e != "md"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 132);
    let mut imported = 0;
    let mut refused = 0;
    for path in files {
        let (tx, rx) = mpsc::channel();
        let p = path.clone();
        std::thread::spawn(move || {
            let mut conn = register();
            let mut o = opts();
            o.dry_run = true;
            let result = import(&mut conn, &p, &o).map(|s| s.total.read).map_err(|e| e.to_string());
            let _ = tx.send(result);
        });
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(_)) => imported += 1,
            Ok(Err(message)) => {
                if std::env::var_os("SHOW_REAL_INPUT_ERRORS").is_some() {
                    eprintln!("{message}");
                }
                assert!(message.contains(&format!("`{name}`")), "{name}: the error names the file: {message}");
                refused += 1;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("{name}: took over 60 s"),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: panicked"),
        }
    }
    assert_eq!(imported + refused, 132);
    eprintln!("real inputs: {imported} imported, {refused} refused with a clear error");
}

#[test]
fn a_header_below_notes_in_a_real_file_is_found() {
    let Some(root) = real_inputs() else {
        eprintln!("skipped: ../shared/real-inputs is not here");
        return;
    };
    // inventory-table.xlsx: Item | Type | Quantity with fruit for types.
    let mut o = opts();
    o.dry_run = true;
    o.kind = Some(import::Kind::Hardware);
    let mut conn = register();
    let s = import(&mut conn, &root.join("calamine/inventory-table.xlsx"), &o).unwrap();
    assert_eq!(s.sheets[0].header_row, Some(1));
    assert_eq!(s.total.rejected, s.total.read, "no fruit is an asset class: {:?}", s.first_rejects);
    assert!(s.first_rejects[0].problems.iter().any(|p| p.reason.starts_with("`Apple` is not a known asset class")));
}

//! `estate import` and `estate imports`: supplier spreadsheets built in each test
//! (`rust_xlsxwriter`), the sample set in `data/sample/` and the real files in
//! `../shared/real-inputs/`, through the library and through the real binary.

#![allow(
    clippy::many_single_char_names,
    reason = "s, a, b, c: a summary and the assets a test looks at"
)]
#![allow(
    clippy::type_complexity,
    reason = "fixture rows are written inline as tuples"
)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
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
        store::add_organisation(
            tx,
            "BCW",
            "Brookfield Borough Council",
            false,
            None,
            &Actor::command("test"),
        )
    })
    .unwrap();
    conn
}

fn opts() -> ImportOptions {
    let mut o = ImportOptions::new(date!(2026 - 11 - 28));
    o.command = "estate import (test)".into();
    o
}

fn import(
    conn: &mut Connection,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
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
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
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

fn xlsx(
    dir: &TempDir,
    name: &str,
    sheets: &[(&str, &[(u32, &[C])])],
    merges: &[(u32, u16, u32, u16, &str)],
) -> PathBuf {
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
                        ws.write_formula(*r, c, Formula::new("=NA()").set_result(e))
                            .unwrap();
                    }
                    B => {}
                }
            }
        }
        if i == 0 {
            for (r1, c1, r2, c2, text) in merges {
                ws.merge_range(*r1, *c1, *r2, *c2, text, &Format::new())
                    .unwrap();
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
        (
            1,
            &[S("Customer: Brookfield Borough Council"), B, S("Notes")],
        ),
        (3, &[S("Generated 01/04/2024")]),
        (
            6,
            &[
                S("Service Tag"),
                S("Customer Asset Tag"),
                S("Product Description"),
                S("Ship Date"),
                S("Unit Price"),
                S("Ship To Site"),
                S("Colour"),
            ],
        ),
        (
            7,
            &[
                S("ABC1234"),
                S("BCW-0001"),
                S("OptiPlex 7010"),
                D(45382.0),
                N(cost_1),
                S("Civic Centre"),
                S("Black"),
            ],
        ),
        (
            8,
            &[
                S(" DEF5678 "),
                S("BCW-0002"),
                S("Latitude 5440"),
                S("31/03/2024"),
                S("£1,049.00"),
                S(site_2),
            ],
        ),
        (
            9,
            &[
                S("GHI9012"),
                B,
                S("PowerEdge R750"),
                S("2024-03-31"),
                B,
                S("Civic Centre"),
                E("#N/A"),
            ],
        ),
        (
            10,
            &[
                S("JKL3456"),
                S("BCW-0004"),
                S("Frobnicator 9"),
                D(45382.0),
                N(10.0),
            ],
        ),
        (
            11,
            &[
                S("MNO7890"),
                S("BCW-0005"),
                S("OptiPlex 7010"),
                D(45382.0),
                E("#N/A"),
            ],
        ),
        (12, &[S("Total"), B, B, B, N(1671.34)]),
        (13, &[S("ZZZ9999"), S("BCW-0099"), S("OptiPlex 7010")]),
    ];
    xlsx(dir, name, &[("Asset Report", rows)], &[])
}

fn assets(conn: &Connection) -> Vec<estate::register::Asset> {
    store::list_assets(conn, &AssetFilter::default()).unwrap()
}

fn asset<'a>(all: &'a [estate::register::Asset], serial: &str) -> &'a estate::register::Asset {
    all.iter()
        .find(|a| a.fields.serial.as_deref() == Some(serial))
        .unwrap()
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
    assert_eq!(s.sheets[0].rows, 5, "the row below the totals is not read");
    assert_eq!(s.headline(), "3 new, 0 changed, 0 unchanged, 2 rejected");
    assert_eq!(s.unknown_columns, ["sheet `Asset Report`: `Colour`"]);
    let lines: Vec<String> = s
        .first_rejects
        .iter()
        .flat_map(|r| r.lines("dell.xlsx"))
        .collect();
    assert_eq!(
        lines,
        [
            "dell.xlsx, sheet `Asset Report`, row 11, column `Product Description`: `Frobnicator 9` \
             cannot tell the class from this model; add a Type column, or teach the model's name \
             with `estate vocabulary add model \"Frobnicator 9\" other` (the class it is: server, \
             storage, network, desktop, laptop, thin_client, monitor, tablet, mobile, mfd, printer, \
             other)",
            "dell.xlsx, sheet `Asset Report`, row 12, column `Unit Price`: `#N/A` is a formula error, so \
             the value is unknown; fix the formula in the spreadsheet or clear the cell"
        ]
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
    assert_eq!(
        c.fields.asset_tag, "GHI9012",
        "no tag: tagged with its serial"
    );
    assert_eq!(c.fields.class, AssetClass::Server);
    assert_eq!(c.fields.purchase_cost, None);
    assert_eq!(
        c.fields.notes, None,
        "a #N/A in a column kept in notes is left out"
    );
    // The new site was created, audited against the batch.
    let sites = store::list_places(&conn, PlaceKind::Site, None).unwrap();
    assert_eq!(
        sites.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["Civic Centre", "Depot"]
    );
    let batches = import::list_batches(&conn).unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(
        (
            batches[0].new,
            batches[0].rejected,
            batches[0].kind.as_str()
        ),
        (3, 2, "hardware")
    );
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
    assert_eq!(
        again.headline(),
        "0 new, 0 changed, 3 unchanged, 2 rejected"
    );
    assert_eq!(dump(&conn, &["import_batches"]), before);
}

#[test]
fn a_newer_report_updates_changed_fields_and_audits_them_against_its_batch() {
    let dir = TempDir::new().unwrap();
    let mut conn = register();
    import(
        &mut conn,
        &dell_report(&dir, "march.xlsx", 612.34, "Depot"),
        &opts(),
    )
    .unwrap();
    let s = import(
        &mut conn,
        &dell_report(&dir, "april.xlsx", 599.0, "Annexe"),
        &opts(),
    )
    .unwrap();
    assert_eq!(s.headline(), "0 new, 2 changed, 1 unchanged, 2 rejected");
    let all = assets(&conn);
    let a = asset(&all, "ABC1234");
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(59_900)));
    let h = store::history(&conn, Entity::Asset, a.id.0).unwrap();
    let last = h.last().unwrap();
    assert_eq!(
        (
            last.action.as_str(),
            last.field.as_deref(),
            last.old_value.as_deref(),
            last.new_value.as_deref()
        ),
        (
            "update",
            Some("purchase_cost"),
            Some("612.34"),
            Some("599.00")
        )
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
        &[(
            "Sheet1",
            &[
                (0, &[S("Serial Number"), S("Model")]),
                (1, &[S("S1"), S("OptiPlex 7010")]),
                (2, &[S("S2"), S("OptiPlex 7010")]),
                (3, &[S("S1"), S("Latitude 5440")]),
            ],
        )],
        &[],
    );
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.headline(), "2 new, 0 changed, 0 unchanged, 1 rejected");
    assert_eq!(
        s.first_rejects[0].lines("dups.xlsx"),
        [
            "dups.xlsx, sheet `Sheet1`, row 4, column `Serial Number`: `S1` the same serial also appears on \
          sheet `Sheet1`, row 2 of this file; the first was kept and this row rejected (remove the \
          duplicate or correct it)"
        ]
    );
    assert_eq!(
        asset(&assets(&conn), "S1").fields.model.as_deref(),
        Some("OptiPlex 7010")
    );
}

#[test]
fn rejects_are_written_with_reasons_and_strict_refuses_the_file() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "bad.xlsx",
        &[(
            "Kit",
            &[
                (
                    0,
                    &[
                        S("Asset Tag"),
                        S("Type"),
                        S("Model"),
                        S("Purchase Date"),
                        S("Cost"),
                    ],
                ),
                (
                    1,
                    &[
                        S("PC-1"),
                        S("Desktop"),
                        S("OptiPlex 7010"),
                        S("31/03/2024"),
                        S("612.34"),
                    ],
                ),
                (
                    2,
                    &[
                        S("PC-2"),
                        S("Widget"),
                        S("Frobnicator"),
                        S("31/03/2024"),
                        S("10"),
                    ],
                ),
                (
                    3,
                    &[
                        S("PC-3"),
                        S("Laptop"),
                        S("Latitude"),
                        S("31/03/2031"),
                        S("(120.00)"),
                    ],
                ),
            ],
        )],
        &[],
    );
    let mut conn = register();
    let before = dump(&conn, &[]);
    let mut strict = opts();
    strict.strict = true;
    let err = import(&mut conn, &path, &strict).unwrap_err();
    let ImportError::Strict {
        rejected, summary, ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*rejected, 2);
    assert_eq!(
        summary.total.new, 1,
        "the summary says what would have happened"
    );
    assert!(
        err.to_string()
            .starts_with("`bad.xlsx`: 2 row(s) rejected, so nothing was imported (--strict)")
    );
    assert_eq!(dump(&conn, &[]), before, "--strict wrote nothing");

    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.headline(), "1 new, 0 changed, 0 unchanged, 2 rejected");
    let rejects = dir.path().join("rejects.csv");
    import::write_rejects(&s, &rejects).unwrap();
    let text = std::fs::read_to_string(&rejects).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Reject sheet,Reject row,Reject reason,Asset Tag,Type,Model,Purchase Date,Cost"
    );
    assert_eq!(
        lines[1],
        "Kit,3,\"Type: `Widget` is not a class estate knows; teach it with `estate vocabulary add \
         class Widget other` (or the class it is: server, storage, network, desktop, laptop, \
         thin_client, monitor, tablet, mobile, mfd, printer, other)\",PC-2,Widget,Frobnicator,\
         31/03/2024,10"
    );
    assert_eq!(
        lines[2],
        "Kit,4,Purchase Date: `31/03/2031` 2031-03-31 is in the future; Cost: `(120.00)` is a negative amount (in brackets); a cost cannot be negative,PC-3,Laptop,Latitude,31/03/2031,(120.00)"
    );
    // The rejects file itself can be fixed and re-imported: its Reject columns are ignored.
    let plan = import::plan(&rejects, &opts()).unwrap();
    let table = plan.sheets[0].table.as_ref().unwrap();
    assert!(
        table
            .columns
            .iter()
            .take(3)
            .all(|c| c.field == Some(import::Field::Ignore))
    );
}

#[test]
fn a_failure_after_rows_were_written_leaves_every_table_as_before() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "boom.xlsx",
        &[(
            "Kit",
            &[
                (0, &[S("Asset Tag"), S("Model"), S("Site")]),
                (1, &[S("PC-1"), S("OptiPlex 7010"), S("New Site")]),
                (2, &[S("PC-2"), S("OptiPlex 7010"), S("Other Site")]),
                (3, &[S("BOOM"), S("OptiPlex 7010")]),
                (4, &[S("PC-4"), S("OptiPlex 7010")]),
            ],
        )],
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
    import(
        &mut conn,
        &dell_report(&dir, "march.xlsx", 612.34, "Depot"),
        &opts(),
    )
    .unwrap();
    let before = dump(&conn, &[]);
    let newer = xlsx(
        &dir,
        "april.xlsx",
        &[(
            "Sheet1",
            &[
                (0, &[S("Serial Number"), S("Model"), S("Cost"), S("Site")]),
                (
                    1,
                    &[S("ABC1234"), S("OptiPlex 7010"), N(599.0), S("Annexe")],
                ),
                (2, &[S("NEW0001"), S("ThinkPad T14"), N(900.0), S("Annexe")]),
                (3, &[S("NEW0002"), S("iPhone 13"), N(500.0), S("Depot")]),
            ],
        )],
        &[],
    );
    let s = import(&mut conn, &newer, &opts()).unwrap();
    assert_eq!(s.headline(), "2 new, 1 changed, 0 unchanged, 0 rejected");
    let batch = s.batch.unwrap();
    let u = import::undo(&mut conn, batch, "estate imports undo").unwrap();
    assert_eq!((u.removed, u.restored, u.places_removed), (2, 1, 1));
    let after = dump(&conn, &[]);
    for (table, rows) in &before {
        if matches!(
            table.as_str(),
            "audit_log" | "import_batches" | "import_prior_rows"
        ) {
            continue;
        }
        assert_eq!(after.get(table), Some(rows), "table {table} after undo");
    }
    // History keeps the import and records its undo.
    let undos = count(
        &conn,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'undo' AND batch_id = {}",
            batch.0
        ),
    );
    assert_eq!(undos, 4);
    let listed = import::list_batches(&conn).unwrap();
    assert!(listed[1].undone_at.is_some());
    let err = import::undo(&mut conn, batch, "estate imports undo").unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("import batch {} was already undone at", batch.0)),
        "{err}"
    );
    assert!(matches!(
        import::undo(&mut conn, BatchId(99), "x"),
        Err(ImportError::NoSuchBatch(99))
    ));
}

#[test]
fn undo_is_refused_when_a_later_change_depends_on_the_batch() {
    let dir = TempDir::new().unwrap();
    let mut conn = register();
    let s = import(
        &mut conn,
        &dell_report(&dir, "march.xlsx", 612.34, "Depot"),
        &opts(),
    )
    .unwrap();
    let org = store::organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let current = store::find_asset(&conn, &org, "BCW-0001").unwrap().unwrap();
    let mut f = current.fields.clone();
    f.assigned_user = Some("J Smith".into());
    db::write(&mut conn, |tx| {
        store::update_asset(
            tx,
            &org,
            &current,
            &f,
            false,
            &Actor::command("estate update"),
        )
    })
    .unwrap();
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
    std::fs::write(
        &path,
        "Serial Number,Model,Purchase Date,Cost\nS1,OptiPlex 7010,31/03/2024,\"£1,234.56\"\n",
    )
    .unwrap();
    let mut conn = register();
    let s = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(s.format, "csv");
    assert_eq!(
        s.notes[0],
        "`export.xlsx` is a text (CSV) file despite its .xlsx name; it was read as CSV"
    );
    assert_eq!(
        asset(&assets(&conn), "S1").fields.purchase_cost,
        Some(Money::from_pence(123_456))
    );
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
    assert_eq!(
        s.notes,
        [
            "sheet `old register.csv`: column `Price inc VAT` includes VAT; converted to net at 20% VAT"
        ]
    );
    let org = store::organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let a = store::find_asset(&conn, &org, "PC-9").unwrap().unwrap();
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(61_234)));
    assert_eq!(
        a.fields.in_service_date,
        Some(date!(2024 - 04 - 03)),
        "UK day-first"
    );
    let mut us = opts();
    us.us_dates = true;
    let mut conn = register();
    import(&mut conn, &path, &us).unwrap();
    let a = store::find_asset(&conn, &org, "PC-9").unwrap().unwrap();
    assert_eq!(
        a.fields.in_service_date,
        Some(date!(2024 - 03 - 04)),
        "--us-dates"
    );
}

#[test]
fn merged_header_cells_and_an_empty_sheet_are_handled() {
    let dir = TempDir::new().unwrap();
    let path = xlsx(
        &dir,
        "merged.xlsx",
        &[
            (
                "Assets",
                &[
                    (0, &[B, S("Purchase")]),
                    (1, &[B, S("Cost"), S("Model")]),
                    (2, &[S("T-1"), N(100.0), S("OptiPlex 7010")]),
                ],
            ),
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
    assert!(
        s.notes
            .iter()
            .any(|n| n.starts_with("3 assets were created from quantity rows")),
        "{:?}",
        s.notes
    );
    let all = assets(&conn);
    let mfd: Vec<_> = all
        .iter()
        .filter(|a| a.fields.class == AssetClass::Mfd)
        .collect();
    assert_eq!(mfd.len(), 1);
    assert!(all.iter().all(|a| a.fields.asset_tag.starts_with("GEN-")));
    let again = import(&mut conn, &path, &opts()).unwrap();
    assert_eq!(
        again.headline(),
        "0 new, 0 changed, 4 unchanged, 0 rejected"
    );
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
    assert_eq!(
        (l.fields.product.as_str(), l.fields.quantity),
        ("Microsoft 365 E3", 600)
    );
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
    assert_eq!(
        a.fields.warranty_end,
        Some(date!(2024 - 04 - 01)),
        "36 months of warranty"
    );
    assert_eq!(a.fields.status, estate::domain::AssetStatus::InStore);
    assert_eq!(
        a.fields.notes.as_deref(),
        Some("Name: Reception PC; Model No.: 8ZX12")
    );
}

#[test]
fn progress_is_reported_through_the_callback() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("many.csv");
    let mut text = String::from("Serial Number,Model\n");
    for i in 0..2_500 {
        writeln!(text, "S{i:05},OptiPlex 7010").unwrap();
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
    assert_eq!(s.headline(), "3 new, 0 changed, 0 unchanged, 2 rejected");
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
    assert!(
        e.to_string()
            .starts_with("`pass_protected.xlsx` is password-protected (encrypted)"),
        "{e}"
    );
    let e = err("issue252.xlsx");
    assert!(matches!(e, ImportError::Damaged { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("`issue252.xlsx` is damaged or not a complete spreadsheet ("),
        "{e}"
    );
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
         what its columns are with --map \"Heading=field\" or --profile, or teach the register a \
         heading with `estate vocabulary add heading \"Heading\" field`"
    );
    let start = Instant::now();
    let e = err("issue_594_dos.ods");
    assert!(matches!(e, ImportError::TooLarge { .. }), "{e}");
    // A hang guard, not a speed test: the bound refuses it before reading.
    assert!(start.elapsed() < Duration::from_secs(10));
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
            let result = import(&mut conn, &p, &o)
                .map(|s| s.total.read)
                .map_err(|e| e.to_string());
            let _ = tx.send(result);
        });
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Ok(_)) => imported += 1,
            Ok(Err(message)) => {
                if std::env::var_os("SHOW_REAL_INPUT_ERRORS").is_some() {
                    eprintln!("{message}");
                }
                assert!(
                    message.contains(&format!("`{name}`")),
                    "{name}: the error names the file: {message}"
                );
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
    // Its headings are found on row 1, and they say it is a stock list
    // (items counted by quantity), not a list of devices: refused whole.
    let err = import(&mut conn, &root.join("calamine/inventory-table.xlsx"), &o).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`inventory-table.xlsx` is not a list of assets, lines or licences: it looks like a stock \
         list of items counted by quantity (accessories, consumables or components), not of \
         individual devices; its headings are `Item`, `Type`, `Quantity`. Nothing was imported"
    );
}

// ---------------------------------------------------------------- the sample data set (data/sample/MANIFEST.md)

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/sample")
        .join(name)
}

/// The sample's register: AVN, BRK and the shared service ABS.
fn sample_register() -> Connection {
    let mut conn = db::open_in_memory().unwrap();
    db::write(&mut conn, |tx| {
        let a = Actor::command("test");
        store::add_organisation(tx, "AVN", "Avonmere District Council", false, Some(640), &a)?;
        store::add_organisation(
            tx,
            "BRK",
            "Brookfield Borough Council",
            false,
            Some(910),
            &a,
        )?;
        store::add_organisation(
            tx,
            "ABS",
            "Avonmere & Brookfield Shared ICT Service",
            true,
            None,
            &a,
        )
    })
    .unwrap();
    conn
}

/// `(group, count, pence)` for a SQL grouping of the register.
fn grouped(conn: &Connection, sql: &str) -> Vec<(String, i64, i64)> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get::<_, Option<i64>>(2)?.unwrap_or(0),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Rows of the assets of one batch by class (thin clients count as desktops, as the manifest does).
fn by_class(conn: &Connection, batch: BatchId) -> Vec<(String, i64, i64)> {
    grouped(
        conn,
        &format!(
            "SELECT CASE class WHEN 'thin_client' THEN 'desktop' ELSE class END AS c, COUNT(*), \
             SUM(purchase_cost_pence) FROM assets WHERE batch_id = {} GROUP BY c ORDER BY c",
            batch.0
        ),
    )
}

/// `(class, count)` of one batch's assets.
fn class_counts(conn: &Connection, batch: BatchId) -> Vec<(String, i64)> {
    by_class(conn, batch)
        .into_iter()
        .map(|(c, n, _)| (c, n))
        .collect()
}

fn by_org(conn: &Connection, batch: BatchId) -> Vec<(String, i64, i64)> {
    grouped(
        conn,
        &format!(
            "SELECT o.code, COUNT(*), SUM(a.purchase_cost_pence) FROM assets a \
             JOIN organisations o ON o.organisation_id = a.organisation_id WHERE a.batch_id = {} \
             GROUP BY o.code ORDER BY o.code",
            batch.0
        ),
    )
}

fn rejected_rows(s: &ImportSummary) -> Vec<(String, u32)> {
    s.rejects.iter().map(|r| (r.sheet.clone(), r.row)).collect()
}

fn sample_asset(conn: &Connection, org: &str, key: &str) -> estate::register::Asset {
    let org = store::organisation_by_code(conn, org).unwrap().unwrap();
    store::find_asset(conn, &org, key)
        .unwrap()
        .unwrap_or_else(|| panic!("{key} not found"))
}

fn imported(conn: &mut Connection, name: &str) -> ImportSummary {
    import(conn, &sample(name), &opts()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn sample_dell_asset_report_imports_as_the_manifest_says() {
    let mut conn = sample_register();
    let s = imported(&mut conn, "dell-asset-report.xlsx");
    assert_eq!(s.sheets[0].header_row, Some(7));
    assert_eq!(s.sheets[0].totals_row, Some(256));
    assert_eq!(s.headline(), "248 new, 0 changed, 0 unchanged, 0 rejected");
    let b = s.batch.unwrap();
    let classes = class_counts(&conn, b);
    assert_eq!(
        classes,
        [
            ("desktop".into(), 165),
            ("laptop".into(), 55),
            ("monitor".into(), 20),
            ("server".into(), 8)
        ]
    );
    assert_eq!(
        by_org(&conn, b),
        [
            ("ABS".into(), 7, 8_623_282),
            ("AVN".into(), 120, 8_015_602),
            ("BRK".into(), 121, 10_470_757)
        ]
    );
    let total: i64 = by_org(&conn, b).iter().map(|r| r.2).sum();
    assert_eq!(total, 27_109_641, "£271,096.41");
    // Row 8.
    let a = sample_asset(&conn, "AVN", "3Y1DZJ0");
    assert_eq!(a.fields.asset_tag, "AV104002");
    assert_eq!(a.fields.manufacturer.as_deref(), Some("Dell"));
    assert_eq!(
        a.fields.model.as_deref(),
        Some("OptiPlex 7040 Small Form Factor")
    );
    assert_eq!(a.fields.class, AssetClass::Desktop);
    assert_eq!(a.fields.site.as_deref(), Some("Avonmere House"));
    assert_eq!(a.fields.in_service_date, Some(date!(2016 - 04 - 26)));
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(61_594)));
    assert_eq!(a.fields.warranty_end, Some(date!(2019 - 04 - 25)));
    // Row 19: a leading space in the Service Tag.
    let a = sample_asset(&conn, "BRK", "D4ZZF0K");
    assert_eq!(a.fields.asset_tag, "BRK-20004");
    // Row 64: no tag, trailing space in Location.
    let a = sample_asset(&conn, "BRK", "56X3MSP");
    assert_eq!(a.fields.site.as_deref(), Some("Brookfield Leisure Centre"));
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(66_976)));
    // Row 117: a server of the shared service, named in full.
    let a = sample_asset(&conn, "ABS", "FBT9V1K");
    assert_eq!(
        (a.fields.class, a.fields.purchase_cost),
        (AssetClass::Server, Some(Money::from_pence(855_792)))
    );
    assert_eq!(a.fields.site.as_deref(), Some("Shared Data Centre"));
    // Row 150: trailing spaces in the model.
    let a = sample_asset(&conn, "AVN", "NPKR8CZ");
    assert_eq!(
        a.fields.model.as_deref(),
        Some("OptiPlex 7020 Small Form Factor")
    );
}

#[test]
fn sample_hp_reseller_delivery_rejects_exactly_its_six_bad_rows() {
    let mut conn = sample_register();
    let s = imported(&mut conn, "hp-reseller-delivery.xlsx");
    let sheets: Vec<(&str, &str)> = s
        .sheets
        .iter()
        .map(|x| (x.name.as_str(), x.status))
        .collect();
    assert_eq!(
        sheets,
        [
            ("Delivery Report", "read"),
            ("Notes", "skipped"),
            ("Monitors", "read")
        ]
    );
    assert_eq!(s.sheets[0].header_row, Some(3));
    assert_eq!(s.sheets[0].totals_row, Some(222));
    assert_eq!(s.sheets[0].rows, 217);
    assert_eq!(s.sheets[2].totals_row, Some(6));
    assert_eq!(s.headline(), "241 new, 0 changed, 0 unchanged, 6 rejected");
    let d = "Delivery Report".to_string();
    assert_eq!(
        rejected_rows(&s),
        [
            (d.clone(), 27),
            (d.clone(), 66),
            (d.clone(), 103),
            (d.clone(), 137),
            (d.clone(), 180),
            (d, 215)
        ]
    );
    let reasons: Vec<String> = s
        .rejects
        .iter()
        .flat_map(|r| r.lines("hp-reseller-delivery.xlsx"))
        .collect();
    let p = "hp-reseller-delivery.xlsx, sheet `Delivery Report`, row";
    assert_eq!(
        reasons,
        [
            format!(
                "{p} 27, column `Serial Number`: no serial number or asset tag (a row without either needs a quantity)"
            ),
            format!(
                "{p} 66, column `Device Type`: `Widget` is not a class estate knows; teach it with \
                 `estate vocabulary add class Widget other` (or the class it is: server, storage, \
                 network, desktop, laptop, thin_client, monitor, tablet, mobile, mfd, printer, \
                 other)"
            ),
            format!(
                "{p} 103, column `Cost`: `#N/A` is a formula error, so the value is unknown; fix the formula in the spreadsheet or clear the cell"
            ),
            format!(
                "{p} 137, column `Cost`: `(120.00)` is a negative amount (in brackets); a cost cannot be negative"
            ),
            format!(
                "{p} 180, column `Serial Number`: `CZC1336V1U` the same serial also appears on sheet `Delivery Report`, row 45 of this file; the first was kept and this row rejected (remove the duplicate or correct it)"
            ),
            format!("{p} 215, column `Invoice Date`: `15/01/2027` 2027-01-15 is in the future"),
        ]
    );
    let b = s.batch.unwrap();
    let classes = class_counts(&conn, b);
    assert_eq!(
        classes,
        [
            ("desktop".into(), 150),
            ("laptop".into(), 55),
            ("monitor".into(), 36)
        ]
    );
    let orgs = by_org(&conn, b);
    // Delivery Report + Monitors: AVN £50,993.40 + £2,067.00; BRK £105,815.76 + £2,554.93.
    assert_eq!(
        orgs,
        [
            ("AVN".into(), 89, 5_306_040),
            ("BRK".into(), 152, 10_837_069)
        ]
    );
    // Row 4; row 20 (dd-Mmm-yy text date); row 45 (the first of the duplicated serial).
    let a = sample_asset(&conn, "BRK", "CZC8466ZFZ");
    assert_eq!(a.fields.asset_tag, "BRK-20176");
    assert_eq!(a.fields.in_service_date, Some(date!(2018 - 11 - 13)));
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(64_710)));
    assert_eq!(a.fields.assigned_user.as_deref(), Some("Chloe Nolan"));
    let a = sample_asset(&conn, "BRK", "PF7JC7W3");
    assert_eq!(
        (a.fields.class, a.fields.in_service_date),
        (AssetClass::Laptop, Some(date!(2020 - 02 - 17)))
    );
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(91_174)));
    let a = sample_asset(&conn, "BRK", "CZC1336V1U");
    assert_eq!(a.fields.asset_tag, "BRK-20211");
    assert_eq!(
        a.fields.class,
        AssetClass::ThinClient,
        "a thin client (the manifest counts it as a desktop)"
    );
    // Monitors row 2: a bulk line of 10 with no serials.
    let monitors: i64 = count(
        &conn,
        "SELECT COUNT(*) FROM assets WHERE model = 'HP E24 G5' AND order_ref = 'PO 4500187721'",
    );
    assert_eq!(monitors, 10);
    // The build of the two March 2023 deliveries (MANIFEST.md): 7
    // ThinkCentres with their processor, 5 Elite Minis without one.
    let a = sample_asset(&conn, "BRK", "MJ0ANX1H");
    assert_eq!(
        (
            a.fields.os.as_deref(),
            a.fields.os_version.as_deref(),
            a.fields.cpu.as_deref()
        ),
        (
            Some("Windows"),
            Some("10 22H2"),
            Some("Intel Core i5-12500T")
        )
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM assets WHERE os = 'Windows' AND os_version = '10 22H2' AND cpu IS NULL"
        ),
        5
    );
}

#[test]
fn sample_infrastructure_schedule_reads_sections_leases_and_owners() {
    let mut conn = sample_register();
    let s = imported(&mut conn, "reseller-infrastructure.xlsx");
    assert_eq!(s.sheets[0].header_row, Some(4));
    assert_eq!(s.sheets[0].totals_row, Some(121));
    assert_eq!(
        s.sheets[0].skipped_rows,
        [
            "row 5: a section heading",
            "row 26: a section heading",
            "row 39: a section heading",
            "row 70: a section heading"
        ]
    );
    assert_eq!(s.headline(), "112 new, 0 changed, 0 unchanged, 0 rejected");
    let b = s.batch.unwrap();
    let classes = class_counts(&conn, b);
    assert_eq!(
        classes,
        [
            ("mfd".into(), 50),
            ("network".into(), 30),
            ("server".into(), 20),
            ("storage".into(), 12)
        ]
    );
    assert_eq!(
        by_org(&conn, b),
        [
            ("ABS".into(), 31, 44_814_408),
            ("AVN".into(), 49, 16_296_631),
            ("BRK".into(), 32, 18_350_704)
        ]
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM assets WHERE funding = 'leased' AND class = 'mfd'"
        ),
        34
    );
    let a = sample_asset(&conn, "AVN", "3QR22277");
    assert_eq!(a.fields.funding, estate::domain::Funding::Leased);
    assert_eq!(a.fields.lease_end, Some(date!(2021 - 10 - 23)));
    assert_eq!(a.fields.purchase_cost, None);
    assert_eq!(a.fields.manufacturer.as_deref(), Some("Canon"));
    assert_eq!(
        a.fields.notes.as_deref(),
        Some("Ref: INF-063; Qtrly Rental: 328.05")
    );
    let a = sample_asset(&conn, "ABS", "CZJ621VU6F");
    assert_eq!(a.fields.asset_tag, "ABS0116");
    // Operating System and OS Version on the 20 servers (MANIFEST.md):
    // 7 on Windows Server 2016, 7 on 2019, 6 on 2022.
    assert_eq!(
        (a.fields.os.as_deref(), a.fields.os_version.as_deref()),
        (Some("Windows Server"), Some("2016"))
    );
    assert_eq!(
        grouped(
            &conn,
            "SELECT os_version, COUNT(*), 0 FROM assets WHERE os = 'Windows Server' \
             GROUP BY os_version ORDER BY os_version"
        ),
        [
            ("2016".into(), 7, 0),
            ("2019".into(), 7, 0),
            ("2022".into(), 6, 0)
        ]
    );
    assert_eq!(a.fields.site.as_deref(), Some("Shared Data Centre"));
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(660_348)));
    let a = sample_asset(&conn, "AVN", "FG100FTK46423764");
    assert_eq!(
        (a.fields.class, a.fields.site.as_deref()),
        (AssetClass::Network, Some("Market Street Library"))
    );
}

#[test]
fn sample_line_schedule_finds_every_line_and_the_critical_care_ones() {
    let mut conn = sample_register();
    let s = imported(&mut conn, "telecoms-line-schedule.xlsx");
    assert_eq!(s.sheets[0].header_row, Some(5));
    assert_eq!(s.sheets[0].totals_row, Some(308));
    assert_eq!(
        s.sheets[0].skipped_rows,
        ["row 157: the header row repeated"]
    );
    assert_eq!(s.headline(), "300 new, 0 changed, 0 unchanged, 0 rejected");
    let by_org = grouped(
        &conn,
        "SELECT o.code, COUNT(*), SUM(monthly_rental_pence) FROM phone_lines l \
         JOIN organisations o ON o.organisation_id = l.organisation_id GROUP BY o.code ORDER BY o.code",
    );
    assert_eq!(
        by_org,
        [
            ("ABS".into(), 7, 143_150),
            ("AVN".into(), 134, 410_160),
            ("BRK".into(), 159, 450_608)
        ]
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM phone_lines WHERE critical_care = 1"
        ),
        50
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM phone_lines WHERE line_use = 'Broadband'"
        ),
        30
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM phone_lines WHERE line_type IN ('pstn', 'isdn2', 'isdn30')"
        ),
        232
    );
    let org = store::organisation_by_code(&conn, "AVN").unwrap().unwrap();
    let line = |n: &str| {
        store::find_line(&conn, &org, n)
            .unwrap()
            .unwrap_or_else(|| panic!("{n}"))
            .fields
    };
    let l = line("01632960042");
    assert_eq!(
        (l.line_type, l.monthly_rental),
        (LineType::Pstn, Money::from_pence(2_299))
    );
    assert_eq!(l.contract_end, Some(date!(2025 - 11 - 30)));
    assert_eq!(l.site.as_deref(), Some("Avonmere House"));
    assert!(line("01632960058").critical_care);
    assert_eq!(line("01632960165").line_type, LineType::Isdn30);
    assert!(line("01632960196").critical_care);
    assert_eq!(line("01632960990").contract_end, None, "`Rolling`");
    let sim = line("07700900828");
    assert_eq!(
        (sim.line_type, sim.critical_care),
        (LineType::MobileData, true)
    );
    let bb = line("BBEU15476776");
    assert_eq!(
        (bb.line_type, bb.critical_care, bb.monthly_rental),
        (LineType::Sogea, false, Money::from_pence(2_950))
    );
}

#[test]
fn sample_licensing_statement_skips_subtotals_and_reads_each_entitlement() {
    let mut conn = sample_register();
    let s = imported(&mut conn, "licensing-statement.xlsx");
    assert_eq!(s.sheets[0].header_row, Some(5));
    assert_eq!(s.sheets[0].totals_row, Some(27));
    assert_eq!(
        s.sheets[0].skipped_rows,
        [
            "row 13: a subtotal",
            "row 21: a subtotal",
            "row 26: a subtotal"
        ]
    );
    assert_eq!(s.headline(), "18 new, 0 changed, 0 unchanged, 0 rejected");
    let per_org = grouped(
        &conn,
        "SELECT o.code, COUNT(*), 0 FROM licences l JOIN organisations o \
         ON o.organisation_id = l.organisation_id GROUP BY o.code ORDER BY o.code",
    );
    assert_eq!(
        per_org,
        [
            ("ABS".into(), 4, 0),
            ("AVN".into(), 7, 0),
            ("BRK".into(), 7, 0)
        ]
    );
    // Annual cost of subscriptions and annual licences, and one-off cost of perpetual ones.
    let annual = count(
        &conn,
        "SELECT SUM(quantity * unit_cost_pence * CASE cost_basis WHEN 'monthly' THEN 12 ELSE 1 END) \
         FROM licences WHERE cost_basis <> 'one_off'",
    );
    assert_eq!(annual, 71_211_800, "£712,118.00 a year");
    let one_off = count(
        &conn,
        "SELECT SUM(quantity * unit_cost_pence) FROM licences WHERE cost_basis = 'one_off'",
    );
    assert_eq!(one_off, 9_256_500, "£92,565.00");
    let all = store::list_licences(&conn, None).unwrap();
    let find = |org: &str, product: &str| {
        &all.iter()
            .find(|l| l.organisation == org && l.fields.product == product)
            .unwrap()
            .fields
    };
    let m365 = find("AVN", "Microsoft 365 E3");
    assert_eq!(
        (m365.quantity, m365.unit_cost),
        (600, Money::from_pence(2_040))
    );
    assert_eq!(
        (m365.metric, m365.cost_basis),
        (
            estate::domain::LicenceMetric::PerUser,
            estate::domain::CostBasis::Monthly
        )
    );
    assert_eq!(m365.agreement, "8841203");
    assert_eq!(
        m365.agreement_type,
        estate::domain::AgreementType::EnterpriseAgreement
    );
    assert_eq!(
        (m365.start_date, m365.end_date),
        (Some(date!(2024 - 07 - 01)), Some(date!(2027 - 06 - 30)))
    );
    let brk = find("BRK", "M365 E3 (User)");
    assert_eq!(
        (brk.quantity, brk.unit_cost),
        (400, Money::from_pence(2_310))
    );
    let eset = find("BRK", "ESET PROTECT Complete");
    assert_eq!(
        (eset.metric, eset.quantity, eset.unit_cost),
        (
            estate::domain::LicenceMetric::PerDevice,
            520,
            Money::from_pence(295)
        )
    );
    let sql = find("ABS", "SQL Server 2019 Standard - Per Core");
    assert_eq!(
        (sql.metric, sql.quantity, sql.unit_cost),
        (
            estate::domain::LicenceMetric::PerCore,
            16,
            Money::from_pence(185_900)
        )
    );
    assert_eq!(
        (sql.cost_basis, sql.budget, sql.end_date),
        (
            estate::domain::CostBasis::OneOff,
            estate::domain::BudgetType::Capital,
            None
        )
    );
}

#[test]
fn sample_o2_mobiles_csv_in_windows_1252_imports_and_refuses_lost_imeis() {
    let mut conn = sample_register();
    let s = imported(&mut conn, "mobiles-o2.csv");
    assert_eq!(s.headline(), "250 new, 0 changed, 0 unchanged, 2 rejected");
    let f = "mobiles-o2.csv".to_string();
    assert_eq!(rejected_rows(&s), [(f.clone(), 39), (f, 192)]);
    assert!(s.rejects[0].lines("mobiles-o2.csv")[0].starts_with(
        "mobiles-o2.csv, sheet `mobiles-o2.csv`, row 39, column `IMEI`: `3.54909E+14` was saved in scientific notation"
    ));
    let b = s.batch.unwrap();
    assert_eq!(
        by_org(&conn, b),
        [
            ("ABS".into(), 22, 1_192_800),
            ("AVN".into(), 117, 6_198_500),
            ("BRK".into(), 111, 5_740_600)
        ]
    );
    let a = sample_asset(&conn, "AVN", "355874393712756");
    assert_eq!(a.fields.class, AssetClass::Mobile);
    assert_eq!(a.fields.manufacturer.as_deref(), Some("Samsung"));
    assert_eq!(a.fields.in_service_date, Some(date!(2025 - 03 - 12)));
    assert_eq!(a.fields.purchase_cost, Some(Money::from_pence(29_900)));
    assert_eq!(
        sample_asset(&conn, "AVN", "355874394316904")
            .fields
            .purchase_cost,
        Some(Money::ZERO)
    );
    assert_eq!(
        sample_asset(&conn, "AVN", "356839819325623")
            .fields
            .purchase_cost,
        Some(Money::from_pence(102_900))
    );
    let a = sample_asset(&conn, "BRK", "356839816902614");
    assert_eq!(a.fields.assigned_user.as_deref(), Some("Renée Dubois"));
    assert_eq!(a.fields.manufacturer.as_deref(), Some("Apple"));
}

#[test]
fn the_whole_sample_set_gives_the_manifests_estate_and_a_reimport_changes_nothing() {
    let mut conn = sample_register();
    let files = [
        "dell-asset-report.xlsx",
        "hp-reseller-delivery.xlsx",
        "reseller-infrastructure.xlsx",
        "mobiles-o2.csv",
        "snipeit-export.csv",
        "telecoms-line-schedule.xlsx",
        "licensing-statement.xlsx",
    ];
    let mut headlines = Vec::new();
    for f in files {
        headlines.push(imported(&mut conn, f).headline());
    }
    assert_eq!(
        headlines,
        [
            "248 new, 0 changed, 0 unchanged, 0 rejected",
            "241 new, 0 changed, 0 unchanged, 6 rejected",
            "112 new, 0 changed, 0 unchanged, 0 rejected",
            "250 new, 0 changed, 0 unchanged, 2 rejected",
            "42 new, 2 changed, 0 unchanged, 0 rejected",
            "300 new, 0 changed, 0 unchanged, 0 rejected",
            "18 new, 0 changed, 0 unchanged, 0 rejected",
        ]
    );
    // 893 unique assets, by organisation and cost (manifest "Hardware across all files").
    let orgs = grouped(
        &conn,
        "SELECT o.code, COUNT(*), SUM(a.purchase_cost_pence) FROM assets a \
         JOIN organisations o ON o.organisation_id = a.organisation_id GROUP BY o.code ORDER BY o.code",
    );
    assert_eq!(
        orgs,
        [
            ("ABS".into(), 60, 54_630_490),
            ("AVN".into(), 375, 35_816_773),
            ("BRK".into(), 458, 47_972_629)
        ]
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM assets WHERE status = 'disposed'"
        ),
        0,
        "an import never makes an asset disposed: only `estate dispose` does"
    );
    assert_eq!(
        count(
            &conn,
            "SELECT COUNT(*) FROM assets WHERE status = 'retired'"
        ),
        2
    );
    // The cross-file duplicates were merged: Snipe-IT's record of the Dell PC added its user.
    let a = sample_asset(&conn, "BRK", "R4MMN4T");
    assert_eq!(a.fields.asset_tag, "BRK-20002");
    assert_eq!(a.fields.assigned_user.as_deref(), Some("Nadia Ellis"));
    // Snipe-IT wrote this laptop's serial in lower case: the same asset, in capitals.
    let laptop = sample_asset(&conn, "BRK", "PF7JC7W3");
    assert_eq!(
        (
            laptop.fields.asset_tag.as_str(),
            laptop.fields.assigned_user.as_deref()
        ),
        ("BRK-20185", Some("Tom Dixon"))
    );
    // Snipe-IT's "archived" (disposed) kit is kept as retired until its
    // disposal is recorded with `estate dispose`.
    let archived = sample_asset(&conn, "BRK", "7YH1WH6");
    assert_eq!(archived.fields.status, estate::domain::AssetStatus::Retired);
    assert_eq!(archived.fields.site.as_deref(), Some("Northgate Offices"));

    // Importing the set again changes only the two assets on which Snipe-IT and a
    // supplier disagree (warranty end, order number, …): each source puts back its own view.
    let again: Vec<String> = files
        .iter()
        .map(|f| imported(&mut conn, f).headline())
        .collect();
    assert_eq!(
        again,
        [
            "0 new, 1 changed, 247 unchanged, 0 rejected",
            "0 new, 1 changed, 240 unchanged, 6 rejected",
            "0 new, 0 changed, 112 unchanged, 0 rejected",
            "0 new, 0 changed, 250 unchanged, 2 rejected",
            "0 new, 2 changed, 42 unchanged, 0 rejected",
            "0 new, 0 changed, 300 unchanged, 0 rejected",
            "0 new, 0 changed, 18 unchanged, 0 rejected",
        ]
    );
}

#[test]
fn reimporting_any_sample_file_is_a_no_op() {
    for f in [
        "dell-asset-report.xlsx",
        "hp-reseller-delivery.xlsx",
        "reseller-infrastructure.xlsx",
        "mobiles-o2.csv",
        "snipeit-export.csv",
        "telecoms-line-schedule.xlsx",
        "licensing-statement.xlsx",
    ] {
        let mut conn = sample_register();
        let first = imported(&mut conn, f);
        let before = dump(&conn, &["import_batches"]);
        let again = imported(&mut conn, f);
        assert_eq!(
            again.headline(),
            format!(
                "0 new, 0 changed, {} unchanged, {} rejected",
                first.total.new, first.total.rejected
            ),
            "{f}"
        );
        assert_eq!(dump(&conn, &["import_batches"]), before, "{f}");
    }
}

// ---------------------------------------------------------------- the command line

use crate::util::Env;

/// A register with the sample's three organisations, made with the real binary.
fn sample_env() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env.ok(&["orgs", "add", "BRK", "Brookfield Borough Council"]);
    env.ok(&[
        "orgs",
        "add",
        "ABS",
        "Avonmere & Brookfield Shared ICT Service",
        "--shared",
    ]);
    env
}

fn sample_arg(name: &str) -> String {
    sample(name).display().to_string()
}

#[test]
fn import_prints_counts_on_stdout_and_what_it_did_on_stderr() {
    let env = sample_env();
    let out = env
        .cmd()
        .args(["import", &sample_arg("hp-reseller-delivery.xlsx")])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("│ hp-reseller-delivery.xlsx │ 1     │ hardware │  247 │ 241 │       0 │         0 │        6 │"), "{stdout}");
    assert!(
        stderr.starts_with("hp-reseller-delivery.xlsx (xlsx): batch 1\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  sheet `Notes`: skipped: no row of column headings"),
        "{stderr}"
    );
    assert!(stderr.contains(
        "    hp-reseller-delivery.xlsx, sheet `Delivery Report`, row 137, column `Cost`: `(120.00)` is a negative amount (in brackets); a cost cannot be negative\n"
    ), "{stderr}");
    assert!(
        stderr.ends_with("  241 new, 0 changed, 0 unchanged, 6 rejected\n"),
        "{stderr}"
    );
    // --format json gives the whole summary; a dry run writes nothing.
    let before = env.dump();
    let json = env.json(&["import", &sample_arg("mobiles-o2.csv"), "--dry-run"]);
    assert_eq!(json["total"]["new"], 250);
    assert_eq!(json["total"]["rejected"], 2);
    assert_eq!(json["dry_run"], true);
    assert_eq!(json["first_rejects"][0]["row"], 39);
    assert_eq!(json["first_rejects"][0]["problems"][0]["column"], "IMEI");
    assert_eq!(env.dump(), before);
}

#[test]
fn strict_import_exits_1_writes_nothing_and_the_rejects_file_lists_every_bad_row() {
    let env = sample_env();
    let before = env.dump();
    let stderr = env.fails(
        &[
            "import",
            &sample_arg("hp-reseller-delivery.xlsx"),
            "--strict",
            "--rejects",
            "bad.csv",
        ],
        1,
    );
    assert!(stderr.contains(
        "estate: `hp-reseller-delivery.xlsx`: 6 row(s) rejected, so nothing was imported (--strict)"
    ), "{stderr}");
    assert_eq!(env.dump(), before);
    let rejects = std::fs::read_to_string(env.path().join("bad.csv")).unwrap();
    let rows: Vec<&str> = rejects.lines().collect();
    assert_eq!(rows.len(), 7);
    assert!(
        rows[0].starts_with(
            "Reject sheet,Reject row,Reject reason,Serial Number,Asset No,Manufacturer,Model"
        ),
        "{}",
        rows[0]
    );
    assert!(
        rows[3].starts_with(
            "Delivery Report,103,\"Cost: `#N/A` is a formula error, so the value is unknown"
        ),
        "{}",
        rows[3]
    );
}

#[test]
fn imports_lists_batches_and_undo_reverses_one_through_the_command() {
    let env = sample_env();
    let before = env.dump();
    env.ok(&["import", &sample_arg("telecoms-line-schedule.xlsx")]);
    let listed = env.json(&["imports"]);
    assert_eq!(listed[0]["file"], "telecoms-line-schedule.xlsx");
    assert_eq!(listed[0]["new"], 300);
    assert_eq!(listed[0]["kind"], "lines");
    let out = env.said(&["imports", "undo", "1"]);
    assert_eq!(
        out,
        "undid import batch 1: removed 300 record(s) it added, restored 0 it changed, removed 45 site(s)/department(s) it created\n"
    );
    let after = env.dump();
    let register = |d: &[String]| -> Vec<String> {
        d.iter()
            .filter(|r| !r.starts_with("audit_log:") && !r.starts_with("import_batches:"))
            .cloned()
            .collect()
    };
    assert_eq!(register(&after), register(&before));
    let stderr = env.fails(&["imports", "undo", "1"], 1);
    assert!(
        stderr.starts_with("estate: import batch 1 was already undone at "),
        "{stderr}"
    );
}

#[test]
fn an_encrypted_or_missing_file_is_refused_naming_it() {
    let env = sample_env();
    let stderr = env.fails(&["import", "nonesuch.xlsx"], 1);
    assert!(
        stderr
            .starts_with("estate: failed to import `nonesuch.xlsx`: cannot read `nonesuch.xlsx`:"),
        "{stderr}"
    );
    let Some(root) = real_inputs() else {
        eprintln!("skipped the encrypted file: ../shared/real-inputs is not here");
        return;
    };
    let path = root
        .join("calamine/pass_protected.xlsx")
        .display()
        .to_string();
    let stderr = env.fails(&["import", &path, "--org", "AVN"], 1);
    assert!(
        stderr.contains(
            "`pass_protected.xlsx` is password-protected (encrypted), so it cannot be read"
        ),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_killed_import_leaves_the_register_as_it_was() {
    let env = sample_env();
    env.ok(&["generate", "--assets", "200000", "--out", "big.csv"]);
    let before = env.dump();
    let wal = env.path().join("estate.db-wal");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_estate"))
        .current_dir(env.path())
        .env("ESTATE_DB", env.db())
        .env("ESTATE_TODAY", crate::util::TODAY)
        .args(["import", "big.csv", "--org", "AVN"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import has written a good part of its transaction.
    let start = Instant::now();
    loop {
        let written = std::fs::metadata(&wal).map_or(0, |m| m.len());
        if written > 4 * 1024 * 1024 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import finished before it could be killed"
        );
        // An import holds its transaction's pages in its page cache until
        // they spill to the log; since V18 (no audit row per created
        // record) it takes longer to get there on a busy machine.
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "the import wrote nothing in 5 minutes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let conn = Connection::open(env.db()).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    assert_eq!(env.dump(), before);
    env.ok(&["check"]);
}

#[test]
fn parsing_needs_no_register() {
    let dir = TempDir::new().unwrap();
    let path = dell_report(&dir, "dell.xlsx", 612.34, "Depot");
    let plan = import::plan(&path, &opts()).unwrap();
    let mut rows = Vec::new();
    let mut end = None;
    import::reading::read_tables(&plan, &opts(), &mut |item| {
        match item {
            import::reading::Item::Row { row, outcome, .. } => rows.push((row.number, outcome)),
            other @ import::reading::Item::SheetEnd { .. } => end = Some(other),
        }
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();
    let numbers: Vec<u32> = rows.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [8, 9, 10, 11, 12]);
    let rejected = rows
        .iter()
        .filter(|(_, o)| matches!(o.parsed, import::mapping::Parsed::Rejected(_)))
        .count();
    assert_eq!(rejected, 2);
    let Some(import::reading::Item::SheetEnd {
        rows: n,
        totals_row,
        ..
    }) = end
    else {
        panic!("no sheet end")
    };
    assert_eq!((n, totals_row), (5, Some(13)));
}

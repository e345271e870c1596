//! Report benchmark (issue 7, bench 6): writing the Cabinet report's
//! Detail sheet — one row per replacement, here a row per generated asset —
//! to an `.xlsx` through `estate::report::xlsx::detail_sheet`, against
//! `rust_xlsxwriter` alone writing the same cells (same values, same
//! number formats, constant-memory mode) with nothing of estate's around
//! them. Both save the workbook to a file.
//!
//! The rows are the detail of a real forecast: the generated estate is put
//! into a forecast snapshot in memory (no register needed) and forecast for
//! ten years, and the first N replacements are kept. Throughput is in rows.

mod common;

use std::path::Path;
use std::str::FromStr;

use criterion::{Throughput, criterion_group, criterion_main};
use estate::domain::{AssetClass, AssetStatus, ClassSynonyms, FinancialYear, Funding};
use estate::forecast::programme::{self, DetailRow, Units};
use estate::forecast::{AssetInput, Assumptions, Horizon, Snapshot, capital};
use estate::generate;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use common::{SEED, rows};

/// The replacements a ten-year forecast of the generated estate lists,
/// first `n` of them.
fn detail_rows(n: u64) -> Vec<DetailRow> {
    let synonyms = ClassSynonyms::builtin();
    let mut snapshot = Snapshot::new();
    snapshot
        .add_organisation(common::ORG)
        .expect("an organisation");
    for i in 0..n {
        let a = generate::asset(SEED, i);
        let class = synonyms.lookup(a.class_word).unwrap_or(AssetClass::Other);
        snapshot
            .push(&AssetInput {
                in_service: Some(a.purchase_date),
                manufacturer: Some(a.manufacturer),
                model: Some(a.model),
                site: Some(a.site),
                department: Some(a.department),
                status: AssetStatus::InUse,
                funding: Funding::Purchased,
                ..AssetInput::new(common::ORG, &a.tag, class)
            })
            .expect("an asset");
    }
    let assumptions = Assumptions::from_defaults(&estate::policy::Defaults::builtin())
        .expect("the shipped policy is complete");
    let first = FinancialYear::from_str("2026/27").expect("a year");
    let horizon = Horizon::new(first, 10).expect("ten years");
    let forecast = capital::forecast(&snapshot, &assumptions, horizon).expect("it forecasts");
    let mut detail = programme::build(&forecast, &snapshot, &assumptions, true).detail;
    assert!(detail.len() as u64 >= n, "{} replacements", detail.len());
    detail.truncate(usize::try_from(n).expect("a row count"));
    detail
}

/// estate's Detail sheet, saved.
fn estate_detail(path: &Path, rows: &[DetailRow]) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    estate::report::xlsx::detail_sheet(&mut wb, "Capital programme", rows, Units::Pounds)?;
    wb.save(path)
}

/// Baseline: `rust_xlsxwriter` alone writing the same cells to a
/// constant-memory sheet: the header, then per row twelve strings (in a
/// plain format, as estate writes them) and the cost as a number in a money
/// format, dates and years formatted into one reused buffer.
fn xlsxwriter_alone(path: &Path, rows: &[DetailRow]) -> Result<(), XlsxError> {
    use std::fmt::Write as _;
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    let money = Format::new().set_num_format("£#,##0.00");
    let text = Format::new();
    for (col, h) in (0u16..).zip([
        "Organisation",
        "Asset tag",
        "Class",
        "Programme line",
        "Site",
        "Department",
        "Manufacturer",
        "Model",
        "Due date",
        "Due year",
        "Funded in",
        "Reason",
        "Cost",
    ]) {
        ws.write_string(3, col, h)?;
    }
    let mut buffer = String::new();
    for (row, d) in (4u32..).zip(rows) {
        ws.write_string_with_format(row, 0, &*d.organisation, &text)?;
        ws.write_string_with_format(row, 1, &d.asset_tag, &text)?;
        ws.write_string_with_format(row, 2, d.class.label(), &text)?;
        ws.write_string_with_format(row, 3, &*d.line, &text)?;
        ws.write_string_with_format(row, 4, d.site.as_deref().unwrap_or(""), &text)?;
        ws.write_string_with_format(row, 5, d.department.as_deref().unwrap_or(""), &text)?;
        ws.write_string_with_format(row, 6, d.manufacturer.as_deref().unwrap_or(""), &text)?;
        ws.write_string_with_format(row, 7, d.model.as_deref().unwrap_or(""), &text)?;
        buffer.clear();
        estate::domain::write_iso(&mut buffer, d.due_date);
        ws.write_string_with_format(row, 8, &buffer, &text)?;
        buffer.clear();
        let _ = write!(buffer, "{}", d.due_year);
        ws.write_string_with_format(row, 9, &buffer, &text)?;
        buffer.clear();
        match d.year {
            Some(y) => {
                let _ = write!(buffer, "{y}");
            }
            None => buffer.push_str("unfunded"),
        }
        ws.write_string_with_format(row, 10, &buffer, &text)?;
        ws.write_string_with_format(row, 11, d.reason.as_str(), &text)?;
        #[allow(clippy::cast_precision_loss, reason = "pence below 2^53 are exact")]
        let pounds = d.cost.to_pence().unwrap_or(0) as f64 / 100.0;
        ws.write_number_with_format(row, 12, pounds, &money)?;
    }
    wb.save(path)
}

fn benches(c: &mut criterion::Criterion) {
    let n = rows();
    let detail = common::timed("forecast the detail", || detail_rows(n));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let ours = dir.path().join("report.xlsx");
    let theirs = dir.path().join("alone.xlsx");

    // Setup check: the sheet reads back with every row.
    estate_detail(&ours, &detail).expect("the report is written");
    {
        use calamine::{Xlsx, open_workbook};
        let mut book: Xlsx<_> = open_workbook(&ours).expect("the report opens");
        let mut cells = book
            .worksheet_cells_reader("Detail")
            .expect("a Detail sheet");
        let mut last_row = 0;
        while let Some(cell) = cells.next_cell().expect("a cell") {
            last_row = last_row.max(cell.get_position().0);
        }
        assert_eq!(u64::from(last_row) - 3, n, "one row per replacement");
    }

    let mut group = c.benchmark_group(format!("report/{n}"));
    group.throughput(Throughput::Elements(n));
    group.bench_function("rust_xlsxwriter_alone", |b| {
        b.iter(|| xlsxwriter_alone(&theirs, &detail).expect("written"));
    });
    group.bench_function("detail_sheet", |b| {
        b.iter(|| estate_detail(&ours, &detail).expect("written"));
    });
    group.finish();
}

criterion_group! {
    name = report_benches;
    config = common::criterion();
    targets = benches
}
criterion_main!(report_benches);

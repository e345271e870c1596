//! The report's memory (issue 18): the workbook's Detail sheet is written
//! from the forecast's replacements as they are read, not from a row held
//! per replacement, and each asset's own energy figure travels with it in
//! the forecast's snapshot instead of a map keyed by organisation and tag.
//! These tests pin that nothing a reader sees changed.
//!
//! The estate of the Detail tests is `tests/report.rs`'s, worked by hand
//! there from the rules: prices at 2026/27, inflation 10%, desktop £500,
//! laptop £800, server £4,000; lives desktop 5, laptop 4, server 3 years.
//! Its five replacements over 2026/27 to 2030/31, in the Detail's order
//! (year funded, then due date, class priority, tag):
//!
//! | asset | due          | funded  | reason       | cost                       |
//! |-------|--------------|---------|--------------|----------------------------|
//! | PC-1  | 2025-06-01   | 2026/27 | overdue      | £500.00                    |
//! | SRV-1 | 2027-04-01   | 2027/28 | age          | £4,000 × 1.1 = £4,400.00   |
//! | LT-1  | 2027-09-01   | 2027/28 | age          | £800 × 1.1 = £880.00       |
//! | PC-2  | 2028-01-15   | 2027/28 | age          | £500 × 1.1 = £550.00       |
//! | SRV-1 | 2030-04-01   | 2030/31 | repeat cycle | £4,000 × 1.1⁴ = £5,856.40  |
//!
//! (SRV-1 due 1 April 2027 comes before LT-1 and PC-2 by due date.) Five
//! rows, £12,186.40 in all.

use std::path::Path;
use std::time::Duration;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use estate::forecast::programme::{self, DetailList, Replacements, Units};
use estate::forecast::{self, Horizon, Request};
use estate::ops::Register;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::util::Env;

/// The hand-worked Detail above: (tag, funded, reason, pence).
const DETAIL: [(&str, &str, &str, i64); 5] = [
    ("PC-1", "2026/27", "overdue", 50_000),
    ("SRV-1", "2027/28", "age", 440_000),
    ("LT-1", "2027/28", "age", 88_000),
    ("PC-2", "2027/28", "age", 55_000),
    ("SRV-1", "2030/31", "repeat cycle", 585_640),
];

fn estate() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "BCW", "Brookfield Borough Council"]);
    for args in [
        &["policy", "set", "inflation", "10%"][..],
        &["policy", "set", "price", "desktop", "500"],
        &["policy", "set", "price", "laptop", "800"],
        &["policy", "set", "price", "server", "4000"],
    ] {
        env.ok(args);
    }
    for (class, tag, date) in [
        ("desktop", "PC-1", "2020-06-01"),
        ("desktop", "PC-2", "2023-01-15"),
        ("laptop", "LT-1", "2023-09-01"),
        ("server", "SRV-1", "2024-04-01"),
    ] {
        env.ok(&["add", class, "--tag", tag, "--purchase-date", date]);
    }
    env
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut book: Xlsx<_> =
        open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap();
    book.sheet_names()
}

/// The replacement rows of a Detail sheet (below its header in row 4):
/// (tag, funded, reason, pence).
fn detail_rows(range: &Range<Data>) -> Vec<(String, String, String, i64)> {
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({r}, {c}) is not text: {other:?}"),
    };
    let last = range.end().unwrap().0;
    (4..=last)
        .map(|r| {
            let pence = match range.get_value((r, 12)) {
                Some(Data::Float(f)) => Decimal::try_from(*f).unwrap() * Decimal::from(100),
                Some(Data::Int(i)) => Decimal::from(*i * 100),
                other => panic!("({r}, 12) is not a number: {other:?}"),
            };
            (
                text(r, 1),
                text(r, 10),
                text(r, 11),
                i64::try_from(pence.round().mantissa()).unwrap(),
            )
        })
        .collect()
}

fn expected() -> Vec<(String, String, String, i64)> {
    DETAIL
        .iter()
        .map(|(t, y, r, p)| ((*t).to_string(), (*y).to_string(), (*r).to_string(), *p))
        .collect()
}

#[test]
fn the_streamed_detail_sheet_lists_exactly_the_forecasts_replacements() {
    let env = estate();
    let out = env.path().join("report.xlsx");
    env.ok(&[
        "report",
        "--from",
        "2026/27",
        "--out",
        out.to_str().unwrap(),
    ]);
    let rows = detail_rows(&sheet(&out, "Detail"));
    assert_eq!(rows, expected());
    // Five rows and £12,186.40 in all (500 + 4,400 + 880 + 550 + 5,856.40).
    assert_eq!(rows.len(), 5);
    assert_eq!(rows.iter().map(|r| r.3).sum::<i64>(), 1_218_640);
    // The sheet's line says how many, from the list it was written from.
    let about = match sheet(&out, "Detail").get_value((1, 0)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        about.starts_with("Every replacement in the programme (5):"),
        "{about}"
    );
    assert!(!sheet_names(&out).iter().any(|n| n == "Detail 2"));

    // The JSON report still holds every replacement as rows, the same five.
    let json = env.path().join("report.json");
    env.ok(&[
        "report",
        "--from",
        "2026/27",
        "--out",
        json.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let held: Vec<(String, String, String, i64)> = report["programme"]["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let cost: Decimal = d["cost"].as_str().unwrap().parse().unwrap();
            (
                d["asset_tag"].as_str().unwrap().to_string(),
                d["year"].as_str().unwrap().to_string(),
                d["reason"].as_str().unwrap().replace('_', " "),
                i64::try_from((cost * Decimal::from(100)).mantissa()).unwrap()
                    / 10_i64.pow((cost * Decimal::from(100)).scale()),
            )
        })
        .collect();
    assert_eq!(held, expected());
}

#[test]
fn a_streamed_detail_longer_than_a_sheet_goes_on_to_further_sheets_row_for_row() {
    // Excel's limit (1,048,572 rows a sheet) is out of a test's reach, so
    // the split is driven at two rows a sheet: five replacements make
    // Detail (rows 1-2), Detail 2 (3-4) and Detail 3 (5).
    let env = estate();
    let register = Register::open_to_read(&env.db(), Duration::from_secs(5)).unwrap();
    let horizon = Horizon::new("2026/27".parse().unwrap(), 5).unwrap();
    let run = forecast::run(register.reader(), &Request::new(horizon)).unwrap();
    let list = Replacements::new(&run.forecast, &run.snapshot, &run.assumptions);
    assert_eq!(list.len(), 5);

    // Row for row what the programme lists when it holds its rows.
    let held = programme::build(&run.forecast, &run.snapshot, &run.assumptions, true).detail;
    let streamed: Vec<_> = list.iter().collect();
    let views: Vec<_> = held.iter().map(programme::DetailRow::view).collect();
    assert_eq!(streamed, views);

    let path = env.path().join("split.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    estate::report::xlsx::detail_sheets(&mut wb, "Test", &list, Units::Pounds, 2).unwrap();
    wb.save(&path).unwrap();
    assert_eq!(sheet_names(&path), ["Detail", "Detail 2", "Detail 3"]);
    let mut all = Vec::new();
    for (name, count) in [("Detail", 2), ("Detail 2", 2), ("Detail 3", 1)] {
        let rows = detail_rows(&sheet(&path, name));
        assert_eq!(rows.len(), count, "{name}");
        all.extend(rows);
    }
    assert_eq!(all, expected(), "every replacement once, in order");
}

/// `estate power --format json` for one year.
fn power(env: &Env, extra: &[&str]) -> Value {
    let mut args = vec!["power", "--from", "2026/27", "--years", "1"];
    args.extend_from_slice(extra);
    env.json(&args)
}

fn dec(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a decimal string"))
        .parse()
        .unwrap()
}

#[test]
fn each_assets_own_energy_figure_reaches_the_power_forecast_and_the_report() {
    // Two councils each with a laptop tagged LT1 (bought 2026, not due in
    // 2026/27), each with its own figure: the old map was keyed by
    // (organisation, tag), the snapshot by the asset itself.
    //   BCW LT1: 50 kWh a year.                × £0.24 = £12.00
    //   AVN LT1: 10 W, no hours: 10 × 8,760 ÷ 1,000 = 87.6 kWh
    //                                          × £0.24 = £21.024 → £21.02
    // Total 137.6 kWh and £33.02 (each asset's cost rounded to the penny
    // before adding). Carbon at the 2025 factors, 0.17700 + 0.01853 =
    // 0.19553 kg/kWh: 137.6 × 0.19553 = 26.904928 kg.
    let env = Env::init();
    env.ok(&["orgs", "add", "BCW", "Brookfield Borough Council"]);
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    for (org, figure) in [
        ("BCW", ["--power-kwh", "50"]),
        ("AVN", ["--power-watts", "10"]),
    ] {
        env.ok(&[
            "add",
            "laptop",
            "--org",
            org,
            "--tag",
            "LT1",
            "--purchase-date",
            "2026-01-01",
            figure[0],
            figure[1],
        ]);
    }
    let f = power(&env, &[]);
    let y = &f["totals"][0];
    assert_eq!(dec(&y["stands"]["kwh"]), dec(&Value::from("137.6")));
    assert_eq!(y["stands"]["cost"], "33.02");
    assert_eq!(dec(&y["stands"]["kg_co2e"]), dec(&Value::from("26.904928")));
    assert_eq!(y["after"]["cost"], "33.02", "nothing replaced in 2026/27");
    assert_eq!(f["sources"]["from_override"], 2);
    assert_eq!(f["sources"]["from_class"], 0);
    let by_org: Vec<(String, Decimal, String)> = f["by_org"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["label"].as_str().unwrap().to_string(),
                dec(&r["years"][0]["stands"]["kwh"]),
                r["years"][0]["stands"]["cost"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        by_org,
        [
            (
                "AVN".to_string(),
                dec(&Value::from("87.6")),
                "21.02".to_string()
            ),
            (
                "BCW".to_string(),
                dec(&Value::from("50")),
                "12.00".to_string()
            ),
        ]
    );
    // One organisation's forecast takes only its own asset's figure.
    let avn = power(&env, &["--org", "AVN"]);
    assert_eq!(avn["totals"][0]["stands"]["cost"], "21.02");
    assert_eq!(avn["sources"]["from_override"], 1);

    // The report's running costs carry the same figures.
    let json = env.path().join("report.json");
    env.ok(&[
        "report",
        "--from",
        "2026/27",
        "--years",
        "1",
        "--out",
        json.to_str().unwrap(),
    ]);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let totals = &report["running"]["power"]["totals"][0];
    assert_eq!(dec(&totals["stands"]["kwh"]), dec(&Value::from("137.6")));
    assert_eq!(totals["stands"]["cost"], "33.02");
}

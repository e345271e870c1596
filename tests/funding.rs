//! How the programme is paid for (`estate funding`), what its borrowing
//! costs the revenue budget (MRP and interest), carbon both sides, and the
//! papers that carry them with the approved programme against the proposed.
//!
//! Every figure is worked out by hand in the comments beside it. Prices are
//! the shipped price book at 2026/27 (desktop £600.00, laptop £850.00,
//! mobile £250.00), inflation 2% a year; lives desktop 5, laptop 4, mobile 3.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use serde_json::Value;

use crate::util::Env;

fn add(env: &Env, class: &str, tag: &str, in_service: &str) {
    env.said(&[
        "add",
        class,
        "--org",
        "BCW",
        "--tag",
        tag,
        "--purchase-date",
        in_service,
    ]);
}

/// A fresh report of 2026/27 to 2028/29 as JSON.
fn report(env: &Env) -> Value {
    let out = env.path().join("report.json");
    env.said(&[
        "report",
        "--out",
        out.to_str().unwrap(),
        "--from",
        "2026/27",
        "--years",
        "3",
    ]);
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| {
            x.as_str()
                .unwrap_or_else(|| panic!("not a string: {x}"))
                .to_string()
        })
        .collect()
}

fn row<'a>(table: &'a Value, source: &str) -> &'a Value {
    table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["source"] == source)
        .unwrap_or_else(|| panic!("no {source} row in {table}"))
}

/// Two desktops in service June 2021 fall due in 2026/27 (life 5) at £600.00
/// each: £1,200.00, all of it borrowed, at 4.5%.
///
/// - MRP: £1,200.00 over the desktops' 5-year life = £240.00 a year, from
///   the year after the spend: 2026/27 £0.00, 2027/28 £240.00, 2028/29
///   £240.00.
/// - Interest on what is outstanding at the start of each year: 2026/27
///   nothing yet; 2027/28 £1,200.00 × 4.5% = £54.00; 2028/29 (£1,200.00 −
///   £240.00) × 4.5% = £960.00 × 0.045 = £43.20.
/// - Outstanding at each year's end: £1,200.00, £960.00, £720.00.
#[test]
fn mrp_and_interest_on_one_borrowed_year_start_the_year_after_the_spend() {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2021-06-01");
    add(&env, "desktop", "PC2", "2021-06-01");
    env.said(&["funding", "set", "2026/27", "borrowing", "100%"]);

    // No rate set (none is shipped): the MRP is charged, the interest says
    // the rate is not set.
    let r = report(&env);
    let b = &r["borrowing"];
    assert_eq!(strings(&b["mrp"]), ["0.00", "240.00", "240.00"]);
    assert!(b["rate"].is_null());
    let revenue = &r["running"]["revenue"]["rows"];
    let labels: Vec<&str> = revenue
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"Interest on borrowing: rate not set"),
        "{labels:?}"
    );

    let said = env.said(&[
        "policy",
        "set",
        "borrowing-rate",
        "4.5%",
        "--source",
        "test rate",
    ]);
    assert!(said.contains("borrowing_rate"), "{said}");
    let r = report(&env);
    let b = &r["borrowing"];
    assert_eq!(strings(&b["borrowing"]), ["1200.00", "0.00", "0.00"]);
    assert_eq!(strings(&b["mrp"]), ["0.00", "240.00", "240.00"]);
    assert_eq!(strings(&b["interest"]), ["0.00", "54.00", "43.20"]);
    assert_eq!(strings(&b["outstanding"]), ["1200.00", "960.00", "720.00"]);
    assert_eq!(b["rate"], "4.5%");
    assert!(b["rate_source"].as_str().unwrap().starts_with("test rate"));
    // The revenue position carries both, per year.
    let find = |label: &str| -> Vec<String> {
        let rows = r["running"]["revenue"]["rows"].as_array().unwrap();
        let row = rows
            .iter()
            .find(|x| x["label"] == label)
            .unwrap_or_else(|| panic!("no revenue row {label}"));
        strings(&row["amounts"])
    };
    assert_eq!(
        find("Minimum revenue provision on borrowing"),
        ["0.00", "240.00", "240.00"]
    );
    assert_eq!(
        find("Interest on borrowing at 4.5%"),
        ["0.00", "54.00", "43.20"]
    );
}

/// 2026/27: two desktops, £1,200.00, funded by a £500.00 grant and 25%
/// revenue contribution (£300.00): £800.00, under-funded by £400.00.
///
/// 2027/28: one laptop (in service Sep 2023, life 4) at £850 × 1.02 =
/// £867.00, funded 12.5% capital receipts, 37.5% borrowing, 50% reserves.
/// Exactly: £108.375, £325.125, £433.50, i.e. 10,837.5, 32,512.5 and 43,350
/// pence; the floors 10,837 + 32,512 + 43,350 = 86,699 leave one penny,
/// which goes to the largest remainder (.5 and .5 tie: the earlier,
/// capital receipts): £108.38 + £325.12 + £433.50 = £867.00 exactly.
///
/// 2028/29: nothing falls due; £100.00 of reserves over-funds it by £100.00.
#[test]
fn shares_split_a_year_to_the_penny_and_the_table_shows_over_and_under_funding() {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2021-06-01");
    add(&env, "desktop", "PC2", "2021-06-01");
    add(&env, "laptop", "LT1", "2023-09-01");
    for args in [
        ["2026/27", "grants", "500"],
        ["2026/27", "rcco", "25%"],
        ["2027/28", "capital-receipts", "12.5%"],
        ["2027/28", "borrowing", "37.5%"],
        ["2027/28", "reserves", "50%"],
        ["2028/29", "reserves", "100"],
    ] {
        env.said(&["funding", "set", args[0], args[1], args[2]]);
    }
    let t = report(&env)["funding"].clone();
    assert_eq!(strings(&t["programme"]), ["1200.00", "867.00", "0.00"]);
    assert_eq!(
        strings(&row(&t, "grants")["amounts"]),
        ["500.00", "0.00", "0.00"]
    );
    assert_eq!(
        strings(&row(&t, "revenue_contribution")["amounts"]),
        ["300.00", "0.00", "0.00"]
    );
    assert_eq!(
        strings(&row(&t, "capital_receipts")["amounts"]),
        ["0.00", "108.38", "0.00"]
    );
    assert_eq!(
        strings(&row(&t, "borrowing")["amounts"]),
        ["0.00", "325.12", "0.00"]
    );
    assert_eq!(
        strings(&row(&t, "reserves")["amounts"]),
        ["0.00", "433.50", "100.00"]
    );
    assert_eq!(strings(&t["funded"]), ["800.00", "867.00", "100.00"]);
    assert_eq!(strings(&t["balance"]), ["-400.00", "0.00", "100.00"]);

    // The list, and setting again replaces (the audit trail keeps both).
    let list = env.json(&["funding", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 6);
    let said = env.said(&["funding", "set", "2026/27", "grants", "600"]);
    assert!(said.contains("(was £500.00)"), "{said}");
    assert_eq!(env.json(&["funding", "list"]).as_array().unwrap().len(), 6);
    let audited = env
        .dump()
        .iter()
        .filter(|r| r.contains("funding.2026/27.grants"))
        .count();
    assert_eq!(audited, 2, "one audit row per change");
    env.said(&["funding", "clear", "2028/29"]);
    assert_eq!(env.json(&["funding", "list"]).as_array().unwrap().len(), 5);
    let err = env.fails(&["funding", "clear", "2028/29"], 1);
    assert!(err.contains("no funding is set for 2028/29"), "{err}");
    let err = env.fails(
        &["funding", "set", "2026/27", "grants", "500", "--org", "XYZ"],
        1,
    );
    assert!(err.contains("no organisation `XYZ`"), "{err}");
}

/// A mobile in service May 2023 (life 3), a desktop in service June 2021
/// (life 5) and a monitor in service June 2019 (life 7) fall due in
/// 2026/27; a laptop in service Sep 2023 (life 4) in 2027/28. Embodied
/// figures shipped: mobile 65.57 kgCO2e (iPhone X: 83% of 79 kg), desktop
/// 505 (27-inch all-in-one: 50% of 1,010 kg), laptop 224 (Apple 13-inch
/// notebook, 2011: 70% of 320 kg); none for monitors.
///
/// - 2026/27: 3 replacements, embodied 65.57 + 505 = 570.57 (the monitor is
///   counted but has no figure); 2027/28: 1 replacement, 224; 2028/29: none,
///   0; total 794.57.
/// - Laptop life 5: the laptop moves to 2028/29, so 2027/28's embodied falls
///   to 0 and 2028/29's rises to 224, while 2027/28's operational carbon
///   rises (the old laptop, 36 kWh a year, runs a year longer instead of a
///   new one at 30 kWh).
#[test]
fn embodied_carbon_per_year_sits_beside_operational_and_moves_with_a_life_extension() {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2021-06-01");
    add(&env, "mobile", "MOB1", "2023-05-01");
    add(&env, "monitor", "MON1", "2019-06-01");
    add(&env, "laptop", "LT1", "2023-09-01");
    let before = report(&env)["carbon"].clone();
    let per_year = |c: &Value, key: &str| -> Vec<String> {
        c["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y[key].to_string().trim_matches('"').to_string())
            .collect()
    };
    assert_eq!(per_year(&before, "replacements"), ["3", "1", "0"]);
    assert_eq!(per_year(&before, "embodied_kg"), ["570.57", "224", "0"]);
    assert_eq!(before["embodied_total"], "794.57");
    assert_eq!(before["unfigured"][0]["class"], "monitor");
    assert_eq!(before["unfigured"][0]["replacements"], 1);

    env.said(&["policy", "set", "life", "laptop", "5"]);
    let after = report(&env)["carbon"].clone();
    assert_eq!(per_year(&after, "embodied_kg"), ["570.57", "0", "224"]);
    let operational = |c: &Value| -> rust_decimal::Decimal {
        c["years"][1]["operational_kg"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        operational(&after) > operational(&before),
        "keeping the old laptop runs more electricity in 2027/28"
    );
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("no sheet {name}: {e}"));
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{f:.2}"),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

fn docx_text(path: &Path) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

/// Run 1 is approved; then the laptop's life goes to 5 and run 2 is saved.
/// Run 2's papers carry the funding (60% borrowing of 2026/27's £600.00
/// desktop = £360.00; £240.00 under-funded) and the laptop line approved
/// £867.00 in 2027/28 (£850 × 1.02), proposed £0.00 there: variance
/// −£867.00, slipped £867.00.
#[test]
fn the_papers_carry_the_funding_and_the_approved_programme_against_the_proposed() {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2021-06-01");
    add(&env, "laptop", "LT1", "2023-09-01");
    env.said(&["forecast", "--from", "2026/27", "--save", "Feb 2026"]);
    env.said(&[
        "runs",
        "approve",
        "1",
        "--minute",
        "Cabinet 12 Feb 2026, min. 87",
    ]);
    env.said(&["policy", "set", "life", "laptop", "5"]);
    env.said(&["forecast", "--from", "2026/27", "--save", "Feb 2027"]);
    env.said(&["funding", "set", "2026/27", "borrowing", "60%"]);

    let write = |name: &str| {
        let out = env.path().join(name);
        env.said(&["report", "--run", "2", "--out", out.to_str().unwrap()]);
        out
    };
    // The workbook, read back.
    let xlsx = write("papers.xlsx");
    let funding = sheet(&xlsx, "Funding");
    let find = |rows: &[Vec<String>], label: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == label))
            .unwrap_or_else(|| panic!("no row {label} in {rows:?}"))
            .clone()
    };
    assert_eq!(find(&funding, "Capital programme")[1], "600.00");
    assert_eq!(find(&funding, "Prudential borrowing")[1], "360.00");
    // A number in the workbook (shown bracketed by its format).
    assert_eq!(find(&funding, "Over (+) or under (−) funded")[1], "-240.00");
    let approved = sheet(&xlsx, "Approved v proposed");
    let laptop = approved
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "Desktop and laptop refresh") && r[1] == "2027/28")
        .unwrap_or_else(|| panic!("no laptop row in {approved:?}"));
    assert_eq!(laptop[2..6], ["867.00", "0.00", "-867.00", "867.00"]);

    // The page and the Word appendix.
    let html = std::fs::read_to_string(write("papers.html")).unwrap();
    for text in [
        "How the capital programme is funded",
        "Prudential borrowing",
        "Revenue consequences of borrowing",
        "against the approved programme, run 1",
        "Cabinet 12 Feb 2026, min. 87",
    ] {
        assert!(html.contains(text), "the page lacks {text}");
    }
    let xml = docx_text(&write("papers.docx"));
    for text in [
        "How the capital programme is funded",
        "Prudential borrowing",
        "Approved spending now due later (slippage)",
    ] {
        assert!(xml.contains(text), "the appendix lacks {text}");
    }
}

//! The programme's money as finance sees it: why a programme moved between
//! two saved runs (attributed one cause at a time), approved against
//! proposed, and what falls below the capitalisation threshold.
//!
//! Every figure here is worked out by hand in the comments beside it.

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

/// The causes of `estate runs diff OLD NEW` as (label, assets, change).
fn causes(env: &Env, old: &str, new: &str) -> (Vec<(String, u64, String)>, serde_json::Value) {
    let d = env.json(&["runs", "diff", old, new]);
    let causes = d["causes"]
        .as_array()
        .expect("causes")
        .iter()
        .map(|c| {
            (
                c["cause"].as_str().expect("cause").to_string(),
                c["assets"].as_u64().expect("assets"),
                c["change"].as_str().expect("change").to_string(),
            )
        })
        .collect();
    (causes, d)
}

/// The README's own steps: laptop life 4 → 5 years and inflation 2% → 3.5%
/// move one laptop (£850 at 2026/27) from 2027/28 to 2028/29.
///
/// - run 1: 2027/28 at 2%: £850 × 1.02 = £867.00
/// - lives (inflation still 2%): 2028/29: £850 × 1.02² = £850 × 1.0404 = £884.34, part +£17.34
/// - inflation 3.5%: £850 × 1.035² = £850 × 1.071225 = £910.54125 → £910.54, part +£26.20
/// - total £910.54 − £867.00 = £43.54 = £17.34 + £26.20
#[test]
fn runs_diff_splits_a_life_change_from_an_inflation_change() {
    let env = Env::with_org();
    add(&env, "laptop", "LT1", "2023-09-01");
    env.said(&["forecast", "--from", "2026/27", "--save", "before"]);
    env.said(&["policy", "set", "life", "laptop", "5"]);
    env.said(&["policy", "set", "inflation", "3.5%"]);
    env.said(&["forecast", "--from", "2026/27", "--save", "after"]);
    let (causes, d) = causes(&env, "1", "2");
    assert_eq!(
        causes,
        [
            ("lives".to_string(), 1, "17.34".to_string()),
            ("inflation".to_string(), 1, "26.20".to_string()),
        ]
    );
    assert_eq!(d["assets"][0]["old_value"], "867.00");
    assert_eq!(d["assets"][0]["new_value"], "910.54");
}

/// A small estate (BCW; a 3-year horizon from 2026/27, then 4 years), with
/// every cause moving money. Price book: desktop £600, laptop £850,
/// printer £400, mobile £250, network £3,000 at 2026/27; inflation 2%.
///
/// | asset | class   | in service | life | due                 |
/// |-------|---------|------------|------|---------------------|
/// | PC1   | desktop | 2022-06-01 | 5    | 2027-06-01, 2027/28 |
/// | LT1   | laptop  | 2023-01-10 | 4    | 2027-01-10, 2026/27 |
/// | PRN1  | printer | 2021-05-01 | 5    | 2026-05-01, 2026/27 |
/// | SW1   | network | 2022-08-01 | 7    | 2029-08-01, 2029/30 (beyond 3 years) |
///
/// Run 1: LT1 £850.00 + PRN1 £400.00 + PC1 £600 × 1.02 = £612.00:
/// £1,862.00. No repeat cycle falls inside either horizon (the earliest,
/// LT1's, is 1 April 2026 + 4 years = 2030/31).
///
/// Then: PRN1 retired; MOB1 (mobile, in service 2024-06-01, life 3, due
/// 2027/28) added; desktop life 5 → 4; laptop price £850 → £900; price
/// base 2026/27 → 2025/26; inflation 2% → 3%; 2026/27 capped at £1,000;
/// 4 years. Each part, with the causes before it already changed:
///
/// - new assets: MOB1 2027/28 at the old rules, £250 × 1.02 = +£255.00
/// - gone: PRN1 −£400.00
/// - lives: PC1 due 2026-06-01, 2026/27: £600.00 − £612.00 = −£12.00
/// - prices: LT1 £900.00 − £850.00 = +£50.00
/// - price base 2025/26 (2%): LT1 £900 × 1.02 = £918.00 (+£18.00), PC1
///   £612.00 (+£12.00), MOB1 £250 × 1.02² = £260.10 (+£5.10): +£35.10
/// - inflation 3%: LT1 £927.00 (+£9.00), PC1 £618.00 (+£6.00), MOB1
///   £250 × 1.0609 = £265.225 → £265.23 (+£5.13): +£20.13
/// - caps: 2026/27 funds PC1 (due first, £618) and defers LT1 (£618 +
///   £927 > £1,000) to 2027/28 at £900 × 1.03² = £954.81: +£27.81
/// - horizon: 2029/30 brings SW1, £3,000 × 1.03⁴ = £3,000 × 1.12550881 =
///   £3,376.52643 → £3,376.53: +£3,376.53
///
/// Total: 255 − 400 − 12 + 50 + 35.10 + 20.13 + 27.81 + 3,376.53 =
/// £3,352.57, and run 2 is £618.00 + £954.81 + £265.23 + £3,376.53 =
/// £5,214.57 = £1,862.00 + £3,352.57.
#[test]
fn runs_diff_attributes_each_cause_in_order_and_the_parts_sum_to_the_total() {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2022-06-01");
    add(&env, "laptop", "LT1", "2023-01-10");
    add(&env, "printer", "PRN1", "2021-05-01");
    add(&env, "network", "SW1", "2022-08-01");
    let run = |name: &str, extra: &[&str]| {
        let mut args = vec!["forecast", "--from", "2026/27", "--save", name];
        args.extend_from_slice(extra);
        env.said(&args);
    };
    run("last year", &["--years", "3"]);
    env.said(&["update", "PRN1", "--status", "retired"]);
    add(&env, "mobile", "MOB1", "2024-06-01");
    env.said(&["policy", "set", "life", "desktop", "4"]);
    env.said(&["policy", "set", "price", "laptop", "900"]);
    env.said(&["policy", "set", "price-base", "2025/26"]);
    env.said(&["policy", "set", "inflation", "3%"]);
    run("this year", &["--years", "4", "--cap", "2026/27=1000"]);

    let (causes, d) = causes(&env, "1", "2");
    let row = |c: &str, n: u64, m: &str| (c.to_string(), n, m.to_string());
    assert_eq!(
        causes,
        [
            row("new_asset", 1, "255.00"),
            row("left_register", 1, "-400.00"),
            row("lives", 1, "-12.00"),
            row("prices", 1, "50.00"),
            row("price_base", 3, "35.10"),
            row("inflation", 3, "20.13"),
            row("caps", 1, "27.81"),
            row("horizon", 1, "3376.53"),
        ]
    );
    assert_eq!(d["old"]["funded"], "1862.00");
    assert_eq!(d["new"]["funded"], "5214.57");
    // LT1's parts: prices +£50, price base +£18, inflation +£9, caps +£27.81.
    let lt1 = d["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asset_tag"] == "LT1")
        .unwrap();
    let parts: Vec<(&str, &str)> = lt1["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["cause"].as_str().unwrap(), p["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        parts,
        [
            ("prices", "50.00"),
            ("price_base", "18.00"),
            ("inflation", "9.00"),
            ("caps", "27.81"),
        ]
    );
    assert_eq!(lt1["old_value"], "850.00");
    assert_eq!(lt1["new_value"], "954.81");
    // The table says the same in words, with the total.
    let table = env.ok(&["runs", "diff", "1", "2"]);
    for words in [
        "changed price base",
        "changed horizon",
        "£3,376.53",
        "£3,352.57",
    ] {
        assert!(table.contains(words), "{words} missing:\n{table}");
    }
}

/// Two saved runs on BCW (5 years from 2026/27; prices at 2026/27, 2%):
///
/// | asset | class   | in service | run 1 (approved)               | run 2 (laptop life 4 → 5)        |
/// |-------|---------|------------|--------------------------------|----------------------------------|
/// | PC1   | desktop | 2021-06-01 | 2026/27 £600.00                | the same                         |
/// | LT1   | laptop  | 2023-09-01 | 2027/28 £850 × 1.02 = £867.00  | 2028/29 £850 × 1.02² = £884.34   |
/// | MOB1  | mobile  | 2024-01-15 | 2026/27 £250.00; again 1 April 2026 + 3 years, 2029/30, £250 × 1.02³ = £265.30 | the same |
///
/// Desktop and laptop refresh: 2027/28 approved £867.00, proposed £0,
/// variance −£867.00, all of it slipped (now due 2028/29); 2028/29 approved
/// £0, proposed £884.34, variance +£884.34. The line moved +£17.34, all of
/// it lives. Mobile devices: no variance, no slippage.
#[test]
fn a_proposal_is_compared_with_the_approved_programme_line_by_line_with_slippage() {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2021-06-01");
    add(&env, "laptop", "LT1", "2023-09-01");
    add(&env, "mobile", "MOB1", "2024-01-15");
    env.said(&["forecast", "--from", "2026/27", "--save", "Feb 2026"]);
    env.said(&["policy", "set", "life", "laptop", "5"]);
    env.said(&["forecast", "--from", "2026/27", "--save", "Feb 2027"]);

    // Nothing approved yet: the comparison says so and how to fix it.
    let err = env.fails(&["runs", "compare", "2"], 1);
    assert!(
        err.contains("no run of the whole register has been approved"),
        "{err}"
    );
    assert!(
        err.contains("help: mark the programme that was approved with `estate runs approve"),
        "{err}"
    );
    let err = env.fails(&["runs", "approve", "1", "--minute", "  "], 1);
    assert!(
        err.contains("an approval needs the decision's minute"),
        "{err}"
    );

    let said = env.said(&[
        "runs",
        "approve",
        "1",
        "--minute",
        "Cabinet 12 Feb 2026, min. 87",
    ]);
    assert!(
        said.contains("approved run 1: Cabinet 12 Feb 2026, min. 87"),
        "{said}"
    );
    let runs = env.json(&["runs"]);
    assert_eq!(runs[1]["id"], 1);
    assert_eq!(runs[1]["approved"], "Cabinet 12 Feb 2026, min. 87");
    assert!(runs[0].get("approved").is_none());
    // The audit trail records the approval.
    assert!(
        env.dump()
            .iter()
            .any(|row| row.contains("approved_run") && row.contains("Cabinet 12 Feb 2026, min. 87")),
        "no audit row for the approval"
    );

    let c = env.json(&["runs", "compare", "2"]);
    assert_eq!(c["approval"]["run"], 1);
    let row = |line: &str, year: &str| -> [String; 4] {
        let r = c["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["line"] == line && r["year"] == year)
            .unwrap_or_else(|| panic!("no row {line} {year}"));
        ["approved", "proposed", "variance", "slipped"].map(|k| r[k].as_str().unwrap().to_string())
    };
    let money = |v: [&str; 4]| v.map(str::to_string);
    let line = "Desktop and laptop refresh";
    assert_eq!(
        row(line, "2026/27"),
        money(["600.00", "600.00", "0.00", "0.00"])
    );
    assert_eq!(
        row(line, "2027/28"),
        money(["867.00", "0.00", "-867.00", "867.00"])
    );
    assert_eq!(
        row(line, "2028/29"),
        money(["0.00", "884.34", "884.34", "0.00"])
    );
    assert_eq!(
        row("Mobile devices", "2029/30"),
        money(["265.30", "265.30", "0.00", "0.00"])
    );
    assert_eq!(
        row("Total", "2027/28"),
        money(["867.00", "0.00", "-867.00", "867.00"])
    );
    assert_eq!(c["reasons"].as_array().unwrap().len(), 1);
    assert_eq!(c["reasons"][0]["line"], line);
    assert_eq!(c["reasons"][0]["cause"], "lives");
    assert_eq!(c["reasons"][0]["change"], "17.34");
    assert_eq!(c["slipped"].as_array().unwrap().len(), 1);
    assert_eq!(c["slipped"][0]["asset_tag"], "LT1");
    assert_eq!(c["slipped"][0]["approved_year"], "2027/28");
    assert_eq!(c["slipped"][0]["proposed_year"], "2028/29");
    assert_eq!(c["slipped"][0]["cost"], "867.00");

    // The Cabinet report of run 2 carries the same comparison in its JSON.
    env.said(&[
        "--format",
        "json",
        "report",
        "--run",
        "2",
        "--out",
        "run2.json",
    ]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.path().join("run2.json")).unwrap())
            .unwrap();
    assert_eq!(report["against_approved"]["slipped"][0]["cost"], "867.00");
    assert_eq!(
        report["against_approved"]["approval"]["minute"],
        "Cabinet 12 Feb 2026, min. 87"
    );

    // Approving run 2 supersedes run 1 for the whole register; run 1's
    // approval stays on record but is no longer the one in force.
    let said = env.said(&[
        "runs",
        "approve",
        "2",
        "--minute",
        "Cabinet 11 Feb 2027, min. 52",
    ]);
    assert!(
        said.contains("supersedes run 1: Cabinet 12 Feb 2026, min. 87"),
        "{said}"
    );
    let runs = env.json(&["runs"]);
    assert_eq!(runs[0]["approved"], "Cabinet 11 Feb 2027, min. 52");
    assert!(runs[1].get("approved").is_none());
    // An earlier approval can still be named.
    let c = env.json(&["runs", "compare", "2", "--approved", "1"]);
    assert_eq!(c["approval"]["minute"], "Cabinet 12 Feb 2026, min. 87");
}

/// BCW, 3 years from 2026/27 (prices at 2026/27, 2%; no repeat cycle
/// falls inside: the earliest, MOB1's, is 1 April 2026 + 3 years = 2029/30):
///
/// | asset | class   | in service | due     | cost       |
/// |-------|---------|------------|---------|------------|
/// | PC1   | desktop | 2021-06-01 | 2026/27 | £600.00    |
/// | PC2   | desktop | 2021-09-01 | 2026/27 | £600.00    |
/// | MOB1  | mobile  | 2023-05-01 | 2026/27 | £250.00    |
/// | SRV1  | server  | 2024-01-10 | 2026/27 | £10,000.00 |
/// | LT1   | laptop  | 2023-09-01 | 2027/28 | £850 × 1.02 = £867.00 |
fn threshold_estate() -> Env {
    let env = Env::with_org();
    add(&env, "desktop", "PC1", "2021-06-01");
    add(&env, "desktop", "PC2", "2021-09-01");
    add(&env, "mobile", "MOB1", "2023-05-01");
    add(&env, "server", "SRV1", "2024-01-10");
    add(&env, "laptop", "LT1", "2023-09-01");
    env
}

/// (year, capital, revenue, revenue items) of the forecast's split.
fn split(env: &Env) -> Vec<(String, String, String, u64)> {
    let f = env.json(&["forecast", "--from", "2026/27", "--years", "3"]);
    f["programme"]["capitalisation"]["years"]
        .as_array()
        .expect("a capital and revenue split")
        .iter()
        .map(|y| {
            (
                y["year"].as_str().unwrap().to_string(),
                y["capital"].as_str().unwrap().to_string(),
                y["revenue"].as_str().unwrap().to_string(),
                y["revenue_items"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn year(y: &str, capital: &str, revenue: &str, items: u64) -> (String, String, String, u64) {
    (
        y.to_string(),
        capital.to_string(),
        revenue.to_string(),
        items,
    )
}

#[test]
fn with_no_capital_threshold_set_everything_is_capital_and_no_split_is_shown() {
    let env = threshold_estate();
    let f = env.json(&["forecast", "--from", "2026/27", "--years", "3"]);
    assert!(f["programme"].get("capitalisation").is_none());
    // The shipped default is 0.00, off, with its source.
    let policy = env.ok(&["policy", "show"]);
    assert!(policy.contains("capital_threshold"), "{policy}");
}

/// £1,000 per item: in 2026/27 PC1 £600, PC2 £600 and MOB1 £250 are
/// revenue (£1,450.00, 3 items), SRV1 £10,000.00 capital; in 2027/28 LT1
/// £867.00 is revenue. The programme itself still holds all £12,317.00.
#[test]
fn a_capital_threshold_per_item_moves_cheaper_replacements_to_revenue() {
    let env = threshold_estate();
    env.said(&["policy", "set", "capital-threshold", "1000"]);
    assert_eq!(
        split(&env),
        [
            year("2026/27", "10000.00", "1450.00", 3),
            year("2027/28", "0.00", "867.00", 1),
            year("2028/29", "0.00", "0.00", 0),
        ]
    );
    let f = env.json(&["forecast", "--from", "2026/27", "--years", "3"]);
    assert_eq!(f["programme"]["by_line"]["total"], "12317.00");
    let lines = &f["programme"]["capitalisation"]["revenue_by_line"];
    assert_eq!(lines[0]["line"], "Desktop and laptop refresh");
    assert_eq!(lines[0]["revenue"][0], "1200.00");
    assert_eq!(lines[0]["revenue"][1], "867.00");
    assert_eq!(lines[1]["line"], "Mobile devices");
    assert_eq!(lines[1]["revenue"][0], "250.00");
    let table = env.ok(&["forecast", "--from", "2026/27", "--years", "3"]);
    assert!(
        table.contains("Capital and revenue (capital threshold £1,000.00 per item)"),
        "{table}"
    );
}

/// £1,000 grouped: 2026/27's desktops are one scheme, £600 + £600 =
/// £1,200.00 ≥ £1,000, so capital with SRV1: £11,200.00; MOB1's class
/// scheme is £250 < £1,000, revenue (1 item). 2027/28: the laptops are LT1
/// alone, £867.00 < £1,000, revenue.
#[test]
fn a_grouped_capital_threshold_treats_a_years_refresh_of_one_class_as_one_scheme() {
    let env = threshold_estate();
    env.said(&["policy", "set", "capital-threshold", "1000", "--grouped"]);
    assert_eq!(
        split(&env),
        [
            year("2026/27", "11200.00", "250.00", 1),
            year("2027/28", "0.00", "867.00", 1),
            year("2028/29", "0.00", "0.00", 0),
        ]
    );
    // Back to off: 0 removes the split.
    env.said(&["policy", "set", "capital-threshold", "0"]);
    let f = env.json(&["forecast", "--from", "2026/27", "--years", "3"]);
    assert!(f["programme"].get("capitalisation").is_none());
}

/// Licence prices rise by the `licence_price_uplift` setting (5%) a year
/// from the first forecast year (2026/27, from the pinned today):
///
/// - Widget Pro, 10 users at £100.00 a year: £1,000.00; £1,000 × 1.05 =
///   £1,050.00; £1,000 × 1.1025 = £1,102.50
/// - Chat, 7 users at £2.50 a month: £2.50 × 7 × 12 = £210.00; £210 × 1.05
///   = £220.50; £210 × 1.1025 = £231.525 → £231.53 (half away from zero)
///
/// Revenue payable (the term agreement, below, renews in 2026/27):
/// 2027/28 £1,270.50, 2028/29 £1,334.03.
#[test]
fn licence_prices_rise_by_the_uplift_each_year() {
    let env = Env::with_org();
    env.said(&[
        "licences",
        "add",
        "Widget Pro",
        "--metric",
        "user",
        "--quantity",
        "10",
        "--unit-cost",
        "100",
        "--basis",
        "annual",
        "--org",
        "BCW",
    ]);
    env.said(&[
        "licences",
        "add",
        "Chat",
        "--metric",
        "user",
        "--quantity",
        "7",
        "--unit-cost",
        "2.50",
        "--basis",
        "monthly",
        "--org",
        "BCW",
    ]);
    env.said(&[
        "licences",
        "add",
        "Backup Suite",
        "--metric",
        "site",
        "--quantity",
        "1",
        "--unit-cost",
        "3000",
        "--basis",
        "one_off",
        "--start",
        "2024-04-01",
        "--end",
        "2027-03-31",
        "--org",
        "BCW",
    ]);
    // Shipped flat (0.0%) until set.
    let flat = env.json(&["licences"]);
    assert_eq!(flat["totals"][1]["revenue"], "1210.00");
    env.said(&["policy", "set", "licence-uplift", "5%"]);
    let l = env.json(&["licences"]);
    assert_eq!(l["uplift"], "5%");
    let payable = |product: &str| -> Vec<String> {
        let r = l["renewals"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["held_as"] == product)
            .unwrap();
        r["payable"].as_array().unwrap()[..3]
            .iter()
            .map(|m| m.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(payable("Widget Pro"), ["1000.00", "1050.00", "1102.50"]);
    assert_eq!(payable("Chat"), ["210.00", "220.50", "231.53"]);
    // A 3-year term renews at its end, 31 March 2027 (2026/27, year 0:
    // £3,000.00), then 31 March 2030 (2029/30, year 3): £3,000 × 1.05³ =
    // £3,000 × 1.157625 = £3,472.875 → £3,472.88.
    let term = l["renewals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["held_as"] == "Backup Suite")
        .unwrap();
    assert_eq!(term["payable"][0], "3000.00");
    assert_eq!(term["payable"][1], "0.00");
    assert_eq!(term["payable"][3], "3472.88");
    let revenue: Vec<&str> = l["totals"].as_array().unwrap()[1..3]
        .iter()
        .map(|t| t["revenue"].as_str().unwrap())
        .collect();
    assert_eq!(revenue, ["1270.50", "1334.03"]);
}

/// Leased kit renews when its lease ends, priced from the price book at
/// that year's prices (prices at 2026/27, 2%), as revenue beside the
/// capital programme:
///
/// - MFD1 (mfd, lease to 2028-03-31): 2027/28, £4,500 × 1.02 = £4,590.00
/// - LT9 (laptop, lease to 2026-12-31): 2026/27, £850.00
/// - LT8 (laptop, lease to 2032-01-31): after the horizon, not costed
///
/// 2026/27 £850.00, 2027/28 £4,590.00, later years £0.00: £5,440.00. None
/// of it is in the capital programme (£0.00).
#[test]
fn lease_renewals_are_costed_from_the_price_book_as_revenue() {
    let env = Env::with_org();
    for (class, tag, end) in [
        ("mfd", "MFD1", "2028-03-31"),
        ("laptop", "LT9", "2026-12-31"),
        ("laptop", "LT8", "2032-01-31"),
    ] {
        env.said(&[
            "add",
            class,
            "--org",
            "BCW",
            "--tag",
            tag,
            "--funding",
            "leased",
            "--lease-end",
            end,
        ]);
    }
    let f = env.json(&["forecast", "--from", "2026/27"]);
    let leases = &f["programme"]["leases"];
    let costs: Vec<&str> = leases["cost_by_year"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(costs, ["850.00", "4590.00", "0.00", "0.00", "0.00"]);
    assert_eq!(leases["after"], 1);
    assert_eq!(f["programme"]["by_line"]["total"], "0.00");
    let table = env.ok(&["forecast", "--from", "2026/27"]);
    assert!(
        table.contains(
            "lease renewals priced from the price book at each year's prices (revenue): 2026/27 \
             £850.00, 2027/28 £4,590.00, 2028/29 £0.00, 2029/30 £0.00, 2030/31 £0.00; £5,440.00 in all"
        ),
        "{table}"
    );
}

#[test]
fn forgetting_a_person_reaches_the_approvals_they_recorded_or_are_named_in() {
    let env = Env::with_org();
    add(&env, "laptop", "LT1", "2023-09-01");
    env.said(&["forecast", "--from", "2026/27", "--save", "Feb 2026", "-q"]);
    env.said(&[
        "--as",
        "Jane Smith",
        "runs",
        "approve",
        "1",
        "--minute",
        "Cabinet 12 Feb 2026, min. 87, moved by Jane Smith",
    ]);
    assert!(env.dump().iter().any(|row| row.contains("Jane Smith")));
    env.said(&["forget-user", "Jane Smith"]);
    let left: Vec<String> = env
        .dump()
        .into_iter()
        .filter(|row| row.contains("Jane Smith"))
        .collect();
    assert!(left.is_empty(), "{left:#?}");
    // The approval stands, without the name.
    let runs = env.json(&["runs"]);
    assert_eq!(
        runs[0]["approved"],
        "Cabinet 12 Feb 2026, min. 87, moved by [redacted]"
    );
}

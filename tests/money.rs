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

//! End of support (issue 17): what an asset runs, the support data, and the
//! forecast replacing at the earlier of age and support end. Every figure
//! below is worked out by hand from data/policy (server £10,000.00 on a
//! 3-year life, laptop £850.00 on 4, mobile £250.00 on 3; prices at 2026/27,
//! inflation 2.0%) and data/support/support.csv (endoflife.date); the
//! tests run on 28 November 2026, so the horizon is 2026/27 to 2030/31.

use crate::util::Env;

/// The detail rows (tag, due date, due year, funded in, reason, cost), in
/// the order `--detail --format csv` gives them.
fn detail(env: &Env) -> Vec<String> {
    env.ok(&["forecast", "--detail", "--format", "csv"])
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            [c[1], c[6], c[7], c[8], c[9], c[10]].join(",")
        })
        .collect()
}

/// A copy of the shipped data folder with `support/settings.csv` replaced,
/// loaded into the register with `estate policy load --data`.
fn load_support_settings(env: &Env, settings: &str) {
    let data = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let copy = env.path().join("data");
    for sub in ["policy", "power", "lines", "licences", "support"] {
        std::fs::create_dir_all(copy.join(sub)).unwrap();
        for entry in std::fs::read_dir(data.join(sub)).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "csv") {
                std::fs::copy(&p, copy.join(sub).join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    std::fs::copy(
        data.join("programme-lines.csv"),
        copy.join("programme-lines.csv"),
    )
    .unwrap();
    std::fs::write(copy.join("support/settings.csv"), settings).unwrap();
    env.ok(&["policy", "load", "--data", copy.to_str().unwrap()]);
}

#[test]
fn a_server_on_windows_server_2016_is_replaced_when_its_support_ends_not_at_the_end_of_its_life() {
    let env = Env::with_org();
    // Bought 15 June 2025, 3-year life: due by age 15 June 2028, in 2028/29.
    // Windows Server 2016's security updates end 12 January 2027, in 2026/27:
    // due then, at 2026/27's price £10,000.00; its replacement is next due
    // 3 years on, 2029/30, at 10,000 x 1.02^3 = £10,612.08.
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--purchase-date",
        "2025-06-15",
        "--os",
        "Windows Server",
        "--os-version",
        "2016",
    ]);
    // The same server with nothing recorded about what it runs: by age, 2028/29,
    // 10,000 x 1.02^2 = £10,404.00.
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-2",
        "--purchase-date",
        "2025-06-15",
    ]);
    assert_eq!(
        detail(&env),
        [
            "SRV-1,2027-01-12,2026/27,2026/27,end of support,10000.00",
            "SRV-2,2028-06-15,2028/29,2028/29,age,10404.00",
            "SRV-1,2029-04-01,2029/30,2029/30,repeat cycle,10612.08",
        ]
    );
    // The year table counts it as replaced for end of support.
    let json = env.json(&["forecast"]);
    let first = &json["programme"]["summary"][0]["end_of_support"];
    assert_eq!(first["count"], 1);
    assert_eq!(first["value"], "10000.00");
    assert_eq!(
        json["programme"]["summary"][2]["end_of_support"]["count"],
        0
    );
    let table = env.ok(&["forecast"]);
    assert!(
        table.contains("of which replaced for end of support (assets)"),
        "{table}"
    );
}

#[test]
fn an_iphone_whose_model_leaves_support_inside_the_horizon_is_replaced_then() {
    let env = Env::with_org();
    // An iPhone XR (support ended 22 April 2026, in 2026/27) bought June 2025:
    // by age 2028/29, by support 2026/27 at £250.00. A phone with a recorded
    // support end of 29 February 2028 (2027/28), bought April 2026 (age-due
    // 2029/30): due 2027/28 at 250 x 1.02 = £255.00.
    env.ok(&[
        "add",
        "mobile",
        "--tag",
        "PH-1",
        "--purchase-date",
        "2025-06-01",
        "--manufacturer",
        "Apple",
        "--model",
        "iPhone XR",
    ]);
    env.ok(&[
        "add",
        "mobile",
        "--tag",
        "PH-2",
        "--purchase-date",
        "2026-04-10",
        "--support-end",
        "2028-02-29",
    ]);
    assert_eq!(
        detail(&env),
        [
            "PH-1,2026-04-22,2026/27,2026/27,end of support,250.00",
            "PH-2,2028-02-29,2027/28,2027/28,end of support,255.00",
            // PH-1's replacement, bought 2026/27, is next due 2029/30:
            // 250 x 1.02^3 = 265.302 -> £265.30.
            "PH-1,2029-04-01,2029/30,2029/30,repeat cycle,265.30",
            // PH-2's, bought 2027/28, next due 2030/31: 250 x 1.02^4 =
            // 270.608 -> £270.61.
            "PH-2,2030-04-01,2030/31,2030/31,repeat cycle,270.61",
        ]
    );
}

#[test]
fn extended_updates_bought_move_a_windows_10_laptop_to_their_end() {
    let env = Env::with_org();
    // Bought 1 May 2025, 4-year life: by age 1 May 2029, 2029/30.
    // Windows 10 22H2 left support on 14 October 2025, before the horizon: due
    // in 2026/27 as end of support (backlog), £850.00.
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT-1",
        "--purchase-date",
        "2025-05-01",
        "--os",
        "Windows",
        "--os-version",
        "10 22H2",
    ]);
    // Its replacement, bought 2026/27, is next due 4 years on, 2030/31:
    // 850 x 1.02^4 = 920.067... -> £920.07.
    assert_eq!(
        detail(&env),
        [
            "LT-1,2025-10-14,2025/26,2026/27,end of support,850.00",
            "LT-1,2030-04-01,2030/31,2030/31,repeat cycle,920.07",
        ]
    );
    let json = env.json(&["forecast"]);
    assert_eq!(json["programme"]["summary"][0]["overdue"]["count"], 1);
    // It is unsupported now, and the forecast says so.
    assert_eq!(
        json["unsupported_now"],
        serde_json::json!([{"class": "laptop", "organisation": "BCW", "count": 1,
                            "replaced_for_support": 1}])
    );
    // With extended security updates bought for Windows 10 22H2 (to 10 October
    // 2028, in 2028/29): due then, at 850 x 1.02^2 = £884.34.
    load_support_settings(
        &env,
        "key,value,source\n\
         support_replaces,server storage network desktop laptop thin_client mobile tablet,test\n\
         support_replace_before,no,test\n\
         extended_support,Windows 10 22H2=61.00,test\n",
    );
    assert_eq!(
        detail(&env),
        ["LT-1,2028-10-10,2028/29,2028/29,end of support,884.34"]
    );
    // The updates cost £61.00 a device a year (revenue) in each year from the
    // one its security support ended in (2025/26) until it is replaced
    // (2028/29, not counted): in the horizon, 2026/27 and 2027/28.
    let json = env.json(&["forecast"]);
    let costs: Vec<(String, String)> = json["extended_support"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| {
            (
                y["year"].as_str().unwrap().to_string(),
                y["cost"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("2026/27", "61.00"),
        ("2027/28", "61.00"),
        ("2028/29", "0.00"),
        ("2029/30", "0.00"),
        ("2030/31", "0.00"),
    ];
    assert_eq!(
        costs,
        want.map(|(y, c)| (y.to_string(), c.to_string())).to_vec()
    );
    let shown = env.ok(&["forecast"]);
    assert!(
        shown.contains("extended security updates bought (revenue, not in the capital figures): 2026/27 £61.00, 2027/28 £61.00, 2028/29 £0.00"),
        "{shown}"
    );
}

#[test]
fn the_rule_can_be_turned_off_for_a_class_or_set_to_replace_a_year_early() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--purchase-date",
        "2025-06-15",
        "--os",
        "Windows Server",
        "--os-version",
        "2016",
    ]);
    env.ok(&[
        "add",
        "mobile",
        "--tag",
        "PH-2",
        "--purchase-date",
        "2026-04-10",
        "--support-end",
        "2028-02-29",
    ]);
    // Servers left out: SRV-1 by age (2028/29, £10,404.00). Replace before:
    // PH-2's last day is in 2027/28, so it is due a year earlier, 2026/27
    // (the date a year before, 28 February 2027), at £250.00; its repeat
    // 3 years on, 2029/30, at £265.30.
    load_support_settings(
        &env,
        "key,value,source\n\
         support_replaces,mobile,test\n\
         support_replace_before,yes,test\n\
         extended_support,,test\n",
    );
    assert_eq!(
        detail(&env),
        [
            "PH-2,2027-02-28,2026/27,2026/27,end of support,250.00",
            "SRV-1,2028-06-15,2028/29,2028/29,age,10404.00",
            "PH-2,2029-04-01,2029/30,2029/30,repeat cycle,265.30",
        ]
    );
}

#[test]
fn estate_support_lists_what_leaves_support_in_each_year() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--purchase-date",
        "2025-06-15",
        "--os",
        "Windows Server",
        "--os-version",
        "2016",
    ]);
    env.ok(&[
        "add",
        "printer",
        "--tag",
        "PR-1",
        "--purchase-date",
        "2024-01-10",
        "--support-end",
        "2029-03-31",
    ]);
    // Ubuntu 22.04's standard support ends 1 April 2027 (2027/28); nothing
    // after the horizon (SRV-3, Windows Server 2025, to 2034) is listed.
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-2",
        "--purchase-date",
        "2024-01-10",
        "--os",
        "Ubuntu",
        "--os-version",
        "22.04",
    ]);
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-3",
        "--purchase-date",
        "2025-01-10",
        "--os",
        "Windows Server",
        "--os-version",
        "2025",
    ]);
    assert_eq!(
        env.ok(&["support", "--format", "csv"]),
        "year,last supported day,org,tag,class,runs,replaced for support\n\
         2026/27,2027-01-12,BCW,SRV-1,server,Windows Server 2016,yes\n\
         2027/28,2027-04-01,BCW,SRV-2,server,Ubuntu 22.04,yes\n\
         2028/29,2029-03-31,BCW,PR-1,printer,recorded support end,no: class replaced by age only\n"
    );
}

#[test]
fn add_and_update_record_what_an_asset_runs_and_show_gives_it() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "network",
        "--tag",
        "SW-1",
        "--os",
        "Cisco IOS XE",
        "--os-version",
        "17.9",
        "--firmware",
        "17.9.4a",
    ]);
    env.said(&[
        "update",
        "SW-1",
        "--support-end",
        "2030-07-31",
        "--os-version",
        "17.12",
    ]);
    let json = env.json(&["show", "SW-1"]);
    let a = &json["asset"];
    assert_eq!(a["os"], "Cisco IOS XE");
    assert_eq!(a["os_version"], "17.12");
    assert_eq!(a["firmware"], "17.9.4a");
    assert_eq!(a["support_end"], "2030-07-31");
    env.said(&["update", "SW-1", "--clear", "support_end"]);
    let json = env.json(&["list"]);
    assert_eq!(json[0]["support_end"], serde_json::Value::Null);
    assert_eq!(json[0]["os_version"], "17.12");
}

#[test]
fn a_saved_run_keeps_a_replacement_made_for_end_of_support() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--purchase-date",
        "2025-06-15",
        "--os",
        "Windows Server",
        "--os-version",
        "2016",
    ]);
    env.said(&["forecast", "--save", "support"]);
    let out = env.ok(&["runs", "show", "1", "--detail", "--format", "csv"]);
    assert!(
        out.contains("SRV-1,server,Server and storage replacement,,,2027-01-12,2026/27,2026/27,end of support,10000.00"),
        "{out}"
    );
}

/// The Windows 10 laptop of the tests below, with its processor.
fn windows_10_laptop(env: &Env, tag: &str, cpu: &str) {
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        tag,
        "--purchase-date",
        "2025-05-01",
        "--os",
        "Windows",
        "--os-version",
        "10 22H2",
        "--cpu",
        cpu,
    ]);
}

#[test]
fn a_windows_10_laptop_whose_processor_runs_windows_11_is_upgraded_not_replaced() {
    let env = Env::with_org();
    // Both bought 1 May 2025 on a 4-year life: by age 1 May 2029, 2029/30.
    // Windows 10 22H2 left support on 14 October 2025 (2025/26).
    // LT-1's Core i5-8350U is 8th generation (Coffee Lake/Kaby Lake R), on
    // Microsoft's Windows 11 list (data/support/windows11-processors.csv):
    // upgraded to Windows 11 in 2026/27 (its support ended before the
    // horizon) at data/support/upgrades.csv's £45.00, and replaced by age in
    // 2029/30 at 850 x 1.02^3 = 902.0268 -> £902.03.
    windows_10_laptop(&env, "LT-1", "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz");
    // LT-2's Core i5-7300U is 7th generation (Kaby Lake), not on the list:
    // replaced for end of support in 2026/27 at £850.00, its replacement
    // next due 2030/31 at 850 x 1.02^4 = 920.067 -> £920.07.
    windows_10_laptop(&env, "LT-2", "Intel Core i5-7300U");
    assert_eq!(
        detail(&env),
        [
            "LT-2,2025-10-14,2025/26,2026/27,end of support,850.00",
            "LT-1,2029-05-01,2029/30,2029/30,age,902.03",
            "LT-2,2030-04-01,2030/31,2030/31,repeat cycle,920.07",
        ]
    );
    let json = env.json(&["forecast"]);
    let up = &json["os_upgrades"];
    assert_eq!(up["years"][0]["year"], "2026/27");
    assert_eq!(up["years"][0]["count"], 1);
    assert_eq!(up["years"][0]["cost"], "45.00");
    assert_eq!(up["years"][1]["count"], 0);
    assert_eq!(up["items"][0]["tag"], "LT-1");
    assert_eq!(up["items"][0]["from"], "Windows 10 22H2");
    assert_eq!(up["items"][0]["to"], "Windows 11");
    assert_eq!(up["items"].as_array().unwrap().len(), 1);
    // Both are unsupported now (LT-1 until it is upgraded); one is replaced.
    assert_eq!(
        json["unsupported_now"],
        serde_json::json!([{"class": "laptop", "organisation": "BCW", "count": 2,
                            "replaced_for_support": 1}])
    );
    // The year table counts one replacement for end of support (LT-2).
    assert_eq!(
        json["programme"]["summary"][0]["end_of_support"]["count"],
        1
    );
    // The assumption is shown beside the forecast, each upgrade with --detail.
    let shown = env.ok(&["forecast"]);
    assert!(
        shown.contains(
            "upgrade OS, not replaced (revenue, not in the capital figures): 2026/27 1 (£45.00). \
             Assumption: an in-place upgrade"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("1.5 hours of a desktop technician"),
        "{shown}"
    );
    let shown = env.ok(&["forecast", "--detail"]);
    assert!(
        shown.contains(
            "upgrade OS: BCW LT-1 (laptop) Windows 10 22H2 -> Windows 11 in 2026/27, £45.00"
        ),
        "{shown}"
    );
    assert_eq!(
        env.ok(&["support", "--format", "csv"]),
        "year,last supported day,org,tag,class,runs,replaced for support\n\
         2026/27,2025-10-14,BCW,LT-1,laptop,Windows 10 22H2,no: upgrade OS to Windows 11\n\
         2026/27,2025-10-14,BCW,LT-2,laptop,Windows 10 22H2,yes\n"
    );
}

#[test]
fn an_iphone_is_upgraded_to_the_last_ios_its_model_runs_unless_the_model_leaves_support_first() {
    let env = Env::with_org();
    // Both bought 1 June 2025, 3-year life: by age 1 June 2028, 2028/29.
    // Both run iOS 17, whose security updates ended 13 May 2025.
    // PH-1, an iPhone 11, runs iOS 13 - 26 (endoflife.date) and iOS 26 has no
    // end announced, nor has the iPhone 11: upgraded in 2026/27 at £10.00,
    // replaced by age in 2028/29 at 250 x 1.02^2 = £260.10.
    // PH-2, an iPhone XR, runs up to iOS 18, but the XR itself left support on
    // 22 April 2026 (2026/27): replaced for end of support in 2026/27 at
    // £250.00 (no upgrade in the year it is replaced), again in 2029/30 at
    // 250 x 1.02^3 = 265.302 -> £265.30.
    for (tag, model) in [("PH-1", "iPhone 11"), ("PH-2", "iPhone XR")] {
        env.ok(&[
            "add",
            "mobile",
            "--tag",
            tag,
            "--purchase-date",
            "2025-06-01",
            "--manufacturer",
            "Apple",
            "--model",
            model,
            "--os",
            "iOS",
            "--os-version",
            "17",
        ]);
    }
    assert_eq!(
        detail(&env),
        [
            "PH-2,2026-04-22,2026/27,2026/27,end of support,250.00",
            "PH-1,2028-06-01,2028/29,2028/29,age,260.10",
            "PH-2,2029-04-01,2029/30,2029/30,repeat cycle,265.30",
        ]
    );
    let json = env.json(&["forecast"]);
    let items = json["os_upgrades"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["tag"], "PH-1");
    assert_eq!(items[0]["to"], "iOS 26");
    assert_eq!(items[0]["cost"], "10.00");
}

#[test]
fn extended_updates_bought_to_2028_are_in_the_cabinet_reports_revenue_position() {
    let env = Env::with_org();
    // LT-1 (Windows 10 22H2, Kaby Lake: no Windows 11) with extended updates
    // bought to 10 October 2028 at £61.00 a device a year: due 2028/29 (as
    // in extended_updates_bought_move_a_windows_10_laptop_to_their_end), and
    // the updates cost £61.00 in 2026/27 and in 2027/28 (revenue), £122.00
    // over the horizon.
    windows_10_laptop(&env, "LT-1", "Intel Core i5-7300U");
    load_support_settings(
        &env,
        "key,value,source\n\
         support_replaces,server storage network desktop laptop thin_client mobile tablet,test\n\
         support_replace_before,no,test\n\
         extended_support,Windows 10 22H2=61.00,test\n",
    );
    assert_eq!(
        detail(&env),
        ["LT-1,2028-10-10,2028/29,2028/29,end of support,884.34"]
    );
    let out = env.path().join("cabinet.json");
    env.ok(&["report", "--out", out.to_str().unwrap()]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let revenue = &json["running"]["revenue"];
    let row = revenue["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "Extended security updates (end of support)")
        .unwrap_or_else(|| panic!("{revenue}"));
    assert_eq!(
        row["amounts"],
        serde_json::json!(["61.00", "61.00", "0.00", "0.00", "0.00"])
    );
    assert_eq!(row["total"], "122.00");
    // The same in the HTML paper.
    let html = env.path().join("cabinet.html");
    env.ok(&["report", "--out", html.to_str().unwrap()]);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.contains("Extended security updates (end of support)"));
}

#[test]
fn runs_diff_gives_movement_from_what_an_asset_runs_its_own_cause() {
    let env = Env::with_org();
    // Run 1. LT-1 (Windows 10 22H2, Kaby Lake) is replaced for end of support
    // in 2026/27 at £850.00 and again in 2030/31 at £920.07: £1,770.07.
    // SRV-1, nothing recorded of what it runs, by age (bought 15 June 2025,
    // 3 years) in 2028/29 at £10,404.00.
    windows_10_laptop(&env, "LT-1", "Intel Core i5-7300U");
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--purchase-date",
        "2025-06-15",
    ]);
    env.said(&["forecast", "--save", "before"]);
    // Run 2, after recording what they run (the records otherwise unchanged).
    // LT-1's processor is found to be an i5-8350U (Windows 11): upgraded,
    // replaced by age in 2029/30 at £902.03; moved 902.03 - 1,770.07 =
    // -£868.04. SRV-1 runs Windows Server 2016: due 2026/27 at £10,000.00
    // and again 2029/30 at £10,612.08, £20,612.08; moved +£10,208.08.
    // Support's part: 2 assets, -868.04 + 10,208.08 = £9,340.04.
    env.said(&["update", "LT-1", "--cpu", "Intel Core i5-8350U"]);
    env.said(&[
        "update",
        "SRV-1",
        "--os",
        "Windows Server",
        "--os-version",
        "2016",
    ]);
    env.said(&["forecast", "--save", "after"]);
    let d = env.json(&["runs", "diff", "1", "2"]);
    assert_eq!(
        d["causes"],
        serde_json::json!([{"cause": "support", "assets": 2, "change": "9340.04"}]),
        "{d}"
    );
    let lt = d["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asset_tag"] == "LT-1")
        .unwrap();
    assert_eq!(lt["old_value"], "1770.07");
    assert_eq!(lt["new_value"], "902.03");
    assert_eq!(
        lt["detail"],
        "runs Windows 10 22H2 (security to 2025-10-14, extended to 2028-10-10) → Windows 10 22H2 \
         (security to 2025-10-14, extended to 2028-10-10; upgrade to Windows 11)"
    );
    let shown = env.ok(&["runs", "diff", "1", "2"]);
    assert!(
        shown.contains("changed support data (support dates or what an asset runs)"),
        "{shown}"
    );
}

#[test]
fn import_reads_a_processor_column_and_the_laptop_is_upgraded_not_replaced() {
    let env = Env::with_org();
    // As a_windows_10_laptop_whose_processor_runs_windows_11_is_upgraded_not_replaced,
    // from an inventory export with a Processor column (as Windows reports it).
    let file = env.path().join("inventory.csv");
    std::fs::write(
        &file,
        "Asset Tag,Category,Purchase Date,Cost,Operating System,OS Version,Processor\n\
         LT-9,Laptop,2025-05-01,850.00,Windows,10 22H2,Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz\n",
    )
    .unwrap();
    env.said(&["import", file.to_str().unwrap(), "--org", "BCW"]);
    let json = env.json(&["show", "LT-9"]);
    assert_eq!(
        json["asset"]["cpu"],
        "Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz"
    );
    assert_eq!(
        env.ok(&["support", "--format", "csv"]),
        "year,last supported day,org,tag,class,runs,replaced for support\n\
         2026/27,2025-10-14,BCW,LT-9,laptop,Windows 10 22H2,no: upgrade OS to Windows 11\n"
    );
    // Replaced by age, 1 May 2029 (2029/30), at £902.03.
    assert_eq!(detail(&env), ["LT-9,2029-05-01,2029/30,2029/30,age,902.03"]);
}

#[test]
fn the_sample_estate_replaces_its_windows_server_2016_hosts_and_unupgradable_windows_10_pcs_early()
{
    // The sample of `estate demo` (data/sample/, MANIFEST.md) records what
    // 32 assets run. Worked out by hand from the manifest's rows:
    // - reseller-infrastructure.xlsx, 20 servers (3-year life):
    //   - Windows Server 2016 (security end 2027-01-12, in 2026/27):
    //     ABS0116, ABS0117 (2016-05-23) and ABS0120 (2017-09-13) are past
    //     their life already (backlog, reason overdue: the age rule's year
    //     is the earlier); ABS0131-0133 (2025-02-13, by age 2028-02-13,
    //     2027/28, £10,200.00) and BRK-20416 (2025-11-05, by age 2028-11-05,
    //     2028/29, £10,404.00) MOVE to 2026/27 at £10,000.00, due
    //     2027-01-12, and their replacements repeat in 2029/30 at
    //     £10,612.08 (ABS0131-0133's repeat was in 2030/31 at £10,824.32;
    //     BRK-20416 had none inside the horizon);
    //   - Windows Server 2019 (2029-01-09, 2028/29): ABS0123/0126/0129 and
    //     CZJ224Y5DZ are past their life; AVN's three of 2026-01-30 are due
    //     by age 2029-01-30, the same year: no move (age stands on a tie);
    //   - Windows Server 2022 (2031-10-14): no move.
    // - hp-reseller-delivery.xlsx, two March 2023 deliveries on Windows 10
    //   22H2 (security end 2025-10-14, already past):
    //   - five HP Elite Mini 800 G9 (AVN, 2023-03-03, no processor
    //     recorded, so not taken as Windows 11-capable): by age 2028-03-03,
    //     2027/28, £612.00; MOVE to 2026/27 at £600.00, already
    //     unsupported (backlog); their repeat (5 years) is past the horizon;
    //   - seven ThinkCentre M70q Gen 3 (BRK, 2023-03-27, Core i5-12500T,
    //     12th generation: runs Windows 11): upgraded (£45.00 each, revenue,
    //     7 x 45 = £315.00 in 2026/27), replaced by age 2028-03-27 in
    //     2027/28 at £612.00 as before.
    // Money moved: 2026/27 +4 x 10,000 + 5 x 600 = +£43,000.00; 2027/28
    // -3 x 10,200 - 5 x 612 = -£33,660.00; 2028/29 -£10,404.00; 2029/30
    // +4 x 10,612.08 = +£42,448.32; 2030/31 -3 x 10,824.32 = -£32,472.96;
    // over the horizon 43,000 - 33,660 - 10,404 + 42,448.32 - 32,472.96 =
    // +£8,911.36, the base programme going from £1,551,869.47 (no support
    // data) to £1,560,780.83 (tests/golden/sample-estate, whose independent
    // check gives the same).
    let env = Env::new();
    env.ok(&["demo", "--out", "."]);
    let for_support: Vec<String> = detail(&env)
        .into_iter()
        .filter(|r| r.contains("end of support"))
        .collect();
    assert_eq!(
        for_support,
        [
            "AV104244,2025-10-14,2025/26,2026/27,end of support,600.00",
            "AV104246,2025-10-14,2025/26,2026/27,end of support,600.00",
            "AV104247,2025-10-14,2025/26,2026/27,end of support,600.00",
            "AV104249,2025-10-14,2025/26,2026/27,end of support,600.00",
            "AV104250,2025-10-14,2025/26,2026/27,end of support,600.00",
            "ABS0131,2027-01-12,2026/27,2026/27,end of support,10000.00",
            "ABS0132,2027-01-12,2026/27,2026/27,end of support,10000.00",
            "ABS0133,2027-01-12,2026/27,2026/27,end of support,10000.00",
            "BRK-20416,2027-01-12,2026/27,2026/27,end of support,10000.00",
        ]
    );
    let rows = detail(&env);
    let of = |tag: &str| -> Vec<&String> {
        rows.iter()
            .filter(|r| r.starts_with(&format!("{tag},")))
            .collect()
    };
    assert_eq!(
        of("MJ0ANX1H"),
        ["MJ0ANX1H,2028-03-27,2027/28,2027/28,age,612.00"]
    );
    assert_eq!(
        of("ABS0116"),
        [
            "ABS0116,2019-05-23,2019/20,2026/27,overdue,10000.00",
            "ABS0116,2029-04-01,2029/30,2029/30,repeat cycle,10612.08"
        ]
    );
    assert!(env.ok(&["forecast"]).contains("£1,560,780.83"));
    // Unsupported today: the 5 Elite Minis (replaced for it) and the 7
    // ThinkCentres (upgraded instead); the servers' 2016 runs to January.
    let json = env.json(&["forecast", "--format", "json"]);
    assert_eq!(
        json["unsupported_now"],
        serde_json::json!([
            {"class": "desktop", "organisation": "AVN", "count": 5, "replaced_for_support": 5},
            {"class": "desktop", "organisation": "BRK", "count": 7, "replaced_for_support": 0}
        ])
    );
    assert_eq!(
        json["os_upgrades"]["years"][0],
        serde_json::json!({"year": "2026/27", "count": 7, "cost": "315.00"})
    );

    // The rule turned off for every class: each moved asset is back on its
    // age rule, and the programme is what it was before the sample carried
    // operating systems.
    load_support_settings(
        &env,
        "key,value,source\n\
         support_replaces,,test\n\
         support_replace_before,no,test\n\
         extended_support,,test\n",
    );
    assert!(env.ok(&["forecast"]).contains("£1,551,869.47"));
    let rows = detail(&env);
    assert!(!rows.iter().any(|r| r.contains("end of support")));
    let of = |tag: &str| -> Vec<&String> {
        rows.iter()
            .filter(|r| r.starts_with(&format!("{tag},")))
            .collect()
    };
    assert_eq!(
        of("AV104244"),
        ["AV104244,2028-03-03,2027/28,2027/28,age,612.00"]
    );
    assert_eq!(
        of("BRK-20416"),
        ["BRK-20416,2028-11-05,2028/29,2028/29,age,10404.00"]
    );
}

//! `estate power`, `estate lines` and `estate licences` end to end: hand-
//! worked figures for small estates, the switch-off boundary, the real
//! ENERGY STAR lists and the real UK GHG conversion factors file, and the
//! sources of every default figure.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde_json::Value;

use crate::util::Env;

fn d(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a decimal string"))
        .parse()
        .unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// BCW with ten desktops due in 2026/27 (in service 1 June 2021, life 5),
/// two servers due in 2027/28 (1 January 2025, life 3) and a laptop whose
/// own figure is 50 kWh a year.
fn power_estate() -> Env {
    let env = Env::with_org();
    for i in 1..=10 {
        env.ok(&[
            "add",
            "desktop",
            "--tag",
            &format!("PC{i:02}"),
            "--purchase-date",
            "2021-06-01",
            "--site",
            "Civic Centre",
        ]);
    }
    for tag in ["SRV1", "SRV2"] {
        env.ok(&[
            "add",
            "server",
            "--tag",
            tag,
            "--purchase-date",
            "2025-01-01",
        ]);
    }
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT1",
        "--purchase-date",
        "2024-01-01",
        "--power-kwh",
        "50",
    ]);
    env
}

#[test]
fn an_estates_kwh_cost_and_carbon_for_a_year() {
    let env = power_estate();
    let f = env.json(&["power", "--from", "2026/27", "--years", "2"]);
    let y = &f["totals"][0];
    assert_eq!(y["year"], "2026/27");
    // As it stands: 10 × 133 kWh + 2 × 425 W × 8,760 h × PUE 1.5 + 50 kWh
    // = 1,330 + 11,169 + 50 = 12,549 kWh. At 24p, per asset to the penny:
    // 10 × £31.92 + 2 × £1,340.28 + £12.00 = £3,011.76. 2026/27 takes the
    // 2025 factors, 0.17700 + 0.01853 = 0.19553: 2,453.70597 kg.
    assert_eq!(d(&y["carbon_factor"]), dec("0.19553"));
    assert_eq!(d(&y["stands"]["kwh"]), dec("12549"));
    assert_eq!(y["stands"]["cost"], "3011.76");
    assert_eq!(d(&y["stands"]["kg_co2e"]), dec("2453.70597"));
    // After replacements: the desktops, replaced in 2026/27, take the current
    // 100 kWh: 12,219 kWh, £2,932.56; saved 330 kWh, £79.20, 64.5249 kg.
    assert_eq!(d(&y["after"]["kwh"]), dec("12219"));
    assert_eq!(y["after"]["cost"], "2932.56");
    assert_eq!(y["saving"]["cost"], "79.20");
    assert_eq!(d(&y["saving"]["kg_co2e"]), dec("64.5249"));
    // 2027/28: servers at 350 W × 8,760 × 1.5 = 4,599 kWh and the laptop at
    // 30 kWh: 1,000 + 9,198 + 30 = 10,228 kWh, £240.00 + £2,207.52 + £7.20.
    assert_eq!(d(&f["totals"][1]["after"]["kwh"]), dec("10228"));
    assert_eq!(f["totals"][1]["after"]["cost"], "2454.72");
    // The table shows tonnes to the kilogram.
    let table = env.ok(&["power", "--from", "2026/27", "--years", "1"]);
    assert!(table.contains("12,549"), "{table}");
    assert!(table.contains("2.454"), "{table}");
}

#[test]
fn a_scenarios_saving_changes_capital_power_and_carbon_together() {
    let env = power_estate();
    let cmp = env.json(&[
        "power",
        "compare",
        "--from",
        "2026/27",
        "--years",
        "2",
        "--thin-clients",
        "50%",
    ]);
    // Half the ten desktops due in 2026/27 are bought as thin clients:
    // capital 5 × (£300.00 − £600.00) = −£1,500.00; after replacement 5 ×
    // (31 − 100) kWh = −345 kWh, −£82.80, −345 × 0.19553 = −67.45785 kg.
    assert_eq!(cmp["capital_base"][0], "6000.00");
    assert_eq!(cmp["capital_change"][0], "-1500.00");
    assert_eq!(cmp["capital_levers"][0], "4500.00");
    assert_eq!(d(&cmp["power_change"][0]["kwh"]), dec("-345"));
    assert_eq!(cmp["power_change"][0]["cost"], "-82.80");
    assert_eq!(d(&cmp["power_change"][0]["kg_co2e"]), dec("-67.45785"));
    let err = env.fails(&["power", "compare"], 1);
    assert!(err.contains("nothing to compare"), "{err}");
}

/// A scenario file beside the register: `thin`, half the desktops replaced
/// as thin clients.
fn thin_scenario(env: &Env) -> PathBuf {
    let file = env.path().join("thin.toml");
    std::fs::write(
        &file,
        "name = \"thin\"\ndescription = \"half the desktops as thin clients\"\nthin_clients = \"50%\"\n",
    )
    .unwrap();
    file
}

#[test]
fn forecast_with_a_scenario_that_has_levers_says_what_they_do_to_capital() {
    let env = power_estate();
    let file = thin_scenario(&env);
    let scenario = file.to_str().unwrap();
    let args = [
        "forecast",
        "--scenario",
        scenario,
        "--from",
        "2026/27",
        "--years",
        "2",
    ];
    let json = env.json(&args);
    let w = &json["with_levers"];
    // The hand-worked figures of `power compare --thin-clients 50%` above:
    // the ten desktops due in 2026/27 cost £6,000.00; five bought as thin
    // clients instead, 5 × (£300.00 − £600.00) = −£1,500.00, so £4,500.00.
    assert_eq!(w["capital"][0], "4500.00");
    assert_eq!(w["levers"], "50% of desktop replacements as thin clients");
    let total = d(&w["total"]);
    let years: Decimal = w["capital"].as_array().unwrap().iter().map(d).sum();
    assert_eq!(total, years);
    let programme = d(&json["programme"]["by_line"]["total"]);
    assert_eq!(d(&w["change"]), total - programme);
    assert_eq!(d(&w["change"]), dec("-1500.00"));
    let table = env.ok(&args);
    assert!(
        table.contains(
            "the table above is before thin's levers (50% of desktop replacements as thin \
             clients); with them the capital is £"
        ) && table.contains(" over the horizon (saving £1,500.00)"),
        "{table}"
    );
    // Without levers, nothing is added.
    let base = env.json(&["forecast", "--from", "2026/27", "--years", "2"]);
    assert!(base.get("with_levers").is_none());
    // The Cabinet report says the same, under its programme table.
    let report = |out: &str| {
        env.ok(&[
            "report",
            "--scenario",
            scenario,
            "--from",
            "2026/27",
            "--years",
            "2",
            "--out",
            out,
        ]);
        std::fs::read_to_string(env.path().join(out)).unwrap()
    };
    let json: Value = serde_json::from_str(&report("thin.json")).unwrap();
    assert_eq!(json["levers"]["capital"][0], "4500.00");
    assert_eq!(d(&json["levers"]["change"]), dec("-1500.00"));
    // The report of a scenario shows the scenario's programme: the desktop
    // line at £4,500.00 in 2026/27, the levers' −£1,500.00 beside it.
    let md = report("thin.md");
    let row = md
        .lines()
        .find(|l| l.starts_with("| Desktop and laptop refresh |"))
        .unwrap_or_else(|| panic!("{md}"));
    let cells: Vec<&str> = row.split(" | ").collect();
    assert_eq!(cells[1], "£4,500.00", "{row}");
    assert_eq!(cells[4], "(£1,500.00)", "{row}");
    assert!(
        md.contains("the programme by line is thin's, its levers applied")
            && md.contains("(saving £1,500.00)"),
        "{md}"
    );
}

#[test]
fn forecast_compare_shows_a_scenarios_levers_in_capital_power_and_carbon() {
    let env = power_estate();
    let file = thin_scenario(&env);
    let cmp = env.json(&[
        "forecast",
        "compare",
        "base",
        file.to_str().unwrap(),
        "--from",
        "2026/27",
        "--years",
        "2",
    ]);
    // The same hand-worked figures as `power compare --thin-clients 50%`: the
    // lever comes from the scenario file this time.
    let running = &cmp["running"];
    assert_eq!(running["capital_base"][0], "6000.00");
    assert_eq!(running["capital_levers"][0], "4500.00");
    assert_eq!(running["capital_change"][0], "-1500.00");
    assert_eq!(d(&running["power_change"][0]["kwh"]), dec("-345"));
    assert_eq!(running["power_change"][0]["cost"], "-82.80");
    assert_eq!(d(&running["power_change"][0]["kg_co2e"]), dec("-67.45785"));
    let table = env.ok(&[
        "forecast",
        "compare",
        "base",
        file.to_str().unwrap(),
        "--from",
        "2026/27",
    ]);
    assert!(table.contains("(before levers)"), "{table}");
    assert!(table.contains("tCO2e, thin"), "{table}");
    assert!(
        table.contains("the programme lines above are before levers; with them thin saves"),
        "{table}"
    );
    // The shipped green-refresh scenario asks for more servers than this estate has.
    let err = env.fails(&["forecast", "compare", "base", "green-refresh"], 1);
    assert_eq!(
        err,
        "estate: cannot virtualise 20 servers: the estate has 2 live servers\n"
    );
    // A scenario's bad lever is named.
    std::fs::write(&file, "name = \"bad\"\nvirtualise = \"4:20\"\n").unwrap();
    let err = env.fails(&["forecast", "compare", "base", file.to_str().unwrap()], 1);
    assert!(
        err.contains("virtualise: `4:20` is not a virtualisation"),
        "{err}"
    );
}

/// `estate licences add PRODUCT --metric M --quantity Q --unit-cost U
/// --basis B` and any more flags.
fn add_licence(env: &Env, [product, metric, quantity, unit, basis]: [&str; 5], more: &[&str]) {
    let mut args = vec![
        "licences",
        "add",
        product,
        "--metric",
        metric,
        "--quantity",
        quantity,
        "--unit-cost",
        unit,
        "--basis",
        basis,
    ];
    args.extend_from_slice(more);
    env.ok(&args);
}

fn two_councils() -> Env {
    let env = Env::init();
    env.ok(&[
        "orgs",
        "add",
        "AVN",
        "Avonmere District Council",
        "--staff",
        "640",
    ]);
    env.ok(&[
        "orgs",
        "add",
        "BRK",
        "Brookfield Borough Council",
        "--staff",
        "400",
    ]);
    env
}

#[test]
fn moving_400_seats_to_the_cheaper_agreement_saves_1080_pounds_a_month() {
    let env = two_councils();
    add_licence(
        &env,
        ["Microsoft 365 E3", "per_user", "600", "20.40", "monthly"],
        &["--agreement", "EA 8841203", "--org", "AVN"],
    );
    add_licence(
        &env,
        ["M365 E3 (User)", "per_user", "400", "23.10", "monthly"],
        &["--agreement", "EA 61945507", "--org", "BRK"],
    );
    let c = env.json(&["licences", "consolidation", "--from", "2026/27"]);
    let group = &c[0];
    assert_eq!(group["product"], "Microsoft 365 E3");
    assert_eq!(group["seats"], 1000);
    assert_eq!(group["target_agreement"], "EA 8841203");
    // 400 × (£23.10 − £20.40) = £1,080.00 a month, £12,960.00 a year.
    assert_eq!(group["common_basis"], "monthly");
    assert_eq!(group["saving_on_basis"], "1080.00");
    assert_eq!(group["saving_per_year"], "12960.00");
    assert_eq!(group["by_year"].as_array().unwrap().len(), 5);
    // Renewals: 600 × £20.40 × 12 + 400 × £23.10 × 12 = £257,760.00 a year.
    let r = env.json(&["licences", "--from", "2026/27", "--years", "1"]);
    assert_eq!(r["totals"][0]["revenue"], "257760.00");
}

#[test]
fn licence_shortfall_against_staff_and_shelfware_against_devices() {
    let env = power_estate();
    env.ok(&["orgs", "staff", "BCW", "640"]);
    add_licence(
        &env,
        ["Microsoft 365 E3", "per_user", "600", "20.40", "monthly"],
        &["--agreement", "EA"],
    );
    add_licence(
        &env,
        ["Sophos Intercept X", "per_device", "15", "2.95", "monthly"],
        &["--covers", "desktop,laptop", "--agreement", "AV"],
    );
    let rows = env.json(&["licences", "compliance"]);
    let row = |p: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["product"] == p)
            .unwrap()
            .clone()
    };
    // 640 staff, 600 licensed: 40 short, 40 × £20.40 × 12 = £9,792.00 a year.
    let m365 = row("Microsoft 365 E3");
    assert_eq!(
        (m365["deployed"].as_u64(), m365["shortfall"].as_u64()),
        (Some(640), Some(40))
    );
    assert_eq!(m365["true_up_cost"], "9792.00");
    // 11 in-use desktops and laptops, 15 licensed: 4 spare, 4 × £2.95 × 12
    // = £141.60 a year. The synonym file names the product.
    let av = row("Sophos Intercept X Advanced");
    assert_eq!(
        (av["deployed"].as_u64(), av["shelfware"].as_u64()),
        (Some(11), Some(4))
    );
    assert_eq!(av["shelfware_cost"], "141.60");
}

fn line_estate() -> Env {
    let env = Env::with_org();
    env.ok(&[
        "lines",
        "add",
        "01632 960058",
        "--type",
        "pstn",
        "--rental",
        "20.00",
        "--critical-care",
        "--use",
        "Telecare",
    ]);
    env.ok(&[
        "lines",
        "add",
        "01632960100",
        "--type",
        "isdn2",
        "--rental",
        "42.00",
        "--contract-end",
        "2028-01-31",
    ]);
    env.ok(&[
        "lines",
        "add",
        "BBEU15476776",
        "--type",
        "sogea",
        "--rental",
        "29.50",
    ]);
    env
}

fn migrations(env: &Env, args: &[&str]) -> Vec<(String, String, bool, bool, String)> {
    let mut all = vec!["lines", "migrations"];
    all.extend_from_slice(args);
    env.json(&all)
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["number"].as_str().unwrap().to_string(),
                m["year"].as_str().unwrap().to_string(),
                m["critical_care"].as_bool().unwrap(),
                m["past_due"].as_bool().unwrap(),
                m["cost"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_line_estates_migrations_fall_in_the_year_before_the_switch_off() {
    let env = line_estate();
    // Switch-off 31 January 2027: the last day to migrate is 30 January
    // 2027, in 2026/27. The telecare line comes first.
    assert_eq!(
        migrations(&env, &["--from", "2026/27"]),
        [
            (
                "01632 960058".into(),
                "2026/27".into(),
                true,
                false,
                "150.00".into()
            ),
            (
                "01632960100".into(),
                "2026/27".into(),
                false,
                false,
                "250.00".into()
            ),
        ]
    );
    let f = env.json(&["lines", "--from", "2026/27", "--years", "3"]);
    assert_eq!(f["switch_off"]["last_day"], "2027-01-30");
    // Rentals: £1,098.00, then 3% a year per line to the penny.
    assert_eq!(f["totals"][0]["rental"], "1098.00");
    assert_eq!(f["totals"][1]["rental"], "1130.94");
    assert_eq!(f["totals"][2]["rental"], "1164.87");
    assert_eq!(f["totals"][0]["migration_cost"], "400.00");
    assert_eq!(f["totals"][0]["critical_care_on_legacy"], 1);
    assert_eq!(f["totals"][1]["critical_care_on_legacy"], 0);
    // A forecast starting after the switch-off: both lines past due, first year.
    let late = migrations(&env, &["--from", "2027/28"]);
    assert!(late.iter().all(|m| m.1 == "2027/28" && m.3), "{late:?}");
    // Only the critical-care line, on its own.
    let critical = env.json(&["lines", "critical-care", "--from", "2026/27"]);
    assert_eq!(critical.as_array().unwrap().len(), 1);
    assert_eq!(critical[0]["line_use"], "Telecare");
}

/// A copy of estate's data folder with `lines/settings.csv` given a new
/// switch-off date.
fn data_with_switch_off(dir: &Path, date: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let dest = dir.join(format!("data-{date}"));
    for sub in ["policy", "power", "lines", "licences"] {
        std::fs::create_dir_all(dest.join(sub)).unwrap();
        for entry in std::fs::read_dir(src.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dest.join(sub).join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        src.join("programme-lines.csv"),
        dest.join("programme-lines.csv"),
    )
    .unwrap();
    let settings = dest.join("lines/settings.csv");
    let text = std::fs::read_to_string(&settings).unwrap().replace(
        "switch_off_date,2027-01-31",
        &format!("switch_off_date,{date}"),
    );
    std::fs::write(&settings, text).unwrap();
    dest
}

#[test]
fn the_migration_year_turns_when_the_switch_off_moves_past_1_april() {
    let env = line_estate();
    // Switch-off 1 April 2027: last day 31 March 2027, still 2026/27.
    let data = data_with_switch_off(env.path(), "2027-04-01");
    env.ok(&["policy", "load", "--data", data.to_str().unwrap()]);
    let m = migrations(&env, &["--from", "2026/27"]);
    assert!(m.iter().all(|m| m.1 == "2026/27"), "{m:?}");
    // Switch-off 2 April 2027: last day 1 April 2027, 2027/28.
    let data = data_with_switch_off(env.path(), "2027-04-02");
    env.ok(&["policy", "load", "--data", data.to_str().unwrap()]);
    let m = migrations(&env, &["--from", "2026/27"]);
    assert!(m.iter().all(|m| m.1 == "2027/28" && !m.3), "{m:?}");
}

fn real_inputs(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/real-inputs")
        .join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

#[test]
fn power_profiles_import_reads_the_real_energy_star_lists_and_matches_known_models() {
    let Some(dir) = real_inputs("energystar") else {
        return;
    };
    let env = Env::with_org();
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT1",
        "--manufacturer",
        "LENOVO",
        "--model",
        "ThinkPad T14 Gen 1",
        "--purchase-date",
        "2020-02-17",
    ]);
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        "PC1",
        "--manufacturer",
        "Dell",
        "--model",
        "OptiPlex 7050 Small Form Factor",
        "--purchase-date",
        "2018-01-10",
    ]);
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV1",
        "--manufacturer",
        "Acme",
        "--model",
        "Nonesuch 9000",
        "--purchase-date",
        "2024-01-10",
    ]);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut args = vec!["power", "profiles", "import"];
    args.extend(files.iter().map(String::as_str));
    let report = env.json(&args);
    let matched = report["matched"].as_array().unwrap();
    let thinkpad = matched
        .iter()
        .find(|m| m["model"] == "ThinkPad T14 Gen 1")
        .expect("the ThinkPad T14 Gen 1 is certified");
    // ENERGY STAR id 2357381 lists a TEC of 21.2 kWh a year for it (in both
    // computers files).
    assert!(
        thinkpad["energystar_ids"]
            .as_str()
            .unwrap()
            .contains("2357381")
    );
    assert_eq!(d(&thinkpad["kwh_per_year"]), dec("21.2"));
    // "Small Form Factor" in the register is "SFF" on the list.
    let optiplex = matched
        .iter()
        .find(|m| m["model"] == "OptiPlex 7050 Small Form Factor")
        .expect("the OptiPlex 7050 SFF is certified");
    assert_eq!(optiplex["certified_model"], "DELL OptiPlex 7050 SFF");
    assert_eq!(report["unmatched"][0]["model"], "Nonesuch 9000");
    assert_eq!(report["assets_matched"], 2);
    // The laptop's energy now rests on its certified figure.
    let f = env.json(&["power", "--from", "2026/27", "--years", "1"]);
    assert_eq!(f["sources"]["from_model"], 2);
    assert_eq!(f["sources"]["from_class"], 1);
}

#[test]
fn the_2025_carbon_factors_are_the_uk_government_flat_files() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let Some(dir) = real_inputs("uk-ghg") else {
        return;
    };
    let mut book: Xlsx<_> =
        open_workbook(dir.join("ghg-conversion-factors-2025-flat-file.xlsx")).unwrap();
    let mut found = std::collections::BTreeMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for row in range.rows() {
            // The flat file's header is on row 6: ID, Scope, Level 1-4, Column
            // Text, UOM, GHG/Unit, GHG Conversion Factor 2025.
            if let (Some(Data::String(id)), Some(Data::Float(v))) = (row.first(), row.get(9)) {
                if id == "7_400_4000_5_1" || id == "13_402_4000_5_1" {
                    // The cell holds a float: compare at the 5 decimal places
                    // the factors are published to.
                    found.insert(id.clone(), format!("{v:.5}"));
                }
            }
        }
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/power/carbon-factors.csv"),
    )
    .unwrap();
    let line = text.lines().find(|l| l.starts_with("2025,")).unwrap();
    let fields: Vec<&str> = line.splitn(4, ',').collect();
    assert_eq!(
        found.get("7_400_4000_5_1").map(String::as_str),
        Some(fields[1])
    );
    assert_eq!(
        found.get("13_402_4000_5_1").map(String::as_str),
        Some(fields[2])
    );
}

#[test]
fn every_default_figure_in_data_has_a_source_and_the_running_cost_ones_a_date() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let mut files = Vec::new();
    let mut dirs = vec![data.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "sample") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "csv") {
                files.push(path);
            }
        }
    }
    files.sort();
    let running = [
        "power/class-profiles.csv",
        "power/tariffs.csv",
        "power/carbon-factors.csv",
        "lines/line-costs.csv",
        "lines/settings.csv",
        "licences/product-synonyms.csv",
    ];
    let mut checked = 0;
    for path in &files {
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .flexible(true)
            .from_path(path)
            .unwrap();
        let headers = reader.headers().unwrap().clone();
        let Some(col) = headers.iter().position(|h| h.trim() == "source") else {
            continue;
        };
        let rel = path
            .strip_prefix(&data)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let dated = running.contains(&rel.as_str());
        for record in reader.records() {
            let record = record.unwrap();
            let source = record.get(col).unwrap_or("").trim();
            assert!(
                !source.is_empty(),
                "{rel}: a figure without a source: {record:?}"
            );
            if dated {
                assert!(
                    source
                        .split(|c: char| !c.is_ascii_digit())
                        .any(|w| w.len() == 4 && (w.starts_with("19") || w.starts_with("20"))),
                    "{rel}: the source names no year: {source}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 80, "only {checked} figures found in {files:?}");
}

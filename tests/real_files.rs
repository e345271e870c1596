//! Real supplier and inventory-tool files (issue 12): read right, or refused
//! with the reason, never silently wrong. Snipe-IT's own sample files are
//! read in place from `../shared/real-inputs/snipe-it/` (never copied into
//! the project); the other files are built by the tests.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::Env;

/// Snipe-IT's sample files, where the project keeps them beside it.
fn snipe_it() -> Option<PathBuf> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/real-inputs/snipe-it");
    [beside, PathBuf::from("/work/shared/real-inputs/snipe-it")]
        .into_iter()
        .find(|p| p.join("assets-sample.csv").is_file())
}

macro_rules! snipe_it_or_skip {
    () => {
        match snipe_it() {
            Some(dir) => dir,
            None => {
                eprintln!(
                    "skipped: ../shared/real-inputs/snipe-it/ (Snipe-IT's sample files) is not \
                     here"
                );
                return;
            }
        }
    };
}

fn write(env: &Env, name: &str, text: &str) -> String {
    std::fs::write(env.path().join(name), text).expect("write a test file");
    name.to_string()
}

/// Every asset, by tag.
fn assets(env: &Env) -> Vec<Value> {
    env.json(&["list"]).as_array().expect("a list").clone()
}

fn asset<'a>(all: &'a [Value], tag: &str) -> &'a Value {
    all.iter()
        .find(|a| a["asset_tag"] == tag)
        .unwrap_or_else(|| panic!("no asset {tag}"))
}

fn batches(env: &Env) -> usize {
    env.json(&["imports"]).as_array().expect("a list").len()
}

/// Pence from a plain `1234.56` (worked out here, not by estate).
fn pence(text: &str) -> i64 {
    let (pounds, p) = text.split_once('.').unwrap_or((text, "00"));
    pounds.parse::<i64>().unwrap() * 100 + format!("{p:0<2}").parse::<i64>().unwrap()
}

/// A US date `m/d/yy` as ISO (worked out here, not by estate).
fn us_date(text: &str) -> String {
    let parts: Vec<u32> = text.split('/').map(|p| p.parse().unwrap()).collect();
    format!("20{:02}-{:02}-{:02}", parts[2], parts[0], parts[1])
}

/// The sample's rows as (tag, category, location, date, cost).
fn sample_rows(dir: &Path) -> Vec<[String; 5]> {
    let mut reader = csv::Reader::from_path(dir.join("assets-sample.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
            .unwrap()
    };
    let (tag, cat, loc, date, cost) = (
        col("Asset Tag"),
        col("Category"),
        col("Location"),
        col("Purchase Date"),
        col("Purchase Cost"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            [tag, cat, loc, date, cost].map(|i| r[i].to_string())
        })
        .collect()
}

#[test]
fn snipe_its_asset_sample_imports_21_assets_month_first_whole_and_one_reject_until_taught() {
    let dir = snipe_it_or_skip!();
    let env = Env::with_org();
    let file = dir.join("assets-sample.csv");
    let file = file.to_str().unwrap();
    let rows = sample_rows(&dir);
    assert_eq!(rows.len(), 22);
    let kept: Vec<&[String; 5]> = rows.iter().filter(|r| r[1] != "Fire Protection").collect();
    assert_eq!(kept.len(), 21);

    let out = env
        .cmd()
        .args(["import", "--profile", "snipe-it", "--org", "BCW", file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "assets-sample.csv, sheet `assets-sample.csv`, row 23, column `Category`: `Fire \
             Protection` is not a class estate knows, and neither is the model `Robby`; teach \
             the word with `estate vocabulary add class \"Fire Protection\" other`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "dates in `Purchase Date` read month-first (`1/23/23` on row 2 can only be \
             month-first)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("21 new, 0 changed, 0 unchanged, 1 rejected"),
        "{stderr}"
    );

    let all = assets(&env);
    assert_eq!(all.len(), 21);
    // Every asset as the file says, row by row: month-first dates, whole
    // locations, costs to the penny.
    for r in &kept {
        let a = asset(&all, &r[0]);
        assert_eq!(a["in_service_date"], us_date(&r[3]), "{}", r[0]);
        assert_eq!(a["site"], r[2].as_str(), "{}", r[0]);
        assert_eq!(pence(a["purchase_cost"].as_str().unwrap()), pence(&r[4]));
        assert_eq!(a["organisation"], "BCW");
        // The supplier's own category is kept on the asset.
        assert!(
            a["notes"]
                .as_str()
                .unwrap()
                .starts_with(&format!("Category: {};", r[1])),
            "{a}"
        );
    }
    let total: i64 = kept.iter().map(|r| pence(&r[4])).sum();
    let stored: i64 = all
        .iter()
        .map(|a| pence(a["purchase_cost"].as_str().unwrap()))
        .sum();
    assert_eq!(stored, total);
    let yoo = asset(&all, "YOO-5936907");
    assert_eq!(yoo["in_service_date"], "2022-10-01");
    let icc = asset(&all, "ICC-2065556");
    assert_eq!(icc["site"], "Wilkinson, Waters and Kerluke");
    assert_eq!(icc["in_service_date"], "2023-01-23");
    assert_eq!(icc["purchase_cost"], "2266.13");
    assert_eq!(icc["class"], "laptop");
    // Whom a device is checked out to is its user (the file's row 3:
    // `Checked Out To: Username` gmccrackem2a); a device checked out to a
    // location has none.
    assert_eq!(asset(&all, "WBH-2841795")["assigned_user"], "gmccrackem2a");
    assert_eq!(icc["assigned_user"], serde_json::Value::Null);

    env.ok(&["vocabulary", "add", "class", "Fire Protection", "other"]);
    let summary = env.json(&["import", "--profile", "snipe-it", "--org", "BCW", file]);
    assert_eq!(summary["total"]["new"], 1);
    assert_eq!(summary["total"]["unchanged"], 21);
    assert_eq!(summary["total"]["rejected"], 0);
    let all = assets(&env);
    assert_eq!(all.len(), 22);
    let suq = asset(&all, "SUQ-5159067");
    assert_eq!(suq["class"], "other");
    assert_eq!(suq["in_service_date"], "2022-06-24");
    assert_eq!(suq["purchase_cost"], "4402.74");
    assert_eq!(suq["site"], "Jenkins, Goldner and Cruickshank");
}

#[test]
fn snipe_its_asset_sample_without_its_profile_is_refused_pointing_at_the_profile() {
    let dir = snipe_it_or_skip!();
    let env = Env::with_org();
    let file = dir.join("assets-sample.csv");
    let out = env
        .cmd()
        .args(["import", "--org", "BCW", file.to_str().unwrap()])
        .output()
        .unwrap();
    // Every one of the 22 rows has a construction category ("Ornamental
    // Railings", "HVAC", ...) that is not a class, so all are rejected and
    // nothing is written (exit 1); the profile would read 21 of them.
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("all 22 row(s) were rejected"), "{stderr}");
    // The file's 21 headings: the profile reads Company, Asset Tag,
    // Category, Supplier, Manufacturer, Location, Order Number, Model,
    // Purchase Date, Purchase Cost and `Checked Out To: Username` - 11, at
    // least half of them.
    assert!(
        stderr.contains(
            "22 row(s) of sheet `assets-sample.csv` were rejected for a class estate does not \
             know; its headings look like a file the `snipe-it` profile is for (Snipe-IT asset \
             export (Assets > Export); it reads 11 of them), which tells an unknown \
             category's class from the model: if the file came from there, import it with \
             --profile snipe-it"
        ),
        "{stderr}"
    );
    assert_eq!(assets(&env).len(), 0);

    // With the profile the hint is not given.
    let out = env
        .cmd()
        .args([
            "import",
            "--profile",
            "snipe-it",
            "--org",
            "BCW",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("profile is for"));
}

#[test]
fn snipe_its_samples_that_are_not_asset_lists_are_refused_saying_what_they_look_like() {
    let dir = snipe_it_or_skip!();
    let env = Env::with_org();
    for (name, looks, first) in [
        ("users", "a list of people (users)", "`First Name`"),
        ("locations", "a list of places (locations)", "`name`"),
        (
            "models",
            "a catalogue of models (kinds of device, not the devices)",
            "`Name`",
        ),
        (
            "accessories",
            "a stock list of items counted by quantity",
            "`Company`",
        ),
        (
            "components",
            "a stock list of items counted by quantity",
            "`Item Name`",
        ),
        (
            "consumables",
            "a stock list of items counted by quantity",
            "`Company`",
        ),
    ] {
        let file = dir.join(format!("{name}-sample.csv"));
        let before = env.dump();
        let err = env.fails(
            &[
                "import",
                "--profile",
                "snipe-it",
                "--org",
                "BCW",
                file.to_str().unwrap(),
            ],
            1,
        );
        assert!(
            err.contains(&format!(
                "`{name}-sample.csv` is not a list of assets, lines or licences: it looks like \
                 {looks}"
            )),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!("its headings are {first}, ")),
            "{name}: {err}"
        );
        assert_eq!(env.dump(), before, "{name}: the register changed");
    }
    assert_eq!(batches(&env), 0);
}

#[test]
fn snipe_its_licence_sample_reads_as_licences_with_its_dollar_costs_rejected_by_name() {
    let dir = snipe_it_or_skip!();
    let env = Env::with_org();
    let file = dir.join("licenses-sample.csv");
    let file = file.to_str().unwrap();
    // As an asset list it is refused, naming the profile that reads it.
    let err = env.fails(
        &["import", "--profile", "snipe-it", "--org", "BCW", file],
        1,
    );
    assert!(
        err.contains("it looks like a list of software licences")
            && err.contains("--profile snipe-it-licences"),
        "{err}"
    );
    let rows = csv::Reader::from_path(file).unwrap().records().count();
    let err = env.fails(
        &[
            "import",
            "--profile",
            "snipe-it-licences",
            "--org",
            "BCW",
            file,
        ],
        1,
    );
    assert!(
        err.contains(&format!(
            "sheet `licenses-sample.csv`: {rows} rows of licences"
        )),
        "{err}"
    );
    assert!(
        err.contains(
            "row 2, column `purchase cost`: `$12.58` is in US dollars; estate keeps pounds: \
             convert it to pounds (ex VAT) in the file, or clear the cell"
        ),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "estate: `licenses-sample.csv`: all {rows} row(s) were rejected, so nothing was \
             imported and no batch was recorded"
        )),
        "{err}"
    );
    assert_eq!(batches(&env), 0);
    assert_eq!(
        env.json(&["licences", "list"]).as_array().map(Vec::len),
        Some(0)
    );
}

const DATES: &str = "Asset Tag,Model,Purchase Date,Warranty End\n\
                     T1,OptiPlex 7010,10/1/22,4/11/26\n\
                     T2,OptiPlex 7010,1/23/23,3/4/27\n\
                     T3,OptiPlex 7010,4/11/23,5/6/27\n";

#[test]
fn each_date_column_is_read_in_the_order_its_own_unambiguous_values_settle() {
    let env = Env::with_org();
    let f = write(&env, "dates.csv", DATES);
    let s = env.json(&["import", &f, "--org", "BCW"]);
    let dates = &s["sheets"][0]["dates"];
    assert_eq!(dates[0]["column"], "Purchase Date");
    assert_eq!(dates[0]["order"], "month-first");
    assert_eq!(dates[1]["column"], "Warranty End");
    assert_eq!(dates[1]["order"], "day-first");
    assert_eq!(dates[1]["why"], "none was unambiguous");
    let all = assets(&env);
    // Purchase Date settled month-first by 1/23/23; Warranty End has only
    // ambiguous values, read day-first.
    for (tag, bought, warranty) in [
        ("T1", "2022-10-01", "2026-11-04"),
        ("T2", "2023-01-23", "2027-04-03"),
        ("T3", "2023-04-11", "2027-06-05"),
    ] {
        let a = asset(&all, tag);
        assert_eq!(
            (a["in_service_date"].as_str(), a["warranty_end"].as_str()),
            (Some(bought), Some(warranty)),
            "{tag}"
        );
    }
    let err = env
        .cmd()
        .args(["import", &f, "--org", "BCW", "--dry-run"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&err.stderr);
    assert!(
        text.contains(
            "dates in `Warranty End` read day-first; none was unambiguous — `--us-dates` if they \
             are US"
        ),
        "{text}"
    );
}

#[test]
fn us_or_uk_dates_force_the_order_and_a_contradicting_value_is_rejected_naming_both() {
    let env = Env::with_org();
    let f = write(
        &env,
        "mixed.csv",
        "Asset Tag,Model,Purchase Date\nT1,OptiPlex 7010,1/23/23\nT2,OptiPlex 7010,10/1/22\n\
         T3,OptiPlex 7010,2/14/23\nT4,OptiPlex 7010,23/1/23\n",
    );
    let out = env
        .cmd()
        .args(["import", &f, "--org", "BCW"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(
            "row 5, column `Purchase Date`: `23/1/23` can only be read day-first, but this \
             column's dates are month-first (settled by `1/23/23` on row 2); check both, or say \
             the order with --us-dates or --uk-dates"
        ),
        "{text}"
    );
    let all = assets(&env);
    assert_eq!(all.len(), 3);
    assert_eq!(asset(&all, "T2")["in_service_date"], "2022-10-01");

    // --uk-dates: day-first whatever the column says; 1/23/23 and 2/14/23
    // are then not dates.
    let env = Env::with_org();
    let f = write(
        &env,
        "mixed.csv",
        "Asset Tag,Model,Purchase Date\nT1,OptiPlex 7010,10/1/22\nT2,OptiPlex 7010,1/23/23\n",
    );
    env.ok(&["import", &f, "--org", "BCW", "--uk-dates"]);
    let all = assets(&env);
    assert_eq!(all.len(), 1);
    assert_eq!(asset(&all, "T1")["in_service_date"], "2022-01-10");
    // --us-dates on a column of ambiguous values: month-first.
    let env = Env::with_org();
    let f = write(
        &env,
        "us.csv",
        "Asset Tag,Model,Purchase Date\nT1,OptiPlex 7010,10/1/22\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW", "--us-dates"]);
    assert_eq!(s["sheets"][0]["dates"][0]["why"], "as --us-dates says");
    assert_eq!(asset(&assets(&env), "T1")["in_service_date"], "2022-10-01");
    env.fails(
        &["import", &f, "--org", "BCW", "--us-dates", "--uk-dates"],
        2,
    );
}

#[test]
fn a_site_keeps_its_whole_text_and_one_taken_from_an_address_keeps_the_address_in_notes() {
    let env = Env::with_org();
    let f = write(
        &env,
        "sites.csv",
        "Asset Tag,Model,Location\nT1,OptiPlex 7010,\"Wilkinson, Waters and Kerluke\"\n\
         T2,PowerEdge R650,\"Shared Data Centre, Rack B04\"\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    let all = assets(&env);
    assert_eq!(asset(&all, "T1")["site"], "Wilkinson, Waters and Kerluke");
    assert_eq!(asset(&all, "T1")["notes"], Value::Null);
    assert_eq!(asset(&all, "T2")["site"], "Shared Data Centre");
    assert_eq!(
        asset(&all, "T2")["notes"],
        "Location: Shared Data Centre, Rack B04"
    );
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `sites.csv`: 1 site(s) in column `Location` were taken as the part before \
                the first comma, because what follows the comma is a place inside a building \
                (`Shared Data Centre, Rack B04` → site `Shared Data Centre`); each whole value \
                is kept in the record's notes"),
        "{s}"
    );
    let f = write(
        &env,
        "addresses.csv",
        "Asset Tag,Model,Site Address\nT3,OptiPlex 7010,\"Avonmere House, Castle Street, AV1 2AB\"\n",
    );
    env.ok(&["import", &f, "--org", "BCW"]);
    let all = assets(&env);
    assert_eq!(asset(&all, "T3")["site"], "Avonmere House");
    assert_eq!(
        asset(&all, "T3")["notes"],
        "Site Address: Avonmere House, Castle Street, AV1 2AB"
    );
}

#[test]
fn an_unknown_class_word_rejects_its_row_until_taught_and_then_decides_the_class() {
    let env = Env::with_org();
    let f = write(
        &env,
        "docks.csv",
        "Asset Tag,Type,Model,Cost\nD1,Docking Station,Latitude 5520,149.99\nL1,Laptop,Latitude 5520,899.00\n",
    );
    let out = env
        .cmd()
        .args(["import", &f, "--org", "BCW"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(
            "row 2, column `Type`: `Docking Station` is not a class estate knows; teach it with \
             `estate vocabulary add class \"Docking Station\" other`"
        ),
        "{text}"
    );
    let all = assets(&env);
    assert_eq!(
        all.len(),
        1,
        "the docking station is not costed as a laptop"
    );
    env.ok(&["vocabulary", "add", "class", "Docking Station", "other"]);
    env.ok(&["import", &f, "--org", "BCW"]);
    let all = assets(&env);
    let d = asset(&all, "D1");
    assert_eq!(d["class"], "other");
    assert_eq!(d["notes"], "Type: Docking Station");
    assert_eq!(d["purchase_cost"], "149.99");
}

#[test]
fn taught_words_are_listed_with_who_added_them_audited_used_by_import_and_removable() {
    let env = Env::with_org();
    for args in [
        &["vocabulary", "add", "heading", "Kit Ref", "asset_tag"][..],
        &["vocabulary", "add", "status", "Quarantined", "in_store"],
        &[
            "vocabulary",
            "add",
            "model",
            "Gizmobook",
            "laptop",
            "Gizmo Ltd",
        ],
        &["vocabulary", "add", "placeholder", "No tag"],
    ] {
        let out = env.cmd().env("USER", "jsmith").args(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let taught = env.json(&["vocabulary", "list", "--taught"]);
    let taught = taught.as_array().unwrap();
    let rows: Vec<(String, String, String, String)> = taught
        .iter()
        .map(|w| {
            (
                w["kind"].as_str().unwrap().to_string(),
                w["word"].as_str().unwrap().to_string(),
                w["meaning"].as_str().unwrap().to_string(),
                w["added_by"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let row = |k: &str, w: &str, m: &str| (k.into(), w.into(), m.into(), "jsmith".to_string());
    assert_eq!(
        rows,
        [
            row("heading", "Kit Ref", "asset_tag"),
            row("status", "Quarantined", "in_store"),
            row("model", "Gizmobook", "laptop"),
            row("placeholder", "No tag", ""),
        ]
    );
    let all = env.json(&["vocabulary", "list", "class"]);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|w| w["word"] == "notebook"
                && w["meaning"] == "laptop"
                && w["source"] == "built in")
    );
    // Each was written to the audit trail.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let audited: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE field = 'vocabulary' AND action = 'insert' \
             AND new_value LIKE '%(by jsmith)'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 4);

    // The import uses them: the taught heading, status, model and placeholder.
    let f = write(
        &env,
        "taught.csv",
        "Kit Ref,Serial Number,Model,Status\nK1,S1,Gizmobook 14,Quarantined\n,S2,Gizmobook 14,In Use\n",
    );
    let f2 = write(
        &env,
        "placeholder.csv",
        "Asset Tag,Serial Number,Model\nNo tag,S3,OptiPlex 7010\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    let columns = &s["sheets"][0]["columns"];
    assert_eq!(columns[0]["field"], "asset_tag");
    assert_eq!(columns[0]["source"], "vocabulary");
    env.ok(&["import", &f2, "--org", "BCW"]);
    let all = assets(&env);
    let k1 = asset(&all, "K1");
    assert_eq!(
        (&k1["class"], &k1["status"], &k1["manufacturer"]),
        (&"laptop".into(), &"in_store".into(), &"Gizmo Ltd".into())
    );
    assert_eq!(asset(&all, "S3")["serial"], "S3", "`No tag` is a blank tag");

    env.ok(&["vocabulary", "remove", "status", "quarantined"]);
    let left = env.json(&["vocabulary", "list", "--taught"]);
    assert_eq!(left.as_array().unwrap().len(), 3);
    let removed: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE field = 'vocabulary' AND action = 'delete'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(removed, 1);
    let err = env.fails(&["vocabulary", "add", "heading", "kit ref", "serial"], 1);
    assert!(
        err.contains("the register already knows the heading `Kit Ref`"),
        "{err}"
    );
}

#[test]
fn a_file_whose_every_row_is_rejected_exits_1_records_no_batch_and_still_writes_its_rejects() {
    let env = Env::with_org();
    let f = write(
        &env,
        "bad.csv",
        "Asset Tag,Type,Model\nW1,Widget,Frobnicator\nW2,Gadget,Frobnicator\n",
    );
    let before = env.dump();
    let err = env.fails(
        &["import", &f, "--org", "BCW", "--rejects", "rejects.csv"],
        1,
    );
    assert!(
        err.contains(
            "estate: `bad.csv`: all 2 row(s) were rejected, so nothing was imported and no batch \
             was recorded"
        ),
        "{err}"
    );
    assert_eq!(env.dump(), before);
    let rejects = std::fs::read_to_string(env.path().join("rejects.csv")).unwrap();
    assert_eq!(rejects.lines().count(), 3, "{rejects}");
    assert!(rejects.contains("W1") && rejects.contains("W2"));
}

#[test]
fn the_summary_shows_each_heading_the_field_it_was_read_as_and_where_that_came_from() {
    let env = Env::with_org();
    env.ok(&["vocabulary", "add", "heading", "Kit No", "asset_tag"]);
    let f = write(
        &env,
        "kit.csv",
        "Kit No,Serial,Model,Bought,Colour,Warranty\nK1,S1,OptiPlex 7010,31/03/2024,Black,36\n",
    );
    let before = env.dump();
    let out = env
        .cmd()
        .args([
            "import",
            &f,
            "--org",
            "BCW",
            "--profile",
            "snipe-it",
            "--map",
            "Bought=in_service_date",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = text.lines().take(9).collect();
    assert_eq!(
        lines,
        [
            "kit.csv (csv): dry run, nothing written",
            "  sheet `kit.csv`: 1 rows of hardware (header on row 1)",
            "    `Kit No` → asset_tag (the register's vocabulary)",
            "    `Serial` → serial (profile snipe-it)",
            "    `Model` → model (profile snipe-it)",
            "    `Bought` → in_service_date (--map)",
            "    `Warranty` → warranty_months (profile snipe-it)",
            "    `Colour` → notes (no field for it; --map \"Heading=field\" or `estate vocabulary \
             add heading \"Heading\" field` reads it)",
            "    dates in `Bought` read day-first (`31/03/2024` on row 2 can only be day-first)",
        ]
    );
    assert_eq!(env.dump(), before, "a dry run writes nothing");
    let out = env
        .cmd()
        .args(["import", &f, "--org", "BCW"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("    `Serial` → serial (built in)\n"),
        "{text}"
    );
    assert!(
        text.contains("    `Bought`, `Colour` → notes (no field for them;"),
        "{text}"
    );
}

#[test]
fn camel_case_headings_identifier_placeholders_and_small_serials_are_read_as_meant() {
    let env = Env::with_org();
    let f = write(
        &env,
        "mdm.csv",
        "AssetTag,SerialNumber,DeviceModel,PurchaseDate,PurchaseCost,Status\n\
         No tag,PF3ABC12,ThinkPad T14,2024-03-31,899.00,Archived (archived)\n\
         No tag,PF3ABC13,ThinkPad T14,2024-03-31,899.00,Archived\n\
         BCW-7,40,OptiPlex 7010,2023-01-15,612.34,Undeployable\n\
         ?,5CG1234XYZ,OptiPlex 7010,2023-01-15,612.34,Pending Diagnostics\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    let fields: Vec<&str> = s["sheets"][0]["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "asset_tag",
            "serial",
            "model",
            "in_service_date",
            "cost",
            "status"
        ]
    );
    assert_eq!(s["total"]["new"], 4);
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `mdm.csv`: 1 serial(s) in column `SerialNumber` are small whole numbers \
                (`40`), which look like row numbers or counts rather than makers' serials; check \
                them"),
        "{s}"
    );
    let all = assets(&env);
    // Three placeholder tags are blanks (each asset known by its serial),
    // not three copies of one tag.
    let tags: Vec<&str> = all
        .iter()
        .map(|a| a["asset_tag"].as_str().unwrap())
        .collect();
    let mut sorted = tags.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, ["5CG1234XYZ", "BCW-7", "PF3ABC12", "PF3ABC13"]);
    // `Archived` and `Archived (archived)` are one status whatever the
    // decoration: disposed of, which an import never records by itself (only
    // `estate dispose` does, with its certificate), so both are kept retired.
    let status = |tag: &str| asset(&all, tag)["status"].as_str().unwrap().to_string();
    assert_eq!(status("PF3ABC12"), "retired");
    assert_eq!(
        status("PF3ABC13"),
        "retired",
        "the decoration changes nothing"
    );
    assert_eq!(status("BCW-7"), "retired");
    assert_eq!(status("5CG1234XYZ"), "in_use");
    assert_eq!(asset(&all, "BCW-7")["purchase_cost"], "612.34");
}

#[test]
fn a_date_that_contradicts_a_forced_order_is_rejected_saying_the_flag_set_it() {
    let env = Env::with_org();
    let f = write(
        &env,
        "uk.csv",
        "Asset Tag,Model,Purchase Date\nT1,OptiPlex 7010,10/1/22\nT2,OptiPlex 7010,1/23/23\n",
    );
    let out = env
        .cmd()
        .args(["import", &f, "--org", "BCW", "--uk-dates"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains(
            "row 3, column `Purchase Date`: `1/23/23` can only be read month-first, but this \
             column's dates are day-first (as --uk-dates says); check both, or say the order \
             with --us-dates or --uk-dates"
        ),
        "{text}"
    );
}

#[test]
fn an_organisation_column_naming_no_organisation_goes_to_notes_when_org_is_given() {
    let env = Env::with_org();
    let f = write(
        &env,
        "customers.csv",
        "Company,Asset Tag,Model\nAuer LLC,T1,OptiPlex 7010\n\"Quitzon, Oberbrunner and Dibbert\",T2,OptiPlex 7010\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 2);
    assert_eq!(s["sheets"][0]["columns"][0]["source"], "notorganisation");
    assert!(
        s["notes"].as_array().unwrap().iter().any(|n| n
            == "sheet `customers.csv`: none of the 2 value(s) in column `Company` is an \
                organisation in the register, so it was not read as one: every row went into BCW \
                (--org) and each value is kept in the asset's notes"),
        "{s}"
    );
    let all = assets(&env);
    assert_eq!(asset(&all, "T1")["organisation"], "BCW");
    assert_eq!(
        asset(&all, "T2")["notes"],
        "Company: Quitzon, Oberbrunner and Dibbert"
    );
    // One value that is an organisation keeps the column an organisation
    // column: the others are rejected as before.
    let f = write(
        &env,
        "mixed.csv",
        "Company,Asset Tag,Model\nBCW,T3,OptiPlex 7010\nAuer LLC,T4,OptiPlex 7010\n",
    );
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(
        (&s["total"]["new"], &s["total"]["rejected"]),
        (&1.into(), &1.into())
    );
    // Without --org nothing stands in for the column: each row is rejected.
    let f = write(
        &env,
        "alone.csv",
        "Company,Asset Tag,Model\nAuer LLC,T5,OptiPlex 7010\n",
    );
    let err = env.fails(&["import", &f], 1);
    assert!(
        err.contains("`Auer LLC` is not an organisation in the register"),
        "{err}"
    );
}

#[test]
fn a_month_first_date_far_down_a_long_column_settles_the_dates_above_it() {
    let env = Env::with_org();
    let mut text = String::from("Asset Tag,Model,Purchase Date\n");
    for i in 1..=70 {
        // Rows 2–70 are ambiguous (10/1/22 … 10/12/22 repeating); row 71 is
        // plainly month-first.
        let _ = writeln!(text, "T{i},OptiPlex 7010,10/{}/22", (i - 1) % 12 + 1);
    }
    text.push_str("T71,OptiPlex 7010,1/23/23\n");
    let f = write(&env, "long.csv", &text);
    let s = env.json(&["import", &f, "--org", "BCW"]);
    assert_eq!(s["total"]["new"], 71);
    assert_eq!(
        s["sheets"][0]["dates"][0]["why"],
        "`1/23/23` on row 72 can only be month-first"
    );
    let all = assets(&env);
    assert_eq!(asset(&all, "T1")["in_service_date"], "2022-10-01");
    assert_eq!(asset(&all, "T12")["in_service_date"], "2022-10-12");
    assert_eq!(asset(&all, "T71")["in_service_date"], "2023-01-23");
}

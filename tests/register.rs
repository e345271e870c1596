//! The register commands end to end: init, orgs, sites, departments, add,
//! list, show, update, dispose, policy — and their error paths.

use crate::util::Env;

const ADD_PC: &[&str] = &[
    "add",
    "desktop",
    "--tag",
    "PC-00123",
    "--serial",
    "5CG1234XYZ",
    "--manufacturer",
    "Dell",
    "--model",
    "OptiPlex 7010",
    "--purchase-date",
    "2021-04-01",
    "--cost",
    "612.34",
    "--site",
    "Civic Centre",
];

#[test]
fn init_creates_a_register_and_says_where() {
    let env = Env::new();
    let out = env.said(&["init"]);
    assert!(out.starts_with("created register "), "{out}");
    let version = estate::db::latest_schema_version();
    assert!(
        out.contains(&format!("estate.db (schema version {version})")),
        "{out}"
    );
    assert!(
        out.contains("loaded 12 lives, 12 prices, 24 power profiles and 14 settings"),
        "{out}"
    );
    assert!(env.db().exists());
}

#[test]
fn init_refuses_to_overwrite_a_register() {
    let env = Env::init();
    let err = env.fails(&["init"], 3);
    assert!(err.contains("a register already exists at"), "{err}");
    assert!(
        err.contains("help: use that register, or give --db"),
        "{err}"
    );
}

#[test]
fn commands_without_a_register_say_how_to_make_one() {
    let env = Env::new();
    let err = env.fails(&["list"], 3);
    assert!(err.starts_with("estate: no register at `"), "{err}");
    assert!(err.contains("help: run `estate init`"), "{err}");
    assert!(
        !env.db().exists(),
        "a missing register must not be created by list"
    );
}

#[test]
fn the_db_flag_beats_the_environment() {
    let env = Env::new();
    let other = env.path().join("other.db");
    env.cmd()
        .args(["--db", other.to_str().unwrap(), "init"])
        .assert()
        .success();
    assert!(other.exists());
    assert!(!env.db().exists());
}

#[test]
fn add_then_show_round_trips_every_value() {
    let env = Env::with_org();
    let out = env.said(ADD_PC);
    assert_eq!(out, "added desktop PC-00123 to BCW\n");
    let shown = env.json(&["show", "PC-00123"]);
    let a = &shown["asset"];
    assert_eq!(a["organisation"], "BCW");
    assert_eq!(a["serial"], "5CG1234XYZ");
    assert_eq!(a["class"], "desktop");
    assert_eq!(a["model"], "OptiPlex 7010");
    assert_eq!(a["in_service_date"], "2021-04-01");
    assert_eq!(a["purchase_cost"], "612.34");
    assert_eq!(a["site"], "Civic Centre");
    assert_eq!(a["status"], "in_use");
    assert_eq!(a["funding"], "purchased");
    // by serial too
    let by_serial = env.json(&["show", "5CG1234XYZ"]);
    assert_eq!(by_serial["asset"]["asset_tag"], "PC-00123");
}

#[test]
fn supplier_words_name_classes() {
    let env = Env::with_org();
    env.ok(&["add", "Notebook", "--tag", "LT-1"]);
    env.ok(&["add", "Multifunction Printer", "--tag", "MFD-1"]);
    env.ok(&["add", "MFP", "--tag", "MFD-2"]);
    let list = env.json(&["list"]);
    let classes: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["class"].as_str().unwrap())
        .collect();
    assert_eq!(classes, ["laptop", "mfd", "mfd"]);
    let err = env.fails(&["add", "Widget", "--tag", "W-1"], 1);
    assert!(
        err.contains("`Widget` is not a known asset class; use one of: server, storage"),
        "{err}"
    );
}

#[test]
fn an_asset_added_updated_and_disposed_shows_its_full_history() {
    let env = Env::with_org();
    env.ok(ADD_PC);
    let out = env.said(&["update", "PC-00123", "--user", "J Smith", "--cost", "£600"]);
    assert_eq!(
        out,
        "updated PC-00123 in BCW: assigned_user: (empty) -> J Smith; purchase_cost: 612.34 -> 600.00\n"
    );
    let out = env.said(&[
        "dispose",
        "PC-00123",
        "--method",
        "destruction",
        "--certificate",
        "ADISA-2026-0042",
        "--date",
        "2026-05-01",
        "--contractor",
        "Secure IT Recycling Ltd",
    ]);
    assert_eq!(
        out,
        "disposed of PC-00123 (BCW) on 2026-05-01 by destruction, certificate ADISA-2026-0042\n"
    );
    let shown = env.json(&["show", "PC-00123"]);
    assert_eq!(shown["asset"]["status"], "disposed");
    assert_eq!(shown["disposal"]["certificate"], "ADISA-2026-0042");
    assert_eq!(shown["disposal"]["date"], "2026-05-01");
    let history = shown["history"].as_array().unwrap();
    let steps: Vec<(String, String, String, String)> = history
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (s("action"), s("field"), s("old_value"), s("new_value"))
        })
        .collect();
    assert_eq!(steps.len(), 5, "{steps:?}");
    assert_eq!(steps[0].0, "insert");
    assert!(
        steps[0].3.contains("\"purchase_cost\":\"612.34\""),
        "{}",
        steps[0].3
    );
    assert_eq!(
        steps[1],
        (
            "update".into(),
            "assigned_user".into(),
            String::new(),
            "J Smith".into()
        )
    );
    assert_eq!(
        steps[2],
        (
            "update".into(),
            "purchase_cost".into(),
            "612.34".into(),
            "600.00".into()
        )
    );
    assert_eq!(steps[3].0, "dispose");
    assert!(steps[3].3.contains("\"method\":\"destruction\""));
    assert_eq!(
        steps[4],
        (
            "update".into(),
            "status".into(),
            "in_use".into(),
            "disposed".into()
        )
    );
    assert!(
        history[1]["command"]
            .as_str()
            .unwrap()
            .starts_with("estate update PC-00123")
    );
    // The table view shows the same trail.
    let table = env.ok(&["show", "PC-00123"]);
    assert!(table.contains("history"), "{table}");
    assert!(table.contains("(record created)"));
    assert!(table.contains("ADISA-2026-0042"));
}

#[test]
fn disposing_twice_is_refused() {
    let env = Env::with_org();
    env.ok(ADD_PC);
    env.ok(&[
        "dispose",
        "PC-00123",
        "--method",
        "recycling",
        "--date",
        "2026-05-01",
    ]);
    let err = env.fails(
        &[
            "dispose",
            "PC-00123",
            "--method",
            "recycling",
            "--date",
            "2026-05-02",
        ],
        1,
    );
    assert!(
        err.contains("asset PC-00123 in organisation BCW was already disposed of on 2026-05-01"),
        "{err}"
    );
    let err = env.fails(
        &[
            "dispose",
            "PC-00123",
            "--method",
            "burning",
            "--date",
            "2026-05-02",
        ],
        2,
    );
    assert!(err.contains("`burning` is not a disposal method"), "{err}");
}

#[test]
fn a_disposal_in_the_future_is_refused() {
    let env = Env::with_org();
    env.ok(ADD_PC);
    let before = env.dump();
    let err = env.fails(
        &[
            "dispose",
            "PC-00123",
            "--method",
            "recycling",
            "--date",
            "2027-01-01",
        ],
        1,
    );
    assert_eq!(
        err,
        "estate: the disposal date 2027-01-01 is in the future\n"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn list_filters_and_formats() {
    let env = Env::with_org();
    env.ok(ADD_PC);
    env.ok(&[
        "add", "laptop", "--tag", "LT-1", "--cost", "850", "--status", "in_store",
    ]);
    env.ok(&["add", "laptop", "--tag", "LT-2", "--cost", "1,234.5"]);
    let csv = env.ok(&["--format", "csv", "list", "--class", "laptop"]);
    assert_eq!(
        csv,
        "org,tag,class,manufacturer,model,serial,site,in service,cost,status\n\
         BCW,LT-1,laptop,,,,,,850.00,in_store\n\
         BCW,LT-2,laptop,,,,,,1234.50,in_use\n"
    );
    let json = env.json(&["list", "--status", "in_use"]);
    let tags: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["asset_tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["LT-2", "PC-00123"]);
    let table = env.ok(&["list", "--site", "civic centre"]);
    assert!(
        table.contains("PC-00123") && !table.contains("LT-1"),
        "{table}"
    );
    assert!(table.contains("£612.34"));
    let md = env.ok(&["--format", "md", "list", "--class", "desktop"]);
    assert!(md.starts_with("| org | tag | class |"), "{md}");
}

#[test]
fn csv_listings_neutralise_formulas_in_text() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "=HYPERLINK(\"http://evil\")",
        "--model",
        "+cmd",
        "--manufacturer",
        "@SUM(1)",
    ]);
    let csv = env.ok(&["--format", "csv", "list"]);
    let row = csv.lines().nth(1).unwrap();
    assert_eq!(
        row,
        "BCW,\"'=HYPERLINK(\"\"http://evil\"\")\",laptop,'@SUM(1),'+cmd,,,,,in_use"
    );
}

#[test]
fn errors_name_the_record_and_the_fix() {
    let env = Env::with_org();
    env.ok(ADD_PC);
    let err = env.fails(&["show", "PC-99999"], 1);
    assert_eq!(
        err,
        "estate: no asset with tag or serial `PC-99999` in organisation BCW; `estate list --org BCW` lists them\n"
    );
    let err = env.fails(&["add", "desktop", "--tag", "PC-00123"], 1);
    assert!(
        err.contains("asset tag `PC-00123` is already used in organisation BCW"),
        "{err}"
    );
    let err = env.fails(
        &["add", "desktop", "--tag", "PC-2", "--serial", "5CG1234XYZ"],
        1,
    );
    assert!(
        err.contains(
            "serial `5CG1234XYZ` is already recorded in organisation BCW (asset PC-00123)"
        ),
        "{err}"
    );
    let err = env.fails(
        &["add", "desktop", "--tag", "PC-3", "--site", "Moon Base"],
        1,
    );
    assert!(
        err.contains(
            "no site `Moon Base` in organisation BCW; `estate sites --org BCW` lists them"
        ),
        "{err}"
    );
    let err = env.fails(&["add", "desktop", "--tag", "PC-4", "--cost", "-5"], 1);
    assert!(
        err.contains("asset PC-4: a cost cannot be negative (-£5.00)"),
        "{err}"
    );
    let err = env.fails(
        &[
            "add",
            "desktop",
            "--tag",
            "PC-5",
            "--purchase-date",
            "2027-06-01",
        ],
        1,
    );
    assert!(
        err.contains("the purchase date 2027-06-01 is in the future"),
        "{err}"
    );
    let err = env.fails(
        &[
            "add",
            "desktop",
            "--tag",
            "PC-6",
            "--purchase-date",
            "31/02/2021",
        ],
        2,
    );
    assert!(err.contains("`31/02/2021` is not a date"), "{err}");
    let err = env.fails(
        &[
            "add",
            "desktop",
            "--tag",
            "PC-7",
            "--lease-end",
            "2027-01-01",
        ],
        1,
    );
    assert!(
        err.contains("a lease end date needs --funding leased"),
        "{err}"
    );
    let err = env.fails(&["add", "desktop", "--tag", "PC-8", "--org", "XYZ"], 1);
    assert_eq!(
        err,
        "estate: no organisation `XYZ` in the register; `estate orgs` lists them\n"
    );
    let err = env.fails(&["update", "PC-00123", "--clear", "colour"], 1);
    assert!(err.contains("`colour` cannot be cleared"), "{err}");
    let err = env.fails(&["add", "desktop"], 2);
    assert!(err.contains("--tag <TAG>"), "{err}");
}

#[test]
fn a_failed_command_changes_nothing() {
    let env = Env::with_org();
    env.ok(ADD_PC);
    let before = env.dump();
    env.fails(
        &["add", "desktop", "--tag", "PC-2", "--serial", "5CG1234XYZ"],
        1,
    );
    env.fails(
        &[
            "update", "PC-00123", "--site", "Nowhere", "--user", "A Person",
        ],
        1,
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn with_several_organisations_org_is_required() {
    let env = Env::with_org();
    env.ok(&["orgs", "add", "ENC", "East Northamptonshire Council"]);
    let err = env.fails(&["add", "desktop", "--tag", "PC-1"], 1);
    assert_eq!(
        err,
        "estate: the register holds several organisations (BCW, ENC); say which with --org\n"
    );
    env.ok(&["add", "desktop", "--tag", "PC-1", "--org", "enc"]);
    env.ok(&["add", "desktop", "--tag", "PC-1", "--org", "BCW"]);
    let json = env.json(&["list", "--org", "ENC"]);
    assert_eq!(json.as_array().unwrap().len(), 1);
}

#[test]
fn organisations_sites_departments_and_shares() {
    let env = Env::init();
    env.ok(&[
        "orgs",
        "add",
        "AVN",
        "Avonmere District Council",
        "--staff",
        "640",
    ]);
    env.ok(&["orgs", "add", "BRK", "Brookfield Borough Council"]);
    env.ok(&[
        "orgs",
        "add",
        "ABS",
        "Avonmere & Brookfield Shared ICT Service",
        "--shared",
    ]);
    env.ok(&["orgs", "shares", "ABS", "AVN=40%", "BRK=60%"]);
    env.ok(&["orgs", "staff", "BRK", "910"]);
    let csv = env.ok(&["--format", "csv", "orgs"]);
    assert_eq!(
        csv,
        "code,name,shared service,staff,shares\n\
         ABS,Avonmere & Brookfield Shared ICT Service,yes,,\"AVN 40%, BRK 60%\"\n\
         AVN,Avonmere District Council,no,640,\n\
         BRK,Brookfield Borough Council,no,910,\n"
    );
    let err = env.fails(&["orgs", "shares", "ABS", "AVN=40%", "BRK=50%"], 1);
    assert!(
        err.contains("the shares of ABS must add up to 100%, not 90%"),
        "{err}"
    );
    let err = env.fails(&["orgs", "add", "avn", "Again"], 1);
    assert!(err.contains("organisation `AVN` already exists"), "{err}");
    let err = env.fails(&["orgs", "add", "A", "Too short"], 1);
    assert!(err.contains("`A` is not an organisation code"), "{err}");
    env.ok(&["sites", "add", "Avonmere House", "--org", "AVN"]);
    env.ok(&[
        "departments",
        "add",
        "Revenues & Benefits",
        "--cost-centre",
        "RB02",
        "--org",
        "AVN",
    ]);
    let err = env.fails(&["sites", "add", "avonmere house", "--org", "AVN"], 1);
    assert!(
        err.contains("site `avonmere house` already exists in organisation AVN"),
        "{err}"
    );
    assert_eq!(
        env.ok(&["--format", "csv", "sites"]),
        "org,site\nAVN,Avonmere House\n"
    );
    assert_eq!(
        env.ok(&["--format", "csv", "departments", "--org", "AVN"]),
        "org,department,cost centre\nAVN,Revenues & Benefits,RB02\n"
    );
}

#[test]
fn policy_show_lists_the_defaults_with_sources() {
    let env = Env::init();
    let csv = env.ok(&["--format", "csv", "policy", "show"]);
    assert!(csv.contains("life (years),server,3,"), "{csv}");
    assert!(csv.contains("life (years),laptop,4,"), "{csv}");
    assert!(
        csv.contains("unit price,laptop,850.00,\"Essex PFCC report 165-23"),
        "{csv}"
    );
    assert!(csv.contains("setting,inflation,2.0%,"), "{csv}");
    // Reloading from an edited copy of data/ replaces the figures.
    let data = env.path().join("data");
    std::fs::create_dir_all(data.join("policy")).unwrap();
    std::fs::create_dir_all(data.join("power")).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for f in [
        "policy/lives.csv",
        "policy/prices.csv",
        "policy/settings.csv",
        "power/class-profiles.csv",
    ] {
        std::fs::copy(root.join(f), data.join(f)).unwrap();
    }
    let lives = std::fs::read_to_string(data.join("policy/lives.csv")).unwrap();
    std::fs::write(
        data.join("policy/lives.csv"),
        lives.replace("desktop,5,", "desktop,6,"),
    )
    .unwrap();
    env.ok(&["policy", "load", "--data", data.to_str().unwrap()]);
    let csv = env.ok(&["--format", "csv", "policy", "show"]);
    assert!(csv.contains("life (years),desktop,6,"), "{csv}");
    std::fs::write(
        data.join("policy/lives.csv"),
        "class,life_years,source\nserver,x,y\n",
    )
    .unwrap();
    let before = env.dump();
    let err = env.fails(&["policy", "load", "--data", data.to_str().unwrap()], 1);
    assert!(
        err.contains("policy/lives.csv`, line 2: `x` is not a life in whole years"),
        "{err}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn a_writer_and_a_reader_in_two_processes_both_succeed() {
    let env = Env::with_org();
    // Start a writer adding 200 assets one command at a time while a reader lists repeatedly.
    let db = env.db();
    let writer = std::thread::spawn({
        let db = db.clone();
        let dir = env.path().to_path_buf();
        move || {
            for i in 0..40 {
                let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("estate"))
                    .current_dir(&dir)
                    .env("ESTATE_DB", &db)
                    .env("ESTATE_TODAY", crate::util::TODAY)
                    .args(["add", "desktop", "--tag", &format!("PC-{i:04}")])
                    .output()
                    .expect("run writer");
                assert!(
                    status.status.success(),
                    "{}",
                    String::from_utf8_lossy(&status.stderr)
                );
            }
        }
    });
    let mut listings = 0;
    while !writer.is_finished() {
        let out = env
            .cmd()
            .args(["--format", "json", "list"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "reader failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(v.as_array().unwrap().len() <= 40);
        listings += 1;
    }
    writer.join().unwrap();
    assert!(listings >= 1);
    assert_eq!(env.json(&["list"]).as_array().unwrap().len(), 40);
}

#[test]
fn a_file_that_is_not_a_register_is_refused() {
    let env = Env::new();
    std::fs::write(env.db(), b"Asset Tag,Serial\nPC-1,ABC\n").unwrap();
    let err = env.fails(&["list"], 3);
    assert!(err.contains("is not an estate register"), "{err}");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let env = Env::new();
    env.fails(&["frobnicate"], 2);
    let out = env.ok(&["--help"]);
    assert!(
        out.contains("Keeps a public body's ICT asset register"),
        "{out}"
    );
    let out = env.ok(&["add", "--help"]);
    assert!(out.contains("estate add desktop --tag PC-00123"), "{out}");
}

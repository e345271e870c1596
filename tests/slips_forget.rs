//! Slips of issue 11 around people: `forget-user` removes exactly the
//! person asked for (whole names, any script and capitals, their e-mail
//! addresses), shows what it would change before it does, and the audit
//! trail and import batches say who made each change.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::util::Env;

/// Runs `estate args…` as the operating-system user `user` (no
/// `ESTATE_USER`).
fn run_as(env: &Env, user: &str, args: &[&str]) -> Output {
    env.cmd()
        .env_remove("ESTATE_USER")
        .env_remove("USERNAME")
        .env("USER", user)
        .args(args)
        .output()
        .expect("run estate")
}

/// `estate args…` as `user`, which must succeed; its stdout.
fn ok_as(env: &Env, user: &str, args: &[&str]) -> String {
    let out = run_as(env, user, args);
    assert!(
        out.status.success(),
        "estate {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// One asset as `show --format json` gives it.
fn asset(env: &Env, tag: &str) -> Value {
    env.json(&["show", tag])["asset"].clone()
}

/// Every assigned user of the register, by tag.
fn users(env: &Env) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT asset_tag, assigned_user FROM assets ORDER BY asset_tag")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn owned(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    pairs
        .iter()
        .map(|(t, u)| ((*t).to_string(), u.map(str::to_string)))
        .collect()
}

#[test]
fn forgetting_ian_leaves_a_proliant_model_alone() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--model",
        "ProLiant DL380",
        "--user",
        "Ian Morgan",
        "--notes",
        "racked by Ian Morgan; see Brian",
    ]);
    env.ok(&["forget-user", "Ian Morgan"]);
    let srv = asset(&env, "SRV-1");
    assert_eq!(srv["model"], "ProLiant DL380");
    assert!(srv["assigned_user"].is_null());
    assert_eq!(srv["notes"], "racked by [redacted]; see Brian");
    let dump = env.dump().join("\n");
    assert!(!dump.contains("Ian Morgan"), "{dump}");
    assert!(dump.contains("ProLiant DL380"));
    assert!(!dump.contains("ProL[redacted]"), "{dump}");
}

#[test]
fn a_single_word_is_refused_and_with_word_only_whole_words_go() {
    let env = Env::with_org();
    let surnames = [
        "Morgan",
        "Dixon",
        "Baker",
        "Lloyd",
        "Green",
        "Owen",
        "Thomas",
        "Shah",
        "Griffiths",
        "Iqbal",
        "Patel",
    ];
    for (i, s) in surnames.iter().enumerate() {
        let user = format!("Ian {s}");
        env.ok(&[
            "add",
            "desktop",
            "--tag",
            &format!("PC-{i:02}"),
            "--user",
            &user,
        ]);
    }
    env.ok(&[
        "add",
        "server",
        "--tag",
        "SRV-1",
        "--model",
        "ProLiant DL380",
        "--user",
        "Brian Ianson",
    ]);
    env.ok(&["add", "desktop", "--tag", "PC-99", "--user", "IAN"]);
    let before = env.dump();
    let err = env.fails(&["forget-user", "Ian"], 1);
    assert!(err.contains("`Ian` is a single word"), "{err}");
    assert!(
        err.contains("would also be removed from everyone else"),
        "{err}"
    );
    assert!(err.contains("--word"), "{err}");
    assert_eq!(env.dump(), before, "a refused forget changed the register");

    env.ok(&["forget-user", "Ian", "--word"]);
    let mut want: Vec<(String, Option<String>)> = surnames
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("PC-{i:02}"), Some(format!("[redacted] {s}"))))
        .collect();
    // The one whose whole recorded name is the word loses it.
    want.push(("PC-99".into(), None));
    want.push(("SRV-1".into(), Some("Brian Ianson".into())));
    assert_eq!(users(&env), want);
    assert_eq!(asset(&env, "SRV-1")["model"], "ProLiant DL380");
}

#[test]
fn forgetting_smith_with_word_leaves_smithdown_road_alone() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "mfd",
        "--tag",
        "MFD-1",
        "--user",
        "Jo Smith",
        "--notes",
        "Smithdown Road depot; ask SMITH",
    ]);
    let before = env.dump();
    env.fails(&["forget-user", "Smith"], 1);
    assert_eq!(env.dump(), before);
    env.ok(&["forget-user", "Smith", "--word"]);
    let mfd = asset(&env, "MFD-1");
    assert_eq!(mfd["notes"], "Smithdown Road depot; ask [redacted]");
    assert_eq!(mfd["assigned_user"], "Jo [redacted]");
}

#[test]
fn names_in_other_scripts_and_capitals_are_found_in_any_case() {
    let env = Env::with_org();
    for (tag, user) in [
        ("LT-1", "Zoë Ó Briain"),
        ("LT-2", "Łukasz Ŵyn"),
        ("LT-3", "ËLLA ŴILLIAMS"),
        ("LT-4", "Zoe O Briain"),
    ] {
        env.ok(&["add", "laptop", "--tag", tag, "--user", user]);
    }
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT-5",
        "--notes",
        "spare for ZOË Ó BRIAIN",
    ]);
    env.ok(&["forget-user", "zoë ó briain"]);
    env.ok(&["forget-user", "ŁUKASZ ŵyn"]);
    // Typed with a combining diaeresis (E + U+0308), as some keyboards do.
    env.ok(&["forget-user", "E\u{308}lla Ŵilliams"]);
    assert_eq!(
        users(&env),
        owned(&[
            ("LT-1", None),
            ("LT-2", None),
            ("LT-3", None),
            // Without the accents it is someone else's name.
            ("LT-4", Some("Zoe O Briain")),
            ("LT-5", None),
        ])
    );
    assert_eq!(asset(&env, "LT-5")["notes"], "spare for [redacted]");
    let dump = env.dump().join("\n").to_lowercase();
    for gone in ["zoë ó briain", "łukasz", "ŵyn", "ëlla", "ŵilliams"] {
        assert!(!dump.contains(gone), "{gone} survives");
    }
    assert!(dump.contains("zoe o briain"));
}

#[test]
fn email_addresses_and_user_names_kept_from_an_import_are_removed_with_email() {
    let env = Env::with_org();
    std::fs::write(
        env.path().join("report.csv"),
        "Serial Number,Type,Assigned To,Email,UPN,Manager Email\n\
         SN-1,Laptop,Jane Doe,Jane.Doe@Council.gov.uk,JDOE@COUNCIL.GOV.UK,xjdoe@council.gov.uk\n",
    )
    .unwrap();
    env.ok(&["import", "report.csv", "--org", "BCW"]);
    let before = asset(&env, "SN-1");
    assert_eq!(
        before["notes"],
        "Email: Jane.Doe@Council.gov.uk; UPN: JDOE@COUNCIL.GOV.UK; Manager Email: xjdoe@council.gov.uk"
    );
    env.ok(&[
        "forget-user",
        "Jane Doe",
        "--email",
        "jane.doe@council.gov.uk",
        "--email",
        "jdoe@council.gov.uk",
    ]);
    let after = asset(&env, "SN-1");
    assert!(after["assigned_user"].is_null());
    assert_eq!(
        after["notes"],
        "Email: [redacted]; UPN: [redacted]; Manager Email: xjdoe@council.gov.uk"
    );
    let dump = env.dump().join("\n").to_lowercase();
    assert!(!dump.contains("jane.doe@"), "{dump}");
    assert!(!dump.contains("jane doe"), "{dump}");
    assert!(!dump.contains(" jdoe@"), "{dump}");
    assert!(
        !dump.contains(":jdoe@") && !dump.contains("\"jdoe@"),
        "{dump}"
    );
    assert_eq!(dump.matches("xjdoe@council.gov.uk").count(), {
        // The other person's address stays wherever it was: the asset's
        // notes. (Before V18 also the audit row of its insert; a record an
        // import creates now has none, its batch being its audit.)
        1
    });
}

/// The changes `forget-user --format json` lists, as (where, record,
/// field, count).
fn changes(v: &Value) -> Vec<(String, String, String, u64)> {
    v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["place"].as_str().unwrap().to_string(),
                c["record"].as_str().unwrap().to_string(),
                c["field"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn audit_row(env: &Env, action: &str, tag_or_field: &str) -> String {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let id: i64 = conn
        .query_row(
            "SELECT l.audit_id FROM audit_log l JOIN assets a ON a.asset_id = l.entity_id \
             WHERE l.entity = 'asset' AND l.action = ?1 AND (a.asset_tag = ?2 OR l.field = ?2) \
             ORDER BY l.audit_id LIMIT 1",
            [action, tag_or_field],
            |r| r.get(0),
        )
        .unwrap();
    format!("row {id}")
}

#[test]
fn a_dry_run_lists_what_the_real_run_changes_and_changes_nothing() {
    let env = Env::with_org();
    env.ok(&["add", "laptop", "--tag", "LT-1", "--user", "Jane Doe"]);
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT-2",
        "--notes",
        "from JANE DOE, then jane doe",
    ]);
    env.ok(&["update", "LT-2", "--status", "in_store"]);
    let before = env.dump();
    let dry = env.json(&["forget-user", "Jane Doe", "--dry-run"]);
    assert_eq!(env.dump(), before, "a dry run changed the register");
    assert_eq!(dry["dry_run"], true);
    // Worked out by hand: LT-1's user; the insert record and command line of
    // LT-1 (`--user Jane Doe`); LT-2's notes (twice), its insert record
    // (twice) and its command line (twice).
    let ins1 = audit_row(&env, "insert", "LT-1");
    let ins2 = audit_row(&env, "insert", "LT-2");
    let want = vec![
        ("assets".into(), "LT-1".into(), "assigned_user".into(), 1),
        ("assets".into(), "LT-2".into(), "notes".into(), 2),
        ("audit trail".into(), ins1.clone(), "new_value".into(), 1),
        ("audit trail".into(), ins2.clone(), "new_value".into(), 2),
        ("audit trail".into(), ins1, "command".into(), 1),
        ("audit trail".into(), ins2, "command".into(), 2),
    ];
    assert_eq!(changes(&dry), want);
    assert_eq!(dry["matches"], 9);
    assert_eq!(dry["fields"], 6);
    assert_eq!(dry["records_noted"], 2);

    // The table says the same.
    let table = env.ok(&["forget-user", "Jane Doe", "--dry-run"]);
    assert!(table.contains("where"), "{table}");
    assert!(table.contains("assigned_user"), "{table}");
    assert_eq!(env.dump(), before);

    let real = env.json(&["forget-user", "Jane Doe"]);
    assert_eq!(real["dry_run"], false);
    assert_eq!(changes(&real), want);
    assert_eq!(real["matches"], dry["matches"]);
    assert_eq!(real["records_noted"], dry["records_noted"]);
    assert_ne!(env.dump(), before);
    assert!(!env.dump().join("\n").to_lowercase().contains("jane doe"));
    // Run again, there is nothing left to forget.
    let err = env.fails(&["forget-user", "Jane Doe"], 1);
    assert!(err.contains("no record holds that name"), "{err}");
}

#[test]
fn a_name_no_record_holds_exits_1_and_records_nothing() {
    let env = Env::with_org();
    env.ok(&["add", "laptop", "--tag", "LT-1", "--user", "Jane Doe"]);
    let before = env.dump();
    let err = env.fails(&["forget-user", "John Smith"], 1);
    assert_eq!(
        err,
        "estate: failed to forget the user: no record holds that name (nor any address given); \
         nothing was changed\n"
    );
    assert_eq!(env.dump(), before);
    let err = env.fails(&["forget-user", "John Smith", "--dry-run"], 1);
    assert!(err.contains("no record holds that name"), "{err}");
    assert_eq!(env.dump(), before);
}

/// `who` of every audit row of asset `tag`, oldest first.
fn trail_who(env: &Env, tag: &str) -> Vec<String> {
    trail_who_in(env, &["show", tag])
}

fn trail_who_in(env: &Env, show: &[&str]) -> Vec<String> {
    env.json(show)["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["who"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_audit_row_names_who_made_it() {
    let env = Env::with_org();
    ok_as(&env, "alice", &["add", "laptop", "--tag", "LT-1"]);
    ok_as(
        &env,
        "alice",
        &["update", "LT-1", "--as", "Bob Jones", "--notes", "x"],
    );
    let by_env = env
        .cmd()
        .env("ESTATE_USER", "carol")
        .env("USER", "alice")
        .args(["update", "LT-1", "--notes", "y"])
        .output()
        .unwrap();
    assert!(by_env.status.success());
    // --as wins over ESTATE_USER.
    let both = env
        .cmd()
        .env("ESTATE_USER", "carol")
        .args(["--as", "dave", "update", "LT-1", "--notes", "z"])
        .output()
        .unwrap();
    assert!(both.status.success());
    assert_eq!(
        trail_who(&env, "LT-1"),
        ["alice", "Bob Jones", "carol", "dave"]
    );
    let table = env.ok(&["show", "LT-1"]);
    let history = table.split("history").nth(1).unwrap();
    assert!(history.contains("who"), "{table}");
    for who in ["alice", "Bob Jones", "carol", "dave"] {
        assert!(history.contains(who), "{who} not shown:\n{table}");
    }
}

#[test]
fn an_import_batch_and_its_rows_name_who_imported_and_who_undid_it() {
    let env = Env::with_org();
    std::fs::write(
        env.path().join("report.csv"),
        "Serial Number,Type\nSN-1,Laptop\n",
    )
    .unwrap();
    ok_as(&env, "erin", &["import", "report.csv", "--org", "BCW"]);
    let batches = env.json(&["imports"]);
    assert_eq!(batches[0]["who"], "erin");
    let table = env.ok(&["imports"]);
    assert!(table.contains("who") && table.contains("erin"), "{table}");
    assert_eq!(trail_who(&env, "SN-1"), ["erin"]);
    ok_as(&env, "frank", &["imports", "undo", "1"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let undo_by: String = conn
        .query_row(
            "SELECT who FROM audit_log WHERE action = 'undo' ORDER BY audit_id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(undo_by, "frank");
}

#[test]
fn rows_written_before_estate_recorded_who_say_unknown() {
    let env = Env::new();
    std::fs::copy(
        Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/register-v1.db"
        )),
        env.db(),
    )
    .unwrap();
    assert_eq!(
        trail_who_in(&env, &["show", "PC-00123", "--org", "BRK"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        ["unknown", "unknown"]
    );
    ok_as(
        &env,
        "grace",
        &["update", "PC-00123", "--org", "BRK", "--notes", "checked"],
    );
    let history = env.json(&["show", "PC-00123", "--org", "BRK"])["history"].clone();
    let who: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["who"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["unknown", "unknown", "grace"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let named_batches: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM import_batches WHERE who <> 'unknown'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(named_batches, 0);
}

#[test]
fn forgetting_a_person_removes_them_from_who_made_changes() {
    let env = Env::with_org();
    ok_as(
        &env,
        "x",
        &["--as", "Jane Doe", "add", "laptop", "--tag", "LT-1"],
    );
    ok_as(&env, "x", &["update", "LT-1", "--notes", "kept"]);
    env.ok(&["forget-user", "Jane Doe"]);
    let who = trail_who(&env, "LT-1");
    assert_eq!(who[..2], ["[redacted]", "x"]);
    assert!(!env.dump().join("\n").contains("Jane Doe"));
}

/// Every (tag, assigned user, model) of the register.
fn people_and_models(env: &Env) -> Vec<(String, Option<String>, Option<String>)> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT asset_tag, assigned_user, model FROM assets ORDER BY asset_id")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn on_the_sample_estate_forgetting_ian_refuses_then_takes_whole_words_only() {
    let env = Env::new();
    env.ok(&["demo", "--out", "sample"]);
    env.replace_register(&env.path().join("sample").join("estate.db"));
    let before = env.dump();
    let err = env.fails(&["forget-user", "Ian"], 1);
    assert!(err.contains("single word"), "{err}");
    assert_eq!(env.dump(), before);

    let assets = people_and_models(&env);
    // Worked out from the register as it is: a user whose first word is
    // `Ian` keeps the rest of the name; nothing else changes.
    let want: Vec<_> = assets
        .iter()
        .map(|(tag, user, model)| {
            let user = user.as_ref().map(|u| match u.strip_prefix("Ian ") {
                Some(rest) => format!("[redacted] {rest}"),
                None => u.clone(),
            });
            (tag.clone(), user, model.clone())
        })
        .collect();
    let ians: std::collections::BTreeSet<&str> = assets
        .iter()
        .filter_map(|(_, u, _)| u.as_deref().filter(|u| u.starts_with("Ian ")))
        .collect();
    assert_eq!(
        ians.len(),
        11,
        "the sample has eleven people called Ian: {ians:?}"
    );
    assert!(
        assets
            .iter()
            .any(|(_, _, m)| m.as_deref().is_some_and(|m| m.contains("ProLiant")))
    );

    let dry = env.json(&["forget-user", "Ian", "--word", "--dry-run"]);
    assert_eq!(env.dump(), before, "a dry run changed the register");
    let real = env.json(&["forget-user", "Ian", "--word"]);
    assert_eq!(changes(&dry), changes(&real));
    assert_eq!(dry["matches"], real["matches"]);
    assert_eq!(people_and_models(&env), want);
    let dump = env.dump().join("\n");
    assert!(
        !dump.contains("L[redacted]"),
        "a word inside a word was redacted"
    );
    assert!(!dump.contains("Ian "), "an `Ian` survives");
}

#[test]
fn a_saved_forecast_named_after_a_person_loses_the_name() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT-1",
        "--purchase-date",
        "2021-04-01",
        "--cost",
        "800",
    ]);
    env.ok(&["forecast", "--save", "Jane Doe's draft"]);
    env.ok(&["forget-user", "jane doe"]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let (name, command): (String, String) = conn
        .query_row("SELECT name, command FROM forecast_runs", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(name, "[redacted]'s draft");
    assert_eq!(command, "estate forecast --save [redacted]'s draft");
}

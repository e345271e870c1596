//! Slips (issue 11): records change only the way the rules allow, and say
//! so. Disposal is reached only through `estate dispose` and left only
//! through its audited reversal; shares belong to shared services; a tag or
//! serial is one identity however it is typed; an import that renames an
//! asset says so by name. Each test reads the register row by row before
//! and after.

use std::path::Path;

use crate::util::Env;

/// The `status` of each asset, by tag, read straight from the register.
fn statuses(env: &Env) -> Vec<(String, String)> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT asset_tag, status FROM assets ORDER BY asset_tag")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
        .collect()
}

/// How many rows a query counts.
fn count(env: &Env, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn write(env: &Env, name: &str, text: &str) -> String {
    let path = env.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

// ---------------------------------------------------------------- disposal

#[test]
fn update_and_add_cannot_make_an_asset_disposed_and_name_estate_dispose() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    let before = env.dump();
    let err = env.fails(&["update", "PC-1", "--status", "disposed"], 1);
    assert_eq!(
        err,
        "estate: failed to update asset PC-1: asset PC-1 in organisation BCW is not given the \
         status disposed by an update: a disposal is recorded with its method and certificate\n\
         help: record the disposal: estate dispose PC-1 --org BCW --method METHOD \
         --date YYYY-MM-DD --certificate REF\n"
    );
    assert_eq!(env.dump(), before, "a refused update writes nothing");
    let err = env.fails(
        &["add", "laptop", "--tag", "LT-1", "--status", "disposed"],
        1,
    );
    assert!(
        err.contains("help: record the disposal: estate dispose LT-1"),
        "{err}"
    );
    assert_eq!(env.dump(), before, "a refused add writes nothing");
    assert_eq!(statuses(&env), pairs(&[("PC-1", "in_use")]));
}

#[test]
fn a_disposal_is_left_only_through_an_audited_reversal_with_its_reason() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1", "--status", "in_store"]);
    env.ok(&[
        "dispose",
        "PC-1",
        "--method",
        "recycling",
        "--certificate",
        "WEEE-1",
        "--date",
        "2026-05-01",
    ]);
    assert_eq!(statuses(&env), pairs(&[("PC-1", "disposed")]));
    let before = env.dump();

    // Any other status by update is refused, naming the reversal.
    for status in ["in_use", "in_store", "retired", "lost"] {
        let err = env.fails(&["update", "PC-1", "--status", status], 1);
        assert_eq!(
            err,
            "estate: failed to update asset PC-1: asset PC-1 in organisation BCW is disposed of; \
             its status stays disposed unless the disposal is reversed\n\
             help: if the disposal was a mistake, reverse it: estate dispose --undo PC-1 \
             --org BCW --reason \"why\"\n"
        );
    }
    // A reversal needs a reason: missing is a usage error, blank a refusal.
    env.fails(&["dispose", "--undo", "PC-1"], 2);
    let err = env.fails(&["dispose", "--undo", "PC-1", "--reason", "  "], 1);
    assert!(
        err.contains("give the reason the disposal is reversed"),
        "{err}"
    );
    // --undo takes no disposal details.
    env.fails(
        &[
            "dispose", "--undo", "PC-1", "--reason", "x", "--method", "resale",
        ],
        2,
    );
    assert_eq!(env.dump(), before, "refusals write nothing");

    let out = env
        .cmd()
        .args([
            "dispose",
            "--undo",
            "pc-1",
            "--reason",
            "recorded against the wrong asset",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    // The confirmation (on stdout or stderr, wherever confirmations go).
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        said,
        "reversed the disposal of PC-1 (BCW) on 2026-05-01 by recycling; its status is in_store again\n"
    );
    // Back to the status it had before the disposal (in_store, not in_use),
    // the disposal record gone from the disposals table…
    assert_eq!(statuses(&env), pairs(&[("PC-1", "in_store")]));
    assert_eq!(count(&env, "SELECT COUNT(*) FROM disposals"), 0);
    let shown = env.json(&["show", "PC-1"]);
    assert_eq!(shown["asset"]["status"], "in_store");
    assert!(shown["disposal"].is_null());
    // …and kept whole in the history, with the reason.
    let history = shown["history"].as_array().unwrap();
    let actions: Vec<(&str, Option<&str>)> = history
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["field"].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("insert", None),
            ("dispose", None),
            ("update", Some("status")),
            ("undo", Some("disposal")),
            ("update", Some("status")),
        ]
    );
    let undo = &history[3];
    assert_eq!(
        undo["new_value"],
        "disposal reversed: recorded against the wrong asset"
    );
    let record: serde_json::Value =
        serde_json::from_str(undo["old_value"].as_str().unwrap()).unwrap();
    assert_eq!(record["certificate"], "WEEE-1");
    assert_eq!(record["date"], "2026-05-01");
    assert_eq!(record["method"], "recycling");
    assert_eq!(
        (
            history[4]["old_value"].as_str(),
            history[4]["new_value"].as_str()
        ),
        (Some("disposed"), Some("in_store"))
    );
    let table = env.ok(&["show", "PC-1"]);
    assert!(
        table.contains("disposal reversed: recorded against the wrong asset"),
        "{table}"
    );
    assert!(env.said(&["check"]).ends_with("no problems found\n"));

    // Reversing what is not disposed of is refused; disposing again works.
    let err = env.fails(&["dispose", "--undo", "PC-1", "--reason", "again"], 1);
    assert!(
        err.contains("asset PC-1 in organisation BCW has no disposal to reverse"),
        "{err}"
    );
    env.ok(&[
        "dispose",
        "PC-1",
        "--method",
        "resale",
        "--date",
        "2026-06-01",
    ]);
    assert_eq!(statuses(&env), pairs(&[("PC-1", "disposed")]));
    assert_eq!(count(&env, "SELECT COUNT(*) FROM disposals"), 1);
}

#[test]
fn a_reversed_disposal_without_a_status_before_it_returns_the_asset_to_the_store() {
    // A register written before the rule: disposed by a raw status, no
    // disposal record and no status change in the trail.
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute("UPDATE assets SET status = 'disposed'", [])
            .unwrap();
    }
    env.ok(&[
        "dispose",
        "--undo",
        "PC-1",
        "--reason",
        "never left the building",
    ]);
    assert_eq!(statuses(&env), pairs(&[("PC-1", "in_store")]));
}

#[test]
fn check_finds_a_disposal_record_and_a_disposed_status_that_disagree_either_way() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    env.ok(&["add", "desktop", "--tag", "PC-2"]);
    env.ok(&[
        "dispose",
        "PC-1",
        "--method",
        "recycling",
        "--date",
        "2026-05-01",
    ]);
    assert!(env.said(&["check"]).ends_with("no problems found\n"));
    {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute(
            "UPDATE assets SET status = 'in_use' WHERE asset_tag = 'PC-1'",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE assets SET status = 'disposed' WHERE asset_tag = 'PC-2'",
            [],
        )
        .unwrap();
    }
    let out = env.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "asset PC-1 has a disposal record but its status is in_use\n\
         asset PC-2 is disposed of but has no disposal record; record it with \
         `estate dispose PC-2 --org BCW --method METHOD --date DATE`\n"
    );
}

#[test]
fn import_neither_disposes_of_an_asset_nor_brings_a_disposed_one_back() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-2", "--serial", "SN-2"]);
    env.ok(&["add", "desktop", "--tag", "PC-3", "--serial", "SN-3"]);
    env.ok(&[
        "dispose",
        "PC-3",
        "--method",
        "resale",
        "--date",
        "2026-05-01",
    ]);
    let csv = write(
        &env,
        "supplier.csv",
        "Asset Tag,Serial,Type,Status\n\
         PC-1,SN-1,Desktop,Disposed\n\
         PC-2,SN-2,Desktop,Disposed\n\
         PC-3,SN-3,Desktop,In use\n",
    );
    let out = env
        .cmd()
        .args(["--format", "json", "import", &csv])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // New and in-use kit the file calls disposed is retired until the
    // disposal is recorded; the disposed asset stays disposed, record and all.
    assert_eq!(
        statuses(&env),
        pairs(&[
            ("PC-1", "retired"),
            ("PC-2", "retired"),
            ("PC-3", "disposed")
        ])
    );
    assert_eq!(count(&env, "SELECT COUNT(*) FROM disposals"), 1);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let kept: Vec<(String, String, String, u64)> = summary["statuses_not_taken"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["asset_tag"].as_str().unwrap().to_string(),
                n["given"].as_str().unwrap().to_string(),
                n["status"].as_str().unwrap().to_string(),
                n["row"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            ("PC-1".into(), "disposed".into(), "retired".into(), 2),
            ("PC-2".into(), "disposed".into(), "retired".into(), 3),
            ("PC-3".into(), "in_use".into(), "disposed".into(), 4),
        ]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "sheet `supplier.csv`, row 2: asset PC-1 (BCW): the file says disposed; kept as retired \
             until the disposal is recorded: estate dispose PC-1 --org BCW --method METHOD"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "row 4: asset PC-3 (BCW): asset PC-3 is disposed of in the register and stays so; \
             if its disposal was a mistake: estate dispose --undo PC-3 --org BCW"
        ),
        "{stderr}"
    );
    assert!(env.said(&["check"]).ends_with("no problems found\n"));
}

// ---------------------------------------------------------------- shares

#[test]
fn shares_are_set_only_on_a_shared_service_and_only_for_its_councils() {
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env.ok(&["orgs", "add", "BRK", "Brookfield Borough Council"]);
    env.ok(&["orgs", "add", "ABS", "Shared ICT Service", "--shared"]);
    env.ok(&["orgs", "add", "XSS", "Another Shared Service", "--shared"]);
    let before = env.dump();
    let err = env.fails(&["orgs", "shares", "BRK", "AVN=100%"], 1);
    assert_eq!(
        err,
        "estate: failed to set the shares of BRK: organisation BRK is not a shared service, so \
         its costs have no shares to set\n\
         help: shares belong to a shared service (`estate orgs add CODE \"Name\" --shared`); \
         `estate orgs` shows which organisations are\n"
    );
    let err = env.fails(&["orgs", "shares", "ABS", "XSS=50%", "AVN=50%"], 1);
    assert_eq!(
        err,
        "estate: failed to set the shares of ABS: XSS is itself a shared service, so it cannot \
         bear a share of ABS: shares go to member councils\n"
    );
    let err = env.fails(&["orgs", "shares", "ABS", "ABS=50%", "AVN=50%"], 1);
    assert!(err.contains("ABS cannot be a member of itself"), "{err}");
    // Nothing written: BRK is still not a shared service, no shares at all.
    assert_eq!(env.dump(), before);
    assert_eq!(
        count(
            &env,
            "SELECT is_shared_service FROM organisations WHERE code = 'BRK'"
        ),
        0
    );
    env.ok(&["orgs", "shares", "ABS", "AVN=40%", "BRK=60%"]);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM organisation_shares"), 2);
}

// ---------------------------------------------------------------- identity

#[test]
fn tags_and_serials_that_differ_only_by_case_spaces_or_invisible_characters_are_one() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1", "--serial", "SN-1"]);
    env.ok(&["add", "desktop", "--tag", "CAF\u{c9}-1"]);
    let before = env.dump();
    // `pc-1 ` with a zero-width space is PC-1.
    let err = env.fails(&["add", "desktop", "--tag", "pc-\u{200B}1 "], 1);
    assert_eq!(
        err,
        "estate: failed to add asset pc-\u{200B}1: asset tag `pc-1` is already used in \
         organisation BCW (as `PC-1`); `estate show PC-1 --org BCW` shows it\n"
    );
    let err = env.fails(
        &[
            "add",
            "desktop",
            "--tag",
            "PC-9",
            "--serial",
            " sn-1\u{FEFF}",
        ],
        1,
    );
    assert!(
        err.contains("serial `sn-1` is already recorded in organisation BCW (asset PC-1)"),
        "{err}"
    );
    // E + combining acute (NFD) is É: the same tag.
    env.fails(&["add", "desktop", "--tag", "cafe\u{301}-1"], 1);
    // A rename onto another asset's tag under the rule is refused too.
    env.fails(&["update", "CAF\u{c9}-1", "--tag", "Pc-1"], 1);
    assert_eq!(env.dump(), before, "refused adds and updates write nothing");

    // show, update and dispose find the asset however the tag is typed.
    for typed in ["pc-1", " PC-1 ", "P\u{200B}C-1", "sn-1", "\u{FEFF}Sn-1"] {
        let shown = env.json(&["show", typed]);
        assert_eq!(shown["asset"]["asset_tag"], "PC-1", "{typed:?}");
    }
    assert_eq!(
        env.json(&["show", "CAFE\u{301}-1"])["asset"]["asset_tag"],
        "CAF\u{c9}-1"
    );
    env.ok(&["update", " pc-1", "--notes", "found by its key"]);
    env.ok(&[
        "dispose",
        "P\u{200B}C-1",
        "--method",
        "recycling",
        "--date",
        "2026-05-01",
    ]);
    let list = env.json(&["list"]);
    let rows: Vec<(&str, Option<&str>, &str, Option<&str>)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["asset_tag"].as_str().unwrap(),
                a["serial"].as_str(),
                a["status"].as_str().unwrap(),
                a["notes"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("CAF\u{c9}-1", None, "in_use", None),
            ("PC-1", Some("SN-1"), "disposed", Some("found by its key")),
        ]
    );
}

#[test]
fn a_tag_keeps_what_was_typed_without_its_invisible_characters() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        " Pc-\u{200B}7 ",
        "--serial",
        "\u{FEFF}ab-1",
    ]);
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let row: (String, String, String, String) = conn
        .query_row(
            "SELECT asset_tag, serial, tag_key, serial_key FROM assets",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        row,
        ("Pc-7".into(), "ab-1".into(), "pc-7".into(), "ab-1".into())
    );
}

#[test]
fn a_tag_with_a_control_character_or_over_64_characters_is_refused() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    let before = env.dump();
    let err = env.fails(&["add", "desktop", "--tag", "PC\u{1}2"], 1);
    assert!(
        err.contains(
            "asset tag `PC\\u{1}2`: an asset tag cannot hold a control character (U+0001)"
        ),
        "{err}"
    );
    let long = "T".repeat(65);
    let err = env.fails(&["add", "desktop", "--tag", &long], 1);
    assert!(
        err.contains("an asset tag can be at most 64 characters, not 65"),
        "{err}"
    );
    let err = env.fails(&["update", "PC-1", "--tag", "PC\t1"], 1);
    assert!(err.contains("control character (U+0009)"), "{err}");
    assert_eq!(env.dump(), before);
    // 64 characters is the most, and is accepted.
    env.ok(&["add", "desktop", "--tag", &"T".repeat(64)]);

    // Import: the row is rejected, naming its sheet, row and column.
    let before = env.dump();
    let csv = write(
        &env,
        "tags.csv",
        &format!("Asset Tag,Serial,Type\nPC\u{1}5,SN-5,Desktop\n{long},SN-6,Desktop\n"),
    );
    let out = env
        .cmd()
        .args(["import", &csv, "--strict"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "tags.csv, sheet `tags.csv`, row 2, column `Asset Tag`: `PC\u{1}5` an asset tag cannot \
             hold a control character (U+0001)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("tags.csv, sheet `tags.csv`, row 3, column `Asset Tag`: `TTTTT")
            && stderr.contains("an asset tag can be at most 64 characters, not 65"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn import_matches_tags_and_serials_by_the_same_rule_as_add() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1", "--serial", "SN-1"]);
    env.ok(&["add", "desktop", "--tag", "PC-2"]);
    let csv = write(
        &env,
        "again.csv",
        "Asset Tag,Serial,Type,Model\n\
         pc-1\u{200B},sn-1,Desktop,OptiPlex 7010\n\
         \u{FEFF}Pc-2 ,,Desktop,OptiPlex 7020\n",
    );
    let summary = env.json(&["import", &csv]);
    assert_eq!(summary["total"]["new"], 0);
    assert_eq!(summary["total"]["changed"], 2);
    let list = env.json(&["list"]);
    let rows: Vec<(&str, Option<&str>, &str)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["asset_tag"].as_str().unwrap(),
                a["serial"].as_str(),
                a["model"].as_str().unwrap(),
            )
        })
        .collect();
    // The model came in; the tags are the file's, tidied (`pc-1`, `Pc-2`), the
    // same identities, and the change of spelling is reported as one.
    assert_eq!(
        rows,
        [
            ("Pc-2", None, "OptiPlex 7020"),
            ("pc-1", Some("SN-1"), "OptiPlex 7010"),
        ]
    );
    assert_eq!(count(&env, "SELECT COUNT(*) FROM assets"), 2);
}

#[test]
fn an_import_that_changes_a_tag_or_serial_says_which_by_name() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1", "--serial", "SN-1"]);
    env.ok(&["add", "desktop", "--tag", "PC-2"]);
    let csv = write(
        &env,
        "renamed.csv",
        "Asset Tag,Serial,Type\nNEW-1,SN-1,Desktop\nPC-2,SN-2,Desktop\n",
    );
    let out = env
        .cmd()
        .args(["--format", "json", "import", &csv])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "  changed the identity of existing assets:\n\
             \x20   sheet `renamed.csv`, row 2: tag PC-1 \u{2192} NEW-1, matched by serial SN-1\n\
             \x20   sheet `renamed.csv`, row 3: serial (none) \u{2192} SN-2, matched by tag PC-2\n"
        ),
        "{stderr}"
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary["identity_changes"],
        serde_json::json!([
            {"sheet": "renamed.csv", "row": 2, "organisation": "BCW", "field": "tag",
             "old": "PC-1", "new": "NEW-1", "matched_by": "serial", "matched_value": "SN-1"},
            {"sheet": "renamed.csv", "row": 3, "organisation": "BCW", "field": "serial",
             "old": null, "new": "SN-2", "matched_by": "tag", "matched_value": "PC-2"}
        ])
    );
    let list = env.json(&["list"]);
    let rows: Vec<(&str, Option<&str>)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["asset_tag"].as_str().unwrap(), a["serial"].as_str()))
        .collect();
    assert_eq!(rows, [("NEW-1", Some("SN-1")), ("PC-2", Some("SN-2"))]);
}

#[test]
fn a_register_from_before_the_identity_rule_gets_its_keys_when_it_is_upgraded() {
    let env = Env::new();
    let v1 = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/register-v1.db"
    ));
    std::fs::copy(v1, env.db()).unwrap();
    let shown = env.json(&["show", " pc-00123", "--org", "BRK"]);
    assert_eq!(shown["asset"]["asset_tag"], "PC-00123");
    let shown = env.json(&["show", "5cg1234xyz", "--org", "BRK"]);
    assert_eq!(shown["asset"]["asset_tag"], "PC-00123");
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let keys: Vec<(String, Option<String>)> = conn
        .prepare("SELECT tag_key, serial_key FROM assets ORDER BY asset_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        keys,
        [
            ("pc-00123".into(), Some("5cg1234xyz".into())),
            ("lt-00042".into(), None),
            ("srv-01".into(), Some("cz1234".into())),
            ("mfd-007".into(), None),
        ]
    );
}

#[test]
fn two_tags_a_register_held_before_the_rule_are_reported_and_can_still_be_corrected() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    env.ok(&["add", "desktop", "--tag", "PC-2"]);
    {
        // As a register from before the rule could hold them: `pc-1` beside `PC-1`.
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute(
            "UPDATE assets SET asset_tag = 'pc-1', tag_key = 'pc-1' WHERE asset_tag = 'PC-2'",
            [],
        )
        .unwrap();
    }
    let out = env.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "assets PC-1 and pc-1 in organisation BCW have the same tag (ignoring case, spaces and \
         invisible characters); change one with `estate update pc-1 --org BCW --tag NEW`\n"
    );
    // Each is found by its exact spelling, and either can still be changed.
    assert_eq!(env.json(&["show", "pc-1"])["asset"]["asset_tag"], "pc-1");
    assert_eq!(env.json(&["show", "PC-1"])["asset"]["asset_tag"], "PC-1");
    env.ok(&["update", "PC-1", "--notes", "the first"]);
    env.ok(&["update", "pc-1", "--tag", "PC-1B"]);
    assert_eq!(
        statuses(&env),
        pairs(&[("PC-1", "in_use"), ("PC-1B", "in_use")])
    );
    assert!(env.said(&["check"]).ends_with("no problems found\n"));
}

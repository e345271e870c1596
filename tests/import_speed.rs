//! A record an import creates is audited by its batch, not by a row of its
//! own (issue 18, V18): what the audit trail holds after an import, and that
//! `show --history`, `imports undo`, `check`, `forget-user` and the V18
//! migration read it that way and mean what they meant before.

use crate::util::Env;

/// Three desktops and a laptop's worth of kit: three rows, one assigned to
/// Jane Smith (a name `forget-user` must reach in the created record).
const KIT: &str = "Asset Tag,Serial Number,Type,Model,Cost,Assigned To\n\
                   PC-1,SN-1,Desktop,OptiPlex 7010,612.34,Jane Smith\n\
                   PC-2,SN-2,Desktop,OptiPlex 7010,500.00,\n\
                   PC-3,SN-3,Laptop,ThinkPad T14,900.00,\n";

/// The importer's name, given with `--as`.
const IMPORTER: &str = "Ann Importer";

/// A register with organisation BCW and `KIT` imported as batch 1 by
/// [`IMPORTER`].
fn imported() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "BCW", "Brookfield Borough Council"]);
    std::fs::write(env.path().join("kit.csv"), KIT).unwrap();
    env.ok(&["--as", IMPORTER, "import", "kit.csv", "--org", "BCW"]);
    env
}

fn sql_count(env: &Env, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// `estate check`'s problems (stdout), asserting that it failed.
fn check_fails(env: &Env) -> String {
    let out = env.cmd().arg("check").output().unwrap();
    assert!(!out.status.success(), "check should find a problem");
    String::from_utf8(out.stdout).unwrap()
}

fn sql(env: &Env, sql: &str) {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// `(action, field, old, new, who, batch)` of each history entry.
fn trail(env: &Env, tag: &str) -> Vec<serde_json::Value> {
    env.json(&["show", tag])["history"]
        .as_array()
        .unwrap()
        .clone()
}

fn created_json(entry: &serde_json::Value) -> serde_json::Value {
    serde_json::from_str(entry["new_value"].as_str().unwrap()).unwrap()
}

#[test]
fn an_import_writes_no_audit_row_per_created_record_and_one_per_changed_field() {
    let env = imported();
    // Three records created, no site or department named: the batch is
    // their whole audit, so batch 1 has no audit rows at all.
    assert_eq!(
        sql_count(&env, "SELECT COUNT(*) FROM audit_log WHERE batch_id = 1"),
        0
    );
    assert_eq!(
        sql_count(&env, "SELECT COUNT(*) FROM assets WHERE batch_id = 1"),
        3
    );
    // The re-import changes PC-1's cost (612.34 → 600.00) and PC-2's model
    // (7010 → 7020), leaves PC-3 as it was and adds PC-4: 2 changed fields,
    // so 2 update rows, and none for PC-4.
    std::fs::write(
        env.path().join("kit2.csv"),
        "Asset Tag,Serial Number,Type,Model,Cost\n\
         PC-1,SN-1,Desktop,OptiPlex 7010,600.00\n\
         PC-2,SN-2,Desktop,OptiPlex 7020,500.00\n\
         PC-3,SN-3,Laptop,ThinkPad T14,900.00\n\
         PC-4,SN-4,Laptop,ThinkPad T14,900.00\n",
    )
    .unwrap();
    env.ok(&["--as", IMPORTER, "import", "kit2.csv", "--org", "BCW"]);
    assert_eq!(
        sql_count(&env, "SELECT COUNT(*) FROM audit_log WHERE batch_id = 2"),
        2
    );
    assert_eq!(
        sql_count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE batch_id = 2 AND action = 'update' \
             AND field IN ('purchase_cost', 'model')"
        ),
        2
    );
    // A record added by hand keeps its insert row: one more row in all.
    let before = sql_count(&env, "SELECT COUNT(*) FROM audit_log");
    env.ok(&["add", "desktop", "--tag", "PC-9"]);
    assert_eq!(
        sql_count(&env, "SELECT COUNT(*) FROM audit_log"),
        before + 1
    );
    assert_eq!(
        sql_count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'insert' AND entity = 'asset'"
        ),
        1
    );
    env.ok(&["check"]);
}

#[test]
fn history_names_the_batch_and_the_values_as_imported_even_after_an_edit() {
    let env = imported();
    env.ok(&[
        "update",
        "PC-1",
        "--cost",
        "600",
        "--model",
        "OptiPlex 7020",
    ]);
    let history = trail(&env, "PC-1");
    // The created entry, then the edit's two field rows.
    assert_eq!(history.len(), 3, "{history:#?}");
    let created = &history[0];
    assert_eq!(created["action"], "insert");
    assert_eq!(created["batch_id"], 1);
    assert_eq!(created["who"], IMPORTER);
    assert_eq!(created["source"], "kit.csv");
    assert_eq!(
        created["command"],
        "estate --as Ann Importer import kit.csv --org BCW"
    );
    // The time is the record's creation, within the batch's.
    let batch_at = env.json(&["imports"])[0]["imported_at"].clone();
    assert_eq!(created["at"], batch_at);
    // The values as the file gave them: the cost and model the edit
    // replaced come back from its update rows' old values.
    let values = created_json(created);
    assert_eq!(values["purchase_cost"], "612.34");
    assert_eq!(values["model"], "OptiPlex 7010");
    assert_eq!(values["assigned_user"], "Jane Smith");
    assert_eq!(values["serial"], "SN-1");
    assert_eq!(values.as_object().unwrap().len(), 26);
    assert_eq!(history[1]["field"], "model");
    assert_eq!(history[2]["old_value"], "612.34");
    assert_eq!(history[2]["new_value"], "600.00");
    // The table names the batch and its file.
    let table = env.ok(&["show", "PC-1"]);
    assert!(
        table.contains("(created by import batch 1 of kit.csv)"),
        "{table}"
    );
    assert!(table.contains(IMPORTER), "{table}");
}

#[test]
fn undo_removes_what_the_batch_created_unless_a_later_edit_touched_it() {
    let env = imported();
    env.ok(&["update", "PC-2", "--notes", "kept by the service desk"]);
    // As before (tests/import.rs): a later hand edit of a record the batch
    // wrote refuses the undo and names the edit.
    let err = env.fails(&["imports", "undo", "1"], 1);
    assert!(
        err.contains("asset `PC-2` was changed after it by `estate update PC-2"),
        "{err}"
    );
    assert!(err.contains("reverse that change first"), "{err}");
    assert_eq!(
        sql_count(&env, "SELECT COUNT(*) FROM assets"),
        3,
        "nothing removed"
    );
    // A batch nothing touched since is undone whole: its 3 assets removed,
    // one undo row each.
    std::fs::write(
        env.path().join("more.csv"),
        "Asset Tag,Serial Number,Type\nPC-7,SN-7,Desktop\nPC-8,SN-8,Laptop\n",
    )
    .unwrap();
    env.ok(&["import", "more.csv", "--org", "BCW"]);
    env.ok(&["imports", "undo", "2"]);
    assert_eq!(sql_count(&env, "SELECT COUNT(*) FROM assets"), 3);
    assert_eq!(
        sql_count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE batch_id = 2 AND action = 'undo'"
        ),
        2
    );
    env.ok(&["check"]);
}

#[test]
fn check_passes_and_catches_a_tampered_creating_batch() {
    let env = imported();
    env.ok(&["add", "desktop", "--tag", "PC-9"]);
    env.ok(&["check"]);
    // A hand-added asset made to claim batch 1 as its creator: its own
    // insert row says it was added by hand.
    sql(
        &env,
        "UPDATE assets SET batch_id = 1 WHERE asset_tag = 'PC-9'",
    );
    let err = check_fails(&env);
    assert!(
        err.contains("asset PC-9 names import batch 1 as its creator"),
        "{err}"
    );
    sql(
        &env,
        "UPDATE assets SET batch_id = NULL WHERE asset_tag = 'PC-9'",
    );
    env.ok(&["check"]);
    // An imported asset whose creating batch is taken away reads as added
    // by no one.
    sql(
        &env,
        "PRAGMA foreign_keys = OFF; UPDATE assets SET batch_id = NULL WHERE asset_tag = 'PC-3'",
    );
    let err = check_fails(&env);
    assert!(
        err.contains("asset PC-3 has no audit record of being added"),
        "{err}"
    );
}

#[test]
fn forgetting_the_importer_and_a_named_user_reaches_the_batch_and_the_created_record() {
    let env = imported();
    env.said(&["forget-user", IMPORTER]);
    env.said(&["forget-user", "Jane Smith"]);
    let left: Vec<String> = env
        .dump()
        .into_iter()
        .filter(|row| row.contains("Ann Importer") || row.contains("Jane Smith"))
        .collect();
    assert!(left.is_empty(), "{left:#?}");
    let history = trail(&env, "PC-1");
    let created = &history[0];
    assert_eq!(created["who"], "[redacted]");
    assert!(
        !created["command"].as_str().unwrap().contains("Ann"),
        "{created}"
    );
    // Jane Smith was the whole assigned user: cleared in the record, and
    // the created entry says a name was there without giving it.
    assert_eq!(created_json(created)["assigned_user"], "[redacted]");
    assert!(
        !serde_json::to_string(&history)
            .unwrap()
            .contains("Jane Smith")
    );
}

#[test]
fn the_v18_migration_turns_old_insert_rows_into_the_batch_and_history_reads_the_same() {
    let env = imported();
    env.ok(&["update", "PC-1", "--cost", "600"]);
    let expected: Vec<serde_json::Value> = ["PC-1", "PC-2", "PC-3"]
        .iter()
        .map(|t| trail(&env, t))
        .map(|mut h| {
            // Before V18 the created entry was a row of its own, with its id
            // and no file named; everything else must read the same.
            h[0]["id"] = serde_json::Value::Null;
            h[0].as_object_mut().unwrap().remove("source");
            serde_json::Value::Array(h)
        })
        .collect();
    // Put the register back as a pre-V18 estate left it: an insert row per
    // created record holding the record as imported (what the history's
    // first entry says), written before the later edit, and the batch
    // without its V18 columns. PC-3's row is written as an older estate did,
    // without the V16 `cpu` field: that one must be kept, not converted.
    let mut conn = rusqlite::Connection::open(env.db()).unwrap();
    let tx = conn.transaction().unwrap();
    for (i, tag) in ["PC-1", "PC-2", "PC-3"].iter().enumerate() {
        let h = &expected[i][0];
        let mut json = h["new_value"].as_str().unwrap().to_string();
        if *tag == "PC-3" {
            json = json.replace("\"cpu\":null,", "");
        }
        tx.execute(
            "INSERT INTO audit_log (audit_id, at, entity, entity_id, organisation_id, action, \
             new_value, command, batch_id, who) SELECT ?1, ?2, 'asset', asset_id, organisation_id, \
             'insert', ?3, ?4, 1, ?5 FROM assets WHERE asset_tag = ?6",
            rusqlite::params![
                -3 + i64::try_from(i).unwrap(),
                h["at"].as_str().unwrap(),
                json,
                h["command"].as_str().unwrap(),
                h["who"].as_str().unwrap(),
                tag
            ],
        )
        .unwrap();
    }
    tx.execute_batch(
        "ALTER TABLE import_batches DROP COLUMN command; \
         ALTER TABLE import_batches DROP COLUMN audit_before; \
         DROP INDEX assets_by_site; DROP INDEX assets_by_department; \
         DROP INDEX assets_by_status; DROP INDEX assets_by_class_order; \
         DROP INDEX assets_by_model; DROP INDEX assets_by_cost; DROP INDEX assets_by_user; \
         DELETE FROM refinery_schema_history WHERE version >= 18;",
    )
    .unwrap();
    tx.commit().unwrap();
    drop(conn);
    // Three insert rows; the next command migrates. (Negative ids keep
    // them before the later edit, as they were written.)
    assert_eq!(
        sql_count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'insert' AND entity = 'asset'"
        ),
        3
    );
    let after: Vec<Vec<serde_json::Value>> = ["PC-1", "PC-2", "PC-3"]
        .iter()
        .map(|t| trail(&env, t))
        .collect();
    // PC-1 and PC-2's rows became the batch; PC-3's older row was kept.
    assert_eq!(
        sql_count(
            &env,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'insert' AND entity = 'asset'"
        ),
        1
    );
    assert_eq!(
        sql_count(
            &env,
            "SELECT command IS NOT NULL FROM import_batches WHERE batch_id = 1"
        ),
        1
    );
    for (i, h) in after.iter().enumerate() {
        let mut h = serde_json::Value::Array(h.clone());
        h[0]["id"] = serde_json::Value::Null;
        h[0].as_object_mut().unwrap().remove("source");
        if i == 2 {
            // The kept row reads as it was written.
            assert_eq!(
                h[0]["new_value"],
                expected[2][0]["new_value"]
                    .as_str()
                    .unwrap()
                    .replace("\"cpu\":null,", "")
            );
            continue;
        }
        assert_eq!(
            serde_json::Value::Array(h.as_array().unwrap().clone()),
            expected[i]
        );
    }
    env.ok(&["check"]);
    // And undo still sees the converted batch's records: the later edit of
    // PC-1 refuses it.
    let err = env.fails(&["imports", "undo", "1"], 1);
    assert!(err.contains("asset `PC-1` was changed after it"), "{err}");
}

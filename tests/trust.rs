//! Trust: backups, restores, checks, upgrades from the first schema and
//! erasure of a person's name.

use std::path::Path;

use crate::util::Env;

fn fixture_v1() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/register-v1.db"
    ))
}

#[test]
fn a_register_made_by_schema_version_1_upgrades_with_nothing_lost() {
    let env = Env::new();
    std::fs::copy(fixture_v1(), env.db()).unwrap();
    let orgs = env.json(&["orgs"]);
    let codes: Vec<&str> = orgs["organisations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ABS", "AVN", "BRK"]);
    assert_eq!(orgs["shares"][0]["ratio"], "0.4");
    let list = env.json(&["list"]);
    let tags: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["asset_tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["SRV-01", "MFD-007", "LT-00042", "PC-00123"]);
    let pc = env.json(&["show", "PC-00123", "--org", "BRK"]);
    assert_eq!(pc["asset"]["purchase_cost"], "600.00");
    assert_eq!(pc["asset"]["assigned_user"], "J Smith");
    assert_eq!(pc["asset"]["department"], "Revenues & Benefits");
    assert_eq!(pc["history"].as_array().unwrap().len(), 2);
    let lt = env.json(&["show", "LT-00042", "--org", "BRK"]);
    assert_eq!(lt["disposal"]["certificate"], "ADISA-2026-0042");
    let srv = env.json(&["show", "SRV-01", "--org", "ABS"]);
    assert_eq!(srv["asset"]["power_watts"], "425");
    assert_eq!(srv["asset"]["life_years"], 5);
    // Every row of the fixture is still there, and the schema is now the newest.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let count = |t: &str| {
        conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    };
    assert_eq!(count("assets"), 4);
    assert_eq!(count("phone_lines"), 1);
    assert_eq!(count("licences"), 1);
    assert_eq!(count("disposals"), 1);
    assert_eq!(count("audit_log"), 16);
    assert_eq!(count("policy_lives"), 12);
    let version: i64 = conn
        .query_row(
            "SELECT MAX(version) FROM refinery_schema_history",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(version, estate::db::latest_schema_version());
    env.ok(&["check"]);
}

#[test]
fn a_backup_is_consistent_private_and_restores_exactly() {
    let env = Env::with_org();
    env.ok(&[
        "add", "desktop", "--tag", "PC-1", "--cost", "612.34", "--user", "A Person",
    ]);
    let before = env.dump();
    let backup = env.path().join("backup.db");
    let out = env.said(&["backup", backup.to_str().unwrap()]);
    assert!(out.starts_with("backed up "), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // A backup never writes over a file, and a database least of all.
    let err = env.fails(&["backup", backup.to_str().unwrap()], 2);
    assert!(err.contains("is a SQLite database"), "{err}");
    // Change the register, then restore the backup: back to exactly the state backed up.
    env.ok(&["add", "laptop", "--tag", "LT-1"]);
    env.ok(&["update", "PC-1", "--cost", "1"]);
    assert_ne!(env.dump(), before);
    env.ok(&["restore", backup.to_str().unwrap()]);
    assert_eq!(env.dump(), before);
    env.ok(&["check"]);
}

#[test]
fn a_lost_register_comes_back_from_its_backup() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    let backup = env.path().join("backup.db");
    env.ok(&["backup", backup.to_str().unwrap()]);
    let before = env.dump();
    std::fs::remove_file(env.db()).unwrap();
    let _ = std::fs::remove_file(env.path().join("estate.db-wal"));
    let _ = std::fs::remove_file(env.path().join("estate.db-shm"));
    env.ok(&["restore", backup.to_str().unwrap()]);
    assert_eq!(env.dump(), before);
}

#[test]
fn restore_refuses_what_is_not_a_sound_register() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    let before = env.dump();
    let text = env.path().join("notes.txt");
    std::fs::write(&text, "Asset Tag,Serial\nPC-1,ABC\n".repeat(100)).unwrap();
    let err = env.fails(&["restore", text.to_str().unwrap()], 3);
    assert!(err.contains("refusing to restore from"), "{err}");
    assert!(
        err.contains("is not an estate register: it is not a SQLite database"),
        "{err}"
    );
    // A SQLite database of something else.
    let other = env.path().join("other.db");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute("CREATE TABLE t (x)", [])
        .unwrap();
    let err = env.fails(&["restore", other.to_str().unwrap()], 3);
    assert!(err.contains("it has no estate schema"), "{err}");
    // A register from a newer estate.
    let newer = env.path().join("newer.db");
    env.ok(&["backup", newer.to_str().unwrap()]);
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (999, 'x', 'x', '0')",
            [],
        )
        .unwrap();
    let err = env.fails(&["restore", newer.to_str().unwrap()], 3);
    assert!(err.contains("schema version 999"), "{err}");
    // A truncated backup fails SQLite's checks.
    let good = env.path().join("good.db");
    env.ok(&["backup", good.to_str().unwrap()]);
    let bytes = std::fs::read(&good).unwrap();
    let cut = env.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = env.fails(&["restore", cut.to_str().unwrap()], 3);
    assert!(err.contains("refusing to restore from"), "{err}");
    assert_eq!(env.dump(), before, "a refused restore changes nothing");
}

#[test]
fn check_reports_what_is_wrong_and_exits_non_zero() {
    let env = Env::with_org();
    env.ok(&["add", "desktop", "--tag", "PC-1"]);
    env.ok(&["add", "desktop", "--tag", "PC-2"]);
    assert!(env.said(&["check"]).ends_with("no problems found\n"));
    {
        let conn = rusqlite::Connection::open(env.db()).unwrap();
        conn.execute(
            "DELETE FROM audit_log WHERE entity = 'asset' AND entity_id = 2",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE assets SET status = 'disposed' WHERE asset_tag = 'PC-1'",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO disposals (asset_id, disposal_date, method, created_at) VALUES (1, '2026-01-01', 'recycling', 'x')",
            [],
        )
        .unwrap();
        conn.execute(
            "UPDATE assets SET status = 'in_use' WHERE asset_tag = 'PC-1'",
            [],
        )
        .unwrap();
        conn.execute("PRAGMA foreign_keys = OFF", []).unwrap();
        conn.execute(
            "UPDATE assets SET site_id = 99 WHERE asset_tag = 'PC-2'",
            [],
        )
        .unwrap();
    }
    let out = env.cmd().arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout,
        "foreign key: assets row 2 points at a missing sites record\n\
         asset PC-2 has no audit record of being added\n\
         asset PC-1 has a disposal record but its status is in_use\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 problem(s) found"));
}

#[test]
fn forgetting_a_user_removes_the_name_everywhere_and_records_that_it_happened() {
    let env = Env::with_org();
    env.ok(&[
        "add",
        "laptop",
        "--tag",
        "LT-1",
        "--user",
        "Jane Doe",
        "--notes",
        "issued to Jane Doe",
    ]);
    env.ok(&["add", "laptop", "--tag", "LT-2"]);
    env.ok(&["update", "LT-2", "--user", "Jane Doe"]);
    env.ok(&["update", "LT-2", "--user", "Someone Else"]);
    let out = env
        .cmd()
        .args(["forget-user", "jane doe"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "removed 9 match(es) from 7 field(s); a redaction is recorded in the history of 2 record(s)\n"
    );
    let dump = env.dump().join("\n");
    assert!(
        !dump.contains("Jane Doe"),
        "the name survives somewhere:\n{dump}"
    );
    assert!(dump.contains("Someone Else"));
    let lt1 = env.json(&["show", "LT-1"]);
    assert!(lt1["asset"]["assigned_user"].is_null());
    assert_eq!(lt1["asset"]["notes"], "issued to [redacted]");
    let last = lt1["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "redact");
    assert_eq!(last["command"], "estate forget-user [redacted]");
    let lt2 = env.json(&["show", "LT-2"]);
    let h = lt2["history"].as_array().unwrap();
    assert_eq!(h[1]["new_value"], "[redacted]");
    assert_eq!(h[2]["old_value"], "[redacted]");
    assert_eq!(h[2]["new_value"], "Someone Else");
    env.ok(&["check"]);
}

#[test]
fn forgetting_a_user_reaches_imports_lines_licences_disposals_and_any_spelling() {
    let env = Env::with_org();
    env.ok(&[
        "add", "laptop", "--tag", "LT-1", "--serial", "SN-1", "--user", "Jane Doe",
    ]);
    env.ok(&["add", "laptop", "--tag", "LT-2", "--serial", "SN-2"]);
    env.ok(&[
        "dispose",
        "LT-2",
        "--method",
        "recycling",
        "--date",
        "2026-05-01",
        "--notes",
        "collected from JANE DOE's desk",
    ]);
    // A newer report reassigns LT-1: the import keeps the row as it was (to undo itself).
    std::fs::write(
        env.path().join("report.csv"),
        "Serial Number,Type,Assigned To\nSN-1,Laptop,Someone Else\n",
    )
    .unwrap();
    env.ok(&["import", "report.csv"]);
    // Lines and licences keep unknown columns in their notes.
    std::fs::write(
        env.path().join("lines.csv"),
        "CLI,Line Type,Monthly Rental,Contact\n01632 960058,PSTN,18.99,Jane Doe\n",
    )
    .unwrap();
    env.ok(&["import", "lines.csv"]);
    std::fs::write(
        env.path().join("licences.csv"),
        // A second, good row: a file whose every row is rejected records no
        // batch, and the rejected row must reach the batch's summary.
        "Product,Licences,Unit Cost,Basis,Owner\nAdobe Acrobat Pro,1,15.00,Monthly,jane doe\n\
         Microsoft Visio,1,10.00,Monthly,BCW\n",
    )
    .unwrap();
    env.ok(&["import", "licences.csv"]);
    assert!(env.dump().join("\n").to_lowercase().contains("jane doe"));

    let out = env
        .cmd()
        .args(["forget-user", "Jane DOE"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // LT-1 (its import kept row), LT-2 (its disposal notes) and the line:
    // the licence row was rejected (`Owner` names an organisation), so the
    // name is only in that batch's list of rejects.
    assert!(
        stderr.ends_with("a redaction is recorded in the history of 3 record(s)\n"),
        "{stderr}"
    );
    let dump = env.dump().join("\n");
    assert!(
        !dump.to_lowercase().contains("jane doe"),
        "the name survives somewhere:\n{dump}"
    );
    // Each record that held the name records the redaction.
    for key in ["LT-1", "LT-2"] {
        let history = env.json(&["show", key]);
        let last = history["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(last["action"], "redact", "{key}");
    }
    // The import cannot be undone past the redaction (and the row it kept to
    // undo itself no longer holds the name either).
    let err = env.fails(&["imports", "undo", "1"], 1);
    assert!(
        err.contains("was changed after it by `estate forget-user [redacted]`"),
        "{err}"
    );
    env.ok(&["check"]);
}

#[cfg(unix)]
#[test]
fn the_register_its_write_ahead_log_and_its_backups_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let env = Env::with_org();
    env.ok(&["add", "laptop", "--tag", "LT-1", "--user", "Jane Doe"]);
    // While a connection is open, the write-ahead log and its index exist.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("BEGIN; UPDATE assets SET notes = 'x'; COMMIT;")
        .unwrap();
    for file in [env.db(), env.sidecar("-wal"), env.sidecar("-shm")] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(conn);
    let backup = env.path().join("backup.db");
    env.ok(&["backup", backup.to_str().unwrap()]);
    assert_eq!(mode(&backup), 0o600);
    // A register restored where there was none is private too.
    std::fs::remove_file(env.db()).unwrap();
    let _ = std::fs::remove_file(env.sidecar("-wal"));
    let _ = std::fs::remove_file(env.sidecar("-shm"));
    env.ok(&["restore", backup.to_str().unwrap()]);
    assert_eq!(mode(&env.db()), 0o600);
    // Even where the user's umask would let others read new files.
    let other = Env::new();
    let out = other
        .command_for(Path::new("/bin/sh"))
        .arg("-c")
        .arg(format!(
            "umask 000 && exec \"{}\" init",
            env!("CARGO_BIN_EXE_estate")
        ))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(mode(&other.db()), 0o600);
}

//! Concurrency with real processes: two imports at once, a writer and
//! readers, a backup during an import. One register, several `estate`
//! processes; never a half-import, never a damaged register.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::util::Env;

/// Rows in each generated supplier file.
const ASSETS: i64 = 3000;

/// A register with organisations AVN and BRK, two assets of BRK, and two
/// generated supplier files beside it: `avn.csv` and `brk.csv`.
fn two_suppliers() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env.ok(&["orgs", "add", "BRK", "Brookfield Borough Council"]);
    env.ok(&[
        "add", "desktop", "--org", "BRK", "--tag", "PC-1", "--cost", "612.34",
    ]);
    env.ok(&[
        "add", "laptop", "--org", "BRK", "--tag", "LT-1", "--cost", "849.21",
    ]);
    let n = ASSETS.to_string();
    env.ok(&[
        "generate", "--assets", &n, "--out", "avn.csv", "--seed", "1",
    ]);
    env.ok(&[
        "generate", "--assets", &n, "--out", "brk.csv", "--seed", "2",
    ]);
    env
}

/// True while another process holds the register's write lock.
fn is_writing(db: &Path) -> bool {
    let conn = Connection::open(db).expect("open register");
    conn.busy_timeout(Duration::ZERO).expect("busy timeout");
    conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;").is_err()
}

/// Assets of `org` in the register.
fn assets_of(env: &Env, org: &str) -> i64 {
    let conn = Connection::open(env.db()).expect("open register");
    conn.query_row(
        "SELECT COUNT(*) FROM assets a JOIN organisations o USING (organisation_id) \
         WHERE o.code = ?1",
        [org],
        |r| r.get(0),
    )
    .expect("count assets")
}

/// The register is sound: SQLite's integrity check and `estate check`.
fn assert_sound(env: &Env, db: &Path) {
    let conn = Connection::open(db).expect("open register");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    env.ok(&["--db", db.to_str().unwrap(), "check"]);
}

#[test]
fn two_imports_started_together_both_land_whole_one_waiting_for_the_other() {
    let env = two_suppliers();
    let base = env.path().join("base.db");
    std::fs::copy(env.db(), &base).unwrap();
    // Started at once, and with the second a little behind the first.
    for offset in [0, 30, 150] {
        env.replace_register(&base);
        let mut a = env.spawn(&["import", "avn.csv", "--org", "AVN"]);
        std::thread::sleep(Duration::from_millis(offset));
        let b = env.spawn(&["import", "brk.csv", "--org", "BRK"]);
        let b = b.wait_with_output().unwrap();
        let a = a.wait().unwrap();
        assert!(a.success(), "offset {offset}ms: {a:?}");
        assert!(
            b.status.success(),
            "offset {offset}ms: {}",
            String::from_utf8_lossy(&b.stderr)
        );
        assert_eq!(assets_of(&env, "AVN"), ASSETS, "offset {offset}ms");
        assert_eq!(assets_of(&env, "BRK"), ASSETS + 2, "offset {offset}ms");
        let batches = env.json(&["imports"]);
        let new: Vec<i64> = batches
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["new"].as_i64().unwrap())
            .collect();
        assert_eq!(new, [ASSETS, ASSETS], "offset {offset}ms");
        assert_sound(&env, &env.db());
    }
}

/// Holds the register's write lock, with a write not yet committed (an
/// organisation `HLD`), until dropped — when the write is rolled back. The
/// overlap the tests below need is made here, not hoped for from timing.
struct HeldWrite(Connection);

impl HeldWrite {
    fn start(env: &Env) -> Self {
        let conn = Connection::open(env.db()).expect("open register");
        conn.execute_batch(
            "BEGIN IMMEDIATE; \
             INSERT INTO organisations (code, name, created_at) \
             VALUES ('HLD', 'Held write', '2026-11-29T00:00:00Z');",
        )
        .expect("take the write lock");
        assert!(is_writing(&env.db()));
        HeldWrite(conn)
    }
}

impl Drop for HeldWrite {
    fn drop(&mut self) {
        self.0.execute_batch("ROLLBACK").expect("roll back");
    }
}

#[test]
fn an_import_that_cannot_wait_long_enough_says_the_register_is_busy_and_writes_nothing() {
    let env = two_suppliers();
    let held = HeldWrite::start(&env);
    let b = env
        .cmd()
        .env("ESTATE_BUSY_TIMEOUT", "0.2")
        .args(["import", "brk.csv", "--org", "BRK"])
        .output()
        .unwrap();
    assert_eq!(b.status.code(), Some(3));
    let stderr = String::from_utf8(b.stderr).unwrap();
    assert!(
        stderr.ends_with(
            "the register is busy (another estate command is writing to it); try again\n\
             help: another estate command is writing; run this again when it has finished\n"
        ),
        "{stderr}"
    );
    drop(held);
    assert_eq!(
        assets_of(&env, "BRK"),
        2,
        "the refused import wrote nothing"
    );
    assert_eq!(env.json(&["imports"]).as_array().unwrap().len(), 0);
    assert_sound(&env, &env.db());
    // Once the writer has gone, the same command goes through.
    env.ok(&["import", "brk.csv", "--org", "BRK"]);
    assert_eq!(assets_of(&env, "BRK"), ASSETS + 2);
}

#[test]
fn an_import_that_waits_goes_through_when_the_writer_finishes() {
    let env = two_suppliers();
    let held = HeldWrite::start(&env);
    let mut b = env.spawn(&["import", "brk.csv", "--org", "BRK"]);
    // The import waits (30 s by default) while the write is held.
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        b.try_wait().unwrap().is_none(),
        "the import did not wait for the register"
    );
    drop(held);
    let b = b.wait_with_output().unwrap();
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    assert_eq!(assets_of(&env, "BRK"), ASSETS + 2);
    assert_sound(&env, &env.db());
}

#[test]
fn readers_keep_working_while_a_write_is_held_and_see_the_register_as_it_was() {
    let env = two_suppliers();
    let held = HeldWrite::start(&env);
    let list = env.ok(&["list", "--org", "BRK", "--format", "csv"]);
    assert_eq!(
        list.lines().count(),
        3,
        "a header and the two assets:\n{list}"
    );
    let forecast = env.json(&["forecast", "--from", "2026/27"]);
    assert!(forecast.is_object());
    let orgs = env.ok(&["orgs", "--format", "csv"]);
    assert!(
        !orgs.contains("HLD"),
        "a reader saw an uncommitted write:\n{orgs}"
    );
    assert_eq!(orgs.lines().count(), 3, "{orgs}");
    env.ok(&["imports"]);
    assert!(is_writing(&env.db()), "the write was held throughout");
    drop(held);
}

#[test]
fn readers_keep_working_while_an_import_writes() {
    // With a real import as the writer. Whether a reader overlaps the
    // import's transaction depends on timing; what each sees must not.
    let env = two_suppliers();
    let mut a = env.spawn(&["import", "brk.csv", "--org", "BRK"]);
    let mut seen = Vec::new();
    loop {
        let done = a.try_wait().unwrap().is_some();
        let list = env.ok(&["list", "--org", "BRK", "--format", "csv"]);
        let n = i64::try_from(list.lines().count()).unwrap() - 1;
        assert!(n == 2 || n == ASSETS + 2, "a reader saw {n} assets");
        seen.push(n);
        if done {
            break;
        }
    }
    assert!(a.wait().unwrap().success());
    assert_eq!(seen.last(), Some(&(ASSETS + 2)));
    eprintln!("concurrency: readers during an import saw {seen:?} assets");
}

#[test]
fn a_backup_taken_during_a_held_write_holds_none_of_it() {
    let env = two_suppliers();
    let held = HeldWrite::start(&env);
    let file = env.path().join("backup-held.db");
    env.ok(&["backup", file.to_str().unwrap()]);
    drop(held);
    assert_sound(&env, &file);
    let conn = Connection::open(&file).unwrap();
    let held: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM organisations WHERE code = 'HLD'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(held, 0);
    let orgs: i64 = conn
        .query_row("SELECT COUNT(*) FROM organisations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(orgs, 2);
}

#[test]
fn a_backup_taken_during_an_import_holds_none_or_all_of_its_rows() {
    // A real import as the writer; whether a backup overlaps it depends on
    // timing, what each backup holds must not.
    let env = two_suppliers();
    let mut a = env.spawn(&["import", "avn.csv", "--org", "AVN"]);
    let mut backups = Vec::new();
    while a.try_wait().unwrap().is_none() && backups.len() < 5 {
        let file = env.path().join(format!("backup-{}.db", backups.len()));
        env.ok(&["backup", file.to_str().unwrap()]);
        backups.push(file);
    }
    assert!(a.wait().unwrap().success());
    let file = env.path().join("backup-after.db");
    env.ok(&["backup", file.to_str().unwrap()]);
    backups.push(file);
    let mut seen = Vec::new();
    for file in &backups {
        assert_sound(&env, file);
        let conn = Connection::open(file).unwrap();
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM assets a JOIN organisations o USING (organisation_id) \
                 WHERE o.code = 'AVN'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(n == 0 || n == ASSETS, "{}: {n} rows", file.display());
        seen.push(n);
    }
    eprintln!("concurrency: backups during an import held {seen:?} of its {ASSETS} rows");
    assert_eq!(seen.last(), Some(&ASSETS));
}

//! The library as a second front end sees it: every error has a kind from
//! which the command line picks its exit code in one place (tested here
//! through the binary, one test per kind), and the use cases driven through
//! `estate::ops` without the command line give the figures the CLI tests
//! give.

use std::time::Duration;

use rusqlite::Connection;

use crate::util::Env;

/// The `help:` line of a busy register.
const BUSY: &str = "the register is busy (another estate command is writing to it); try again\n\
                    help: another estate command is writing; run this again when it has finished\n";

/// Holds the register's write lock until dropped (then rolls back).
struct HeldWrite(Connection);

impl HeldWrite {
    fn start(env: &Env) -> Self {
        let conn = Connection::open(env.db()).expect("open register");
        conn.busy_timeout(Duration::ZERO).expect("busy timeout");
        conn.execute_batch(
            "BEGIN IMMEDIATE; \
             INSERT INTO organisations (code, name, created_at) \
             VALUES ('HLD', 'Held write', '2026-11-29T00:00:00Z');",
        )
        .expect("take the write lock");
        HeldWrite(conn)
    }
}

impl Drop for HeldWrite {
    fn drop(&mut self) {
        self.0.execute_batch("ROLLBACK").expect("roll back");
    }
}

/// Runs `args` while another connection holds the write lock, waiting
/// only 0.2 s, and returns its exit code and stderr.
fn while_held(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let held = HeldWrite::start(env);
    let out = env
        .cmd()
        .env("ESTATE_BUSY_TIMEOUT", "0.2")
        .args(args)
        .output()
        .expect("run estate");
    drop(held);
    (out.status.code(), String::from_utf8(out.stderr).expect("utf-8"))
}

#[test]
fn every_write_on_a_busy_register_exits_3_with_the_busy_help_line() {
    let env = Env::with_org();
    std::fs::write(
        env.path().join("kit.csv"),
        "Asset Tag,Serial Number,Type,Purchase Date,Cost\nPC-9,SN9,Desktop,2022-04-01,500.00\n",
    )
    .unwrap();
    for args in [
        &["import", "kit.csv", "--org", "BCW"][..],
        &["policy", "set", "life", "desktop", "6"],
        &["forecast", "--save", "busy run"],
        &[
            "licences", "add", "Office", "--org", "BCW", "--metric", "per_user", "--quantity",
            "10", "--unit-cost", "20.40", "--basis", "monthly",
        ],
        &[
            "lines", "add", "01632 960058", "--org", "BCW", "--type", "pstn", "--rental", "18.99",
        ],
        &["add", "desktop", "--tag", "PC-1", "--cost", "612.34"],
        &["orgs", "add", "AVN", "Avonmere District Council"],
    ] {
        let (code, stderr) = while_held(&env, args);
        assert_eq!(code, Some(3), "{args:?}: {stderr}");
        assert!(stderr.ends_with(BUSY), "{args:?}: {stderr}");
    }
    // Nothing was written by any of them.
    assert_eq!(env.ok(&["list", "--format", "csv"]).lines().count(), 1);
    assert_eq!(env.json(&["runs"]).as_array().unwrap().len(), 0);
}

#[test]
fn a_record_that_is_not_there_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["show", "PC-404"], 1);
    assert!(
        stderr.contains("no asset with tag or serial `PC-404` in organisation BCW"),
        "{stderr}"
    );
    let stderr = env.fails(&["runs", "show", "9"], 1);
    assert!(stderr.contains("no saved run 9"), "{stderr}");
}

#[test]
fn a_value_that_breaks_a_rule_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["policy", "set", "life", "desktop", "51"], 1);
    assert!(stderr.contains("50"), "{stderr}");
}

#[test]
fn a_clash_with_the_register_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["orgs", "add", "BCW", "Again"], 1);
    assert!(
        stderr.contains("organisation `BCW` already exists"),
        "{stderr}"
    );
}

#[test]
fn an_output_target_that_is_the_register_is_refused_with_exit_2_and_its_help() {
    let env = Env::with_org();
    let stderr = env.fails(&["backup", "estate.db"], 2);
    assert!(stderr.contains("refusing to write"), "{stderr}");
    assert!(stderr.contains("\nhelp: "), "{stderr}");
}

#[test]
fn a_missing_register_exits_3_with_the_init_help() {
    let env = Env::new();
    let stderr = env.fails(&["list"], 3);
    assert!(
        stderr.ends_with(
            "help: run `estate init` to create a register here, or point --db (or ESTATE_DB) at \
             yours\n"
        ),
        "{stderr}"
    );
}

#[test]
fn a_damaged_register_exits_3_with_the_restore_help_but_a_damaged_backup_without_it() {
    let env = Env::with_org();
    std::fs::write(env.path().join("bad.db"), vec![7u8; 8192]).unwrap();
    let stderr = env.fails(&["restore", "bad.db"], 3);
    assert!(!stderr.contains("help:"), "{stderr}");
    std::fs::write(env.db(), vec![7u8; 8192]).unwrap();
    let stderr = env.fails(&["list"], 3);
    assert!(
        stderr.contains("help: if this file was your register, put a backup in its place"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_cannot_be_read_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["import", "missing.csv"], 1);
    assert!(stderr.contains("missing.csv"), "{stderr}");
}

#[test]
fn each_kind_has_one_exit_code_and_one_http_status() {
    use estate::ErrorKind as K;
    let table = [
        (K::NotFound, 1, 404),
        (K::Invalid, 1, 422),
        (K::Conflict, 1, 409),
        (K::Refused, 2, 400),
        (K::Io, 1, 500),
        (K::Busy, 3, 503),
        (K::Unavailable, 3, 503),
        (K::Damaged, 3, 500),
        (K::Database, 3, 500),
        (K::Internal, 1, 500),
    ];
    for (kind, exit, status) in table {
        assert_eq!((kind.exit_code(), kind.http_status()), (exit, status), "{kind:?}");
    }
}

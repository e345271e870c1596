//! Durability: real `estate` processes killed with SIGKILL at many moments
//! through a large import, a saved forecast, a disposal and an update. After
//! every kill the register passes SQLite's integrity check and `estate
//! check`, and holds exactly what it held before the command or exactly what
//! the command leaves when it runs to the end: never anything in between.
//!
//! The kill moments are a fixed schedule of fractions of the time one whole
//! run of the command takes on this machine (measured first, and again each
//! time a run ends before its kill), from the start to a little past the end
//! so that some kills land in the commit or just after it.

#![cfg(unix)]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::util::Env;

/// Assets in the generated supplier file: enough for an import to take a
/// good fraction of a second even in a release build, and for a saved
/// forecast to write thousands of rows.
const ASSETS: &str = "4000";

/// What one kill left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Before,
    After,
}

/// The outcome of a kill loop, for the test's output and
/// `docs/reliability.md`.
#[derive(Debug, Default)]
struct Tally {
    /// Kills sent while the command was still running.
    killed: u32,
    /// ... of which left the register as before the command.
    killed_before: u32,
    /// ... of which left it as after (killed between commit and exit).
    killed_after: u32,
    /// ... of which left committed or uncommitted frames in the WAL for the
    /// next open to recover or discard.
    killed_with_wal: u32,
    /// Kills that came after the command had finished by itself.
    finished: u32,
}

/// A register holding organisation AVN and a generated supplier file
/// beside it (`big.csv`), not yet imported.
fn with_supplier_file() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env.ok(&[
        "generate", "--assets", ASSETS, "--out", "big.csv", "--seed", "8",
    ]);
    env
}

/// A register holding the imported supplier file, for the commands that
/// work on a sizeable register.
fn sizeable_register() -> Env {
    let env = with_supplier_file();
    env.ok(&["import", "big.csv", "--org", "AVN"]);
    env
}

/// The first table of the register of `env` whose rows differ from those of
/// the register at `reference` (another copy, no process has it open), or
/// `None` when every table holds the same rows. A column holding a whole
/// timestamp (`2026-11-29T00:08:00Z`, `db::now_timestamp`) compares equal to
/// any other timestamp, so two runs of one command at different seconds
/// leave registers that compare equal. SQLite compares, so that the loop
/// stays fast in a debug build.
fn first_difference(env: &Env, reference: &Path) -> Option<String> {
    let conn = rusqlite::Connection::open(env.db()).expect("open register");
    conn.execute(
        "ATTACH DATABASE ?1 AS reference",
        [reference.to_str().unwrap()],
    )
    .expect("attach the reference register");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for t in tables {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{t}')"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        // Rows are paired by rowid (every register table has one), so no sort is needed.
        let differs = columns
            .iter()
            .map(|c| {
                if is_time_column(c) {
                    format!("(a.\"{c}\" IS NULL) <> (b.\"{c}\" IS NULL)")
                } else {
                    format!("a.\"{c}\" IS NOT b.\"{c}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        let sql = format!(
            "SELECT (SELECT COUNT(*) FROM main.\"{t}\"), (SELECT COUNT(*) FROM reference.\"{t}\"), \
             (SELECT COUNT(*) FROM main.\"{t}\" a JOIN reference.\"{t}\" b ON a.rowid = b.rowid), \
             (SELECT COUNT(*) FROM main.\"{t}\" a JOIN reference.\"{t}\" b ON a.rowid = b.rowid \
                WHERE {differs})"
        );
        let (here, there, paired, changed): (i64, i64, i64, i64) = conn
            .query_row(&sql, [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap_or_else(|e| panic!("compare {t}: {e}"));
        if here != there || paired != here || changed != 0 {
            return Some(format!(
                "{t}: {here} rows against {there}, {} unpaired, {changed} changed",
                here - paired
            ));
        }
    }
    None
}

/// Columns that hold the time a command ran (`db::now_timestamp`): two runs
/// of one command at different seconds differ only there.
fn is_time_column(name: &str) -> bool {
    name == "at" || name.ends_with("_at")
}

/// The register right after a kill: SQLite's integrity check passes, estate's
/// own check passes, and its rows are those before or those after.
fn state_after_kill(env: &Env, before: &Path, after: &Path, what: &str) -> State {
    {
        let conn = rusqlite::Connection::open(env.db()).expect("open register");
        let integrity: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity check");
        assert_eq!(integrity, "ok", "{what}");
    }
    env.ok(&["check"]);
    let Some(from_before) = first_difference(env, before) else {
        return State::Before;
    };
    let Some(from_after) = first_difference(env, after) else {
        return State::After;
    };
    panic!(
        "{what}: the register is neither as before nor as after: against before, {from_before}; \
         against after, {from_after}"
    );
}

/// Runs `args` once to the end on a copy of `base` (the state after), then
/// `kills` more times on fresh copies, killing each run at the next moment
/// of the schedule, and checks what each kill left.
fn kill_loop(env: &Env, base: &Path, args: &[&str], kills: u32) -> Tally {
    env.replace_register(base);
    let start = Instant::now();
    env.ok(args);
    let whole_run = start.elapsed();
    let after = keep_as(env, "after.db");
    assert!(
        first_difference(env, base).is_some(),
        "estate {args:?} changed nothing"
    );

    let mut tally = Tally::default();
    // How long a run takes now: the measured run, then each run that ends by
    // itself (a loaded machine makes runs slower or faster as the loop goes).
    let mut run_takes = whole_run;
    for k in 0..kills {
        env.replace_register(base);
        // From the very start to 10% past the end of a run, evenly.
        let at = run_takes.mul_f64(1.1 * (f64::from(k) + 0.5) / f64::from(kills));
        let start = Instant::now();
        let mut child = env.spawn(args);
        let running = loop {
            if child.try_wait().expect("poll estate").is_some() {
                run_takes = start.elapsed();
                break false;
            }
            let waited = start.elapsed();
            if waited >= at {
                run_takes = run_takes.max(waited);
                break true;
            }
            std::thread::sleep(at.saturating_sub(waited).min(Duration::from_millis(1)));
        };
        child.kill().expect("SIGKILL");
        let status = child.wait().expect("reap estate");
        let wal = std::fs::metadata(env.sidecar("-wal")).map_or(0, |m| m.len());
        let what = format!("estate {args:?} killed after {at:?} (kill {k})");
        let state = state_after_kill(env, base, &after, &what);
        if running && status.signal() == Some(9) {
            tally.killed += 1;
            match state {
                State::Before => tally.killed_before += 1,
                State::After => tally.killed_after += 1,
            }
            if wal > 0 {
                tally.killed_with_wal += 1;
            }
        } else {
            assert!(status.success(), "{what}: {status:?}");
            assert_eq!(state, State::After, "{what}: it finished");
            tally.finished += 1;
        }
    }
    eprintln!(
        "durability: estate {} ({whole_run:?} a run): {kills} kills, {} while running \
         ({} left it as before, {} as after, {} with a WAL to recover), {} after it finished",
        args.join(" "),
        tally.killed,
        tally.killed_before,
        tally.killed_after,
        tally.killed_with_wal,
        tally.finished
    );
    // The schedule must mostly land while the command runs, or it tests
    // nothing (a loaded machine makes some runs slower or faster).
    assert!(tally.killed * 3 >= kills, "{tally:?}");
    tally
}

/// Copies the register of `env` (no process has it open) to `name` beside it.
fn keep_as(env: &Env, name: &str) -> PathBuf {
    let copy = env.path().join(name);
    // Opening and closing checkpoints any WAL into the file before the copy.
    drop(rusqlite::Connection::open(env.db()).expect("open register"));
    std::fs::copy(env.db(), &copy).expect("copy the register");
    copy
}

#[test]
fn an_import_killed_at_any_moment_leaves_the_register_as_before_or_after() {
    let env = with_supplier_file();
    let base = keep_as(&env, "before.db");
    let tally = kill_loop(&env, &base, &["import", "big.csv", "--org", "AVN"], 30);
    assert!(tally.killed_before > 0, "{tally:?}");
}

#[test]
fn a_saved_forecast_killed_at_any_moment_is_saved_whole_or_not_at_all() {
    let env = sizeable_register();
    let base = keep_as(&env, "before.db");
    let tally = kill_loop(
        &env,
        &base,
        &[
            "forecast",
            "--from",
            "2026/27",
            "--save",
            "Capital programme",
        ],
        25,
    );
    assert!(tally.killed_before > 0, "{tally:?}");
}

#[test]
fn a_disposal_or_an_update_killed_at_any_moment_is_made_whole_or_not_at_all() {
    let env = sizeable_register();
    let base = keep_as(&env, "before.db");
    kill_loop(
        &env,
        &base,
        &[
            "dispose",
            "AST-0000042",
            "--org",
            "AVN",
            "--method",
            "recycling",
            "--certificate",
            "ADISA-2026-0042",
            "--date",
            "2026-05-01",
        ],
        20,
    );
    kill_loop(
        &env,
        &base,
        &[
            "update",
            "AST-0000042",
            "--org",
            "AVN",
            "--user",
            "J Smith",
            "--cost",
            "612.34",
            "--status",
            "in_store",
        ],
        20,
    );
}

//! Slips with files (issue 11): no file estate writes destroys what is
//! there. Every output goes to a temporary file beside its target and is
//! renamed over it only when whole; the register in use, its log files, any
//! SQLite database and a command's own input files are refused (exit 2)
//! however they are spelled; `estate demo` replaces only what it made; a
//! report's format comes from its file's extension.

use std::path::Path;

use crate::util::Env;

/// A register with organisation BRK and a supplier file `supplier.csv`
/// beside it: one good row and one bad one (so an import has a reject).
fn with_supplier() -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "BRK", "Brookfield Borough Council"]);
    std::fs::write(
        env.path().join("supplier.csv"),
        "Serial Number,Type,Model,Cost\nSN-1,Desktop,OptiPlex 7010,612.34\nSN-2,Desktop,OptiPlex 7010,abc\n",
    )
    .unwrap();
    env
}

/// The bytes of `path`, or `None` when there is no file.
fn bytes(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// The names of the files in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `estate args…`, asserts exit status 2 with `because` in the message,
/// and that the register (row by row and byte for byte), `target` (byte for
/// byte) and the folder's list of files are as they were.
fn refused(env: &Env, args: &[&str], target: &Path, because: &str) -> String {
    let rows = env.dump();
    let register = bytes(&env.db());
    let before = bytes(target);
    let files = names(env.path());
    let err = env.fails(args, 2);
    assert!(err.contains(because), "estate {args:?}: {err}");
    assert_eq!(bytes(target), before, "estate {args:?} changed the target");
    assert_eq!(
        bytes(&env.db()),
        register,
        "estate {args:?} changed the register"
    );
    assert_eq!(names(env.path()), files, "estate {args:?} left a file");
    assert_eq!(env.dump(), rows, "estate {args:?} changed the register");
    err
}

#[test]
fn import_rejects_pointed_at_the_register_is_refused_and_the_register_keeps_every_row() {
    let env = with_supplier();
    env.ok(&["import", "supplier.csv", "--org", "BRK"]);
    let listed = env.ok(&["list", "--format", "csv"]);
    let err = refused(
        &env,
        &[
            "import",
            "supplier.csv",
            "--org",
            "BRK",
            "--rejects",
            "estate.db",
        ],
        &env.db(),
        "is the register in use",
    );
    assert!(err.contains("refusing to write `estate.db`"), "{err}");
    assert!(
        err.contains("help: give another file name for --rejects"),
        "{err}"
    );
    env.ok(&["check"]);
    assert_eq!(env.ok(&["list", "--format", "csv"]), listed);
    assert!(listed.contains("SN-1"), "{listed}");
}

#[test]
fn import_rejects_pointed_at_the_supplier_file_itself_is_refused_and_the_file_kept() {
    let env = with_supplier();
    let err = refused(
        &env,
        &[
            "import",
            "supplier.csv",
            "--org",
            "BRK",
            "--rejects",
            "supplier.csv",
        ],
        &env.path().join("supplier.csv"),
        "it is `supplier.csv`, which this command reads",
    );
    assert!(err.contains("--rejects"), "{err}");
}

#[test]
fn an_import_that_fails_leaves_the_rejects_file_it_would_have_written_untouched() {
    let env = with_supplier();
    let rejects = env.path().join("rejects.csv");
    std::fs::write(&rejects, "last week's rejects, still being fixed\n").unwrap();
    let rows = env.dump();
    let files = names(env.path());
    let err = env.fails(
        &[
            "import",
            "supplier.csv",
            "--org",
            "NOPE",
            "--rejects",
            "rejects.csv",
        ],
        1,
    );
    assert!(err.contains("NOPE"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "last week's rejects, still being fixed\n"
    );
    assert_eq!(names(env.path()), files, "no temporary file is left");
    assert_eq!(env.dump(), rows);
    // The same import with a known organisation replaces the file whole.
    env.ok(&[
        "import",
        "supplier.csv",
        "--org",
        "BRK",
        "--rejects",
        "rejects.csv",
    ]);
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("Reject sheet,Reject row,Reject reason,Serial Number,Type,Model,Cost")
    );
    assert_eq!(text.lines().count(), 2, "one rejected row: {text}");
    assert!(text.contains(",3,"), "the bad row is row 3: {text}");
    assert_eq!(names(env.path()), files);
}

#[test]
fn demo_into_a_folder_holding_a_real_register_refuses_and_names_a_free_folder() {
    let env = with_supplier();
    env.ok(&["import", "supplier.csv", "--org", "BRK"]);
    // A write from another connection leaves the register's log beside it.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.execute_batch("UPDATE assets SET notes = 'kept'")
        .unwrap();
    assert!(env.sidecar("-wal").exists());
    let wal = bytes(&env.sidecar("-wal"));
    let err = refused(
        &env,
        &["demo", "--out", "."],
        &env.db(),
        "is not a sample register `estate demo` made",
    );
    assert!(err.contains("estate demo --out ./sample-out"), "{err}");
    assert_eq!(bytes(&env.sidecar("-wal")), wal);
    // The register's own name given as the folder.
    let err = refused(
        &env,
        &["demo", "--out", "./estate.db"],
        &env.db(),
        "it is a file, and demo writes into a folder",
    );
    assert!(err.contains("estate demo --out ./estate.db-2"), "{err}");
    drop(conn);
    assert_eq!(
        env.json(&["show", "SN-1"])["asset"]["notes"],
        "kept",
        "the register and its log are whole"
    );
}

#[test]
fn demo_rebuilds_only_its_own_sample_and_never_a_report_it_did_not_write() {
    let env = Env::new();
    let out = env.path().join("sample-out");
    env.ok(&["demo", "--out", "sample-out"]);
    let first = dump_of(&out.join("estate.db"));
    assert!(first.iter().any(|r| r.contains("Avonmere")), "{first:?}");
    // Run again: its own register and reports are rebuilt in place.
    env.ok(&["demo", "--out", "sample-out"]);
    assert_eq!(
        names(&out),
        [
            "capital-programme.html",
            "capital-programme.xlsx",
            "estate.db"
        ]
    );
    // A folder of someone else's reports, with no register: refused.
    let mine = env.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("capital-programme.html"), "my own page").unwrap();
    let err = env.fails(&["demo", "--out", "mine"], 2);
    assert!(err.contains("`estate demo` did not make it"), "{err}");
    assert!(err.contains("estate demo --out mine-2"), "{err}");
    assert_eq!(names(&mine), ["capital-programme.html"]);
    assert_eq!(
        std::fs::read_to_string(mine.join("capital-programme.html")).unwrap(),
        "my own page"
    );
    // A sample register restored over by a real one is no longer demo's.
    env.ok(&["init"]);
    let backup = env.path().join("real.db");
    env.ok(&["backup", "real.db"]);
    let sample_db = out.join("estate.db");
    let restore = |args: &[&str]| {
        let mut all = vec!["--db", sample_db.to_str().unwrap()];
        all.extend_from_slice(args);
        env.ok(&all);
    };
    restore(&["restore", backup.to_str().unwrap()]);
    let before = bytes(&sample_db);
    env.fails(&["demo", "--out", "sample-out"], 2);
    assert_eq!(bytes(&sample_db), before);
}

#[test]
fn a_report_in_csv_named_as_the_register_is_refused() {
    let env = with_supplier();
    env.ok(&["import", "supplier.csv", "--org", "BRK"]);
    refused(
        &env,
        &["--format", "csv", "report", "--out", "estate.db"],
        &env.db(),
        "is the register in use",
    );
    env.ok(&["check"]);
}

#[test]
fn a_report_format_that_disagrees_with_the_extension_is_refused_naming_both() {
    let env = with_supplier();
    let target = env.path().join("x.xlsx");
    let err = refused(
        &env,
        &["--format", "json", "report", "--out", "x.xlsx"],
        &target,
        "its extension says xlsx but --format says json",
    );
    assert!(err.contains("help: name the file .json"), "{err}");
    assert!(!target.exists());
    // An extension it does not know, with no --format: refused naming those it knows.
    let err = refused(
        &env,
        &["report", "--out", "programme.txt"],
        &env.path().join("programme.txt"),
        "it has no report extension",
    );
    assert!(
        err.contains(".xlsx, .html, .docx, .md, .csv or .json"),
        "{err}"
    );
    // The extension alone decides; a --format that agrees is fine.
    env.ok(&["--format", "json", "report", "--out", "x.json"]);
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path().join("x.json")).unwrap()).unwrap();
    assert!(json["programme"].is_object(), "{json}");
    env.ok(&["report", "--out", "x.md"]);
    assert!(
        std::fs::read_to_string(env.path().join("x.md"))
            .unwrap()
            .contains("| Programme line |"),
    );
}

/// The output path of each command that takes one, and an input file it
/// reads (if it has one) with the arguments that make it read it.
struct Writer {
    /// The command, with `{}` where the output path goes.
    args: &'static [&'static str],
    /// An input file the command reads, named in `args`.
    input: Option<&'static str>,
}

const WRITERS: &[Writer] = &[
    Writer {
        args: &["report", "--scenario", "./scenario.csv", "--out", "{}"],
        input: Some("scenario.csv"),
    },
    Writer {
        args: &["import", "supplier.csv", "--org", "BRK", "--rejects", "{}"],
        input: Some("supplier.csv"),
    },
    Writer {
        args: &["backup", "{}"],
        input: None,
    },
    Writer {
        args: &["generate", "--assets", "5", "--out", "{}"],
        input: None,
    },
];

#[test]
fn every_command_that_writes_a_file_refuses_the_register_its_log_its_inputs_and_databases() {
    let env = with_supplier();
    env.ok(&["import", "supplier.csv", "--org", "BRK"]);
    std::fs::write(env.path().join("scenario.csv"), "name = \"mine\"\n").unwrap();
    std::fs::create_dir(env.path().join("sub")).unwrap();
    // Another SQLite database (not a register).
    rusqlite::Connection::open(env.path().join("other.sqlite"))
        .unwrap()
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(env.db(), env.path().join("link.db")).unwrap();
    let mut targets: Vec<(&str, &str)> = vec![
        ("estate.db", "is the register in use"),
        ("./estate.db", "is the register in use"),
        ("sub/../estate.db", "is the register in use"),
        ("estate.db-wal", "is the -wal file of the register in use"),
        (
            "estate.db-journal",
            "is the -journal file of the register in use",
        ),
        ("other.sqlite", "is a SQLite database"),
    ];
    if cfg!(unix) {
        targets.push(("link.db", "is the register in use"));
    }
    let mut cases = 0;
    for writer in WRITERS {
        let mut all = targets.clone();
        if let Some(input) = writer.input {
            all.push((input, "which this command reads"));
        }
        for (target, because) in all {
            // A write from a connection kept open keeps the log beside the register.
            let conn = rusqlite::Connection::open(env.db()).unwrap();
            conn.execute_batch("UPDATE assets SET notes = 'open'")
                .unwrap();
            let wal = bytes(&env.sidecar("-wal"));
            assert!(wal.is_some());
            let args: Vec<&str> = writer
                .args
                .iter()
                .map(|a| if *a == "{}" { target } else { a })
                .collect();
            let err = refused(&env, &args, &env.path().join(target), because);
            assert!(
                err.contains(&format!("refusing to write `{target}`")),
                "{err}"
            );
            assert_eq!(bytes(&env.sidecar("-wal")), wal, "estate {args:?}");
            drop(conn);
            cases += 1;
        }
    }
    assert_eq!(cases, 4 * targets.len() + 2);
    env.ok(&["check"]);
}

#[test]
fn a_backup_never_replaces_a_file_and_leaves_no_partial_file() {
    let env = with_supplier();
    let target = env.path().join("notes.txt");
    std::fs::write(&target, "mine").unwrap();
    let files = names(env.path());
    let err = env.fails(&["backup", "notes.txt"], 2);
    assert!(
        err.contains("it already exists, and a backup never overwrites a file"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "mine");
    assert_eq!(names(env.path()), files);
    env.ok(&["backup", "copy.db"]);
    let mut with_copy = files.clone();
    with_copy.push("copy.db".into());
    with_copy.sort();
    assert_eq!(names(env.path()), with_copy);
    assert_eq!(dump_of(&env.path().join("copy.db")), env.dump());
}

/// A report killed with SIGKILL at moments spread over its run leaves its
/// target either as it was or as the whole new report, never part of one,
/// and nothing beside it that could be taken for the report.
#[cfg(unix)]
#[test]
fn a_report_killed_while_writing_leaves_the_old_report_whole() {
    use std::time::{Duration, Instant};
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    env.ok(&[
        "generate", "--assets", "3000", "--out", "big.csv", "--seed", "8",
    ]);
    env.ok(&["import", "big.csv", "--org", "AVN"]);
    let target = env.path().join("programme.json");
    let args = ["report", "--out", "programme.json", "--from", "2026/27"];
    // The old report: a different title, so old and new differ.
    env.ok(&[&args[..], &["--title", "old"]].concat());
    let old = bytes(&target).unwrap();
    env.ok(&args);
    let new = bytes(&target).unwrap();
    assert_ne!(old, new);
    let files = names(env.path());
    let partial_there = || {
        names(env.path())
            .iter()
            .any(|n| n.ends_with(".estate-partial"))
    };
    // Each run is killed once its temporary file is there (the report is
    // being written), after a pause that grows from kill to kill so the
    // kills fall at different points of the write; a run that finishes
    // before it is seen writing is killed anyway (after its rename) and
    // counted apart. Not a timing assertion: how many kills land mid-write
    // depends on the machine, but a run that is seen writing is killed
    // while it writes unless it renames within the pause.
    let (mut mid_write, mut kills, mut runs) = (0u32, 0u32, 0u32);
    while mid_write < 6 && runs < 60 {
        runs += 1;
        std::fs::write(&target, &old).unwrap();
        let pause = Duration::from_millis(u64::from(runs % 6) * 3);
        let mut child = env.spawn(&args);
        let guard = Instant::now();
        let mut writing = false;
        while guard.elapsed() < Duration::from_secs(30) && child.try_wait().unwrap().is_none() {
            if partial_there() {
                writing = true;
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        if writing {
            std::thread::sleep(pause);
        }
        // `kill` fails only when the child has already been reaped.
        let _ = child.kill();
        child.wait().unwrap();
        kills += 1;
        let now = bytes(&target).unwrap();
        assert!(
            now == old || now == new,
            "kill {kills} left a report that is neither"
        );
        let partial: Vec<String> = names(env.path())
            .into_iter()
            // A killed reader leaves the register's log files; they are not output.
            .filter(|n| !files.contains(n) && !n.starts_with("estate.db-"))
            .collect();
        for name in &partial {
            assert!(
                name.starts_with(".programme.json.") && name.ends_with(".estate-partial"),
                "kill {kills} left {name}"
            );
            std::fs::remove_file(env.path().join(name)).unwrap();
        }
        if writing && now == old {
            mid_write += 1;
        }
    }
    eprintln!("report kills: {kills}, {mid_write} while writing");
    assert!(
        mid_write > 0,
        "no kill landed while the report was being written in {runs} runs"
    );
    env.ok(&["check"]);
}

/// Every row of the register at `path` (as [`Env::dump`], on a copy).
fn dump_of(path: &Path) -> Vec<String> {
    let copy = Env::new();
    std::fs::copy(path, copy.db()).unwrap();
    copy.dump()
}

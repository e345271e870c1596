//! Issue 11, the register's part: a register that is not whole is never taken
//! for an empty one; a read-only register can be read; every CHECK rule and
//! every likely typo is refused by the code first, with a human message; and
//! output discipline (`-q`, stderr for confirmations, tables that fit).

use std::path::Path;
use std::process::Output;

use crate::util::Env;

/// A register holding one organisation and three assets.
fn small_register() -> Env {
    let env = Env::with_org();
    for (tag, cost) in [("PC-1", "612.34"), ("PC-2", "500"), ("PC-3", "450.10")] {
        env.ok(&[
            "add", "desktop", "--tag", tag, "--cost", cost, "--org", "BCW",
        ]);
    }
    env
}

fn run(env: &Env, args: &[&str]) -> Output {
    env.cmd().args(args).output().expect("run estate")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The damaged registers of the issue: a 0-byte file, a real register cut
/// to half its bytes, and a file of text.
fn damaged_registers(dir: &Path) -> Vec<(&'static str, Vec<u8>)> {
    let whole = small_register();
    // A checkpointed copy: the register with no -wal beside it.
    let backup = whole.path().join("whole.db");
    whole.ok(&["backup", backup.to_str().unwrap()]);
    let bytes = std::fs::read(&backup).unwrap();
    let _ = dir;
    vec![
        ("empty", Vec::new()),
        ("half", bytes[..bytes.len() / 2].to_vec()),
        (
            "garbage",
            b"tag,cost\nPC-1,612.34\nthis is not a register\n".repeat(40),
        ),
    ]
}

#[test]
fn a_damaged_register_is_reported_by_every_command_and_never_taken_for_an_empty_one() {
    let env = Env::new();
    let supplier = env.path().join("supplier.csv");
    std::fs::write(
        &supplier,
        "Asset Tag,Serial,Type,Purchase Cost\nPC-9,SN9,Desktop,400\n",
    )
    .unwrap();
    for (kind, bytes) in damaged_registers(env.path()) {
        std::fs::write(env.db(), &bytes).unwrap();
        for args in [
            vec!["list"],
            vec!["show", "PC-1"],
            vec!["forecast"],
            vec!["import", "supplier.csv", "--org", "BCW"],
            vec!["add", "desktop", "--tag", "PC-4", "--org", "BCW"],
            vec!["orgs"],
            vec!["policy", "show"],
            vec!["runs"],
        ] {
            let out = run(&env, &args);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(3), "{kind} {args:?}: {stderr}");
            assert!(
                stderr.contains("is damaged") || stderr.contains("is not an estate register"),
                "{kind} {args:?}: {stderr}"
            );
            assert!(
                stderr.contains("estate restore BACKUP"),
                "{kind} {args:?}: {stderr}"
            );
            assert!(stderr.contains("estate check"), "{kind} {args:?}: {stderr}");
            assert!(
                out.stdout.is_empty(),
                "{kind} {args:?}: nothing shown as data"
            );
            // Byte for byte as it was, and no sidecar files created.
            assert!(
                std::fs::read(env.db()).unwrap() == bytes,
                "file changed: {kind} {args:?}"
            );
            assert!(!env.sidecar("-wal").exists(), "{kind} {args:?}");
        }
    }
}

#[test]
fn check_lists_what_is_wrong_with_a_damaged_register_and_exits_3() {
    let env = Env::new();
    for (kind, bytes) in damaged_registers(env.path()) {
        std::fs::write(env.db(), &bytes).unwrap();
        let out = run(&env, &["check"]);
        assert_eq!(out.status.code(), Some(3), "{kind}: {}", text(&out.stderr));
        let listed = text(&out.stdout);
        let expected = match kind {
            "empty" => "file: the file is empty (0 bytes)",
            "half" => "file: the file is cut short",
            _ => "file: it is not a SQLite database",
        };
        assert!(listed.contains(expected), "{kind}: {listed}");
        if kind == "half" {
            // What SQLite itself says when asked for its integrity check.
            assert!(listed.contains("integrity: "), "{kind}: {listed}");
        }
        assert!(
            std::fs::read(env.db()).unwrap() == bytes,
            "file changed: {kind}"
        );
        assert!(!env.sidecar("-wal").exists() && !env.sidecar("-shm").exists());
    }
}

#[test]
fn check_reports_each_line_of_the_integrity_check_for_a_register_with_a_damaged_page() {
    let env = small_register();
    let copy = env.path().join("copy.db");
    env.ok(&["backup", copy.to_str().unwrap()]);
    // Overwrite the middle of the last page (an index or table page) with
    // garbage: the file keeps its length and header, so it still opens.
    let mut bytes = std::fs::read(&copy).unwrap();
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    let pages = bytes.len() / page;
    for p in 2..pages {
        let at = p * page;
        bytes[at..at + 64].fill(0xA5);
    }
    std::fs::write(&copy, &bytes).unwrap();
    let out = env
        .cmd()
        .args(["--db", copy.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    assert!(
        listed.lines().any(|l| l.starts_with("integrity: ")),
        "{listed}"
    );
    assert!(std::fs::read(&copy).unwrap() == bytes, "file changed");
}

#[test]
fn only_init_creates_a_register_and_only_where_there_is_no_file() {
    let env = Env::new();
    std::fs::write(env.db(), b"").unwrap();
    let stderr = env.fails(&["init"], 3);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(std::fs::read(env.db()).unwrap() == b"", "file changed");
    // A SQLite database with no estate schema is not made into one either.
    rusqlite::Connection::open(env.db())
        .unwrap()
        .execute_batch("CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    let before = std::fs::read(env.db()).unwrap();
    let stderr = env.fails(&["list"], 3);
    assert!(stderr.contains("no estate schema"), "{stderr}");
    assert!(std::fs::read(env.db()).unwrap() == before, "file changed");
}

#[test]
fn restore_puts_a_backup_in_place_of_a_damaged_register_and_keeps_the_damaged_file() {
    let env = small_register();
    let backup = env.path().join("good.db");
    env.ok(&["backup", backup.to_str().unwrap()]);
    let before = env.dump();
    let listing = env.ok(&["--format", "json", "list"]);
    std::fs::remove_file(env.db()).unwrap();
    for s in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(env.sidecar(s));
    }
    std::fs::write(env.db(), b"").unwrap();
    env.ok(&["restore", backup.to_str().unwrap()]);
    assert_eq!(env.ok(&["--format", "json", "list"]), listing);
    assert_eq!(env.dump(), before);
    let aside = env.path().join("estate.db.damaged");
    assert!(std::fs::read(aside).unwrap() == b"", "file changed");
}

/// Runs `estate args…` as a user who cannot write `env`'s folder: as the
/// unprivileged `nobody` (through `setpriv`) when the tests run as root, who
/// ignores permission bits; else as ourselves with the folder made read-only.
/// None when neither is possible here (said on stderr, so a skip is seen).
fn as_reader(env: &Env, args: &[&str]) -> Option<Output> {
    use std::os::unix::fs::PermissionsExt;
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    // Readable by all, writable by the owner only: folder and register.
    std::fs::set_permissions(env.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(env.db(), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = if root {
        let setpriv = Path::new("/usr/bin/setpriv");
        if !setpriv.exists() {
            eprintln!("skipped: running as root without setpriv to drop privileges");
            return None;
        }
        let mut cmd = env.command_for(setpriv);
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_estate"));
        cmd
    } else {
        std::fs::set_permissions(env.path(), std::fs::Permissions::from_mode(0o555)).unwrap();
        env.std_cmd()
    };
    let out = cmd.args(args).output().expect("run estate");
    std::fs::set_permissions(env.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    Some(out)
}

#[cfg(unix)]
#[test]
fn a_register_in_a_folder_the_user_cannot_write_can_be_read_and_writing_names_the_folder() {
    let env = small_register();
    // Checkpointed and closed, as on a share: no -wal or -shm beside it.
    assert!(!env.sidecar("-wal").exists());
    let listing = env.ok(&["--format", "json", "list"]);
    let forecast = env.ok(&["forecast"]);
    let before = env.dump();
    let bytes = std::fs::read(env.db()).unwrap();
    for (args, expected) in [
        (vec!["--format", "json", "list"], Some(listing.as_str())),
        (vec!["forecast"], Some(forecast.as_str())),
        (vec!["show", "PC-1"], None),
        (vec!["check"], None),
        (vec!["policy", "show"], None),
        (vec!["orgs"], None),
        (vec!["runs"], None),
        (vec!["imports"], None),
    ] {
        let Some(out) = as_reader(&env, &args) else {
            return;
        };
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        if let Some(expected) = expected {
            assert_eq!(text(&out.stdout), expected, "{args:?}");
        }
    }
    for args in [
        vec!["add", "desktop", "--tag", "PC-4", "--org", "BCW"],
        vec!["update", "PC-1", "--cost", "1"],
        vec!["forecast", "--save", "Feb"],
        vec!["policy", "set", "inflation", "3%"],
    ] {
        let out = as_reader(&env, &args).expect("ran above");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {stderr}");
        assert!(stderr.contains("not writable"), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("`{}`", env.path().display())),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("Error code"), "{args:?}: {stderr}");
    }
    assert!(std::fs::read(env.db()).unwrap() == bytes, "file changed");
    assert!(!env.sidecar("-wal").exists() && !env.sidecar("-shm").exists());
    assert_eq!(env.dump(), before);
}

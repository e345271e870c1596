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

/// The `command` of each audit row about `field` (policy) or every row of
/// the entity, oldest first.
fn audit_commands(env: &Env, entity: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT command FROM audit_log WHERE entity = ?1 ORDER BY audit_id")
        .unwrap();
    stmt.query_map([entity], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn every_check_rule_a_person_can_reach_is_a_sentence_and_exit_1_not_raw_sql() {
    let env = small_register();
    let cases: [(&[&str], &str); 8] = [
        (
            &[
                "update",
                "PC-1",
                "--power-watts",
                "60",
                "--power-hours",
                "9000",
            ],
            "9000 hours a year is more than a year holds (at most 8784, a leap year)",
        ),
        (
            &[
                "add",
                "desktop",
                "--tag",
                "PC-9",
                "--org",
                "BCW",
                "--power-watts",
                "60",
                "--power-hours",
                "8785",
            ],
            "8785 hours a year is more than a year holds",
        ),
        (&["forecast", "--save", ""], "a run's name cannot be blank"),
        (
            &["forecast", "--save", "   "],
            "a run's name cannot be blank",
        ),
        (
            &[
                "licences",
                "add",
                "Microsoft 365 E3",
                "--metric",
                "per_user",
                "--quantity",
                "5",
                "--unit-cost",
                "20.40",
                "--basis",
                "monthly",
                "--start",
                "2027-04-01",
                "--end",
                "2026-03-31",
            ],
            "licence Microsoft 365 E3: it ends (2026-03-31) before it starts (2027-04-01)",
        ),
        (
            &[
                "licences",
                "add",
                " ",
                "--metric",
                "per_user",
                "--quantity",
                "5",
                "--unit-cost",
                "1",
                "--basis",
                "monthly",
            ],
            "a licence's product cannot be blank",
        ),
        (
            &["lines", "add", " ", "--type", "pstn", "--rental", "18.99"],
            "a line's number cannot be blank",
        ),
        (
            &["policy", "set", "life", "desktop", "51"],
            "a life must be 1 to 50 years, not 51",
        ),
    ];
    for (args, message) in cases {
        let before = env.dump();
        let stderr = env.fails(args, 1);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("CHECK") && !stderr.contains("Error code"),
            "{args:?}: {stderr}"
        );
        assert_eq!(env.dump(), before, "{args:?} changed the register");
    }
    // The highest value each rule allows is still taken.
    env.ok(&[
        "update",
        "PC-1",
        "--power-watts",
        "60",
        "--power-hours",
        "8784",
    ]);
    let shown = env.json(&["show", "PC-1"]);
    assert_eq!(shown["asset"]["power_hours_per_year"], 8784);
}

#[test]
fn a_licence_import_row_ending_before_it_starts_is_rejected_by_the_same_rule() {
    let env = small_register();
    std::fs::write(
        env.path().join("licences.csv"),
        "Product,Agreement,Metric,Quantity,Unit Price,Billing Frequency,Start Date,End Date\n\
         Microsoft 365 E3,EA1,per user,10,20.40,monthly,2027-04-01,2026-03-31\n\
         Visio Plan 2,EA1,per user,10,11.00,monthly,2026-04-01,2027-03-31\n",
    )
    .unwrap();
    let out = run(&env, &["import", "licences.csv", "--org", "BCW"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "row 2, column `End Date`: it ends (2026-03-31) before it starts (2027-04-01)"
        ),
        "{stderr}"
    );
    let held = env.json(&["licences", "list"]);
    let products: Vec<&str> = held
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["product"].as_str().unwrap())
        .collect();
    assert_eq!(products, ["Visio Plan 2"]);
}

#[test]
fn a_likely_slip_in_policy_is_refused_without_force_and_recorded_with_it() {
    let env = Env::init();
    for (args, message) in [
        (
            vec!["policy", "set", "inflation", "30%"],
            "an inflation rate of 30% a year is outside −10% to +25%",
        ),
        (
            vec!["policy", "set", "inflation", "--", "-12%"],
            "an inflation rate of -12% a year is outside −10% to +25%",
        ),
        (
            vec!["policy", "set", "price-base", "2037/38"],
            "a price base of 2037/38 is more than 10 years from this year (2026/27)",
        ),
        (
            vec!["policy", "set", "price", "server", "10000000.01"],
            "a server price of £10,000,000.01 is over £10,000,000",
        ),
    ] {
        let before = env.dump();
        let stderr = env.fails(&args, 1);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(stderr.contains("give --force"), "{args:?}: {stderr}");
        assert_eq!(env.dump(), before, "{args:?}");
    }
    // The edges are taken without --force.
    for edge in [
        vec!["policy", "set", "inflation", "25%"],
        vec!["policy", "set", "inflation", "--", "-10%"],
        vec!["policy", "set", "price-base", "2036/37"],
        vec!["policy", "set", "price", "server", "10000000"],
    ] {
        env.ok(&edge);
    }
    let commands_before = audit_commands(&env, "policy");
    env.ok(&["policy", "set", "inflation", "30%", "--force"]);
    env.ok(&["--force", "policy", "set", "price-base", "2037/38"]);
    let commands = audit_commands(&env, "policy");
    assert_eq!(
        &commands[commands_before.len()..],
        [
            "estate policy set inflation 30% --force",
            "estate --force policy set price-base 2037/38"
        ]
    );
    let shown = env.json(&["policy", "show"]);
    let text = shown.to_string();
    assert!(text.contains("30%") && text.contains("2037/38"), "{text}");
}

#[test]
fn a_cost_over_ten_million_is_refused_in_add_update_and_import_without_force() {
    let env = small_register();
    let before = env.dump();
    let stderr = env.fails(
        &[
            "add", "server", "--tag", "SRV-1", "--cost", "12000000", "--org", "BCW",
        ],
        1,
    );
    assert!(
        stderr.contains("asset SRV-1: a cost of £12,000,000.00 is over £10,000,000; if that is really meant, give --force"),
        "{stderr}"
    );
    let stderr = env.fails(&["update", "PC-1", "--cost", "10000000.01"], 1);
    assert!(
        stderr.contains("asset PC-1: a cost of £10,000,000.01 is over £10,000,000"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
    std::fs::write(
        env.path().join("servers.csv"),
        "Asset Tag,Serial,Type,Purchase Cost\nSRV-2,SN2,Server,12000000\nSRV-3,SN3,Server,8500\n",
    )
    .unwrap();
    let out = run(&env, &["import", "servers.csv", "--org", "BCW"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("row 2, column `Purchase Cost`: `12000000` is over £10,000,000, almost certainly a slip; if it is right, import with --force"),
        "{stderr}"
    );
    let tags = |env: &Env| -> Vec<(String, Option<String>)> {
        env.json(&["list"])
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["asset_tag"].as_str().unwrap().to_string(),
                    a["purchase_cost"].as_str().map(str::to_string),
                )
            })
            .collect()
    };
    let held = tags(&env);
    assert!(held.iter().any(|(t, _)| t == "SRV-3"), "{held:?}");
    assert!(!held.iter().any(|(t, _)| t == "SRV-2"), "{held:?}");

    // With --force each is taken, and the audit trail keeps --force.
    env.ok(&[
        "add", "server", "--tag", "SRV-1", "--cost", "12000000", "--org", "BCW", "--force",
    ]);
    env.ok(&["--force", "import", "servers.csv", "--org", "BCW"]);
    let held = tags(&env);
    assert!(
        held.contains(&("SRV-1".into(), Some("12000000.00".into()))),
        "{held:?}"
    );
    assert!(
        held.contains(&("SRV-2".into(), Some("12000000.00".into()))),
        "{held:?}"
    );
    let commands = audit_commands(&env, "asset");
    assert!(
        commands.contains(
            &"estate add server --tag SRV-1 --cost 12000000 --org BCW --force".to_string()
        ),
        "{commands:?}"
    );
    // An import's created records are audited by their batch (V18), which
    // keeps the command line.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let batch_commands: Vec<String> = conn
        .prepare("SELECT command FROM import_batches ORDER BY batch_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    assert!(
        batch_commands.contains(&"estate --force import servers.csv --org BCW".to_string()),
        "{batch_commands:?}"
    );
    // A change to another field of that asset is not held up by the rule.
    env.ok(&["update", "SRV-1", "--user", "J Smith"]);
    // A licence's unit cost and a line's rental are held to the same bound.
    let before = env.dump();
    let licence = [
        "licences",
        "add",
        "Microsoft 365 E3",
        "--metric",
        "per_user",
        "--quantity",
        "5",
        "--unit-cost",
        "20400000",
        "--basis",
        "monthly",
        "--org",
        "BCW",
    ];
    let stderr = env.fails(&licence, 1);
    assert!(
        stderr.contains(
            "licence Microsoft 365 E3: a unit cost of £20,400,000.00 is over £10,000,000"
        ),
        "{stderr}"
    );
    let line = [
        "lines",
        "add",
        "01632 960001",
        "--type",
        "pstn",
        "--rental",
        "18990000",
        "--org",
        "BCW",
    ];
    let stderr = env.fails(&line, 1);
    assert!(
        stderr
            .contains("line 01632 960001: a monthly rental of £18,990,000.00 is over £10,000,000"),
        "{stderr}"
    );
    assert_eq!(env.dump(), before);
}

#[test]
fn a_scenario_file_with_a_likely_slip_is_refused_without_force() {
    let env = small_register();
    for (body, message) in [
        (
            "name = \"typo\"\ninflation = \"35%\"\n",
            "scenario typo: an inflation rate of 35% a year is outside −10% to +25%",
        ),
        (
            "name = \"far\"\nprice_base = \"2050/51\"\n",
            "scenario far: a price base of 2050/51 is more than 10 years",
        ),
    ] {
        std::fs::write(env.path().join("s.toml"), body).unwrap();
        let before = env.dump();
        for args in [
            vec!["forecast", "--scenario", "s.toml"],
            vec!["forecast", "--scenario", "s.toml", "--save", "Feb"],
            vec!["report", "--scenario", "s.toml", "--out", "p.md"],
        ] {
            let stderr = env.fails(&args, 1);
            assert!(stderr.contains(message), "{args:?}: {stderr}");
        }
        assert!(!env.path().join("p.md").exists());
        assert_eq!(env.dump(), before);
        env.ok(&["forecast", "--scenario", "s.toml", "--force"]);
    }
}

#[test]
fn quiet_commands_print_nothing_and_confirmations_go_to_stderr_not_stdout() {
    let env = Env::new();
    let changes: [&[&str]; 9] = [
        &["init"],
        &["orgs", "add", "BCW", "Brookfield Borough Council"],
        &["sites", "add", "Civic Centre"],
        &["add", "desktop", "--tag", "PC-1", "--cost", "612.34"],
        &["update", "PC-1", "--user", "J Smith"],
        &["policy", "set", "inflation", "3%"],
        &[
            "lines",
            "add",
            "01632 960001",
            "--type",
            "pstn",
            "--rental",
            "18.99",
        ],
        &["forecast", "--save", "Feb"],
        &["check"],
    ];
    for args in changes {
        let mut quiet = vec!["-q"];
        quiet.extend_from_slice(args);
        let out = run(&env, &quiet);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "", "{args:?}: -q leaves stderr empty");
        if args[0] != "forecast" {
            // A forecast's table is data; a confirmation is not.
            assert_eq!(
                text(&out.stdout),
                "",
                "{args:?}: a confirmation is not data"
            );
        }
    }
    // Without -q the confirmation is there, on stderr.
    let out = run(&env, &["add", "desktop", "--tag", "PC-2"]);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "added desktop PC-2 to BCW\n");
    let out = run(&env, &["policy", "set", "inflation", "2.5%"]);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(text(&out.stderr), "set inflation to 2.5% (was 3%)\n");
    // JSON output still gets its small record on stdout, for scripts.
    let out = run(
        &env,
        &["-q", "--format", "json", "add", "desktop", "--tag", "PC-3"],
    );
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(record["asset_tag"], "PC-3");
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn policy_show_fits_a_100_column_terminal_and_cites_its_sources_plainly() {
    let env = Env::init();
    let out = env
        .cmd()
        .env("COLUMNS", "100")
        .args(["policy", "show"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = text(&out.stdout);
    let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 100, "{widest} columns wide");
    // Every figure is still there: the sources are wrapped, not cut.
    let csv = env.ok(&["--format", "csv", "policy", "show"]);
    assert_eq!(
        table
            .lines()
            .filter(|l| l.starts_with("│ life (years)"))
            .count(),
        csv.lines()
            .filter(|l| l.starts_with("life (years),"))
            .count()
    );
    let json = env.ok(&["--format", "json", "policy", "show"]);
    for shown in [&table, &csv, &json] {
        for note in [
            "domain facts",
            "[ASSUMPTION]",
            "../shared",
            "by the tests",
            "judged unreliable",
        ] {
            assert!(!shown.contains(note), "`{note}` shown to users");
        }
    }
    assert!(
        csv.contains("Assumption: monitors outlive the PCs they sit on"),
        "{csv}"
    );
    // Piped with no $COLUMNS, a table is never wrapped.
    let wide = env.ok(&["policy", "show"]);
    assert!(wide.lines().map(|l| l.chars().count()).max().unwrap() > 100);
}

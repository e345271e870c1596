//! The README is tested: its Quick start is exactly two commands, the demo
//! it runs works, and every walkthrough example runs as written, in order.

use crate::util::Env;

fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// The lines of every fenced block with this info string, under `section`.
fn blocks(text: &str, section: &str, info: &str) -> Vec<String> {
    let start = text
        .find(section)
        .unwrap_or_else(|| panic!("README has no `{section}`"));
    let rest = &text[start + section.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    let body = &rest[..end];
    let mut lines = Vec::new();
    let mut inside = false;
    for line in body.lines() {
        if line.starts_with("```") {
            inside = !inside && line.trim_start_matches('`') == info;
            continue;
        }
        if inside && !line.trim().is_empty() {
            lines.push(line.to_string());
        }
    }
    lines
}

/// Splits a command line on spaces, keeping "double-quoted" words whole.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            _ => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[test]
fn the_quick_start_is_two_commands() {
    let lines = blocks(&readme(), "## Quick start", "sh");
    assert_eq!(lines, ["cargo run -- demo", "cargo test"]);
}

#[test]
fn the_quick_start_demo_runs_and_builds_the_sample_register() {
    let env = Env::new();
    let out = env.cmd().args(["demo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Avonmere & Brookfield Shared ICT Service"),
        "{stdout}"
    );
    assert!(env.path().join("sample-out/estate.db").exists());
    // It imports the whole sample set: 893 unique assets, 300 lines, 18 licences.
    assert!(
        stdout
            .contains("│ snipeit-export.csv           │ 6     │ hardware │   44 │  42 │       2 │"),
        "{stdout}"
    );
    let conn = rusqlite::Connection::open(env.path().join("sample-out/estate.db")).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT COUNT(*) FROM assets"), 893);
    assert_eq!(count("SELECT COUNT(*) FROM phone_lines"), 300);
    assert_eq!(count("SELECT COUNT(*) FROM licences"), 18);
    drop(conn);
    // It ends by writing the Cabinet report and saying where it is.
    assert!(
        stdout.contains(
            "Cabinet report: the workbook sample-out/capital-programme.xlsx and the page sample-out/capital-programme.html"
        ),
        "{stdout}"
    );
    for file in ["capital-programme.xlsx", "capital-programme.html"] {
        let len =
            std::fs::metadata(env.path().join("sample-out").join(file)).map_or(0, |m| m.len());
        assert!(len > 10_000, "{file}: {len} bytes");
    }
    // Running it again rebuilds rather than failing on the existing register.
    env.ok(&["demo"]);
}

#[test]
fn every_walkthrough_example_runs_as_written() {
    let env = Env::new();
    let lines = blocks(&readme(), "## Walkthrough", "console");
    assert!(
        lines.len() >= 20,
        "the walkthrough lost its examples: {lines:?}"
    );
    for line in &lines {
        let w = words(line);
        assert_eq!(
            w[0], "estate",
            "README example does not start with estate: {line}"
        );
        let args: Vec<&str> = w[1..].iter().map(String::as_str).collect();
        env.ok(&args);
    }
    // The walkthrough's end state: the desktop disposed, the laptop in store.
    let pc = env.json(&["show", "PC-00123", "--org", "BRK"]);
    assert_eq!(pc["asset"]["status"], "disposed");
    assert_eq!(pc["asset"]["purchase_cost"], "600.00");
    let lt = env.json(&["show", "LT-00042", "--org", "BRK"]);
    assert_eq!(lt["asset"]["status"], "in_store");
    assert_eq!(lt["asset"]["purchase_cost"], "849.21");
    assert_eq!(lt["asset"]["in_service_date"], "2023-09-01");
    assert!(env.path().join("estate-backup.db").exists());
    assert!(
        pc["asset"]["assigned_user"].is_null(),
        "forget-user ran last"
    );
}

#[test]
fn every_subcommand_is_in_the_readme() {
    let text = readme();
    for cmd in [
        "init",
        "demo",
        "orgs",
        "sites",
        "departments",
        "add",
        "list",
        "show",
        "update",
        "dispose",
        "policy",
        "forecast",
        "runs",
        "import",
        "imports",
        "power",
        "lines",
        "licences",
        "support",
        "vocabulary",
        "serve",
        "users",
    ] {
        assert!(
            text.contains(&format!("`estate {cmd}")),
            "README does not document `estate {cmd}`"
        );
    }
}

//! The harness: a temporary folder with a private register, the real
//! `estate` binary, and a pinned "today".

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The date every test runs on.
pub const TODAY: &str = "2026-11-28";

/// A temporary folder with its own register path.
pub struct Env {
    pub dir: TempDir,
}

impl Env {
    /// A fresh folder; no register yet.
    pub fn new() -> Self {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A fresh folder with an initialised register.
    pub fn init() -> Self {
        let env = Env::new();
        env.ok(&["init"]);
        env
    }

    /// A register holding one organisation, BCW, with a site "Civic Centre".
    pub fn with_org() -> Self {
        let env = Env::init();
        env.ok(&["orgs", "add", "BCW", "Brookfield Borough Council"]);
        env.ok(&["sites", "add", "Civic Centre"]);
        env
    }

    /// The folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The register file.
    pub fn db(&self) -> PathBuf {
        self.dir.path().join("estate.db")
    }

    /// `estate` with this folder as its working directory and register.
    pub fn cmd(&self) -> Command {
        let mut cmd = Command::cargo_bin("estate").expect("the estate binary");
        cmd.current_dir(self.path())
            .env("ESTATE_DB", self.db())
            .env("ESTATE_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .env_remove("ESTATE_DATA");
        cmd
    }

    /// Runs `estate args…`, asserts success, returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run estate");
        assert!(
            out.status.success(),
            "estate {args:?} failed ({:?}):\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs `estate args…`, asserts failure with `code`, returns stderr.
    pub fn fails(&self, args: &[&str], code: i32) -> String {
        let out = self.cmd().args(args).output().expect("run estate");
        assert_eq!(
            out.status.code(),
            Some(code),
            "estate {args:?} should exit {code}:\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
    }

    /// Runs with `--format json` and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).expect("JSON output")
    }

    /// Every row of every register table, as text, for before/after comparisons.
    pub fn dump(&self) -> Vec<String> {
        let conn = rusqlite::Connection::open(self.db()).expect("open register");
        let mut tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        tables.retain(|t| t != "sqlite_sequence");
        let mut out = Vec::new();
        for t in tables {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
                .unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    let mut cells = Vec::with_capacity(n);
                    for i in 0..n {
                        let v: rusqlite::types::Value = r.get(i)?;
                        cells.push(format!("{v:?}"));
                    }
                    Ok(cells.join("|"))
                })
                .unwrap();
            for row in rows {
                out.push(format!("{t}: {}", row.unwrap()));
            }
        }
        out
    }
}

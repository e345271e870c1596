//! The harness: a temporary folder with a private register, the real
//! `estate` binary, and a pinned "today".

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

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
        Command::from_std(self.std_cmd())
    }

    /// The same command as [`Env::cmd`], as a `std` command that can be
    /// started in the background.
    pub fn std_cmd(&self) -> std::process::Command {
        self.command_for(Path::new(env!("CARGO_BIN_EXE_estate")))
    }

    /// `program` with the environment `estate` gets in [`Env::cmd`] (for a
    /// shell that sets limits and then runs `estate`).
    pub fn command_for(&self, program: &Path) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.current_dir(self.path())
            .env("ESTATE_DB", self.db())
            .env("ESTATE_TODAY", TODAY)
            .env("NO_COLOR", "1")
            .env_remove("ESTATE_DATA")
            .env_remove("COLUMNS");
        cmd
    }

    /// Starts `estate args…` in the background (stdout discarded, stderr
    /// kept), for tests that kill it or race it against another.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.std_cmd()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start estate")
    }

    /// Replaces the register with a copy of `from` (a register no process
    /// has open), dropping any write-ahead log left by a killed process.
    pub fn replace_register(&self, from: &Path) {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(self.sidecar(suffix));
        }
        std::fs::copy(from, self.db()).expect("copy the register");
    }

    /// The register's `-wal` or `-shm` file.
    pub fn sidecar(&self, suffix: &str) -> PathBuf {
        self.dir.path().join(format!("estate.db{suffix}"))
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

    /// Runs `estate args…`, asserts success, returns stderr (where
    /// confirmations such as "added …" go).
    pub fn said(&self, args: &[&str]) -> String {
        let out = self.cmd().args(args).output().expect("run estate");
        assert!(
            out.status.success(),
            "estate {args:?} failed ({:?}):\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stderr).expect("utf-8 stderr")
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

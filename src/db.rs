//! Opens the register: the `SQLite` file, its pragmas and its embedded
//! migrations, and the one way estate writes (an IMMEDIATE transaction).
//!
//! SQL lives only here and in the `store` modules. Migrations are embedded
//! from `migrations/` and append-only.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::output_file::OutputFile;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// How long a command waits for another process's write to finish before
/// saying the register is busy.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// What went wrong opening or writing the register.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No register file where one was expected.
    #[error("no register at `{}`", path.display())]
    NotFound {
        /// Where we looked.
        path: PathBuf,
    },
    /// A file to read (a backup to restore) is not there.
    #[error("there is no file `{}`", path.display())]
    NoSuchFile {
        /// Where we looked.
        path: PathBuf,
    },
    /// A register already exists where `init` would create one.
    #[error("a register already exists at `{}`", path.display())]
    AlreadyExists {
        /// Where it is.
        path: PathBuf,
    },
    /// A backup would overwrite a file.
    #[error("`{}` already exists, and a backup never overwrites a file; give a new file name", path.display())]
    BackupExists {
        /// The file.
        path: PathBuf,
    },
    /// A new file (a register, a backup) could not be created.
    #[error("cannot create `{}`", path.display())]
    Create {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file could not be opened as a `SQLite` database.
    #[error("cannot open register `{}`", path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The file is not an estate register (or not a database at all).
    #[error("`{}` is not an estate register: {reason}", path.display())]
    NotARegister {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        reason: String,
    },
    /// The register was written by a newer estate.
    #[error(
        "register `{}` was written by a newer estate (schema version {found}); this estate knows \
         versions up to {known}: install a newer estate to open it",
        path.display()
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// The register's schema version.
        found: i64,
        /// The newest version this binary has.
        known: i64,
    },
    /// A migration failed; the register was left as it was.
    #[error("cannot upgrade register `{}`", path.display())]
    Migrate {
        /// The file.
        path: PathBuf,
        /// Why.
        source: refinery::Error,
    },
    /// Another process holds the register for longer than the busy timeout.
    #[error("the register is busy (another estate command is writing to it); try again")]
    Busy,
    /// Any other database error.
    #[error(transparent)]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        if is_busy(&e) {
            DbError::Busy
        } else {
            DbError::Sqlite(e)
        }
    }
}

/// True when `SQLite` gave up waiting for a lock.
pub fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Whether `open` may create a new register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The register must exist already.
    Existing,
    /// The register must not exist yet (`estate init`).
    CreateNew,
}

/// The newest schema version embedded in this binary.
pub fn latest_schema_version() -> i64 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0)
}

/// Opens the register at `path`, sets its pragmas and brings its schema up
/// to date (all pending migrations in one transaction).
///
/// # Errors
/// [`DbError`] naming the file: missing, not a register, newer than this
/// binary, or a failed migration (which leaves the file as it was).
pub fn open(path: &Path, mode: OpenMode) -> Result<Connection, DbError> {
    open_waiting(path, mode, BUSY_TIMEOUT)
}

/// Opens the register like [`open`], waiting up to `busy_timeout` (instead
/// of [`BUSY_TIMEOUT`]) for another process's write before a write of this
/// connection gives up with [`DbError::Busy`].
///
/// # Errors
/// As [`open`].
pub fn open_waiting(
    path: &Path,
    mode: OpenMode,
    busy_timeout: Duration,
) -> Result<Connection, DbError> {
    let exists = path.exists();
    match (mode, exists) {
        (OpenMode::Existing, false) => return Err(DbError::NotFound { path: path.into() }),
        (OpenMode::CreateNew, true) => return Err(DbError::AlreadyExists { path: path.into() }),
        (OpenMode::CreateNew, false) => create_private_file(path)?,
        (OpenMode::Existing, true) => {}
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|source| DbError::Open {
        path: path.into(),
        source,
    })?;
    if mode == OpenMode::CreateNew {
        // Set while the file is still empty (before WAL mode writes its
        // first page). Sixteen-kilobyte pages make a large import's B-trees
        // shallower and its appends split a quarter as often: about a fifth
        // faster for a million assets. Older registers keep their 4 KB pages.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    configure(&conn, busy_timeout).map_err(|e| not_a_register_or(path, e))?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// The page size of a new register, in bytes.
pub const PAGE_SIZE: i64 = 16 * 1024;

/// An in-memory register with the full schema, for tests and dry runs.
///
/// # Errors
/// Only if `SQLite` itself fails.
pub fn open_in_memory() -> Result<Connection, DbError> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    plan_once(&conn)?;
    migrate(&mut conn, Path::new(":memory:"))?;
    Ok(conn)
}

/// Creates an empty file readable and writable by its owner only, so the
/// register (which holds people's names) is private from the start.
fn create_private_file(path: &Path) -> Result<(), DbError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .map(|_| ())
        .map_err(|source| DbError::Create {
            path: path.into(),
            source,
        })
}

fn configure(conn: &Connection, busy_timeout: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy_timeout)?;
    // WAL lets readers carry on while an import writes; synchronous=FULL makes a
    // commit durable before estate reports success (NORMAL could lose the last
    // commit on power loss).
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidQuery);
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    plan_once(conn)
}

/// Statements are planned once, not again for each new bound value. Without
/// this, SQLite re-plans a query such as "the asset with this id, LEFT JOIN
/// its site" every time it is run with a new id (it checks whether the value
/// would change the plan), which made an import's per-row lookups spend two
/// thirds of their time in the SQL parser. estate keeps no planner
/// statistics (no ANALYZE) and binds no LIKE patterns, so nothing is lost.
fn plan_once(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

fn not_a_register_or(path: &Path, e: rusqlite::Error) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
            DbError::NotARegister {
                path: path.into(),
                reason: "it is not a SQLite database".into(),
            }
        }
        _ => DbError::from(e),
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), DbError> {
    let has_history: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' \
             AND name = 'refinery_schema_history')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| not_a_register_or(path, e))?;
    if has_history {
        let found: i64 = conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM refinery_schema_history",
            [],
            |r| r.get(0),
        )?;
        let known = latest_schema_version();
        if found > known {
            return Err(DbError::NewerSchema {
                path: path.into(),
                found,
                known,
            });
        }
    } else {
        let tables: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(DbError::NotARegister {
                path: path.into(),
                reason: "it is a SQLite database with other tables and no estate schema".into(),
            });
        }
    }
    register_identity_key(conn)?;
    embedded::migrations::runner()
        .set_grouped(true)
        .run(conn)
        .map_err(|source| DbError::Migrate {
            path: path.into(),
            source,
        })?;
    Ok(())
}

/// Makes `estate_identity_key(text)` ([`crate::domain::identity::key`])
/// callable from SQL on this connection: migration V7 fills the stored keys
/// of existing assets with it.
fn register_identity_key(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "estate_identity_key",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::domain::identity::key(&t)))
        },
    )
}

/// Runs `f` inside one IMMEDIATE transaction: it takes the write lock at the
/// start (waiting up to the busy timeout), commits if `f` succeeds and rolls
/// back otherwise, so a failure leaves the register exactly as it was.
///
/// # Errors
/// Whatever `f` returns, or a database error (converted with `From`).
pub fn write<T, E>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}

/// Writes a consistent copy of the open register to `dest` (which must not
/// exist), readable by its owner only. Others may go on reading and writing
/// while it runs: `VACUUM INTO` copies one read snapshot, into a temporary
/// file beside `dest` that is synced and then linked into place only if
/// `dest` is still not there (see [`crate::output_file`]), so a failed or
/// killed backup leaves no half-written file under the name given.
///
/// # Errors
/// `dest` exists or cannot be created, or SQLite fails.
pub fn backup(conn: &Connection, dest: &Path) -> Result<(), DbError> {
    if dest.exists() {
        return Err(DbError::BackupExists { path: dest.into() });
    }
    let create = |source| DbError::Create {
        path: dest.into(),
        source,
    };
    let out = OutputFile::create(dest).map_err(create)?;
    let target = out.temp_path().to_string_lossy().into_owned();
    conn.execute("VACUUM INTO ?1", [&target])?;
    out.commit_new().map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            DbError::BackupExists { path: dest.into() }
        } else {
            create(e)
        }
    })
}

/// The `application_id` `estate demo` stamps on the sample register it
/// builds, so that a later demo knows the register there is its own to
/// replace ("ESMP").
const SAMPLE_APPLICATION_ID: i32 = 0x4553_4d50;

/// Marks the register `conn` as a sample register `estate demo` built.
///
/// # Errors
/// SQLite fails.
pub fn mark_sample(conn: &Connection) -> Result<(), DbError> {
    conn.pragma_update(None, "application_id", SAMPLE_APPLICATION_ID)?;
    Ok(())
}

/// True when the file at `path` is a register marked by [`mark_sample`]
/// (read from the file's header, without opening it).
pub fn is_sample_register(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 72];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| {
            head.starts_with(b"SQLite format 3\0")
                && head[68..72] == SAMPLE_APPLICATION_ID.to_be_bytes()
        })
}

/// Folds the write-ahead log of the register at `path` back into it and
/// leaves it in rollback-journal mode with no file beside it, so that it can
/// be renamed (the next open sets WAL again).
///
/// # Errors
/// The register cannot be opened, or another connection holds it.
pub fn settle(path: &Path) -> Result<(), DbError> {
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(|source| {
            DbError::Open {
                path: path.into(),
                source,
            }
        })?;
    let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(DbError::Busy);
    }
    Ok(())
}

/// Checks that `path` is an estate register this binary can open: a SQLite
/// database passing `PRAGMA integrity_check`, with estate's schema history
/// and tables, no newer than this binary. Returns its schema version. The
/// file is opened read-only and not changed.
///
/// # Errors
/// [`DbError::NotARegister`] or [`DbError::NewerSchema`] saying why.
pub fn verify_register_file(path: &Path) -> Result<i64, DbError> {
    if !path.exists() {
        return Err(DbError::NoSuchFile { path: path.into() });
    }
    let not = |reason: &str| DbError::NotARegister {
        path: path.into(),
        reason: reason.into(),
    };
    let conn =
        Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|source| {
            DbError::Open {
                path: path.into(),
                source,
            }
        })?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| not("it is not a SQLite database"))?;
    if integrity != "ok" {
        return Err(not(&format!(
            "it fails SQLite's integrity check ({integrity})"
        )));
    }
    let tables: i64 = conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN \
         ('refinery_schema_history', 'organisations', 'assets', 'audit_log')",
        [],
        |r| r.get(0),
    )?;
    if tables != 4 {
        return Err(not("it has no estate schema"));
    }
    let found: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM refinery_schema_history",
        [],
        |r| r.get(0),
    )?;
    let known = latest_schema_version();
    if found > known {
        return Err(DbError::NewerSchema {
            path: path.into(),
            found,
            known,
        });
    }
    Ok(found)
}

/// Replaces the contents of the open register `conn` with the verified
/// register at `source`, page by page under one lock (SQLite's online
/// backup API), so readers see either the old register or the new one,
/// then brings its schema up to date.
///
/// # Errors
/// `source` fails [`verify_register_file`], or SQLite fails (the register
/// is then unchanged).
pub fn restore(conn: &mut Connection, target: &Path, source: &Path) -> Result<i64, DbError> {
    let version = verify_register_file(source)?;
    let src =
        Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
            DbError::Open {
                path: source.into(),
                source: e,
            }
        })?;
    {
        let backup = rusqlite::backup::Backup::new(&src, conn)?;
        // -1: every page in one step, so the copy happens under one lock.
        backup.step(-1)?;
    }
    migrate(conn, target)?;
    Ok(version)
}

/// The current time as an ISO 8601 UTC timestamp, for `created_at` columns.
///
/// An import stamps a million rows, so the text is formatted once a second
/// and copied in between (the clock is still read every call).
pub fn now_timestamp() -> String {
    thread_local! {
        static LAST: std::cell::RefCell<(i64, String)> =
            const { std::cell::RefCell::new((i64::MIN, String::new())) };
    }
    let now = time::OffsetDateTime::now_utc();
    let second = now.unix_timestamp();
    LAST.with_borrow_mut(|(at, text)| {
        if *at != second {
            let whole = now.replace_nanosecond(0).unwrap_or(now);
            *text = whole
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_else(|_| second.to_string());
            *at = second;
        }
        text.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn every_migration_applies_to_an_empty_database() {
        let conn = open_in_memory().unwrap();
        let names = tables(&conn);
        for t in [
            "organisations",
            "assets",
            "phone_lines",
            "licences",
            "disposals",
            "audit_log",
        ] {
            assert!(names.iter().any(|n| n == t), "{t} missing from {names:?}");
        }
        let version: i64 = conn
            .query_row(
                "SELECT MAX(version) FROM refinery_schema_history",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(version, latest_schema_version());
    }

    #[test]
    fn a_lookup_by_id_through_a_left_join_is_planned_once_not_per_value() {
        // Regression: without the planner stability guarantee SQLite re-planned
        // such a statement for every new id, the bulk of a re-import's time.
        let dir = tempfile::tempdir().unwrap();
        for conn in [
            open_in_memory().unwrap(),
            open(&dir.path().join("r.db"), OpenMode::CreateNew).unwrap(),
        ] {
            let sql = "SELECT o.code, s.name FROM organisations o \
                       LEFT JOIN sites s ON s.organisation_id = o.organisation_id \
                       WHERE o.organisation_id = ?1";
            for id in 1..20i64 {
                let mut stmt = conn.prepare_cached(sql).unwrap();
                let mut rows = stmt.query([id]).unwrap();
                assert!(rows.next().unwrap().is_none());
            }
            let stmt = conn.prepare_cached(sql).unwrap();
            assert_eq!(stmt.get_status(rusqlite::StatementStatus::RePrepare), 0);
        }
    }

    #[test]
    fn a_new_register_has_large_pages_and_an_old_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page = |conn: &Connection| -> i64 {
            conn.query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap()
        };
        let new = dir.path().join("new.db");
        assert_eq!(page(&open(&new, OpenMode::CreateNew).unwrap()), PAGE_SIZE);
        assert_eq!(page(&open(&new, OpenMode::Existing).unwrap()), PAGE_SIZE);
        let old = dir.path().join("old.db");
        {
            let conn = Connection::open(&old).unwrap();
            conn.pragma_update(None, "page_size", 4096).unwrap();
            conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
                .unwrap();
        }
        assert_eq!(page(&open(&old, OpenMode::Existing).unwrap()), 4096);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = open_in_memory().unwrap();
        let before = tables(&conn);
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        assert_eq!(tables(&conn), before);
        let applied: i64 = conn
            .query_row("SELECT COUNT(*) FROM refinery_schema_history", [], |r| {
                r.get(0)
            })
            .unwrap();
        // One history row per embedded migration (versions may have gaps
        // while branches land, so count them rather than use the latest).
        let embedded = embedded::migrations::runner().get_migrations().len();
        assert_eq!(applied, i64::try_from(embedded).unwrap());
    }

    #[test]
    fn reopening_a_file_keeps_its_rows_and_a_missing_file_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        assert!(matches!(
            open(&path, OpenMode::Existing),
            Err(DbError::NotFound { .. })
        ));
        assert!(!path.exists());
        {
            let conn = open(&path, OpenMode::CreateNew).unwrap();
            conn.execute(
                "INSERT INTO organisations (code, name, created_at) VALUES ('BCW', 'B', 'x')",
                [],
            )
            .unwrap();
        }
        let conn = open(&path, OpenMode::Existing).unwrap();
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM organisations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        assert!(matches!(
            open(&path, OpenMode::CreateNew),
            Err(DbError::AlreadyExists { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_new_register_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        drop(open(&path, OpenMode::CreateNew).unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn a_register_from_a_newer_estate_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        drop(open(&path, OpenMode::CreateNew).unwrap());
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute(
                "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) \
                 VALUES (999, 'future', 'x', '0')",
                [],
            )
            .unwrap();
        }
        let err = open(&path, OpenMode::Existing).unwrap_err();
        assert!(
            matches!(err, DbError::NewerSchema { found: 999, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("install a newer estate"));
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.db");
        std::fs::write(
            &path,
            "this is not sqlite, just some text that is long enough to look",
        )
        .unwrap();
        let err = open(&path, OpenMode::Existing).unwrap_err();
        assert!(matches!(err, DbError::NotARegister { .. }), "{err}");
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute("CREATE TABLE t (x)", [])
            .unwrap();
        let err = open(&other, OpenMode::Existing).unwrap_err();
        assert!(
            err.to_string().contains("is not an estate register"),
            "{err}"
        );
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let mut conn = open_in_memory().unwrap();
        let result: Result<(), DbError> = write(&mut conn, |tx| {
            tx.execute(
                "INSERT INTO organisations (code, name, created_at) VALUES ('BCW', 'B', 'x')",
                [],
            )?;
            tx.execute(
                "INSERT INTO organisations (code, name, created_at) VALUES ('BCW', 'B', 'x')",
                [],
            )?;
            Ok(())
        });
        assert!(result.is_err());
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM organisations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }
}

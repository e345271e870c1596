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
    /// The file could not be read at all.
    #[error("cannot read register `{}`", path.display())]
    Unreadable {
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
    /// The file at the register's path is not a whole register: empty, cut
    /// short, or failing SQLite's integrity check.
    #[error("register `{}` is damaged: {reason}", path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The register cannot be written by this user (a read-only share).
    #[error("cannot change register `{}`: {why}", path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// Which of the file or its folder is not writable.
        why: String,
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
        (OpenMode::Existing, true) => check_whole(path)?,
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|source| DbError::Open {
        path: path.into(),
        source,
    })?;
    // SQLite quietly opens a file it may not write read-only; say so now,
    // not at the first write with a bare error code.
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false) {
        return Err(DbError::ReadOnly {
            path: path.into(),
            why: format!(
                "the file is not writable for you (and the folder `{}` that holds it must be \
                 writable too, for its -wal and -shm files)",
                folder_of(path).display()
            ),
        });
    }
    if mode == OpenMode::CreateNew {
        // Set while the file is still empty (before WAL mode writes its
        // first page). Sixteen-kilobyte pages make a large import's B-trees
        // shallower and its appends split a quarter as often: about a fifth
        // faster for a million assets. Older registers keep their 4 KB pages.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    // Asked before the pragmas, which would turn the file to WAL mode.
    if mode == OpenMode::Existing && !has_schema_history(&conn, path)? {
        // Only `init` makes a register: an empty SQLite file is not one.
        return Err(DbError::NotARegister {
            path: path.into(),
            reason: "it is a SQLite database with no estate schema".into(),
        });
    }
    configure(&conn, busy_timeout).map_err(|e| not_a_register_or(path, e))?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Opens an existing register read-only, for commands that only read, where
/// the register or its folder cannot be written (a read-only share). Runs no
/// migrations and sets no pragmas that write: a register older than this
/// binary is refused, since upgrading it needs write access.
///
/// A WAL register is read through its `-shm` index; where that file is absent
/// and cannot be created (the folder is read-only), the file is opened as
/// immutable. With no `-wal` beside it every committed change is already in
/// the file itself, so nothing is missed; a writer elsewhere is not seen until
/// the next command.
///
/// # Errors
/// As [`open`], and [`DbError::ReadOnly`] for a register needing an upgrade.
pub fn open_read_only(path: &Path, busy_timeout: Duration) -> Result<Connection, DbError> {
    if !path.exists() {
        return Err(DbError::NotFound { path: path.into() });
    }
    check_whole(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let open = |uri: &str| -> Result<Connection, DbError> {
        let conn = Connection::open_with_flags(uri, flags).map_err(|source| DbError::Open {
            path: path.into(),
            source,
        })?;
        conn.busy_timeout(busy_timeout)?;
        // Reading the schema is the first real read: it fails here, not
        // later, when the -shm index cannot be made.
        has_schema_history(&conn, path)?;
        Ok(conn)
    };
    let plain = format!("file:{}?mode=ro", uri_path(path));
    let conn = match open(&plain) {
        Ok(conn) => conn,
        Err(_) if !sidecar(path, "-wal").exists() => {
            open(&format!("file:{}?immutable=1", uri_path(path)))?
        }
        Err(e) => return Err(e),
    };
    if !has_schema_history(&conn, path)? {
        return Err(DbError::NotARegister {
            path: path.into(),
            reason: "it is a SQLite database with no estate schema".into(),
        });
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
    if found < known {
        return Err(DbError::ReadOnly {
            path: path.into(),
            why: format!(
                "it has schema version {found} and this estate must upgrade it to {known} \
                 before reading it, which needs write access"
            ),
        });
    }
    plan_once(&conn)?;
    Ok(conn)
}

/// The register's `-wal`, `-shm` or `-journal` file.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `path` as the path part of a `file:` URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Refuses a file that cannot be a whole `SQLite` database: empty, too short
/// for a header, not starting with SQLite's header, or shorter than its
/// header says. Without this, SQLite takes an empty file for a new, empty
/// database, and estate would show an empty register instead of a lost one.
///
/// The length is compared only when no `-wal` holds pages: while one does,
/// the main file may legitimately lag behind (a checkpoint in progress).
///
/// # Errors
/// [`DbError::Damaged`] or [`DbError::NotARegister`] saying what is wrong.
pub fn check_whole(path: &Path) -> Result<(), DbError> {
    use std::io::Read;
    let open_err = |source: std::io::Error| DbError::Unreadable {
        path: path.into(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(open_err)?;
    let len = file.metadata().map_err(open_err)?.len();
    let mut header = [0u8; 100];
    let mut got = 0;
    while got < header.len() {
        match file.read(&mut header[got..]).map_err(open_err)? {
            0 => break,
            n => got += n,
        }
    }
    let wal_has_pages = std::fs::metadata(sidecar(path, "-wal")).is_ok_and(|m| m.len() > 0);
    match header_problem(&header[..got], len, wal_has_pages) {
        None => Ok(()),
        Some(HeaderProblem::NotSqlite) => Err(DbError::NotARegister {
            path: path.into(),
            reason: "it is not a SQLite database".into(),
        }),
        Some(HeaderProblem::Damaged(reason)) => Err(DbError::Damaged {
            path: path.into(),
            reason,
        }),
    }
}

/// What the first bytes and the length of a file say is wrong with it.
#[derive(Debug, PartialEq, Eq)]
enum HeaderProblem {
    NotSqlite,
    Damaged(String),
}

fn header_problem(header: &[u8], len: u64, wal_has_pages: bool) -> Option<HeaderProblem> {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    if len == 0 {
        return Some(HeaderProblem::Damaged(
            "the file is empty (0 bytes), so it holds no register".into(),
        ));
    }
    if header.len() < 100 {
        return Some(if header.starts_with(&MAGIC[..header.len().min(16)]) {
            HeaderProblem::Damaged(format!(
                "the file is cut short: {len} bytes, less than a SQLite header"
            ))
        } else {
            HeaderProblem::NotSqlite
        });
    }
    if &header[..16] != MAGIC {
        return Some(HeaderProblem::NotSqlite);
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n if n >= 512 && n.is_power_of_two() => u64::from(n),
        n => {
            return Some(HeaderProblem::Damaged(format!(
                "its header gives an impossible page size ({n})"
            )));
        }
    };
    if wal_has_pages {
        return None;
    }
    if len % page_size != 0 {
        return Some(HeaderProblem::Damaged(format!(
            "the file is cut short: {len} bytes is not a whole number of {page_size}-byte pages"
        )));
    }
    let word = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    // The page count in the header is valid only when the change counter
    // matches the "version valid for" number (SQLite 3.7.0 and later).
    let pages = u64::from(word(28));
    if pages > 0 && word(24) == word(92) && pages * page_size > len {
        return Some(HeaderProblem::Damaged(format!(
            "the file is cut short: its header says {pages} pages of {page_size} bytes \
             ({} bytes) but the file holds {len}",
            pages * page_size
        )));
    }
    None
}

/// What `estate check` says of a register that may not open: the problems
/// with the file itself, then every line of SQLite's `PRAGMA integrity_check`,
/// read without changing the file. Empty when the file is whole and sound.
///
/// # Errors
/// Only when the file cannot be read at all (missing, no permission).
pub fn diagnose(path: &Path) -> Result<Vec<String>, DbError> {
    if !path.exists() {
        return Err(DbError::NotFound { path: path.into() });
    }
    let mut problems = Vec::new();
    match check_whole(path) {
        Ok(()) => {}
        Err(DbError::Damaged { reason, .. } | DbError::NotARegister { reason, .. }) => {
            problems.push(format!("file: {reason}"));
            if reason.contains("empty") || reason.contains("not a SQLite") {
                return Ok(problems);
            }
        }
        Err(e) => return Err(e),
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let lines = |uri: &str| -> rusqlite::Result<Vec<String>> {
        let conn = Connection::open_with_flags(uri, flags)?;
        let mut stmt = conn.prepare("PRAGMA integrity_check")?;
        stmt.query_map([], |r| r.get::<_, String>(0))?.collect()
    };
    // Immutable where no -wal holds changes, so checking leaves no -shm or
    // -wal behind beside a damaged file.
    let found = if sidecar(path, "-wal").exists() {
        lines(&format!("file:{}?mode=ro", uri_path(path)))
    } else {
        lines(&format!("file:{}?immutable=1", uri_path(path)))
    };
    match found {
        Ok(rows) => problems.extend(
            rows.into_iter()
                .filter(|r| r != "ok")
                .map(|r| format!("integrity: {r}")),
        ),
        Err(e) => problems.push(format!("integrity: SQLite cannot check it: {e}")),
    }
    Ok(problems)
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

fn has_schema_history(conn: &Connection, path: &Path) -> Result<bool, DbError> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' \
         AND name = 'refinery_schema_history')",
        [],
        |r| r.get(0),
    )
    .map_err(|e| not_a_register_or(path, e))
}

fn not_a_register_or(path: &Path, e: rusqlite::Error) -> DbError {
    match &e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_READONLY_DIRECTORY =>
        {
            DbError::ReadOnly {
                path: path.into(),
                why: format!(
                    "the folder `{}` is not writable (estate keeps its -wal and -shm files \
                     beside the register)",
                    folder_of(path).display()
                ),
            }
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly => {
            DbError::ReadOnly {
                path: path.into(),
                why: format!(
                    "the file or the folder `{}` that holds it is not writable",
                    folder_of(path).display()
                ),
            }
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseCorrupt => {
            DbError::Damaged {
                path: path.into(),
                reason: "SQLite finds it malformed".into(),
            }
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
            DbError::NotARegister {
                path: path.into(),
                reason: "it is not a SQLite database".into(),
            }
        }
        _ => DbError::from(e),
    }
}

/// The folder holding `path` (`.` for a bare file name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.into(),
        _ => PathBuf::from("."),
    }
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<(), DbError> {
    let has_history = has_schema_history(conn, path)?;
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
            // An old register: made with 4 KB pages, then given the schema.
            let mut conn = Connection::open(&old).unwrap();
            conn.pragma_update(None, "page_size", 4096).unwrap();
            conn.execute_batch("CREATE TABLE t (x); DROP TABLE t;")
                .unwrap();
            migrate(&mut conn, &old).unwrap();
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
    fn a_file_is_whole_only_with_a_sqlite_header_and_every_page_its_header_counts() {
        let mut header = [0u8; 100];
        header[..16].copy_from_slice(b"SQLite format 3\0");
        header[16..18].copy_from_slice(&4096u16.to_be_bytes());
        header[24..28].copy_from_slice(&7u32.to_be_bytes());
        header[28..32].copy_from_slice(&3u32.to_be_bytes());
        header[92..96].copy_from_slice(&7u32.to_be_bytes());
        assert_eq!(header_problem(&header, 3 * 4096, false), None);
        let damaged = |p| matches!(p, Some(HeaderProblem::Damaged(_)));
        assert!(damaged(header_problem(&[], 0, false)), "empty");
        assert!(
            damaged(header_problem(&header[..40], 40, false)),
            "short header"
        );
        assert!(
            damaged(header_problem(&header, 2 * 4096, false)),
            "pages missing"
        );
        assert!(
            damaged(header_problem(&header, 3 * 4096 - 1, false)),
            "part page"
        );
        // A -wal holding pages may run ahead of the main file.
        assert_eq!(header_problem(&header, 2 * 4096, true), None);
        // A header count from an older SQLite (counter mismatch) is not trusted.
        header[92..96].copy_from_slice(&6u32.to_be_bytes());
        assert_eq!(header_problem(&header, 2 * 4096, false), None);
        assert_eq!(
            header_problem(b"name,cost\nPC-1,12\n", 18, false),
            Some(HeaderProblem::NotSqlite)
        );
    }

    #[test]
    fn an_empty_file_or_an_empty_sqlite_database_is_not_taken_for_a_new_register() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.db");
        std::fs::write(&empty, b"").unwrap();
        let err = open(&empty, OpenMode::Existing).unwrap_err();
        assert!(matches!(err, DbError::Damaged { .. }), "{err}");
        assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
        let bare = dir.path().join("bare.db");
        Connection::open(&bare)
            .unwrap()
            .execute_batch("CREATE TABLE t (x); DROP TABLE t;")
            .unwrap();
        let err = open(&bare, OpenMode::Existing).unwrap_err();
        assert!(matches!(err, DbError::NotARegister { .. }), "{err}");
    }

    #[test]
    fn sqlites_read_only_folder_code_becomes_a_message_naming_the_folder() {
        let failure = |code| rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None);
        let path = Path::new("/share/ict/estate.db");
        let err = not_a_register_or(path, failure(rusqlite::ffi::SQLITE_READONLY_DIRECTORY));
        assert!(matches!(err, DbError::ReadOnly { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("the folder `/share/ict` is not writable"),
            "{text}"
        );
        assert!(!text.contains("1544"), "{text}");
        let err = not_a_register_or(path, failure(rusqlite::ffi::SQLITE_READONLY));
        assert!(matches!(err, DbError::ReadOnly { .. }), "{err}");
        let err = not_a_register_or(path, failure(rusqlite::ffi::SQLITE_CORRUPT));
        assert!(matches!(err, DbError::Damaged { .. }), "{err}");
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

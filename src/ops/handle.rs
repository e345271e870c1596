//! [`Register`]: the one handle on a register. It owns the connection,
//! knows whether it was opened to read or to write, and is the only way the
//! use cases in [`crate::ops`] reach the stores: they read through
//! [`Register::reader`] and write through [`Register::write`] (one IMMEDIATE
//! transaction, [`crate::db::write`]).
//!
//! The stores (`register::store`, `policy::store`, `forecast::store`,
//! `running::store`) stay free functions over a `SQLite` connection; this
//! handle is the seam where a second store (`PostgreSQL`) would come in: see
//! ARCHITECTURE.md, "A second store".

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction};

use crate::db::{self, DbError, OpenMode};
use crate::error::Result;

/// An open register.
pub struct Register {
    conn: Connection,
    path: PathBuf,
    read_only: bool,
}

impl Register {
    /// Opens the existing register at `path` to read and write (running any
    /// pending migrations), waiting up to `busy_timeout` for another writer.
    ///
    /// # Errors
    /// Missing, not a register, damaged, newer than this estate, read-only.
    pub fn open(path: &Path, busy_timeout: Duration) -> Result<Self> {
        let conn = db::open_waiting(path, OpenMode::Existing, busy_timeout)?;
        Ok(Register::over(conn, path, false))
    }

    /// Opens the existing register at `path` to read: as [`Register::open`],
    /// or read-only (no migrations) where the register or its folder cannot
    /// be written, as on a read-only share.
    ///
    /// # Errors
    /// As [`Register::open`], except being read-only.
    pub fn open_to_read(path: &Path, busy_timeout: Duration) -> Result<Self> {
        match db::open_waiting(path, OpenMode::Existing, busy_timeout) {
            Ok(conn) => Ok(Register::over(conn, path, false)),
            Err(DbError::ReadOnly { .. }) => Ok(Register::over(
                db::open_read_only(path, busy_timeout)?,
                path,
                true,
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates a new, empty register at `path` (which must not exist).
    ///
    /// # Errors
    /// A file is already there, or it cannot be created.
    pub fn create(path: &Path, busy_timeout: Duration) -> Result<Self> {
        let conn = db::open_waiting(path, OpenMode::CreateNew, busy_timeout)?;
        Ok(Register::over(conn, path, false))
    }

    /// A register in memory with the full schema and nothing in it (for
    /// tests, and for a front end trying something out).
    ///
    /// # Errors
    /// Only if `SQLite` itself fails.
    pub fn in_memory() -> Result<Self> {
        Ok(Register::over(
            db::open_in_memory()?,
            Path::new(":memory:"),
            false,
        ))
    }

    /// A handle over a connection already open on the register at `path`.
    pub fn over(conn: Connection, path: &Path, read_only: bool) -> Self {
        Register {
            conn,
            path: path.to_path_buf(),
            read_only,
        }
    }

    /// Where the register is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when it was opened read-only (a read-only share).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The `SQLite` store behind the handle, to read from: what the stores'
    /// functions take. A second store would offer its own reader here.
    pub fn reader(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` as one write: an IMMEDIATE transaction (waiting up to the
    /// busy timeout for another writer) committed if `f` succeeds and rolled
    /// back otherwise.
    ///
    /// # Errors
    /// Whatever `f` returns, or a database error (busy, read-only).
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        db::write(&mut self.conn, f)
    }

    /// Runs `f` in a transaction that is always rolled back: a dry run that
    /// does exactly the work of the real one and keeps none of it.
    ///
    /// # Errors
    /// Whatever `f` returns, or a database error.
    pub fn rehearse<T, E>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let tx = self.conn.transaction()?;
        let value = f(&tx);
        tx.rollback()?;
        value
    }

    /// The connection itself, for what has not moved behind the handle yet
    /// (import and the Cabinet report) and for restoring over it.
    pub fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The connection, given up (for code that still takes one by value).
    pub fn into_connection(self) -> Connection {
        self.conn
    }
}

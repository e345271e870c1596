//! The SQL of accounts: users, sessions, API tokens, failed sign-ins and
//! the accounts' own audit trail (`user_audit`).

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Role, User};
use crate::db::now_timestamp;
use crate::error::{Error, ErrorKind, Result};
use crate::register::Actor;

const USER_SELECT: &str =
    "SELECT user_id, name, role, one_time, disabled, created_at, updated_at FROM users";

fn user_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    let role: String = r.get(2)?;
    Ok(User {
        id: r.get(0)?,
        name: r.get(1)?,
        role: role.parse().unwrap_or(Role::Viewer),
        one_time: r.get(3)?,
        disabled: r.get(4)?,
        created_at: r.get(5)?,
        updated_at: r.get(6)?,
    })
}

/// Every account, by name.
///
/// # Errors
/// A database error.
pub fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!(
        "{USER_SELECT} ORDER BY name COLLATE NOCASE, user_id"
    ))?;
    let rows = stmt
        .query_map([], user_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The account named `name` (names compare without case).
///
/// # Errors
/// A database error.
pub fn find_user(conn: &Connection, name: &str) -> Result<Option<User>> {
    Ok(conn
        .prepare_cached(&format!("{USER_SELECT} WHERE name = ?1"))?
        .query_row([name], user_from_row)
        .optional()?)
}

/// Like [`find_user`], with an error naming the account when there is none.
///
/// # Errors
/// No such account, or a database error.
pub fn require_user(conn: &Connection, name: &str) -> Result<User> {
    find_user(conn, name)?.ok_or_else(|| {
        Error::new(
            ErrorKind::NotFound,
            format!("no account `{name}`; `estate users list` lists them"),
        )
    })
}

/// The stored password hash of the account `name`, with the account.
///
/// # Errors
/// A database error.
pub fn password_of(conn: &Connection, name: &str) -> Result<Option<(User, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT user_id, name, role, one_time, disabled, created_at, updated_at, \
             password_hash FROM users WHERE name = ?1",
        )?
        .query_row([name], |r| Ok((user_from_row(r)?, r.get(7)?)))
        .optional()?)
}

fn audit(
    tx: &Transaction<'_>,
    user_id: i64,
    action: &str,
    detail: Option<&str>,
    actor: &Actor,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO user_audit (at, user_id, action, detail, command, who) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        now_timestamp(),
        user_id,
        action,
        detail,
        actor.command,
        actor.who
    ])?;
    Ok(())
}

/// Adds an account with the password `hash`.
///
/// # Errors
/// The name is taken, or a database error.
pub fn insert_user(
    tx: &Transaction<'_>,
    name: &str,
    role: Role,
    hash: &str,
    one_time: bool,
    actor: &Actor,
) -> Result<i64> {
    let taken: Option<String> = tx
        .query_row("SELECT name FROM users WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(taken) = taken {
        return Err(Error::new(
            ErrorKind::Conflict,
            format!("there is already an account `{taken}`"),
        ));
    }
    let now = now_timestamp();
    tx.execute(
        "INSERT INTO users (name, role, password_hash, one_time, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![name, role.as_str(), hash, one_time, now],
    )?;
    let id = tx.last_insert_rowid();
    audit(tx, id, "add", Some(role.as_str()), actor)?;
    Ok(id)
}

/// Disables an account: it can no longer sign in, its sessions end and its
/// API tokens stop working.
///
/// # Errors
/// A database error.
pub fn disable_user(tx: &Transaction<'_>, user: &User, actor: &Actor) -> Result<()> {
    tx.execute(
        "UPDATE users SET disabled = 1, updated_at = ?2 WHERE user_id = ?1",
        params![user.id, now_timestamp()],
    )?;
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user.id])?;
    tx.execute("DELETE FROM api_tokens WHERE user_id = ?1", [user.id])?;
    audit(tx, user.id, "disable", None, actor)?;
    Ok(())
}

/// Sets a new password (`one_time`: one estate made); the account is
/// enabled again and its sessions end.
///
/// # Errors
/// A database error.
pub fn set_password(
    tx: &Transaction<'_>,
    user: &User,
    hash: &str,
    one_time: bool,
    actor: &Actor,
) -> Result<()> {
    tx.execute(
        "UPDATE users SET password_hash = ?2, one_time = ?3, disabled = 0, updated_at = ?4 \
         WHERE user_id = ?1",
        params![user.id, hash, one_time, now_timestamp()],
    )?;
    tx.execute("DELETE FROM sessions WHERE user_id = ?1", [user.id])?;
    audit(tx, user.id, "reset", None, actor)?;
    Ok(())
}

/// Stores a new API token's hash for `user`.
///
/// # Errors
/// A database error.
pub fn insert_token(
    tx: &Transaction<'_>,
    user: &User,
    token_hash: &str,
    actor: &Actor,
) -> Result<()> {
    tx.execute(
        "INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![token_hash, user.id, now_timestamp()],
    )?;
    audit(tx, user.id, "token", None, actor)?;
    Ok(())
}

/// The enabled account whose API token hashes to `token_hash`.
///
/// # Errors
/// A database error.
pub fn user_by_token(conn: &Connection, token_hash: &str) -> Result<Option<User>> {
    Ok(conn
        .prepare_cached(
            "SELECT u.user_id, u.name, u.role, u.one_time, u.disabled, u.created_at, \
             u.updated_at FROM api_tokens t JOIN users u ON u.user_id = t.user_id \
             WHERE t.token_hash = ?1 AND u.disabled = 0",
        )?
        .query_row([token_hash], user_from_row)
        .optional()?)
}

/// A session as stored.
#[derive(Debug, Clone)]
pub struct StoredSession {
    /// Whose.
    pub user: User,
    /// Its CSRF token.
    pub csrf_token: String,
    /// When it began (Unix seconds).
    pub created_at: i64,
    /// When it was last used (Unix seconds).
    pub last_seen: i64,
}

/// Stores a new session.
///
/// # Errors
/// A database error.
pub fn insert_session(
    tx: &Transaction<'_>,
    session_hash: &str,
    user: &User,
    csrf_token: &str,
    now: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO sessions (session_hash, user_id, csrf_token, created_at, last_seen) \
         VALUES (?1, ?2, ?3, ?4, ?4)",
        params![session_hash, user.id, csrf_token, now],
    )?;
    Ok(())
}

/// The session whose id hashes to `session_hash`, if its account is enabled.
///
/// # Errors
/// A database error.
pub fn session(conn: &Connection, session_hash: &str) -> Result<Option<StoredSession>> {
    Ok(conn
        .prepare_cached(
            "SELECT u.user_id, u.name, u.role, u.one_time, u.disabled, u.created_at, \
             u.updated_at, s.csrf_token, s.created_at, s.last_seen FROM sessions s \
             JOIN users u ON u.user_id = s.user_id WHERE s.session_hash = ?1 AND u.disabled = 0",
        )?
        .query_row([session_hash], |r| {
            Ok(StoredSession {
                user: user_from_row(r)?,
                csrf_token: r.get(7)?,
                created_at: r.get(8)?,
                last_seen: r.get(9)?,
            })
        })
        .optional()?)
}

/// Marks a session used at `now`.
///
/// # Errors
/// A database error.
pub fn touch_session(tx: &Transaction<'_>, session_hash: &str, now: i64) -> Result<()> {
    tx.execute(
        "UPDATE sessions SET last_seen = ?2 WHERE session_hash = ?1",
        params![session_hash, now],
    )?;
    Ok(())
}

/// Ends a session.
///
/// # Errors
/// A database error.
pub fn delete_session(tx: &Transaction<'_>, session_hash: &str) -> Result<()> {
    tx.execute(
        "DELETE FROM sessions WHERE session_hash = ?1",
        [session_hash],
    )?;
    Ok(())
}

/// Removes sessions unused since `idle_before` or begun before `begun_before`.
///
/// # Errors
/// A database error.
pub fn prune_sessions(tx: &Transaction<'_>, idle_before: i64, begun_before: i64) -> Result<()> {
    tx.execute(
        "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2",
        params![idle_before, begun_before],
    )?;
    Ok(())
}

/// Failed sign-ins since `since` for `account` and from `address`.
///
/// # Errors
/// A database error.
pub fn failures_since(
    conn: &Connection,
    account: &str,
    address: &str,
    since: i64,
) -> Result<(u32, u32, Option<i64>)> {
    let count = |sql: &str, key: &str| -> rusqlite::Result<(u32, Option<i64>)> {
        conn.prepare_cached(sql)?
            .query_row(params![key, since], |r| Ok((r.get(0)?, r.get(1)?)))
    };
    let (by_account, first_a) = count(
        "SELECT count(*), min(at) FROM login_failures WHERE account = ?1 AND at >= ?2",
        account,
    )?;
    let (by_address, first_b) = count(
        "SELECT count(*), min(at) FROM login_failures WHERE address = ?1 AND at >= ?2",
        address,
    )?;
    let oldest = match (first_a, first_b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Ok((by_account, by_address, oldest))
}

/// Records a failed sign-in, and forgets those older than `forget_before`.
///
/// # Errors
/// A database error.
pub fn record_failure(
    tx: &Transaction<'_>,
    account: &str,
    address: &str,
    now: i64,
    forget_before: i64,
) -> Result<()> {
    tx.execute(
        "INSERT INTO login_failures (at, account, address) VALUES (?1, ?2, ?3)",
        params![now, account, address],
    )?;
    tx.execute("DELETE FROM login_failures WHERE at < ?1", [forget_before])?;
    Ok(())
}

/// One row of an account's audit trail.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UserAuditEntry {
    /// When (UTC).
    pub at: String,
    /// The account.
    pub user: String,
    /// add, disable, reset, token.
    pub action: String,
    /// The role given, for an add.
    pub detail: Option<String>,
    /// The command (or web request) that did it.
    pub command: String,
    /// Who did it.
    pub who: String,
}

/// The accounts' audit trail, oldest first.
///
/// # Errors
/// A database error.
pub fn user_audit(conn: &Connection) -> Result<Vec<UserAuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT a.at, u.name, a.action, a.detail, a.command, a.who FROM user_audit a \
         JOIN users u ON u.user_id = a.user_id ORDER BY a.audit_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(UserAuditEntry {
                at: r.get(0)?,
                user: r.get(1)?,
                action: r.get(2)?,
                detail: r.get(3)?,
                command: r.get(4)?,
                who: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// forget-user's part in the accounts (issue 14): an account whose name is
/// the person's (or one of the user names or addresses given) is renamed
/// `[redacted] account N`, disabled, and its sessions and API tokens
/// deleted, so no one signs in as it again; the name or an address is
/// redacted from the accounts' trail (`user_audit`: detail, command, who);
/// failed sign-ins under it are deleted (they hold nothing else worth
/// keeping: the rate limit forgets them within the hour anyway). Returns
/// every field changed, as the register's forget-user does.
///
/// # Errors
/// A database error.
pub fn forget(
    tx: &Transaction<'_>,
    forget: &crate::register::forget::Forget,
    actor: &Actor,
) -> Result<Vec<crate::register::forget::Redaction>> {
    use crate::register::forget::Redaction;
    use crate::register::store::REDACTED;
    let mut changes = Vec::new();
    let users: Vec<(i64, String)> = tx
        .prepare("SELECT user_id, name FROM users ORDER BY user_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut forgotten = Vec::new();
    for (id, name) in users {
        let count = if forget.is_whole(&name) {
            1
        } else {
            match forget.redact(&name, REDACTED) {
                Some((_, n)) => n,
                None => continue,
            }
        };
        tx.execute(
            "UPDATE users SET name = ?1, disabled = 1, updated_at = ?2 WHERE user_id = ?3",
            params![format!("{REDACTED} account {id}"), now_timestamp(), id],
        )?;
        tx.execute("DELETE FROM sessions WHERE user_id = ?1", [id])?;
        tx.execute("DELETE FROM api_tokens WHERE user_id = ?1", [id])?;
        changes.push(Redaction {
            place: "accounts".into(),
            record: format!("account {id}"),
            field: "name".into(),
            count,
        });
        forgotten.push(id);
    }
    for column in ["detail", "command", "who"] {
        let rows: Vec<(i64, String)> = tx
            .prepare(&format!(
                "SELECT audit_id, {column} FROM user_audit WHERE {column} IS NOT NULL \
                 ORDER BY audit_id"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, text) in rows {
            if !forget.may_occur(&text) {
                continue;
            }
            let Some((new, count)) = forget.redact_value(&text, REDACTED, &[]) else {
                continue;
            };
            tx.execute(
                &format!("UPDATE user_audit SET {column} = ?1 WHERE audit_id = ?2"),
                params![new, id],
            )?;
            changes.push(Redaction {
                place: "account changes".into(),
                record: format!("row {id}"),
                field: column.into(),
                count,
            });
        }
    }
    let failures: Vec<(i64, String)> = tx
        .prepare("SELECT failure_id, account FROM login_failures ORDER BY failure_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, account) in failures {
        let count = if forget.is_whole(&account) {
            1
        } else {
            match forget.redact(&account, REDACTED) {
                Some((_, n)) => n,
                None => continue,
            }
        };
        tx.execute("DELETE FROM login_failures WHERE failure_id = ?1", [id])?;
        changes.push(Redaction {
            place: "failed sign-ins".into(),
            record: format!("row {id}"),
            field: "account".into(),
            count,
        });
    }
    // The accounts' trail says the account was closed, without the name.
    for id in forgotten {
        audit(tx, id, "disable", Some("forget-user"), actor)?;
    }
    Ok(changes)
}

//! Accounts as use cases: add, list, disable, reset, API tokens (for
//! `estate users`), and signing in and out, sessions and tokens (for
//! `estate serve`). Passwords and tokens go in and come out as values; a
//! use case never prints or logs them.

use crate::accounts::store::{self, StoredSession, UserAuditEntry};
use crate::accounts::{
    self, Limits, Role, User, check_name, check_password, decoy_hash, hash_password, new_secret,
    one_time_password, secret_hash, verify_password,
};
use crate::error::{Context, Result};
use crate::register::Actor;

use super::Register;

/// An account added, with the one-time password estate made when none
/// was given (shown once, never stored).
#[derive(Debug, Clone)]
pub struct Added {
    /// The account.
    pub user: User,
    /// The one-time password, when estate made one.
    pub one_time_password: Option<String>,
}

/// Adds an account with `role`; with no `password`, estate makes a
/// one-time password and gives it back.
///
/// # Errors
/// A bad name or password, a name taken, a busy register.
pub fn add(
    register: &mut Register,
    name: &str,
    role: Role,
    password: Option<&str>,
    actor: &Actor,
) -> Result<Added> {
    check_name(name)?;
    let (password, made) = match password {
        Some(p) => {
            check_password(p)?;
            (p.to_string(), false)
        }
        None => (one_time_password()?, true),
    };
    let hash = hash_password(&password)?;
    register
        .write(|tx| store::insert_user(tx, name, role, &hash, made, actor))
        .with_context(|| format!("failed to add the account `{name}`"))?;
    Ok(Added {
        user: store::require_user(register.reader(), name)?,
        one_time_password: made.then_some(password),
    })
}

/// Every account, by name.
///
/// # Errors
/// The register cannot be read.
pub fn list(register: &Register) -> Result<Vec<User>> {
    store::list_users(register.reader())
}

/// The accounts' audit trail, oldest first.
///
/// # Errors
/// The register cannot be read.
pub fn history(register: &Register) -> Result<Vec<UserAuditEntry>> {
    store::user_audit(register.reader())
}

/// Disables the account `name`: its sessions end and its tokens stop.
///
/// # Errors
/// No such account, a busy register.
pub fn disable(register: &mut Register, name: &str, actor: &Actor) -> Result<User> {
    let user = store::require_user(register.reader(), name)?;
    register
        .write(|tx| store::disable_user(tx, &user, actor))
        .with_context(|| format!("failed to disable the account `{name}`"))?;
    store::require_user(register.reader(), name)
}

/// Gives the account `name` a new one-time password (and enables it);
/// returns the password, to be shown once.
///
/// # Errors
/// No such account, a busy register.
pub fn reset(register: &mut Register, name: &str, actor: &Actor) -> Result<String> {
    let user = store::require_user(register.reader(), name)?;
    let password = one_time_password()?;
    let hash = hash_password(&password)?;
    register
        .write(|tx| store::set_password(tx, &user, &hash, true, actor))
        .with_context(|| format!("failed to reset the account `{name}`"))?;
    Ok(password)
}

/// Sets the password a person chose for their own account (after a
/// one-time password).
///
/// # Errors
/// A password too short or long, a busy register.
pub fn set_password(
    register: &mut Register,
    user: &User,
    password: &str,
    actor: &Actor,
) -> Result<()> {
    check_password(password)?;
    let hash = hash_password(password)?;
    register
        .write(|tx| store::set_password(tx, user, &hash, false, actor))
        .with_context(|| format!("failed to set the password of `{}`", user.name))
}

/// A new API token for the account `name`; returned once, stored hashed.
///
/// # Errors
/// No such account, a disabled one, a busy register.
pub fn new_token(register: &mut Register, name: &str, actor: &Actor) -> Result<String> {
    let user = store::require_user(register.reader(), name)?;
    if user.disabled {
        return Err(crate::Error::new(
            crate::ErrorKind::Conflict,
            format!("the account `{name}` is disabled; `estate users reset {name}` enables it"),
        ));
    }
    let token = format!("estate_{}", new_secret()?);
    let hash = secret_hash(&token);
    register
        .write(|tx| store::insert_token(tx, &user, &hash, actor))
        .with_context(|| format!("failed to make a token for `{name}`"))?;
    Ok(token)
}

/// The enabled account an API token belongs to.
///
/// # Errors
/// The register cannot be read.
pub fn token_user(register: &Register, token: &str) -> Result<Option<User>> {
    store::user_by_token(register.reader(), &secret_hash(token))
}

/// A session: whose it is and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session id (the cookie's value; stored only hashed).
    pub id: String,
    /// The account.
    pub user: User,
    /// The CSRF token every form of the session carries.
    pub csrf_token: String,
}

/// What a sign-in comes to.
#[derive(Debug, Clone)]
pub enum SignIn {
    /// Signed in.
    Signed(Session),
    /// A wrong name or password, or a disabled account (not told apart).
    Refused,
    /// Too many failures for the account or from the address: try again in
    /// this many seconds.
    TooMany {
        /// Seconds until the oldest failure leaves the window.
        retry_after: i64,
    },
}

/// Signs `name` in with `password` from `address` at `now` (Unix seconds),
/// unless [`Limits::failures`] failed sign-ins for the account or from the
/// address fall within the window. The failures are kept in the register
/// (so a restart does not reset them) and pruned after the window.
///
/// # Errors
/// A busy register, or no randomness.
pub fn sign_in(
    register: &mut Register,
    name: &str,
    password: &str,
    address: &str,
    now: i64,
    limits: Limits,
) -> Result<SignIn> {
    let since = now - limits.window_secs;
    let (by_account, by_address, oldest) =
        store::failures_since(register.reader(), name, address, since)?;
    if by_account >= limits.failures || by_address >= limits.failures {
        let retry_after = oldest.map_or(limits.window_secs, |o| o + limits.window_secs - now);
        return Ok(SignIn::TooMany {
            retry_after: retry_after.max(1),
        });
    }
    let found = store::password_of(register.reader(), name)?;
    let ok = if let Some((user, hash)) = &found {
        verify_password(password, hash) && !user.disabled
    } else {
        // As long as a real check, so a name cannot be told by timing.
        let _ = verify_password(password, decoy_hash()?);
        false
    };
    let user = match found {
        Some((user, _)) if ok => user,
        _ => {
            register.write(|tx| store::record_failure(tx, name, address, now, since))?;
            return Ok(SignIn::Refused);
        }
    };
    let id = new_secret()?;
    let csrf_token = new_secret()?;
    let hash = secret_hash(&id);
    register.write(|tx| {
        store::prune_sessions(tx, now - limits.idle_secs, now - limits.max_secs)?;
        store::insert_session(tx, &hash, &user, &csrf_token, now)
    })?;
    Ok(SignIn::Signed(Session {
        id,
        user,
        csrf_token,
    }))
}

/// The live session with id `id` at `now`, marked used; `None` when there
/// is none, it has expired (idle or too old) or its account is disabled.
///
/// # Errors
/// The register cannot be read or written.
pub fn session(
    register: &mut Register,
    id: &str,
    now: i64,
    limits: Limits,
) -> Result<Option<Session>> {
    let hash = secret_hash(id);
    let Some(StoredSession {
        user,
        csrf_token,
        created_at,
        last_seen,
    }) = store::session(register.reader(), &hash)?
    else {
        return Ok(None);
    };
    if now - last_seen > limits.idle_secs || now - created_at > limits.max_secs {
        register.write(|tx| store::delete_session(tx, &hash))?;
        return Ok(None);
    }
    // Written at most once a minute (or a quarter of the idle time), not on
    // every request.
    if now - last_seen >= (limits.idle_secs / 4).clamp(1, 60) {
        register.write(|tx| store::touch_session(tx, &hash, now))?;
    }
    Ok(Some(Session {
        id: id.to_string(),
        user,
        csrf_token,
    }))
}

/// Ends the session with id `id`.
///
/// # Errors
/// A busy register.
pub fn sign_out(register: &mut Register, id: &str) -> Result<()> {
    let hash = accounts::secret_hash(id);
    register.write(|tx| store::delete_session(tx, &hash))
}

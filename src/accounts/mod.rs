//! Accounts of the people who use estate through `estate serve`: their
//! roles, passwords (argon2id), sessions and API tokens (256-bit random
//! values, stored as their SHA-256), and the rate limit on failed
//! sign-ins. No database here: the SQL is in `store.rs`; the use cases are
//! in `crate::ops::accounts`.

pub mod store;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};

/// What a person may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads and downloads (finance, Cabinet members).
    Viewer,
    /// Also imports and edits the register.
    Editor,
    /// Also manages accounts, policy and settings.
    Admin,
}

impl Role {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// True when this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "viewer" => Ok(Role::Viewer),
            "editor" => Ok(Role::Editor),
            "admin" => Ok(Role::Admin),
            other => Err(Error::new(
                ErrorKind::Invalid,
                format!("`{other}` is not a role; roles are viewer, editor and admin"),
            )),
        }
    }
}

/// An account as the register holds it (never its password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// The sign-in name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// True while the password is a one-time password estate printed.
    pub one_time: bool,
    /// True when the account may no longer sign in or use its tokens.
    pub disabled: bool,
    /// When it was added (UTC).
    pub created_at: String,
    /// When it last changed (UTC).
    pub updated_at: String,
}

/// Checks an account name: 1 to 64 characters, no control characters, no
/// spaces at either end.
///
/// # Errors
/// As said.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name.trim() == name
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Invalid,
            format!(
                "`{}` is not an account name: 1 to 64 characters, no control characters and no \
                 spaces at either end",
                name.escape_default()
            ),
        ))
    }
}

/// The shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// Checks a password a person chose: at least [`MIN_PASSWORD`] characters
/// and at most 1,024.
///
/// # Errors
/// As said.
pub fn check_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if (MIN_PASSWORD..=1024).contains(&n) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::Invalid,
            format!("a password must be {MIN_PASSWORD} to 1,024 characters long"),
        ))
    }
}

/// `n` bytes from the operating system's CSPRNG.
///
/// # Errors
/// The operating system has no randomness to give.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("the operating system gave no random bytes: {e}"),
        )
    })?;
    Ok(bytes)
}

/// A new secret: 256 random bits as 64 hex digits (session ids, API
/// tokens, CSRF tokens).
///
/// # Errors
/// No randomness.
pub fn new_secret() -> Result<String> {
    Ok(hex(&random_bytes::<32>()?))
}

/// A one-time password: 20 characters from an alphabet without look-alikes
/// (about 110 bits).
///
/// # Errors
/// No randomness.
pub fn one_time_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXYZ2346789";
    let bytes = random_bytes::<40>()?;
    let mut out = String::with_capacity(20);
    for b in bytes {
        // Rejection sampling keeps every letter equally likely.
        let limit = 256 - 256 % ALPHABET.len();
        if usize::from(b) < limit {
            out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
        }
        if out.len() == 20 {
            return Ok(out);
        }
    }
    // 40 bytes nearly always give 20 letters; if not, draw again.
    one_time_password()
}

/// The SHA-256 of a secret, as stored (64 hex digits).
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Compares two strings in time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The argon2id hash of `password` (a PHC string with its own salt).
///
/// # Errors
/// No randomness, or argon2 refuses the input.
pub fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| Error::new(ErrorKind::Internal, format!("password salt: {e}")))?;
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::new(ErrorKind::Internal, format!("password hash: {e}")))
}

/// True when `password` matches the stored `hash`.
pub fn verify_password(password: &str, hash: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when there is no such account, so that a
/// wrong name takes as long as a wrong password.
///
/// # Errors
/// As [`hash_password`].
pub fn decoy_hash() -> Result<&'static str> {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    if let Some(h) = DECOY.get() {
        return Ok(h);
    }
    let h = hash_password("estate decoy password")?;
    Ok(DECOY.get_or_init(|| h))
}

/// How long sessions last and how many failed sign-ins are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A session unused for this many seconds has expired.
    pub idle_secs: i64,
    /// A session this many seconds old has expired, however used.
    pub max_secs: i64,
    /// Failed sign-ins allowed per account, and per address, in the window.
    pub failures: u32,
    /// The window, in seconds.
    pub window_secs: i64,
}

impl Default for Limits {
    /// 8 hours idle, 12 hours at most; 5 failures in 15 minutes.
    fn default() -> Self {
        Limits {
            idle_secs: 8 * 3600,
            max_secs: 12 * 3600,
            failures: 5,
            window_secs: 15 * 60,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_are_64_hex_digits_and_differ() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(one_time_password().unwrap().len(), 20);
    }

    #[test]
    fn roles_order_viewer_editor_admin() {
        assert!(Role::Admin.allows(Role::Editor));
        assert!(Role::Editor.allows(Role::Viewer));
        assert!(!Role::Viewer.allows(Role::Editor));
        assert_eq!("Editor".parse::<Role>().unwrap(), Role::Editor);
    }
}

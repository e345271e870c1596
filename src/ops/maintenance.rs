//! Keeping the register safe, sound and lawful: backup, restore, check and
//! forget-user, as use cases any front end calls.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::db::{self, DbError};
use crate::error::{Context, Error, ErrorKind, Result};
use crate::output_file::Refused;
use crate::register::Actor;
use crate::register::forget::{Forget, Forgotten};
use crate::register::store;

use super::Register;

/// Writes a consistent copy of `register` to `file`, which must not exist
/// (others may go on reading and writing meanwhile).
///
/// # Errors
/// `file` exists, cannot be created, or the copy fails.
pub fn backup(register: &Register, file: &Path) -> Result<()> {
    if file.symlink_metadata().is_ok() {
        return Err(Refused::new(
            file,
            "it already exists, and a backup never overwrites a file",
            "give the backup a new file name",
        )
        .into());
    }
    db::backup(register.reader(), file)
        .with_context(|| format!("failed to back up the register to `{}`", file.display()))
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Restored {
    /// The schema version of the backup restored.
    pub schema_version: i64,
    /// Where a damaged register was moved aside to first, if it was.
    pub set_aside: Option<PathBuf>,
}

/// Replaces the register at `path` with the backup `file`, verified first
/// (a bad backup changes nothing). A missing register is created; a damaged
/// one is moved aside (never deleted) first.
///
/// # Errors
/// The backup is missing, damaged or not a register (these without the
/// register's own fix), or the register cannot be written.
pub fn restore(path: &Path, file: &Path, busy_timeout: Duration) -> Result<Restored> {
    let version = db::verify_register_file(file)
        .map_err(about_backup)
        .with_context(|| format!("refusing to restore from `{}`", file.display()))?;
    let mut set_aside_to = None;
    let mut register = if path.exists() {
        match Register::open(path, busy_timeout) {
            Ok(register) => register,
            Err(e) if e.kind() == ErrorKind::Damaged => {
                set_aside_to = Some(set_aside(path)?);
                Register::create(path, busy_timeout)?
            }
            Err(e) => return Err(e),
        }
    } else {
        Register::create(path, busy_timeout)?
    };
    db::restore(register.connection_mut(), path, file)
        .map_err(about_backup)
        .with_context(|| format!("failed to restore from `{}`", file.display()))?;
    Ok(Restored {
        schema_version: version,
        set_aside: set_aside_to,
    })
}

/// An error about the backup being restored: a damaged file's fix names
/// the register, so it is left off.
fn about_backup(e: DbError) -> Error {
    let e = Error::from(e);
    if e.kind() == ErrorKind::Damaged {
        e.without_help()
    } else {
        e
    }
}

/// Renames a damaged register (and any `-wal`/`-shm` beside it) to the first
/// free `NAME.damaged`, `NAME.damaged-2`, … and returns the new name.
fn set_aside(path: &Path) -> Result<PathBuf> {
    let with = |p: &Path, suffix: &str| {
        let mut name = p.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let aside = (1..=1000)
        .map(|n| {
            with(
                path,
                &if n == 1 {
                    ".damaged".to_string()
                } else {
                    format!(".damaged-{n}")
                },
            )
        })
        .find(|p| !p.exists() && !with(p, "-wal").exists())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Io,
                "no free name to move the damaged register to",
            )
        })?;
    let moved = |from: &Path, to: &Path| {
        std::fs::rename(from, to).map_err(|e| {
            Error::new(
                ErrorKind::Io,
                format!("failed to move `{}` aside: {e}", from.display()),
            )
        })
    };
    for suffix in ["-wal", "-shm"] {
        let side = with(path, suffix);
        if side.exists() {
            moved(&side, &with(&aside, suffix))?;
        }
    }
    moved(path, &aside)?;
    Ok(aside)
}

/// What `check` found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checked {
    /// Each problem, as a sentence (`integrity: …` for damage).
    pub problems: Vec<String>,
    /// True when the file is damaged, not only breaking estate's rules.
    #[serde(skip)]
    pub damaged: bool,
}

impl Checked {
    /// The verdict on the register at `path`: fine, damaged, or
    /// breaking rules.
    ///
    /// # Errors
    /// Damaged (a register problem), else the count of problems found.
    pub fn verdict(&self, path: &Path) -> Result<()> {
        if self.problems.is_empty() {
            Ok(())
        } else if self.damaged {
            Err(DbError::Damaged {
                path: path.to_path_buf(),
                reason: format!("{} problem(s) found, listed above", self.problems.len()),
            }
            .into())
        } else {
            Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "{} problem(s) found in {}",
                    self.problems.len(),
                    path.display()
                ),
            ))
        }
    }
}

/// Checks the register at `path`: first whether it is a whole database at
/// all (it may not open), then `SQLite`'s integrity, foreign keys and
/// estate's own rules.
///
/// # Errors
/// The register cannot be opened for a reason other than damage.
pub fn check(path: &Path, busy_timeout: Duration) -> Result<Checked> {
    let opened = match db::check_whole(path) {
        Ok(()) => Register::open_to_read(path, busy_timeout),
        Err(e) => Err(e.into()),
    };
    match opened {
        Ok(register) => {
            let problems = store::check(register.reader())?;
            let damaged = problems.iter().any(|p| p.starts_with("integrity:"));
            Ok(Checked { problems, damaged })
        }
        Err(e) if e.kind() == ErrorKind::Damaged => Ok(Checked {
            problems: db::diagnose(path)?,
            damaged: true,
        }),
        Err(e) => Err(e),
    }
}

/// Whom to forget, and how.
#[derive(Debug, Clone, Default)]
pub struct ForgetRequest {
    /// The person's whole name.
    pub name: String,
    /// Their e-mail addresses or user names.
    pub emails: Vec<String>,
    /// Allow a name of one word.
    pub word: bool,
    /// Change nothing; say what would change.
    pub dry_run: bool,
}

impl ForgetRequest {
    /// Whom to look for, refused before the register is opened when the
    /// name holds no word, or is a single word without `word`.
    ///
    /// # Errors
    /// As said.
    pub fn forget(&self) -> Result<Forget> {
        let Some(forget) = Forget::new(&self.name, &self.emails) else {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "`{}` holds no word of a name; give the person's name as it is recorded",
                    self.name
                ),
            ));
        };
        if forget.word_count() == 1 && !self.word {
            return Err(Error::new(
                ErrorKind::Invalid,
                format!(
                    "`{}` is a single word: a first name or a surname alone would also be removed \
                     from everyone else who has it",
                    self.name
                ),
            )
            .with_help(
                "give the whole name (`estate forget-user \"Jane Doe\"`), or add --word to remove \
                 that word wherever it stands alone",
            ));
        }
        Ok(forget)
    }
}

/// Removes a person's name (and addresses) from every record and the audit
/// trail, or in a dry run says exactly what would change.
///
/// # Errors
/// The request is refused (see [`ForgetRequest::forget`]), nothing holds
/// the name, or the register cannot be written.
pub fn forget_user(
    register: &mut Register,
    request: &ForgetRequest,
    actor: &Actor,
) -> Result<Forgotten> {
    let forget = request.forget()?;
    // The register's records and trail, then the web accounts (their names,
    // trail, sessions and tokens): the name may be only in one of them.
    let work = |tx: &rusqlite::Transaction<'_>| -> Result<Forgotten> {
        let accounts = crate::accounts::store::forget(tx, &forget, actor)?;
        let mut done = match store::forget_user(tx, &forget, actor) {
            Ok(done) => done,
            Err(crate::register::RegisterError::NothingToForget) if !accounts.is_empty() => {
                Forgotten::default()
            }
            Err(e) => return Err(e.into()),
        };
        done.changes.extend(accounts);
        Ok(done)
    };
    if request.dry_run {
        // The same work in a transaction that is rolled back, so the list is
        // exactly what the real run would change.
        register.rehearse(work)
    } else {
        register.write(work)
    }
}

//! `estate backup`, `restore`, `check` and `forget-user`: keeping the
//! register safe, sound and lawful.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::db::{self, DbError};
use estate::register::Actor;
use estate::register::store;

use super::Ctx;

/// Flags of `estate backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (must not exist).
    pub file: PathBuf,
}

/// Flags of `estate restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup made by `estate backup`.
    pub file: PathBuf,
}

/// Flags of `estate forget-user`.
#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// The person's name as recorded as an assigned user.
    pub name: String,
}

/// `estate backup`.
pub fn backup(ctx: &Ctx, args: &BackupArgs) -> Result<()> {
    let conn = ctx.open_read()?;
    db::backup(&conn, &args.file).with_context(|| {
        format!(
            "failed to back up the register to `{}`",
            args.file.display()
        )
    })?;
    ctx.out.done(
        &format!(
            "backed up {} to {}",
            ctx.db_path.display(),
            args.file.display()
        ),
        &serde_json::json!({ "backup": args.file }),
    )
}

/// `estate restore`.
pub fn restore(ctx: &Ctx, args: &RestoreArgs) -> Result<()> {
    // Verify before touching the register, so a bad file changes nothing.
    let version = db::verify_register_file(&args.file)
        .with_context(|| format!("refusing to restore from `{}`", args.file.display()))?;
    // Restoring is also how a lost or damaged register comes back: create it
    // if missing; a damaged file is moved aside (never deleted) first.
    let mut conn = if ctx.db_path.exists() {
        match ctx.open_as(db::OpenMode::Existing) {
            Ok(conn) => conn,
            Err(e) if is_damaged(&e) => {
                let aside = set_aside(&ctx.db_path)?;
                ctx.out.message(&format!(
                    "moved the damaged file {} to {}",
                    ctx.db_path.display(),
                    aside.display()
                ));
                ctx.open_as(db::OpenMode::CreateNew)?
            }
            Err(e) => return Err(e),
        }
    } else {
        ctx.open_as(db::OpenMode::CreateNew)?
    };
    db::restore(&mut conn, &ctx.db_path, &args.file)
        .with_context(|| format!("failed to restore from `{}`", args.file.display()))?;
    ctx.out.done(
        &format!(
            "restored {} from {} (schema version {version})",
            ctx.db_path.display(),
            args.file.display()
        ),
        &serde_json::json!({ "restored_from": args.file, "schema_version": version }),
    )
}

fn is_damaged(e: &anyhow::Error) -> bool {
    matches!(
        e.downcast_ref::<DbError>(),
        Some(DbError::Damaged { .. } | DbError::NotARegister { .. })
    )
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
        .context("no free name to move the damaged register to")?;
    for suffix in ["-wal", "-shm"] {
        let side = with(path, suffix);
        if side.exists() {
            std::fs::rename(&side, with(&aside, suffix))
                .with_context(|| format!("failed to move `{}` aside", side.display()))?;
        }
    }
    std::fs::rename(path, &aside)
        .with_context(|| format!("failed to move `{}` aside", path.display()))?;
    Ok(aside)
}

/// `estate check`: first whether the file is a whole database at all (it
/// may not open), then SQLite's integrity, foreign keys and estate's rules.
pub fn check(ctx: &Ctx) -> Result<()> {
    let opened = match db::check_whole(&ctx.db_path) {
        Ok(()) => ctx.open_read(),
        Err(e) => Err(e.into()),
    };
    let (problems, damaged) = match opened {
        Ok(conn) => {
            let problems = store::check(&conn)?;
            let damaged = problems.iter().any(|p| p.starts_with("integrity:"));
            (problems, damaged)
        }
        Err(e) if is_damaged(&e) => (db::diagnose(&ctx.db_path)?, true),
        Err(e) => return Err(e),
    };
    if problems.is_empty() {
        return ctx.out.done(
            &format!("{}: no problems found", ctx.db_path.display()),
            &serde_json::json!({ "problems": problems }),
        );
    }
    if ctx.out.format == estate::report::Format::Json {
        ctx.out.data(
            &(serde_json::to_string_pretty(&serde_json::json!({ "problems": problems }))? + "\n"),
        )?;
    } else {
        let mut text = problems.join("\n");
        text.push('\n');
        ctx.out.data(&text)?;
    }
    if damaged {
        return Err(DbError::Damaged {
            path: ctx.db_path.clone(),
            reason: format!("{} problem(s) found, listed above", problems.len()),
        }
        .into());
    }
    bail!(
        "{} problem(s) found in {}",
        problems.len(),
        ctx.db_path.display()
    )
}

/// `estate forget-user`.
pub fn forget_user(ctx: &Ctx, args: &ForgetArgs) -> Result<()> {
    let mut conn = ctx.open()?;
    // The command line holds the name: record the command without it.
    let actor = Actor::command("estate forget-user [redacted]");
    let count = db::write(&mut conn, |tx| store::forget_user(tx, &args.name, &actor))
        .context("failed to forget the user")?;
    ctx.out.done(
        &format!(
            "removed the name from {count} asset(s) and from the audit trail; a redaction is recorded"
        ),
        &serde_json::json!({ "assets": count }),
    )
}

//! `estate backup`, `restore`, `check` and `forget-user`: keeping the
//! register safe, sound and lawful.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::db;
use estate::output_file::Refused;
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
    ctx.check_output(&args.file, "the backup", &[])?;
    if args.file.symlink_metadata().is_ok() {
        return Err(Refused::new(
            &args.file,
            "it already exists, and a backup never overwrites a file",
            "give the backup a new file name",
        )
        .into());
    }
    let conn = ctx.open()?;
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
    // Restoring is also how a lost register comes back: create it if missing.
    let mode = if ctx.db_path.exists() {
        db::OpenMode::Existing
    } else {
        db::OpenMode::CreateNew
    };
    let mut conn = ctx.open_as(mode)?;
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

/// `estate check`.
pub fn check(ctx: &Ctx) -> Result<()> {
    let conn = ctx.open()?;
    let problems = store::check(&conn)?;
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

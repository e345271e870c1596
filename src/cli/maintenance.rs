//! `estate backup`, `restore`, `check` and `forget-user`: keeping the
//! register safe, sound and lawful.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::db::{self, DbError};
use estate::output_file::Refused;
use estate::register::forget::Forget;
use estate::register::store;
use estate::report::{Cell, View};

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
    /// The person's whole name (first name and surname), matched as whole
    /// words in any capitals: "Ian Smith" is removed from "IAN SMITH's
    /// laptop", never from "Brian Smithson".
    pub name: String,

    /// An e-mail address or user name (UPN) of the person, removed wherever
    /// it stands whole, in any capitals (repeat for several).
    #[arg(long = "email", value_name = "ADDRESS")]
    pub emails: Vec<String>,

    /// Allow a name of one word (a first name or a surname alone), which
    /// also removes it from everyone else who shares it.
    #[arg(long)]
    pub word: bool,

    /// List every record and field that would change, with counts, and
    /// change nothing.
    #[arg(long)]
    pub dry_run: bool,
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
    let Some(forget) = Forget::new(&args.name, &args.emails) else {
        bail!(
            "`{}` holds no word of a name; give the person's name as it is recorded",
            args.name
        );
    };
    if forget.word_count() == 1 && !args.word {
        bail!(
            "`{}` is a single word: a first name or a surname alone would also be removed from \
             everyone else who has it\nhelp: give the whole name (`estate forget-user \"Jane Doe\"`), \
             or add --word to remove that word wherever it stands alone",
            args.name
        );
    }
    let mut conn = ctx.open()?;
    // The command line holds the name: record the command without it.
    let mut actor = ctx.actor();
    actor.command = "estate forget-user [redacted]".into();
    let done = if args.dry_run {
        // The same work in a transaction that is rolled back, so the list is
        // exactly what the real run would change.
        let tx = conn.transaction()?;
        let done = store::forget_user(&tx, &forget, &actor);
        tx.rollback()?;
        done
    } else {
        db::write(&mut conn, |tx| store::forget_user(tx, &forget, &actor))
    }
    .context("failed to forget the user")?;
    let mut view = View::new(&["where", "record", "field", "count"]);
    for c in &done.changes {
        view.push(vec![
            Cell::text(&c.place),
            Cell::text(&c.record),
            Cell::text(&c.field),
            Cell::number(c.count.to_string()),
        ]);
    }
    let fields = done.changes.len();
    let matches = done.matches();
    if ctx.out.format == estate::report::Format::Json {
        return ctx.out.data(
            &(serde_json::to_string_pretty(&serde_json::json!({
                "dry_run": args.dry_run,
                "changes": done.changes,
                "fields": fields,
                "matches": matches,
                "records_noted": done.records_noted,
            }))? + "\n"),
        );
    }
    ctx.out.listing(&view, &done.changes)?;
    ctx.out.message(&if args.dry_run {
        format!(
            "would remove {matches} match(es) from {fields} field(s); nothing was changed \
             (run it without --dry-run to remove them)"
        )
    } else {
        format!(
            "removed {matches} match(es) from {fields} field(s); a redaction is recorded in the \
             history of {} record(s)",
            done.records_noted
        )
    });
    Ok(())
}

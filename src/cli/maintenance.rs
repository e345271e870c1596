//! `estate backup`, `restore`, `check` and `forget-user`: keeping the
//! register safe, sound and lawful.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use estate::ops::maintenance::{self, ForgetRequest};
use estate::views::forgotten_view;

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
    let register = ctx.register_to_read()?;
    maintenance::backup(&register, &args.file)?;
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
    let restored = maintenance::restore(&ctx.db_path, &args.file, ctx.busy_timeout)?;
    if let Some(aside) = &restored.set_aside {
        ctx.out.message(&format!(
            "moved the damaged file {} to {}",
            ctx.db_path.display(),
            aside.display()
        ));
    }
    ctx.out.done(
        &format!(
            "restored {} from {} (schema version {})",
            ctx.db_path.display(),
            args.file.display(),
            restored.schema_version
        ),
        &serde_json::json!({
            "restored_from": args.file,
            "schema_version": restored.schema_version,
        }),
    )
}

/// `estate check`.
pub fn check(ctx: &Ctx) -> Result<()> {
    let checked = maintenance::check(&ctx.db_path, ctx.busy_timeout)?;
    if checked.problems.is_empty() {
        return ctx.out.done(
            &format!("{}: no problems found", ctx.db_path.display()),
            &checked,
        );
    }
    if ctx.out.format == estate::report::Format::Json {
        ctx.out
            .data(&(serde_json::to_string_pretty(&checked)? + "\n"))?;
    } else {
        let mut text = checked.problems.join("\n");
        text.push('\n');
        ctx.out.data(&text)?;
    }
    Ok(checked.verdict(&ctx.db_path)?)
}

/// `estate forget-user`.
pub fn forget_user(ctx: &Ctx, args: &ForgetArgs) -> Result<()> {
    let request = ForgetRequest {
        name: args.name.clone(),
        emails: args.emails.clone(),
        word: args.word,
        dry_run: args.dry_run,
    };
    // The command line holds the name: record the command without it.
    let mut actor = ctx.actor();
    actor.command = "estate forget-user [redacted]".into();
    request.forget()?;
    let mut register = ctx.register()?;
    let done = maintenance::forget_user(&mut register, &request, &actor)
        .context("failed to forget the user")?;
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
    ctx.out.listing(&forgotten_view(&done), &done.changes)?;
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

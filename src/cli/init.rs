//! `estate init`: create a register and load the defaults from `data/`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use estate::db::{self, OpenMode};
use estate::policy::{self, Defaults};

use super::Ctx;

/// Flags of `estate init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Read the defaults from this copy of estate's data folder instead of
    /// the copy built into estate.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

/// Creates the register.
pub fn run(ctx: &Ctx, args: &InitArgs) -> Result<()> {
    let (defaults, origin) = load_defaults(args.data.as_deref())?;
    let mut conn = ctx.open_as(OpenMode::CreateNew)?;
    let actor = ctx.actor();
    db::write(&mut conn, |tx| {
        policy::store::load(tx, &defaults, &actor, &origin)
    })
    .context("failed to load the defaults")?;
    let path = std::fs::canonicalize(&ctx.db_path).unwrap_or_else(|_| ctx.db_path.clone());
    ctx.out.done(
        &format!(
            "created register {} (schema version {}); loaded {} lives, {} prices, {} power profiles and {} settings from {origin}\nnext: estate orgs add CODE \"Name\"",
            path.display(),
            db::latest_schema_version(),
            defaults.lives.len(),
            defaults.prices.len(),
            defaults.power_profiles.len(),
            defaults.settings.len(),
        ),
        &serde_json::json!({ "register": path, "schema_version": db::latest_schema_version() }),
    )
}

/// The defaults from `dir`, or the built-in copy; with a description of where from.
pub fn load_defaults(dir: Option<&std::path::Path>) -> Result<(Defaults, String)> {
    match dir {
        Some(dir) => Ok((Defaults::from_dir(dir)?, dir.display().to_string())),
        None => Ok((Defaults::builtin(), "the built-in data/".to_string())),
    }
}

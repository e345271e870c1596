//! `estate init`: create a register and load the defaults from `data/`.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use estate::{db, ops};

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
    let (defaults, origin) = ops::policy::defaults(args.data.as_deref())?;
    ops::policy::init(
        &ctx.db_path,
        ctx.busy_timeout,
        (&defaults, &origin),
        &ctx.actor(),
    )?;
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

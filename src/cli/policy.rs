//! `estate policy`: show or reload the reference data (lives, prices, power
//! profiles, settings).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use estate::db;
use estate::policy;
use estate::report::{Cell, View};

use super::Ctx;

/// Flags of `estate policy`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    pub command: PolicyCommand,
}

/// What to do with the policy.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Show the lives, prices and settings in force, with their sources.
    Show,
    /// Reload lives, prices, power profiles and settings from a data folder
    /// (or the built-in copy), replacing what the register holds.
    Load {
        /// The data folder (with policy/ and power/ inside).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
}

/// Runs `estate policy`.
pub fn run(ctx: &Ctx, args: &PolicyArgs) -> Result<()> {
    match &args.command {
        PolicyCommand::Show => show(ctx),
        PolicyCommand::Load { data } => {
            let (defaults, origin) = super::init::load_defaults(data.as_deref())?;
            let mut conn = ctx.open()?;
            let actor = ctx.actor();
            db::write(&mut conn, |tx| {
                policy::store::load(tx, &defaults, &actor.command, &origin)
            })
            .context("failed to load the defaults")?;
            ctx.out.done(
                &format!("loaded the policy from {origin}"),
                &serde_json::json!({ "loaded_from": origin }),
            )
        }
    }
}

fn show(ctx: &Ctx) -> Result<()> {
    let conn = ctx.open()?;
    let d = policy::store::read(&conn)?;
    let mut view = View::new(&["item", "class", "value", "source"]);
    for l in &d.lives {
        view.push(vec![
            Cell::text("life (years)"),
            Cell::text(l.class.as_str()),
            Cell::number(l.life_years.to_string()),
            Cell::text(&l.source),
        ]);
    }
    for p in &d.prices {
        let class = if p.manufacturer.is_empty() && p.model.is_empty() {
            p.class.as_str().to_string()
        } else {
            format!("{} ({} {})", p.class.as_str(), p.manufacturer, p.model)
        };
        view.push(vec![
            Cell::text("unit price"),
            Cell::text(class),
            Cell::money(p.unit_cost),
            Cell::text(&p.source),
        ]);
    }
    for s in &d.settings {
        view.push(vec![
            Cell::text("setting"),
            Cell::text(&s.key),
            Cell::text(&s.value),
            Cell::text(&s.source),
        ]);
    }
    ctx.out.listing(&view, &d)
}

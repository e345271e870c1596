//! `estate orgs`, `estate sites`, `estate departments`: the lists every
//! record hangs off.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use estate::domain::Rate;
use estate::ops::{
    self,
    orgs::{AddOrganisation, AddPlace},
};
use estate::register::store::PlaceKind;
use estate::views::{organisations_view, places_view};

use super::Ctx;

/// Flags of `estate orgs`.
#[derive(Debug, Args)]
pub struct OrgsArgs {
    #[command(subcommand)]
    pub command: Option<OrgsCommand>,
}

/// What to do with organisations (none: list them).
#[derive(Debug, Subcommand)]
pub enum OrgsCommand {
    /// Add an organisation.
    Add {
        /// Short code: 2-12 capital letters or digits, e.g. BCW.
        code: String,
        /// Full name, e.g. "Brookfield Borough Council".
        name: String,
        /// A shared ICT service whose costs are apportioned to member councils.
        #[arg(long)]
        shared: bool,
        /// Number of staff (for per-user licences and printer ratios).
        #[arg(long, value_parser = staff_count)]
        staff: Option<u32>,
    },
    /// Set how a shared service's costs split between its members, e.g. AVN=40% BRK=60%.
    Shares {
        /// The shared service's code.
        shared: String,
        /// MEMBER=SHARE pairs adding up to 100%.
        #[arg(required = true, value_name = "MEMBER=SHARE")]
        members: Vec<String>,
    },
    /// Set an organisation's staff count.
    Staff {
        /// The organisation's code.
        code: String,
        /// Number of staff.
        #[arg(value_parser = staff_count)]
        count: u32,
    },
}

/// Runs `estate orgs`.
pub fn orgs(ctx: &Ctx, args: &OrgsArgs) -> Result<()> {
    let Some(command) = &args.command else {
        let all = ops::orgs::organisations(&ctx.register_to_read()?)?;
        return ctx.out.listing(&organisations_view(&all), &all);
    };
    let actor = ctx.actor();
    match command {
        OrgsCommand::Add {
            code,
            name,
            shared,
            staff,
        } => {
            let request = AddOrganisation {
                code: code.clone(),
                name: name.clone(),
                shared: *shared,
                staff: *staff,
            };
            let code = ops::orgs::add_organisation(&mut ctx.register()?, &request, &actor)?;
            ctx.out.done(
                &format!("added organisation {code} {}", name.trim()),
                &serde_json::json!({ "code": code, "name": name.trim() }),
            )
        }
        OrgsCommand::Shares { shared, members } => {
            let mut parsed = Vec::new();
            for m in members {
                let Some((code, share)) = m.split_once('=') else {
                    bail!("`{m}` is not MEMBER=SHARE (e.g. AVN=40%)");
                };
                let rate: Rate = share.parse().with_context(|| format!("in `{m}`"))?;
                parsed.push((code.to_string(), rate));
            }
            let shared = ops::orgs::set_shares(&mut ctx.register()?, shared, &parsed, &actor)?;
            ctx.out.done(
                &format!("set the shares of {shared}: {}", members.join(" ")),
                &serde_json::json!({ "shared": shared, "members": members }),
            )
        }
        OrgsCommand::Staff { code, count } => {
            let code = ops::orgs::set_staff(&mut ctx.register()?, code, *count, &actor)?;
            ctx.out.done(
                &format!("{code} has {count} staff"),
                &serde_json::json!({ "code": code, "staff": count }),
            )
        }
    }
}

/// Flags of `estate sites` and `estate departments`.
#[derive(Debug, Args)]
pub struct PlacesArgs {
    /// Only this organisation (required when adding to a register of several).
    #[arg(long, global = true)]
    pub org: Option<String>,
    #[command(subcommand)]
    pub command: Option<PlacesCommand>,
}

/// What to do with sites or departments (none: list them).
#[derive(Debug, Subcommand)]
pub enum PlacesCommand {
    /// Add one.
    Add {
        /// Its name.
        name: String,
        /// Cost-centre code (departments).
        #[arg(long)]
        cost_centre: Option<String>,
    },
}

/// Runs `estate sites` or `estate departments`.
pub fn places(ctx: &Ctx, args: &PlacesArgs, kind: PlaceKind) -> Result<()> {
    let what = ops::orgs::place_word(kind);
    match &args.command {
        None => {
            let places = ops::orgs::places(&ctx.register_to_read()?, kind, args.org.as_deref())?;
            ctx.out.listing(&places_view(&places, kind), &places)
        }
        Some(PlacesCommand::Add { name, cost_centre }) => {
            let request = AddPlace {
                kind,
                organisation: args.org.clone(),
                name: name.clone(),
                cost_centre: cost_centre.clone(),
            };
            let org = ops::orgs::add_place(&mut ctx.register()?, &request, &ctx.actor())?;
            ctx.out.done(
                &format!("added {what} {} to {org}", name.trim()),
                &serde_json::json!({ "org": org, what: name.trim() }),
            )
        }
    }
}

/// Reads a staff count: a whole number.
fn staff_count(text: &str) -> Result<u32, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of staff (write a whole number, like 640)"))
}

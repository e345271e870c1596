//! `estate orgs`, `estate sites`, `estate departments`: the lists every
//! record hangs off.

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use estate::db;
use estate::domain::Rate;
use estate::register::store::{self, PlaceKind};
use estate::report::{Cell, View};

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
    let mut conn = if args.command.is_none() {
        ctx.open_read()?
    } else {
        ctx.open()?
    };
    let actor = ctx.actor();
    match &args.command {
        None => {
            let orgs = store::list_organisations(&conn)?;
            let shares = store::list_shares(&conn)?;
            let mut view = View::new(&["code", "name", "shared service", "staff", "shares"]);
            for o in &orgs {
                let split: Vec<String> = shares
                    .iter()
                    .filter(|s| s.shared == o.code)
                    .map(|s| format!("{} {}", s.member, Rate::from_fraction(s.ratio)))
                    .collect();
                view.push(vec![
                    Cell::text(&o.code),
                    Cell::text(&o.name),
                    Cell::text(if o.is_shared_service { "yes" } else { "no" }),
                    Cell::number(o.staff_count.map(|s| s.to_string()).unwrap_or_default()),
                    Cell::text(split.join(", ")),
                ]);
            }
            ctx.out.listing(
                &view,
                &serde_json::json!({ "organisations": orgs, "shares": shares }),
            )
        }
        Some(OrgsCommand::Add {
            code,
            name,
            shared,
            staff,
        }) => {
            let code = code.trim().to_ascii_uppercase();
            db::write(&mut conn, |tx| {
                store::add_organisation(tx, &code, name, *shared, *staff, &actor)
            })
            .with_context(|| format!("failed to add organisation {code}"))?;
            ctx.out.done(
                &format!("added organisation {code} {}", name.trim()),
                &serde_json::json!({ "code": code, "name": name.trim() }),
            )
        }
        Some(OrgsCommand::Shares { shared, members }) => {
            let shared_org = store::resolve_organisation(&conn, Some(shared))?;
            let mut parsed = Vec::new();
            for m in members {
                let Some((code, share)) = m.split_once('=') else {
                    bail!("`{m}` is not MEMBER=SHARE (e.g. AVN=40%)");
                };
                let org = store::resolve_organisation(&conn, Some(code))?;
                let rate: Rate = share.parse().with_context(|| format!("in `{m}`"))?;
                parsed.push((org, rate.fraction()));
            }
            db::write(&mut conn, |tx| {
                store::set_shares(tx, &shared_org, &parsed, &actor)
            })
            .with_context(|| format!("failed to set the shares of {}", shared_org.code))?;
            ctx.out.done(
                &format!(
                    "set the shares of {}: {}",
                    shared_org.code,
                    members.join(" ")
                ),
                &serde_json::json!({ "shared": shared_org.code, "members": members }),
            )
        }
        Some(OrgsCommand::Staff { code, count }) => {
            let org = store::resolve_organisation(&conn, Some(code))?;
            db::write(&mut conn, |tx| {
                store::set_staff_count(tx, &org, Some(*count), &actor)
            })?;
            ctx.out.done(
                &format!("{} has {count} staff", org.code),
                &serde_json::json!({ "code": org.code, "staff": count }),
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
    let mut conn = if args.command.is_none() {
        ctx.open_read()?
    } else {
        ctx.open()?
    };
    let what = match kind {
        PlaceKind::Site => "site",
        PlaceKind::Department => "department",
    };
    match &args.command {
        None => {
            let org = match &args.org {
                Some(code) => Some(store::resolve_organisation(&conn, Some(code))?.id),
                None => None,
            };
            let places = store::list_places(&conn, kind, org)?;
            let mut view = match kind {
                PlaceKind::Site => View::new(&["org", "site"]),
                PlaceKind::Department => View::new(&["org", "department", "cost centre"]),
            };
            for p in &places {
                let mut row = vec![Cell::text(&p.organisation), Cell::text(&p.name)];
                if kind == PlaceKind::Department {
                    row.push(Cell::opt(p.cost_centre.as_ref()));
                }
                view.push(row);
            }
            ctx.out.listing(&view, &places)
        }
        Some(PlacesCommand::Add { name, cost_centre }) => {
            if kind == PlaceKind::Site && cost_centre.is_some() {
                bail!("--cost-centre belongs to departments, not sites");
            }
            let org = store::resolve_organisation(&conn, args.org.as_deref())?;
            let actor = ctx.actor();
            db::write(&mut conn, |tx| {
                store::add_place(tx, kind, &org, name, cost_centre.as_deref(), &actor)
            })
            .with_context(|| format!("failed to add {what} {}", name.trim()))?;
            ctx.out.done(
                &format!("added {what} {} to {}", name.trim(), org.code),
                &serde_json::json!({ "org": org.code, what: name.trim() }),
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

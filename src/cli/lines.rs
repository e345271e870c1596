//! `estate lines`: the phone-line forecast (rentals, contracts ending, the
//! PSTN/ISDN switch-off migrations), the critical-care lines, and adding
//! and listing the register's lines.

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use estate::db;
use estate::domain::{LineType, Money, iso};
use estate::forecast::lines::{self, LineAssumptions, LinesForecast};
use estate::register::store;
use estate::register::{Line, LineFields};
use estate::report::{Cell, View};
use time::Date;

use estate::report::running::{lines_org_view, lines_type_view, migrations_view};

use super::running::{Estate, HorizonFlags, organisation};
use super::{Ctx, parse_date, parse_money};

/// Flags of `estate lines`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LinesArgs {
    #[command(subcommand)]
    pub command: Option<LinesCommand>,
    /// Rows: per line type and year, or per organisation and year.
    #[arg(long, value_enum, default_value_t = By::Type)]
    pub by: By,
    #[command(flatten)]
    pub horizon: HorizonFlags,
}

/// What the rows of `estate lines` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum By {
    /// Per line type and year, then all types.
    Type,
    /// Per organisation and year (shared services apportioned).
    Org,
}

/// What to do with lines (none: the forecast).
#[derive(Debug, Subcommand)]
pub enum LinesCommand {
    /// Every line the switch-off forces to migrate: critical-care lines first.
    Migrations(HorizonFlags),
    /// The critical-care lines (telecare, alarms, lifts, warden call) and their migration.
    #[command(name = "critical-care")]
    CriticalCare(HorizonFlags),
    /// Lines whose contracts end inside the forecast.
    Contracts(HorizonFlags),
    /// List the register's lines.
    List {
        /// Only this organisation's lines.
        #[arg(long)]
        org: Option<String>,
    },
    /// Add a line to the register.
    #[command(
        after_help = "Example:\n  estate lines add \"01632 960058\" --type pstn --rental 18.99 --critical-care --use Telecare"
    )]
    Add(AddLineArgs),
}

/// Flags of `estate lines add`.
#[derive(Debug, Args)]
pub struct AddLineArgs {
    /// The number (CLI) or service id.
    pub number: String,
    /// pstn, isdn2, isdn30, adsl, fttc, sogea, fttp, sip or mobile_data.
    #[arg(long = "type", value_name = "TYPE")]
    pub line_type: LineType,
    /// Monthly rental ex VAT.
    #[arg(long, value_parser = parse_money, value_name = "AMOUNT")]
    pub rental: Money,
    /// The organisation (may be left out when the register holds only one).
    #[arg(long)]
    pub org: Option<String>,
    /// Site (must exist: `estate sites add`).
    #[arg(long)]
    pub site: Option<String>,
    /// Supplier.
    #[arg(long)]
    pub supplier: Option<String>,
    /// Contract end date.
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    pub contract_end: Option<Date>,
    /// It carries telecare, alarm, lift or warden-call traffic.
    #[arg(long)]
    pub critical_care: bool,
    /// What it is used for, e.g. Telecare, Voice, Broadband.
    #[arg(long = "use", value_name = "USE")]
    pub line_use: Option<String>,
}

/// Runs `estate lines`.
pub fn run(ctx: &Ctx, args: &LinesArgs) -> Result<()> {
    match &args.command {
        None => {
            let f = compute(ctx, &args.horizon)?;
            let view = match args.by {
                By::Type => lines_type_view(&f),
                By::Org => lines_org_view(&f),
            };
            ctx.out.listing(&view, &f)?;
            let critical = f.migrations.iter().filter(|m| m.critical_care).count();
            let cost: Money = f.migrations.iter().map(|m| m.cost).sum();
            ctx.out.message(&format!(
                "PSTN/ISDN switch-off {} (`estate policy show` gives its source): {} lines to migrate by {} ({}{}), {cost}; {critical} of them critical care — `estate lines critical-care` lists them",
                iso(f.switch_off.date),
                f.migrations.len(),
                iso(f.switch_off.last_day),
                f.switch_off.due_year,
                if f.migrations.iter().any(|m| m.past_due) {
                    ", PAST DUE"
                } else {
                    ""
                },
            ));
            Ok(())
        }
        Some(LinesCommand::Migrations(h)) => {
            let f = compute(ctx, h)?;
            ctx.out
                .listing(&migrations_view(f.migrations.iter()), &f.migrations)
        }
        Some(LinesCommand::CriticalCare(h)) => {
            let f = compute(ctx, h)?;
            let critical: Vec<_> = f.migrations.iter().filter(|m| m.critical_care).collect();
            ctx.out
                .listing(&migrations_view(critical.iter().copied()), &critical)?;
            ctx.out.message(
                "a failed migration of these lines puts people at risk: check each device works on the digital line (PSTN Charter)",
            );
            Ok(())
        }
        Some(LinesCommand::Contracts(h)) => {
            let f = compute(ctx, h)?;
            let mut view = View::new(&[
                "org",
                "number",
                "type",
                "contract end",
                "year",
                "rental that year",
            ]);
            for c in &f.contracts_ending {
                view.push(vec![
                    Cell::text(&c.organisation),
                    Cell::text(&c.number),
                    Cell::text(c.line_type.as_str()),
                    Cell::text(iso(c.contract_end)),
                    Cell::text(c.year.to_string()),
                    Cell::money(c.rental),
                ]);
            }
            ctx.out.listing(&view, &f.contracts_ending)?;
            ctx.out.message(&format!(
                "{} more active lines have no contract end or are already out of contract",
                f.out_of_contract
            ));
            Ok(())
        }
        Some(LinesCommand::List { org }) => list(ctx, org.as_deref()),
        Some(LinesCommand::Add(a)) => add(ctx, a),
    }
}

fn compute(ctx: &Ctx, h: &HorizonFlags) -> Result<LinesForecast> {
    let conn = ctx.open_read()?;
    let estate = Estate::read(&conn)?;
    let org = h.organisation(&conn)?;
    let horizon = h.horizon(ctx)?;
    Ok(forecast_lines(
        &conn,
        &estate,
        org.as_ref().map(|o| o.code.as_str()),
        horizon,
    )?
    .1)
}

/// The line forecast of the register's lines (one organisation's, or all)
/// over `horizon`, with its assumptions.
pub(super) fn forecast_lines(
    conn: &rusqlite::Connection,
    estate: &Estate,
    org: Option<&str>,
    horizon: estate::forecast::Horizon,
) -> Result<(LineAssumptions, LinesForecast)> {
    let held = store::list_lines(conn, org)?;
    let assumptions = LineAssumptions::from_defaults(&estate.defaults)?;
    let f = lines::forecast(&held, &estate.shares, &assumptions, horizon)?;
    Ok((assumptions, f))
}

fn list(ctx: &Ctx, org: Option<&str>) -> Result<()> {
    let conn = ctx.open_read()?;
    let org = organisation(&conn, org)?;
    let held: Vec<Line> = store::list_lines(&conn, org.as_ref().map(|o| o.code.as_str()))?;
    let mut view = View::new(&[
        "org",
        "number",
        "type",
        "use",
        "critical care",
        "site",
        "monthly rental",
        "contract end",
        "status",
    ]);
    for l in &held {
        let f = &l.fields;
        view.push(vec![
            Cell::text(&l.organisation),
            Cell::text(&f.number),
            Cell::text(f.line_type.as_str()),
            Cell::opt(f.line_use.as_ref()),
            Cell::text(if f.critical_care { "yes" } else { "no" }),
            Cell::opt(f.site.as_ref()),
            Cell::money(f.monthly_rental),
            Cell::opt(f.contract_end.map(iso)),
            Cell::text(if f.active { "active" } else { "ceased" }),
        ]);
    }
    ctx.out.listing(&view, &held)
}

fn add(ctx: &Ctx, a: &AddLineArgs) -> Result<()> {
    ctx.unless_forced(estate::domain::rules::likely_cost(
        &format!("line {}: a monthly rental", a.number.trim()),
        a.rental,
    ))?;
    let mut conn = ctx.open()?;
    let org = store::resolve_organisation(&conn, a.org.as_deref())?;
    let fields = LineFields {
        number: a.number.trim().to_string(),
        line_type: a.line_type,
        supplier: a.supplier.clone(),
        site: a.site.clone(),
        monthly_rental: a.rental,
        contract_end: a.contract_end,
        critical_care: a.critical_care,
        line_use: a.line_use.clone(),
        active: true,
        notes: None,
    };
    let actor = ctx.actor();
    db::write(&mut conn, |tx| {
        store::insert_line(tx, &org, &fields, false, &actor)
    })
    .with_context(|| format!("failed to add line {}", fields.number))?;
    ctx.out.done(
        &format!(
            "added {} line {} to {}",
            fields.line_type, fields.number, org.code
        ),
        &fields,
    )
}

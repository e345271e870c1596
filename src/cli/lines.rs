//! `estate lines`: the phone-line forecast (rentals, contracts ending, the
//! PSTN/ISDN switch-off migrations), the critical-care lines, and adding
//! and listing the register's lines.

use anyhow::Result;
use clap::{Args, Subcommand, ValueEnum};
use estate::domain::{LineType, Money, iso};
use estate::forecast::lines::LinesForecast;
use estate::ops;
use estate::register::LineFields;
use estate::report::running::{lines_org_view, lines_type_view, migrations_view};
use estate::views::{contracts_ending_view, lines_view};
use time::Date;

use super::running::HorizonFlags;
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
            let view = contracts_ending_view(&f);
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
    Ok(ops::running::lines(
        &ctx.register_to_read()?,
        &h.request(ctx)?,
    )?)
}

fn list(ctx: &Ctx, org: Option<&str>) -> Result<()> {
    let held = ops::running::list_lines(&ctx.register_to_read()?, org)?;
    ctx.out.listing(&lines_view(&held), &held)
}

fn add(ctx: &Ctx, a: &AddLineArgs) -> Result<()> {
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
    ops::running::check_line(&fields, ctx.slips())?;
    let org = ops::running::add_line(
        &mut ctx.register()?,
        a.org.as_deref(),
        &fields,
        (ctx.slips(), &ctx.actor()),
    )?;
    ctx.out.done(
        &format!("added {} line {} to {org}", fields.line_type, fields.number),
        &fields,
    )
}

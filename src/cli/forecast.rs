//! `estate forecast`: the five-year capital programme, and `estate forecast
//! compare`: two scenarios side by side. Flags are turned into a
//! `forecast::Request`; "today" (for the default first year) is resolved
//! here, never in the engine.

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::domain::FinancialYear;
use estate::domain::rules::HORIZON_YEARS;
use estate::forecast::programme::{Dimension, Units};
use estate::forecast::{self, Caps, Horizon, Request};
use estate::ops;
use estate::report::forecast::{
    Section, comparison_notes, comparison_view, notes, programme_sections, programme_view,
    write_detail_csv,
};
use estate::report::running::comparison_view_labelled;
use estate::report::write_csv;

use super::Ctx;

/// Flags of `estate forecast`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ForecastArgs {
    #[command(subcommand)]
    pub command: Option<ForecastCommand>,
    #[command(flatten)]
    pub options: ForecastOptions,
}

/// `estate forecast` subcommands.
#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Show two scenarios' programmes side by side, with the difference per
    /// year (what a change saves, and how much more kit runs past its life).
    #[command(
        after_help = "Examples:\n  estate forecast compare base extend-desktop-life\n  estate forecast compare base capped-250k --units thousands"
    )]
    Compare(CompareArgs),
}

/// The years, the organisation and the units: shared by `forecast` and
/// `forecast compare`.
#[derive(Debug, Args)]
pub struct HorizonArgs {
    /// The first financial year (default: the one containing today).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<FinancialYear>,
    /// How many financial years (1 to 50).
    #[arg(long, default_value_t = 5, value_name = "N",
          value_parser = clap::value_parser!(u32).range(
              i64::from(*HORIZON_YEARS.start())..=i64::from(*HORIZON_YEARS.end())))]
    pub years: u32,
    /// Only this organisation's assets.
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
    /// Show money in pounds or in thousands of pounds (£000).
    #[arg(long, default_value = "pounds", value_name = "pounds|thousands")]
    pub units: Units,
    /// Limit capital per year: one amount for every year, or YEAR=AMOUNT pairs.
    #[arg(long, value_name = "AMOUNT|YEAR=AMOUNT,…")]
    pub cap: Option<Caps>,
}

impl HorizonArgs {
    pub(super) fn horizon(&self, ctx: &Ctx) -> Result<Horizon> {
        let first = self
            .from
            .unwrap_or_else(|| FinancialYear::containing(ctx.today));
        Ok(Horizon::new(first, self.years)?)
    }
}

/// Flags of a plain `estate forecast`.
#[derive(Debug, Args)]
pub struct ForecastOptions {
    #[command(flatten)]
    pub horizon: HorizonArgs,
    /// What the rows are: programme line, class, organisation (shared
    /// services apportioned to their members), site or department.
    #[arg(
        long,
        default_value = "line",
        value_name = "line|class|org|site|department"
    )]
    pub by: Dimension,
    /// List every replacement with its due year, reason and cost.
    #[arg(long)]
    pub detail: bool,
    /// Apply a scenario: a shipped one (base, capped-250k,
    /// extend-desktop-life, green-refresh) or the path of a .toml file.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Save the run under this name, with every assumption and result line.
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
}

/// Flags of `estate forecast compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The scenario to compare against (e.g. base).
    pub base: String,
    /// The scenario to compare (e.g. extend-desktop-life).
    pub other: String,
    #[command(flatten)]
    pub horizon: HorizonArgs,
}

/// Runs `estate forecast`.
pub fn run(ctx: &Ctx, args: &ForecastArgs) -> Result<()> {
    match &args.command {
        Some(ForecastCommand::Compare(c)) => run_compare(ctx, c),
        None => run_forecast(ctx, &args.options),
    }
}

fn title(
    first: &str,
    horizon: Horizon,
    what: &str,
    org: Option<&str>,
    scenario: Option<&str>,
) -> String {
    let only = org.map(|o| format!(", {o} only")).unwrap_or_default();
    let scenario = scenario
        .map(|s| format!(", scenario {s}"))
        .unwrap_or_default();
    format!(
        "{first} {} to {}, by {what}{only}{scenario}",
        horizon.first,
        horizon.last()
    )
}

fn run_forecast(ctx: &Ctx, o: &ForecastOptions) -> Result<()> {
    let mut register = if o.save.is_some() {
        ctx.register()?
    } else {
        ctx.register_to_read()?
    };
    let horizon = o.horizon.horizon(ctx)?;
    let organisation = ops::forecast::organisation(&register, o.horizon.org.as_deref())?;
    let request = Request {
        horizon,
        scenario: o.scenario.as_deref().map(|s| ctx.scenario(s)).transpose()?,
        caps: o.horizon.cap.clone(),
        organisation: organisation.clone(),
        detail: o.detail,
    };
    let save = o.save.as_ref().map(|name| ops::forecast::Save {
        name: name.clone(),
        command: ctx.command_line.clone(),
    });
    let forecast = ops::forecast::forecast(&mut register, &request, save.as_ref())?;
    if let (Some(id), Some(name)) = (forecast.saved, &o.save) {
        ctx.out.message(&format!(
            "saved as run {id} \"{}\"; `estate runs show {id}` shows it",
            name.trim()
        ));
    }
    let record = ops::forecast::record(forecast, &request, ctx.today);
    let units = o.horizon.units;
    let p = &record.programme;
    // A scenario's levers (thin clients, virtualisation, MFD consolidation)
    // change capital outside the replacement rules: said beside the table,
    // never silently left out.
    let mut notes = notes(p, units);
    notes.extend(
        record
            .with_levers
            .as_ref()
            .map(estate::forecast::cabinet::LeverEffect::sentence),
    );
    notes.extend(unsupported_note(&record.unsupported_now, ctx.today));
    if !record.extended_support.is_empty() {
        let years: Vec<String> = record
            .extended_support
            .iter()
            .map(|y| format!("{} {}", y.year, y.cost))
            .collect();
        notes.push(format!(
            "extended security updates bought (revenue, not in the capital figures): {}",
            years.join(", ")
        ));
    }
    notes.extend(record.age_estimated.as_ref().map(age_estimated_note));
    let heading = title(
        "Capital programme",
        horizon,
        match o.by {
            Dimension::Line => "programme line",
            Dimension::Class => "class",
            Dimension::Org => "organisation",
            Dimension::Site => "site",
            Dimension::Department => "department",
        },
        organisation.as_deref(),
        record.scenario.as_deref(),
    );
    ctx.out.sections(
        || programme_sections(&heading, p, o.by, units),
        &notes,
        |out| {
            if o.detail {
                write_detail_csv(&p.detail, units, out)
            } else {
                write_csv(&programme_view(p.table(o.by), units), out)
            }
        },
        &record,
    )
}

/// The note on replacements whose timing rests on an enrolment date.
fn age_estimated_note(a: &ops::forecast::AgeEstimated) -> String {
    let years: Vec<String> = a
        .years
        .iter()
        .map(|y| format!("{} {} ({})", y.year, y.replacements, y.cost))
        .collect();
    format!(
        "age estimated from enrolment (`import --age-from`): {} {} in scope, replaced (in the \
         figures above): {}",
        a.assets,
        if a.assets == 1 { "asset" } else { "assets" },
        years.join(", ")
    )
}

/// The "unsupported now" risk line: live kit already past its last
/// supported day, by class and organisation.
fn unsupported_note(rows: &[forecast::support::Unsupported], today: time::Date) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let total: u64 = rows.iter().map(|r| r.count).sum();
    let parts: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} at {}", r.count, r.class, r.organisation))
        .collect();
    Some(format!(
        "unsupported now ({}): {total} live {} past {} last supported day: {}",
        estate::domain::iso(today),
        if total == 1 { "asset" } else { "assets" },
        if total == 1 { "its" } else { "their" },
        parts.join(", ")
    ))
}

/// Prints the register's five-year capital programme from the year
/// containing today, by programme line, as `estate forecast` does (the end
/// of `estate demo`).
pub fn print_programme(ctx: &Ctx) -> Result<()> {
    run_forecast(
        ctx,
        &ForecastOptions {
            horizon: HorizonArgs {
                from: None,
                years: 5,
                org: None,
                units: Units::Pounds,
                cap: None,
            },
            by: Dimension::Line,
            detail: false,
            scenario: None,
            save: None,
        },
    )
}

fn run_compare(ctx: &Ctx, c: &CompareArgs) -> Result<()> {
    let register = ctx.register_to_read()?;
    let horizon = c.horizon.horizon(ctx)?;
    let organisation = ops::forecast::organisation(&register, c.horizon.org.as_deref())?;
    // Scenarios are named by their own `name` (a file path is only where one came from).
    let (base_scenario, other_scenario) = (ctx.scenario(&c.base)?, ctx.scenario(&c.other)?);
    let (base_name, other_name) = (base_scenario.name.clone(), other_scenario.name.clone());
    let compared = ops::forecast::compare(
        &register,
        horizon,
        organisation.as_deref(),
        c.horizon.cap.as_ref(),
        (&base_scenario, &other_scenario),
    )?;
    let comparison = &compared.capital;
    let view = comparison_view(comparison, c.horizon.units);
    let heading_text = |with_levers: bool| {
        let suffix = if with_levers { " (before levers)" } else { "" };
        title(
            &format!("{other_name} against {base_name}{suffix}:"),
            horizon,
            "programme line",
            organisation.as_deref(),
            None,
        )
    };
    // Capital, power and carbon together: each scenario's levers (thin clients,
    // virtualisation, MFD consolidation) change all three.
    let running = &compared.running;
    let running_view = comparison_view_labelled(running, &base_name, &other_name);
    let with_levers = compared.has_levers();
    let mut notes = if with_levers {
        // The programme-line table is before levers; the totals that count are below.
        let total = compared.capital_change();
        vec![format!(
            "the programme lines above are before levers; with them {} {} {} over the horizon",
            other_name,
            if total.is_negative() {
                "saves"
            } else {
                "costs"
            },
            if total.is_negative() { -total } else { total }
        )]
    } else {
        comparison_notes(comparison)
    };
    for (name, s) in [(&base_name, &compared.base), (&other_name, &compared.other)] {
        notes.push(format!("levers in {name}: {}", s.levers));
        notes.extend(
            s.plan
                .summary
                .iter()
                .map(|l| format!("{name}: {}", l.description)),
        );
        notes.extend(s.plan.notes.iter().map(|n| format!("{name}: note: {n}")));
    }
    ctx.out.sections(
        || {
            vec![
                Section {
                    title: heading_text(with_levers),
                    view: view.clone(),
                },
                Section {
                    title: format!(
                        "Capital with levers, energy, cost and carbon after replacements: {other_name} against {base_name}"
                    ),
                    view: running_view,
                },
            ]
        },
        &notes,
        |out| write_csv(&view, out),
        &serde_json::json!({ "capital": comparison, "running": running }),
    )
}

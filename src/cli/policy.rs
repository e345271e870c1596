//! `estate policy`: show, change or reload the reference data (lives,
//! prices, power profiles, settings, model lives, programme lines).

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use estate::db;
use estate::domain::{ClassSynonyms, FinancialYear, Money, Rate};
use estate::policy::{self, store::PolicyChange};
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
    /// Change one figure: a class's life, a model's life, a unit price, the
    /// inflation rate or the price base. Each change is kept in the audit
    /// trail; saved forecast runs keep the figures they were made with.
    #[command(
        after_help = "Examples:\n  estate policy set life desktop 6\n  estate policy set model-life Dell \"OptiPlex 7010\" 7\n  estate policy set price laptop 850.00\n  estate policy set price laptop 1125.00 --manufacturer Lenovo --model \"ThinkPad T14\"\n  estate policy set inflation 3.5%\n  estate policy set price-base 2026/27\n  estate policy set capital-threshold 10000 --grouped\n  estate policy set licence-uplift 5%"
    )]
    Set {
        #[command(subcommand)]
        what: SetCommand,
    },
    /// Reload lives, prices, power profiles and settings from a data folder
    /// (or the built-in copy), replacing what the register holds.
    Load {
        /// The data folder (with policy/ and power/ inside).
        #[arg(long, value_name = "DIR")]
        data: Option<PathBuf>,
    },
}

/// What `estate policy set` changes.
#[derive(Debug, Subcommand)]
pub enum SetCommand {
    /// A class's replacement life in years.
    Life {
        /// The class (e.g. desktop, laptop, "thin client").
        class: String,
        /// Years, 1 to 50.
        years: u32,
    },
    /// One model's replacement life in years (beats its class's; an asset's
    /// own life beats both).
    ModelLife {
        /// Manufacturer, e.g. Dell.
        manufacturer: String,
        /// Model, e.g. "OptiPlex 7010".
        model: String,
        /// Years, 1 to 50.
        years: u32,
    },
    /// A unit replacement price ex VAT at the price base, for a class or
    /// (with --manufacturer and --model) one model of it.
    Price {
        /// The class.
        class: String,
        /// The price, e.g. 850.00.
        #[arg(value_parser = super::parse_money)]
        amount: Money,
        /// The manufacturer, for a model price.
        #[arg(long, requires = "model")]
        manufacturer: Option<String>,
        /// The model, for a model price.
        #[arg(long, requires = "manufacturer")]
        model: Option<String>,
    },
    /// The annual inflation rate applied to prices, e.g. 3.5%.
    Inflation {
        /// The rate, as a percentage.
        rate: Rate,
    },
    /// The financial year the price book's prices are quoted at, e.g. 2026/27.
    PriceBase {
        /// The year.
        year: FinancialYear,
    },
    /// The yearly rise of recurring licence prices (monthly, annual and
    /// term renewals), e.g. 5%.
    LicenceUplift {
        /// The rate.
        rate: Rate,
    },
    /// The capitalisation de minimis, ex VAT: a replacement costing less
    /// is revenue, not capital (0 turns it off). With --grouped, a year's
    /// replacements of one class are one scheme, capital when together they
    /// reach it (as councils treat a PC refresh).
    CapitalThreshold {
        /// The threshold in pounds, e.g. 10000.
        #[arg(value_parser = super::parse_money)]
        amount: Money,
        /// Treat a year's replacements of one class as one scheme.
        #[arg(long)]
        grouped: bool,
    },
}

/// Refuses a policy figure that is almost certainly a slip unless `--force`.
fn check_likely(ctx: &Ctx, change: &PolicyChange) -> Result<()> {
    use estate::domain::rules;
    match change {
        PolicyChange::Price { class, amount, .. } => {
            ctx.unless_forced(rules::likely_cost(&format!("a {class} price"), *amount))
        }
        PolicyChange::Inflation(rate) | PolicyChange::LicenceUplift(rate) => {
            ctx.unless_forced(rules::likely_inflation(*rate))
        }
        PolicyChange::CapitalThreshold { amount, .. } => {
            ctx.unless_forced(rules::likely_cost("a capital threshold", *amount))
        }
        PolicyChange::PriceBase(year) => {
            ctx.unless_forced(rules::likely_price_base(*year, ctx.today))
        }
        _ => Ok(()),
    }
}

fn change(what: &SetCommand) -> Result<PolicyChange> {
    let class = |text: &str| ClassSynonyms::builtin().parse_class(text);
    Ok(match what {
        SetCommand::Life { class: c, years } => PolicyChange::Life {
            class: class(c)?,
            years: *years,
        },
        SetCommand::ModelLife {
            manufacturer,
            model,
            years,
        } => PolicyChange::ModelLife {
            manufacturer: manufacturer.clone(),
            model: model.clone(),
            years: *years,
        },
        SetCommand::Price {
            class: c,
            amount,
            manufacturer,
            model,
        } => PolicyChange::Price {
            class: class(c)?,
            manufacturer: manufacturer.clone().unwrap_or_default(),
            model: model.clone().unwrap_or_default(),
            amount: *amount,
        },
        SetCommand::Inflation { rate } => PolicyChange::Inflation(*rate),
        SetCommand::PriceBase { year } => PolicyChange::PriceBase(*year),
        SetCommand::LicenceUplift { rate } => PolicyChange::LicenceUplift(*rate),
        SetCommand::CapitalThreshold { amount, grouped } => PolicyChange::CapitalThreshold {
            amount: *amount,
            grouped: *grouped,
        },
    })
}

/// Runs `estate policy`.
pub fn run(ctx: &Ctx, args: &PolicyArgs) -> Result<()> {
    match &args.command {
        PolicyCommand::Show => show(ctx),
        PolicyCommand::Set { what } => {
            let change = change(what)?;
            check_likely(ctx, &change)?;
            let mut conn = ctx.open()?;
            let actor = ctx.actor();
            let done = db::write(&mut conn, |tx| policy::store::set(tx, &change, &actor))
                .context("failed to change the policy")?;
            let was = done
                .old
                .as_deref()
                .map_or_else(String::new, |o| format!(" (was {o})"));
            ctx.out
                .done(&format!("set {} to {}{was}", done.field, done.new), &done)
        }
        PolicyCommand::Load { data } => {
            let (defaults, origin) = super::init::load_defaults(data.as_deref())?;
            let mut conn = ctx.open()?;
            let actor = ctx.actor();
            db::write(&mut conn, |tx| {
                policy::store::load(tx, &defaults, &actor, &origin)
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
    let conn = ctx.open_read()?;
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
    for m in &d.model_lives {
        view.push(vec![
            Cell::text("model life (years)"),
            Cell::text(format!("{} {}", m.manufacturer, m.model)),
            Cell::number(m.life_years.to_string()),
            Cell::text(&m.source),
        ]);
    }
    for l in &d.programme_lines {
        view.push(vec![
            Cell::text("programme line"),
            Cell::text(l.class.as_str()),
            Cell::text(&l.line),
            Cell::text(&l.source),
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
    estate::report::running::policy_rows(&d, &mut view);
    // People see plain citations; the data files keep the maintainers' notes.
    for row in &mut view.rows {
        if let Some(source) = row.get_mut(3) {
            *source = Cell::text(policy::citation(&source.text));
        }
    }
    let mut records = serde_json::to_value(&d)?;
    cite_sources(&mut records);
    ctx.out.listing(&view, &records)
}

/// Every `source` string in `value` as a plain citation.
fn cite_sources(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if key == "source" => *s = policy::citation(s),
                    _ => cite_sources(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(cite_sources),
        _ => {}
    }
}

//! `estate policy`: show, change or reload the reference data (lives,
//! prices, power profiles, settings, model lives, programme lines).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::domain::{ClassSynonyms, FinancialYear, Money, Rate};
use estate::ops;
use estate::policy::{self, store::PolicyChange};
use estate::views::policy_view;

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
        after_help = "Examples:\n  estate policy set life desktop 6\n  estate policy set model-life Dell \"OptiPlex 7010\" 7\n  estate policy set price laptop 850.00\n  estate policy set price laptop 1125.00 --manufacturer Lenovo --model \"ThinkPad T14\"\n  estate policy set inflation 3.5%\n  estate policy set price-base 2026/27\n  estate policy set capital-threshold 10000 --grouped\n  estate policy set licence-uplift 5%\n  estate policy set borrowing-rate 5.2% --source \"PWLB certainty rate, 25-year maturity, 2 Feb 2027\""
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
    /// The yearly interest rate on the programme's prudential borrowing,
    /// e.g. 5.2%, with where it comes from (say which PWLB rate, of what
    /// term and date). The revenue position charges it on the borrowing
    /// outstanding at the start of each year.
    BorrowingRate {
        /// The rate.
        rate: Rate,
        /// Where it comes from, e.g. "PWLB certainty rate, 25-year maturity, 2 Feb 2027".
        #[arg(long, value_name = "TEXT")]
        source: Option<String>,
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
        SetCommand::BorrowingRate { rate, source } => PolicyChange::BorrowingRate {
            rate: *rate,
            source: source.clone(),
        },
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
            ops::policy::check_likely(&change, ctx.today, ctx.slips())?;
            let done = ops::policy::set(
                &mut ctx.register()?,
                &change,
                (ctx.today, ctx.slips()),
                &ctx.actor(),
            )?;
            let was = done
                .old
                .as_deref()
                .map_or_else(String::new, |o| format!(" (was {o})"));
            ctx.out
                .done(&format!("set {} to {}{was}", done.field, done.new), &done)
        }
        PolicyCommand::Load { data } => {
            let (defaults, origin) = ops::policy::defaults(data.as_deref())?;
            ops::policy::load(&mut ctx.register()?, (&defaults, &origin), &ctx.actor())?;
            ctx.out.done(
                &format!("loaded the policy from {origin}"),
                &serde_json::json!({ "loaded_from": origin }),
            )
        }
    }
}

fn show(ctx: &Ctx) -> Result<()> {
    let d = ops::policy::show(&ctx.register_to_read()?)?;
    let view = policy_view(&d);
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

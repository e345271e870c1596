//! `estate funding`: how the capital programme is paid for — set, clear
//! and list the sources of each financial year (capital receipts,
//! borrowing, revenue contributions, reserves, grants, external
//! contributions), as amounts or shares of the year's programme, for one
//! organisation or the whole register.

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::domain::{FinancialYear, Money, Rate};
use estate::forecast::funding::{Funding, FundingEntry, FundingSource};
use estate::ops;
use estate::report::funding::entries_view;

use super::Ctx;

/// Flags of `estate funding`.
#[derive(Debug, Args)]
pub struct FundingArgs {
    #[command(subcommand)]
    pub command: Option<FundingCommand>,
    /// Only this organisation's funding (list).
    #[arg(long, value_name = "CODE", global = true)]
    pub org: Option<String>,
}

/// What to do with the funding (none: list it).
#[derive(Debug, Subcommand)]
pub enum FundingCommand {
    /// Set one source of funding for a year: an amount (e.g. 50000) or a
    /// share of the year's programme (e.g. 60%). Setting it again replaces
    /// it. With --org it funds that organisation's part of the programme;
    /// without, the whole register's. Each change is audited with who made
    /// it.
    #[command(
        after_help = "Examples:\n  estate funding set 2026/27 borrowing 60%\n  estate funding set 2026/27 capital-receipts 40%\n  estate funding set 2027/28 grants 25000 --org AVN"
    )]
    Set {
        /// The financial year, e.g. 2026/27.
        year: FinancialYear,
        /// capital-receipts, borrowing, rcco (revenue contributions to
        /// capital), reserves, grants or external.
        source: FundingSource,
        /// An amount in pounds (50000) or a share of the year's programme (60%).
        value: String,
    },
    /// Clear a year's funding: one source, or every source of the year.
    #[command(
        after_help = "Examples:\n  estate funding clear 2026/27 borrowing\n  estate funding clear 2027/28 --org AVN"
    )]
    Clear {
        /// The financial year.
        year: FinancialYear,
        /// The source (default: every source of the year).
        source: Option<FundingSource>,
    },
    /// List the funding set (the whole register's, then each organisation's).
    #[command(after_help = "Example:\n  estate funding list --format csv")]
    List,
}

/// An amount or a share, as typed.
fn funding(value: &str) -> Result<Funding> {
    if value.trim().ends_with('%') {
        let rate: Rate = value.parse()?;
        return Ok(Funding::Share(rate));
    }
    let money: Money = super::parse_money(value).map_err(anyhow::Error::msg)?;
    Ok(Funding::Amount(money))
}

/// Runs `estate funding`.
pub fn run(ctx: &Ctx, args: &FundingArgs) -> Result<()> {
    let org = args.org.as_deref();
    match &args.command {
        Some(FundingCommand::Set {
            year,
            source,
            value,
        }) => {
            let entry = FundingEntry {
                organisation: org.map(|o| o.trim().to_ascii_uppercase()),
                year: *year,
                source: *source,
                funding: funding(value)?,
            };
            let mut register = ctx.register()?;
            let done = ops::funding::set(&mut register, &entry, &ctx.actor())?;
            let was = done
                .old
                .as_deref()
                .map(|o| format!(" (was {o})"))
                .unwrap_or_default();
            let whose = org
                .map(|o| format!(" for {}", o.trim().to_ascii_uppercase()))
                .unwrap_or_default();
            ctx.out.done(
                &format!(
                    "set {} in {year}{whose} to {}{was}",
                    source.label(),
                    entry.funding
                ),
                &done,
            )
        }
        Some(FundingCommand::Clear { year, source }) => {
            let mut register = ctx.register()?;
            let done = ops::funding::clear(&mut register, org, *year, *source, &ctx.actor())?;
            let what: Vec<String> = done
                .iter()
                .map(|c| format!("{} (was {})", c.field, c.old.as_deref().unwrap_or("")))
                .collect();
            ctx.out.done(&format!("cleared {}", what.join(", ")), &done)
        }
        None | Some(FundingCommand::List) => {
            let register = ctx.register_to_read()?;
            let entries = ops::funding::list(&register, org)?;
            ctx.out.listing(&entries_view(&entries), &entries)
        }
    }
}

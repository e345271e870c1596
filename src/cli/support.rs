//! `estate support`: what leaves security support in each year of a horizon.

use anyhow::Result;
use clap::Args;
use estate::domain::FinancialYear;
use estate::forecast::Horizon;
use estate::ops;
use estate::views::leaving_support_view;

use super::Ctx;

/// Flags of `estate support`.
#[derive(Debug, Args)]
pub struct SupportArgs {
    /// The first financial year (default: the one containing today).
    #[arg(long, value_name = "YEAR")]
    pub from: Option<FinancialYear>,
    /// How many financial years (1 to 50).
    #[arg(long, default_value_t = 5, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=50))]
    pub years: u32,
    /// Only this organisation's assets.
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
}

/// Runs `estate support`.
pub fn run(ctx: &Ctx, args: &SupportArgs) -> Result<()> {
    let first = args
        .from
        .unwrap_or_else(|| FinancialYear::containing(ctx.today));
    let horizon = Horizon::new(first, args.years)?;
    let rows = ops::support::leaving(&ctx.register_to_read()?, horizon, args.org.as_deref())?;
    ctx.out.listing(&leaving_support_view(&rows), &rows)
}

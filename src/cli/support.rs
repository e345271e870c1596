//! `estate support`: what leaves security support in each year of a horizon.

use anyhow::{Context, Result};
use clap::Args;
use estate::domain::{FinancialYear, iso};
use estate::forecast::{Horizon, store, support};
use estate::report::{Cell, View};

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
    let conn = ctx.open_read()?;
    let first = args
        .from
        .unwrap_or_else(|| FinancialYear::containing(ctx.today));
    let horizon = Horizon::new(first, args.years)?;
    let org = args
        .org
        .as_deref()
        .map(|code| {
            estate::register::store::resolve_organisation(&conn, Some(code)).map(|o| o.code)
        })
        .transpose()?;
    let snapshot =
        store::load_snapshot(&conn, org.as_deref()).context("failed to read the register")?;
    let assumptions = store::load_assumptions(&conn).context("failed to read the policy")?;
    let rows = support::leaving_support(&snapshot, &assumptions.support, horizon);
    let mut view = View::new(&[
        "year",
        "last supported day",
        "org",
        "tag",
        "class",
        "runs",
        "replaced for support",
    ]);
    for r in &rows {
        let replaced = match (r.leased, r.replaced, &r.upgrade_to) {
            (true, _, _) => "no: leased, renewed at lease end".to_string(),
            (false, true, Some(to)) => format!("no: upgrade OS to {to}"),
            (false, true, None) => "yes".to_string(),
            (false, false, _) => "no: class replaced by age only".to_string(),
        };
        view.push(vec![
            Cell::text(r.year.to_string()),
            Cell::text(if r.last_day == estate::policy::support::ENDED_UNDATED {
                "ended (no date given)".to_string()
            } else {
                iso(r.last_day)
            }),
            Cell::text(&r.organisation),
            Cell::text(&r.tag),
            Cell::text(r.class.to_string()),
            Cell::text(&r.runs),
            Cell::text(replaced),
        ]);
    }
    ctx.out.listing(&view, &rows)
}

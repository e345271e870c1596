//! `estate runs`: saved forecast runs — list them, show one exactly as it
//! was saved, say what moved between two and why, mark one as the approved
//! programme and compare a proposal with it.

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::domain::RunId;
use estate::forecast::programme::{Dimension, Units};
use estate::ops;
use estate::report::approved::{approved_sections, approved_view};
use estate::report::forecast::{
    Section, assumptions_view, diff_sections, notes, programme_sections, programme_view, runs_view,
    write_detail_csv,
};
use estate::report::write_csv;

use super::Ctx;

/// Flags of `estate runs`.
#[derive(Debug, Args)]
pub struct RunsArgs {
    #[command(subcommand)]
    pub command: Option<RunsCommand>,
}

/// What to do with saved runs (none: list them).
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// Show a saved run exactly as it was saved: its programme, and every
    /// assumption and the register state it was made from.
    #[command(after_help = "Example:\n  estate runs show 1 --by org --units thousands")]
    Show {
        /// The run's number (from `estate runs`).
        id: i64,
        /// What the rows are.
        #[arg(
            long,
            default_value = "line",
            value_name = "line|class|org|site|department"
        )]
        by: Dimension,
        /// List every replacement the run forecast.
        #[arg(long)]
        detail: bool,
        /// Pounds or thousands of pounds.
        #[arg(long, default_value = "pounds", value_name = "pounds|thousands")]
        units: Units,
    },
    /// What moved between two runs (last year's approved programme and this
    /// year's), and why: new assets, disposals, changed records, lives,
    /// prices, or timing.
    #[command(after_help = "Example:\n  estate runs diff 1 2")]
    Diff {
        /// The older run.
        old: i64,
        /// The newer run.
        new: i64,
        /// Pounds or thousands of pounds.
        #[arg(long, default_value = "pounds", value_name = "pounds|thousands")]
        units: Units,
    },
    /// Mark a saved run as the approved programme, with the decision that
    /// approved it. One run is approved per scope (the whole register, or
    /// one organisation for a run saved with --org): approving another run
    /// of the same scope supersedes the earlier approval, which stays on
    /// record, as does who approved what and when (the audit trail).
    #[command(
        after_help = "Example:\n  estate runs approve 1 --minute \"Cabinet 12 Feb 2026, min. 87\""
    )]
    Approve {
        /// The run's number (from `estate runs`).
        id: i64,
        /// The decision: body, date and minute number.
        #[arg(long)]
        minute: String,
    },
    /// A proposed run against the approved programme: per programme line
    /// and year, approved, proposed, the variance and slippage (approved
    /// spending in a year that is now due later), with the reasons each
    /// line moved (as `runs diff` attributes them).
    #[command(
        after_help = "Examples:\n  estate runs compare 2\n  estate runs compare 2 --approved 1 --units thousands"
    )]
    Compare {
        /// The proposed run.
        proposed: i64,
        /// The approved run to compare with (default: the approval in force
        /// for the proposed run's scope).
        #[arg(long, value_name = "RUN")]
        approved: Option<i64>,
        /// Pounds or thousands of pounds.
        #[arg(long, default_value = "pounds", value_name = "pounds|thousands")]
        units: Units,
    },
}

/// Runs `estate runs`.
pub fn run(ctx: &Ctx, args: &RunsArgs) -> Result<()> {
    if let Some(RunsCommand::Approve { id, minute }) = &args.command {
        let mut register = ctx.register()?;
        let (approval, previous) =
            ops::runs::approve(&mut register, RunId(*id), minute, &ctx.actor())?;
        let superseded = previous
            .filter(|p| p.run != approval.run)
            .map(|p| format!(" (supersedes run {}: {})", p.run, p.minute))
            .unwrap_or_default();
        let text = format!(
            "approved run {}: {}{superseded}",
            approval.run, approval.minute
        );
        return ctx.out.done(&text, &approval);
    }
    let register = ctx.register_to_read()?;
    match &args.command {
        None => {
            let runs = ops::runs::list(&register)?;
            ctx.out.listing(&runs_view(&runs), &runs)
        }
        Some(RunsCommand::Show {
            id,
            by,
            detail,
            units,
        }) => {
            let run = ops::runs::show(&register, RunId(*id), *detail)?;
            let s = &run.summary;
            let heading = format!(
                "Run {} \"{}\", saved {}: capital programme {} to {}, by {}",
                s.id,
                s.name,
                s.created_at,
                run.horizon.first,
                run.horizon
                    .first
                    .offset(i32::try_from(run.horizon.years).unwrap_or(1) - 1),
                by
            );
            let sections = || {
                let mut sections = programme_sections(&heading, &run.programme, *by, *units);
                sections.push(Section {
                    title: format!(
                        "Assumptions and register state (saved by `{}`)",
                        run.command
                    ),
                    view: assumptions_view(&run),
                });
                sections
            };
            let csv = |out: &mut dyn std::io::Write| {
                if *detail {
                    write_detail_csv(&run.programme.detail, *units, out)
                } else {
                    write_csv(&programme_view(run.programme.table(*by), *units), out)
                }
            };
            ctx.out
                .sections(sections, &notes(&run.programme, *units), csv, &run)
        }
        Some(RunsCommand::Approve { .. }) => Ok(()),
        Some(RunsCommand::Compare {
            proposed,
            approved,
            units,
        }) => {
            let c = ops::runs::compare(&register, approved.map(RunId), RunId(*proposed))?;
            ctx.out.sections(
                || approved_sections(&c, *units),
                &[],
                |out| write_csv(&approved_view(&c, *units), out),
                &c,
            )
        }
        Some(RunsCommand::Diff { old, new, units }) => {
            let d = ops::runs::diff(&register, RunId(*old), RunId(*new))?;
            let sections = diff_sections(&d, *units);
            ctx.out.sections(
                || sections.clone(),
                &[],
                |out| write_csv(&sections[0].view, out),
                &d,
            )
        }
    }
}

//! `estate runs`: saved forecast runs — list them, show one exactly as it
//! was saved, or say what moved between two and why.

use anyhow::Result;
use clap::{Args, Subcommand};
use estate::domain::RunId;
use estate::forecast::programme::{Dimension, Units};
use estate::ops;
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
}

/// Runs `estate runs`.
pub fn run(ctx: &Ctx, args: &RunsArgs) -> Result<()> {
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

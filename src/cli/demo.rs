//! `estate demo`: the Quick start. Builds a fresh register from the sample
//! data (`estate::ops::demo`) and shows what estate does with it.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use estate::forecast::programme::{Dimension, Units};
use estate::ops;
use estate::report::forecast::{programme_sections, programme_view};
use estate::report::{self, Format, programme};

use super::{Ctx, Printer};

/// Flags of `estate demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder to write the sample register and its reports into; a
    /// sample register demo made there is rebuilt from scratch on every run,
    /// anything else there is never replaced.
    #[arg(long, default_value = "sample-out", value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs the demo.
pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<()> {
    let demo = ops::demo::build(&args.out, ctx.today, &ctx.actor(), ctx.busy_timeout)?;
    // What is shown is shown as tables, whatever --format says.
    let out = Printer {
        format: Format::Table,
        quiet: ctx.out.quiet,
        width: ctx.out.width,
    };
    ctx.out.message(&format!(
        "built the sample register {}",
        demo.db_path.display()
    ));
    ctx.out.data("Imported\n")?;
    for summary in &demo.imports {
        for line in report::import::summary_lines(summary) {
            ctx.out.message(&line);
        }
    }
    out.listing(&report::import::counts_view(&demo.imports), &demo.imports)?;
    ctx.out.data("Organisations\n")?;
    out.listing(
        &estate::views::organisations_view(&demo.organisations),
        &demo.organisations,
    )?;
    ctx.out.data("\n")?;
    let f = &demo.forecast;
    let p = &f.run.programme;
    let notes = programme::notes(f, Units::Pounds, ctx.today, false).notes;
    let heading = programme::heading(
        "Capital programme",
        demo.horizon,
        programme::rows_are(Dimension::Line),
        None,
        None,
    );
    out.sections(
        || programme_sections(&heading, p, Dimension::Line, Units::Pounds),
        &notes,
        |w| report::write_csv(&programme_view(p.table(Dimension::Line), Units::Pounds), w),
        p,
    )?;
    let (db_path, reports) = (demo.db_path.clone(), demo.reports.clone());
    demo.put_in_place()?;
    ctx.out.data(&format!(
        "\nCabinet report: the workbook {} and the page {} (open them in a spreadsheet and a browser)\n",
        reports[0].display(),
        reports[1].display()
    ))?;
    ctx.out.message(&format!(
        "\nexplore it: estate --db {} list",
        db_path.display()
    ));
    // The same sample in a browser: the first account, then the server.
    ctx.out.message(&format!(
        "open it in a browser:\n  estate --db {db} users add admin --role admin\n  \
         estate --db {db} serve\n  then go to http://127.0.0.1:8080/ and sign in as admin",
        db = db_path.display()
    ));
    Ok(())
}

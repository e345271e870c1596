//! `estate demo`: the Quick start. Builds a fresh register from the sample
//! data and shows what estate does with it.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use estate::db::{self, OpenMode};
use estate::policy::{self, Defaults};
use estate::register::store;
use estate::report::Format;
use rust_decimal::Decimal;

use super::{Ctx, Printer};

/// Flags of `estate demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder to write the sample register (and later its reports) into;
    /// its register is rebuilt from scratch on every run.
    #[arg(long, default_value = "sample-out", value_name = "DIR")]
    pub out: PathBuf,
}

/// Runs the demo.
pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("failed to create folder `{}`", args.out.display()))?;
    let db_path = args.out.join("estate.db");
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db_path.clone().into_os_string();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("failed to remove `{}`", p.display()))?;
        }
    }
    let mut conn = db::open(&db_path, OpenMode::CreateNew)?;
    let actor = ctx.actor();
    let defaults = Defaults::builtin();
    db::write(&mut conn, |tx| -> Result<()> {
        policy::store::load(tx, &defaults, &actor.command, "the built-in data/")?;
        store::add_organisation(
            tx,
            "AVN",
            "Avonmere District Council",
            false,
            Some(640),
            &actor,
        )?;
        store::add_organisation(
            tx,
            "BRK",
            "Brookfield Borough Council",
            false,
            Some(910),
            &actor,
        )?;
        store::add_organisation(
            tx,
            "ABS",
            "Avonmere & Brookfield Shared ICT Service",
            true,
            None,
            &actor,
        )?;
        let org =
            |code: &str| store::organisation_by_code(tx, code).map(|o| o.expect("just added"));
        let members = vec![
            (org("AVN")?, Decimal::new(4, 1)),
            (org("BRK")?, Decimal::new(6, 1)),
        ];
        store::set_shares(tx, &org("ABS")?, &members, &actor)?;
        Ok(())
    })
    .context("failed to build the sample register")?;
    ctx.out
        .message(&format!("built the sample register {}", db_path.display()));
    let sub = Ctx {
        db_path,
        out: Printer {
            format: Format::Table,
            quiet: ctx.out.quiet,
            width: ctx.out.width,
        },
        today: ctx.today,
        command_line: ctx.command_line.clone(),
        busy_timeout: ctx.busy_timeout,
        force: false,
    };
    // The main job: every supplier spreadsheet of the sample set, imported as it comes.
    let files = sample_files()?;
    ctx.out.data("Imported\n")?;
    super::import::run(&sub, &super::import::ImportArgs::for_files(files))?;
    ctx.out.data("Organisations\n")?;
    super::orgs::orgs(&sub, &super::orgs::OrgsArgs { command: None })?;
    ctx.out.data("\n")?;
    super::forecast::print_programme(&sub)?;
    let [xlsx, html] = super::report::sample(&sub, &args.out)
        .context("failed to write the sample estate's Cabinet report")?;
    ctx.out.data(&format!(
        "\nCabinet report: the workbook {} and the page {} (open them in a spreadsheet and a browser)\n",
        xlsx.display(),
        html.display()
    ))?;
    ctx.out.message(&format!(
        "\nexplore it: estate --db {} list",
        sub.db_path.display()
    ));
    Ok(())
}

/// The sample set's spreadsheets, in name order: `data/sample/` here, or in
/// the clone estate was built from.
fn sample_files() -> Result<Vec<PathBuf>> {
    let here = PathBuf::from("data/sample");
    let built_from = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    let Some(dir) = [here, built_from].into_iter().find(|d| d.is_dir()) else {
        anyhow::bail!(
            "the sample spreadsheets are not here: run `estate demo` in a clone of the repository \
             (it reads data/sample/)"
        );
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("failed to read `{}`", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| matches!(e.to_string_lossy().as_ref(), "xlsx" | "csv"))
        })
        .collect();
    files.sort();
    Ok(files)
}

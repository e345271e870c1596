//! `estate demo`: the Quick start. Builds a fresh register from the sample
//! data and shows what estate does with it.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use estate::db;
use estate::ops;
use estate::output_file::{OutputFile, Protected, Refused, check, with_suffix};
use estate::report::Format;

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
    if args.out.exists() && !args.out.is_dir() {
        return Err(Refused::new(
            &args.out,
            "it is a file, and demo writes into a folder",
            format!(
                "run `estate demo --out {}` to build the sample in a new folder",
                free_folder(&args.out).display()
            ),
        )
        .into());
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("failed to create folder `{}`", args.out.display()))?;
    let db_path = args.out.join("estate.db");
    let reports = [
        args.out.join("capital-programme.xlsx"),
        args.out.join("capital-programme.html"),
    ];
    refuse_what_is_not_ours(&args.out, &db_path, &reports)?;
    // Built beside its place and moved there at the end: a demo that fails
    // leaves the folder as it was.
    let register = OutputFile::reserve(&db_path);
    ops::policy::create_sample(register.temp_path(), ctx.busy_timeout, &ctx.actor())?;
    ctx.out
        .message(&format!("built the sample register {}", db_path.display()));
    let sub = Ctx {
        db_path: register.temp_path().to_path_buf(),
        out: Printer {
            format: Format::Table,
            quiet: ctx.out.quiet,
            width: ctx.out.width,
        },
        today: ctx.today,
        command_line: ctx.command_line.clone(),
        who: ctx.who.clone(),
        busy_timeout: ctx.busy_timeout,
        force: false,
    };
    // The main job: every supplier spreadsheet of the sample set, imported as it comes.
    let files = sample_files()?;
    ctx.out.data("Imported\n")?;
    super::import::run(&sub, &super::import::ImportArgs::for_files(files))?;
    ctx.out.data("Organisations\n")?;
    let all = ops::orgs::organisations(&sub.register_to_read()?)?;
    sub.out
        .listing(&estate::views::organisations_view(&all), &all)?;
    ctx.out.data("\n")?;
    super::forecast::print_programme(&sub)?;
    let written = ops::report::sample(&sub.register()?, ctx.today, &reports[0], &reports[1])
        .context("failed to write the sample estate's Cabinet report")?;
    drop(sub);
    // Everything is built: put it in place. A sample register's own log
    // files go first, so no old log is read against the new register.
    let moved = |e| anyhow::anyhow!("failed to put `{}` in place: {e}", db_path.display());
    db::settle(register.temp_path()).map_err(|e| moved(e.to_string()))?;
    for suffix in ["-wal", "-shm", "-journal"] {
        let sidecar = with_suffix(&db_path, suffix);
        if sidecar.exists() {
            std::fs::remove_file(&sidecar)
                .with_context(|| format!("failed to remove `{}`", sidecar.display()))?;
        }
    }
    register.commit().map_err(|e| moved(e.to_string()))?;
    for file in written {
        let target = file.target().to_path_buf();
        file.commit()
            .with_context(|| format!("failed to write `{}`", target.display()))?;
    }
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

/// Refuses (exit status 2) to build the sample in `dir` over a register, a
/// log file or a report `estate demo` did not make there: a register it made
/// is marked ([`db::mark_sample`]), and the reports beside it are its own.
fn refuse_what_is_not_ours(dir: &Path, db_path: &Path, reports: &[PathBuf]) -> Result<()> {
    let ours = db::is_sample_register(db_path);
    let mut theirs: Vec<PathBuf> = Vec::new();
    if !ours {
        theirs.extend(
            std::iter::once(db_path.to_path_buf())
                .chain(["-wal", "-shm", "-journal"].map(|s| with_suffix(db_path, s)))
                .chain(reports.iter().cloned())
                .filter(|p| p.symlink_metadata().is_ok()),
        );
    }
    let Some(first) = theirs.first() else {
        // Ours (or nothing there): still never through a link to, or onto,
        // a database or a folder.
        for report in reports {
            let protected = Protected {
                register: db_path,
                inputs: &[],
            };
            check(report, "demo --out", protected)?;
        }
        return Ok(());
    };
    let why = if first == db_path {
        "it is not a sample register `estate demo` made, and demo never replaces another file"
    } else {
        "`estate demo` did not make it, and demo never replaces another file"
    };
    Err(Refused::new(
        first,
        why,
        format!(
            "run `estate demo --out {}` to build the sample in a new folder",
            free_folder(dir).display()
        ),
    )
    .into())
}

/// The first of `DIR-2`, `DIR-3`, … (or `sample-out`, `sample-out-2`, …
/// inside a folder named `.`) that is not there.
fn free_folder(dir: &Path) -> PathBuf {
    let (base, first) = match dir.file_name() {
        Some(_) => (dir.to_path_buf(), 2),
        None => (dir.join("sample-out"), 1),
    };
    let numbered = |n: u32| {
        if n == 1 {
            return base.clone();
        }
        let mut name = base.as_os_str().to_owned();
        name.push(format!("-{n}"));
        PathBuf::from(name)
    };
    (first..10_000)
        .map(numbered)
        .find(|p| p.symlink_metadata().is_err())
        .unwrap_or_else(|| numbered(10_000))
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

//! `estate generate`: write a large, realistic, deterministic supplier
//! spreadsheet for benchmarks and scale tests.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::generate;
use estate::output_file::{OutputFile, Refused};

use super::Ctx;

/// Flags of `estate generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many hardware assets (phone lines and licences follow in proportion).
    #[arg(long, value_name = "N")]
    pub assets: u64,
    /// The file to write: .xlsx (sheets Assets, Lines, Licences) or .csv (lines
    /// and licences beside it as NAME-lines.csv and NAME-licences.csv).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The seed: the same seed always gives the same estate.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs `estate generate`.
pub fn run(ctx: &Ctx, args: &GenerateArgs) -> Result<()> {
    ctx.check_output(&args.out, "--out", &[])?;
    let ext = args
        .out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if args.assets > 1_048_000 && ext == "xlsx" {
        bail!(
            "an .xlsx sheet holds at most 1,048,576 rows; generate at most 1,048,000 assets, or write .csv"
        );
    }
    let failed = || format!("failed to write `{}`", args.out.display());
    let targets: Vec<PathBuf> = match ext.as_str() {
        "xlsx" => vec![args.out.clone()],
        "csv" => std::iter::once(args.out.clone())
            .chain(generate::csv_siblings(&args.out))
            .collect(),
        _ => {
            return Err(Refused::new(
                &args.out,
                "generate writes .xlsx or .csv",
                "name the file .xlsx or .csv",
            )
            .into());
        }
    };
    for target in &targets {
        ctx.check_output(target, "--out", &[])?;
    }
    // Each file is written beside its place and moved there when all are whole.
    let files: Vec<OutputFile> = targets.iter().map(|t| OutputFile::reserve(t)).collect();
    let g = if let [assets, lines, licences] = files.as_slice() {
        let temps = [assets, lines, licences].map(OutputFile::temp_path);
        generate::write_csv_to(temps, args.assets, args.seed).with_context(failed)?
    } else {
        generate::write_xlsx(files[0].temp_path(), args.assets, args.seed).with_context(failed)?
    };
    for file in files {
        let target = file.target().to_path_buf();
        file.commit()
            .with_context(|| format!("failed to write `{}`", target.display()))?;
    }
    ctx.out.done(
        &format!(
            "wrote {}: {} assets (purchase cost {}), {} phone lines, {} licences",
            args.out.display(),
            g.assets,
            g.total_cost,
            g.lines,
            g.licences
        ),
        &serde_json::json!({
            "file": args.out, "assets": g.assets, "lines": g.lines, "licences": g.licences,
            "total_cost": g.total_cost,
        }),
    )
}

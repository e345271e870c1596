//! The command line: flags (clap derive; doc comments are the help),
//! dispatch to one file per subcommand, exit codes. The only code that
//! knows clap, environment variables, stdout/stderr and the terminal.

mod demo;
mod flags;
mod forecast;
mod funding;
mod generate;
mod import;
mod init;
mod licences;
mod lines;
mod maintenance;
mod orgs;
mod output;
mod policy;
mod power;
mod register;
mod report;
mod runs;
mod serve;
mod support;
mod users;
mod vocabulary;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};
use estate::db;
use estate::register::Actor;
use estate::report::{Document, Format};
use estate::{ErrorKind, Register};
use time::Date;

pub use output::Printer;

/// Keeps a public body's ICT asset register and plans its refresh cycle.
///
/// The register is one SQLite file (`--db`, else $ESTATE_DB, else estate.db
/// in the current folder). Start with `estate init`, add organisations with
/// `estate orgs add`, then add or import assets.
#[derive(Debug, Parser)]
#[command(name = "estate", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// The register file.
    #[arg(
        long,
        global = true,
        env = "ESTATE_DB",
        default_value = "estate.db",
        value_name = "PATH"
    )]
    pub db: PathBuf,

    /// Output format for listings: table, csv, json or md (`estate report`
    /// also writes xlsx and html; by default it goes by the file's extension).
    #[arg(long, global = true, value_name = "FORMAT")]
    pub format: Option<FormatFlag>,

    /// Say less: only data goes to stdout, no messages on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Who is making the changes, as the audit trail records them (default:
    /// the operating-system user).
    #[arg(long = "as", global = true, env = "ESTATE_USER", value_name = "NAME")]
    pub as_user: Option<String>,
    /// Accept a value that is possible but almost certainly a slip: inflation
    /// outside -10% to +25%, a price base more than 10 years away, a cost or
    /// unit price over £10,000,000. The audit trail keeps the command with --force.
    #[arg(long, global = true)]
    pub force: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// What `--format` names: a listing's format, or one only a report file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatFlag {
    /// table, csv, json or md.
    Listing(Format),
    /// xlsx, html or docx (only `estate report` writes these).
    Document(Document),
}

impl std::str::FromStr for FormatFlag {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<Format>() {
            Ok(f) => Ok(FormatFlag::Listing(f)),
            Err(e) => match s.parse::<Document>() {
                Ok(d @ (Document::Xlsx | Document::Html | Document::Docx)) => {
                    Ok(FormatFlag::Document(d))
                }
                _ => Err(format!(
                    "{e} (`estate report` also writes xlsx, html and docx)"
                )),
            },
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new register and load the default policy, prices and power profiles.
    #[command(after_help = "Example:\n  estate --db council.db init")]
    Init(init::InitArgs),
    /// Build a register from the sample data in data/ and show it (the Quick start).
    #[command(after_help = "Example:\n  estate demo --out sample-out")]
    Demo(demo::DemoArgs),
    /// Import supplier spreadsheets (asset reports, line schedules, licensing statements,
    /// Snipe-IT exports) into the register.
    ///
    /// Finds the table in each sheet (below any title block, down to a totals row), maps the
    /// suppliers' column headings onto register fields, and matches existing records by serial
    /// number or asset tag, so importing the same file again changes nothing and a newer report
    /// updates only what changed. Bad rows are rejected with the sheet, row, column and reason;
    /// the rest are written as one batch, whole or not at all, which `estate imports undo` can
    /// reverse.
    #[command(
        after_help = "Examples:\n  estate import dell-asset-report.xlsx\n  estate import lines.xlsx --profile telecoms-lines --org BRK --dry-run\n  estate import old-register.csv --org AVN --map \"Kit Ref=asset_tag\" --rejects rejects.csv"
    )]
    Import(import::ImportArgs),
    /// List import batches, or undo one.
    #[command(after_help = "Examples:\n  estate imports\n  estate imports undo 3")]
    Imports(import::ImportsArgs),
    /// Add a hardware asset.
    #[command(
        after_help = "Example:\n  estate add desktop --tag PC-00123 --serial 5CG1234XYZ --manufacturer Dell \\\n      --model \"OptiPlex 7010\" --purchase-date 2021-04-01 --cost 612.34 --org BCW"
    )]
    Add(register::AddArgs),
    /// List hardware assets, with filters.
    #[command(
        after_help = "Example:\n  estate list --org BCW --class laptop --status in_use --format csv"
    )]
    List(register::ListArgs),
    /// Show one asset (by tag or serial) and its full history.
    #[command(after_help = "Example:\n  estate show PC-00123 --org BCW")]
    Show(register::ShowArgs),
    /// Change fields of an asset; every change is kept in its history.
    #[command(
        after_help = "Example:\n  estate update PC-00123 --user \"J Smith\" --site \"Civic Centre\" --cost 600"
    )]
    Update(register::UpdateArgs),
    /// Record an asset's disposal (method, certificate, date).
    #[command(
        after_help = "Example:\n  estate dispose PC-00123 --method recycling --certificate ADISA-2026-0042 --date 2026-05-01"
    )]
    Dispose(register::DisposeArgs),
    /// List organisations, or add one, set its staff count or a shared service's shares.
    #[command(
        after_help = "Examples:\n  estate orgs\n  estate orgs add ENC \"East Northamptonshire Council\"\n  estate orgs add ABS \"Shared ICT Service\" --shared\n  estate orgs shares ABS AVN=40% BRK=60%\n  estate orgs staff BCW 640"
    )]
    Orgs(orgs::OrgsArgs),
    /// List sites, or add one.
    #[command(
        after_help = "Examples:\n  estate sites --org BCW\n  estate sites add \"Civic Centre\" --org BCW"
    )]
    Sites(orgs::PlacesArgs),
    /// List departments (cost centres), or add one.
    #[command(
        after_help = "Examples:\n  estate departments --org BCW\n  estate departments add \"Revenues & Benefits\" --cost-centre RB02 --org BCW"
    )]
    Departments(orgs::PlacesArgs),
    /// Show, change or reload the replacement policy, price book, power profiles and settings.
    #[command(
        after_help = "Examples:\n  estate policy show\n  estate policy set life desktop 6\n  estate policy set inflation 3.5%\n  estate policy load --data ./data"
    )]
    Policy(policy::PolicyArgs),
    /// The five-year capital programme: what falls due for replacement in which
    /// financial year and what it costs, levelled under a budget cap.
    #[command(
        long_about = "The five-year capital (refresh) programme from the register: every in-use or \
in-store asset that is bought, not leased, falls due for replacement at its in-service date plus its \
life (its own, else its model's, else its class's), costed at the price book's unit price inflated \
to the year and rounded to the penny. Overdue kit is due in the first year; replacements are \
replaced again when their life comes round inside the horizon. Under --cap, each year funds the \
oldest kit first (then servers before storage before network ... before mobiles) and defers the \
rest to the next year. Rows are programme lines (or --by class, org, site, department), columns \
financial years.",
        after_help = "Examples:\n  estate forecast\n  estate forecast --from 2026/27 --years 5 --by org --units thousands\n  estate forecast --cap 250000 --detail\n  estate forecast --cap 2026/27=250000,2027/28=200000\n  estate forecast --scenario extend-desktop-life\n  estate forecast --save \"Capital programme Feb 2027\"\n  estate forecast compare base extend-desktop-life"
    )]
    Forecast(forecast::ForecastArgs),
    /// Saved forecast runs: list them, show one as it was saved, or what moved between two.
    #[command(
        after_help = "Examples:\n  estate runs\n  estate runs show 1\n  estate runs diff 1 2\n  estate runs approve 1 --minute \"Cabinet 12 Feb 2026, min. 87\"\n  estate runs compare 2"
    )]
    Runs(runs::RunsArgs),
    /// How the capital programme is paid for: sources per financial year
    /// (capital receipts, borrowing, revenue contributions, reserves,
    /// grants, external contributions), as amounts or shares of the year's
    /// programme. The report lays them against the programme, with over- or
    /// under-funding, and charges the borrowing's MRP and interest to the
    /// revenue position.
    #[command(
        after_help = "Examples:\n  estate funding set 2026/27 borrowing 60%\n  estate funding set 2026/27 capital-receipts 40%\n  estate funding set 2027/28 grants 25000 --org AVN\n  estate funding list\n  estate funding clear 2026/27 borrowing"
    )]
    Funding(funding::FundingArgs),
    /// Write a consistent copy of the register to a file (others may keep working).
    #[command(after_help = "Example:\n  estate backup backups/estate-2026-11-28.db")]
    Backup(maintenance::BackupArgs),
    /// Replace the register with a verified backup.
    #[command(after_help = "Example:\n  estate restore backups/estate-2026-11-28.db")]
    Restore(maintenance::RestoreArgs),
    /// Check the register: SQLite integrity, foreign keys and estate's own rules.
    #[command(after_help = "Example:\n  estate check")]
    Check,
    /// Write a large, realistic supplier spreadsheet (for benchmarks and scale tests).
    #[command(
        after_help = "Example:\n  estate generate --assets 100000 --out big-estate.xlsx --seed 7"
    )]
    Generate(generate::GenerateArgs),
    /// Energy, cost and carbon of the estate as it stands and after the forecast's replacements.
    #[command(
        long_about = "Forecasts each year's electricity (kWh), its cost (the year's tariff) and its \
carbon (tCO2e, UK Government GHG conversion factors, generation plus transmission and distribution) for \
the estate as it stands and after the capital forecast's replacements, which take their class's \
current-generation profile, with the saving. Each asset's energy is its own figure, else its model's \
certified ENERGY STAR figure (`estate power profiles import`), else its class profile; servers and \
storage are multiplied by the server room's PUE. The levers --thin-clients, --virtualise and --mfd-ratio \
change the after-replacement figures; `estate power compare` sets them against the base with capital.",
        after_help = "Examples:\n  estate power\n  estate power --by class --from 2026/27 --years 5\n  estate power compare --thin-clients 50%\n  estate power profiles import ENERGY_STAR_Certified_Computers.csv"
    )]
    Power(power::PowerArgs),
    /// Phone lines: rentals, contracts ending and the PSTN/ISDN switch-off migrations.
    #[command(
        long_about = "Forecasts line rentals per year (monthly rental × 12, rising by the \
line_rental_uplift setting) and schedules every analogue, ISDN and WLR-based broadband line for \
migration before the national switch-off (the switch_off_date setting, 31 January 2027 by default): in \
the financial year containing the last day before it, or the first year when that is already past, at \
its type's one-off migration cost. Critical-care lines (telecare, alarms, lifts, warden call) come first \
and are listed on their own by `estate lines critical-care`.",
        after_help = "Examples:\n  estate lines\n  estate lines critical-care\n  estate lines add \"01632 960058\" --type pstn --rental 18.99 --critical-care --use Telecare"
    )]
    Lines(lines::LinesArgs),
    /// Licences: renewals by year, compliance, consolidation and standardisation.
    #[command(
        long_about = "Shows what each licence entitlement costs in each year — as payable (monthly and \
annual subscriptions every year, term agreements at their end date) and annualised for comparison — by \
revenue and capital; the compliance position per product (per-device licences against in-use devices, \
per-user against staff); the saving from consolidating a product onto one agreement; and products of one \
category that could be standardised.",
        after_help = "Examples:\n  estate licences\n  estate licences compliance\n  estate licences consolidation\n  estate licences standardise"
    )]
    Licences(licences::LicencesArgs),
    /// What leaves security support in each year: operating systems and devices past their updates.
    #[command(
        long_about = "Lists every live asset whose last supported day falls in the horizon (or has \
already passed: listed in the first year), with what it runs and whether the policy replaces its class for \
end of support. The last supported day is the asset's own support end if recorded (--support-end), else \
the end of security updates for its operating system and version (--os, --os-version) or its model (phones, \
tablets, Surface), from data/support/support.csv (endoflife.date), or the extended date where the \
extended_support setting says updates are bought.",
        after_help = "Examples:\n  estate support\n  estate support --from 2026/27 --years 5 --format csv"
    )]
    Support(support::SupportArgs),
    /// Write the Cabinet report: the capital programme workbook, an HTML report
    /// with its chart, or the programme table in Markdown or CSV, or all of it in JSON.
    #[command(
        long_about = "Writes the capital programme for people who will not run a command: an Excel \
workbook (.xlsx) for finance, with the programme by line, organisation, class, site and department \
(totals as =SUM formulas), every replacement, the risk being accepted, revenue, power and carbon, licence \
consolidation and every assumption with its source; a self-contained HTML page (.html) for a committee \
report, printable on A4, with a stacked bar chart; the programme table as Markdown (.md) or CSV (.csv); or \
the whole report as JSON (.json). The format comes from the file's extension (a --format that disagrees is refused). \
The figures are a fresh forecast (with the flags of `estate forecast`), or a saved run exactly as it was \
saved (--run); --compare adds the change against an earlier saved run.",
        after_help = "Examples:\n  estate report --out capital-programme.xlsx\n  estate report --out capital-programme.html --compare 1\n  estate report --run 2 --out approved-programme.xlsx --units thousands\n  estate report --out programme.md --scenario extend-desktop-life"
    )]
    Report(report::ReportArgs),
    /// Remove a person's name from assets and the audit trail (UK GDPR erasure).
    #[command(
        after_help = "Examples:\n  estate forget-user \"J Smith\" --dry-run\n  estate forget-user \"J Smith\" --email j.smith@brookfield.gov.uk"
    )]
    ForgetUser(maintenance::ForgetArgs),
    /// The words imports understand: list them (built in, or taught to this register and by
    /// whom), teach one, or remove a taught one
    #[command(
        after_help = "Examples:\n  estate vocabulary\n  estate vocabulary add class \"Fire Protection\" other\n  estate vocabulary remove class \"Fire Protection\""
    )]
    Vocabulary(vocabulary::VocabularyArgs),
    /// Serve the register in a browser and as a JSON API, for many people at once.
    #[command(
        after_help = "Examples:\n  estate serve\n  estate serve --listen 0.0.0.0:8080 --behind-tls --trust-proxy"
    )]
    Serve(serve::ServeArgs),
    /// Accounts of people who use `estate serve`: add, list, disable, reset, token.
    #[command(
        after_help = "Examples:\n  estate users add alice --role admin\n  estate users list\n  estate users token alice\n  estate users disable bob"
    )]
    Users(users::UsersArgs),
}

/// What every subcommand is given: where the register is, the printer,
/// today's date and the command line (for the audit trail).
pub struct Ctx {
    /// The register file.
    pub db_path: PathBuf,
    /// The printer.
    pub out: Printer,
    /// Today (from $ESTATE_TODAY when set, for reproducible runs).
    pub today: Date,
    /// The command line, for the audit trail.
    pub command_line: String,
    /// Who is running it, for the audit trail (`--as`, $ESTATE_USER, else
    /// the operating-system user).
    pub who: String,
    /// How long a write waits for another process's write ($ESTATE_BUSY_TIMEOUT
    /// seconds, else 30).
    pub busy_timeout: Duration,
    /// `--force`: take values that look like slips.
    pub force: bool,
}

impl Ctx {
    /// The register, to read and write (running pending migrations).
    pub fn register(&self) -> estate::Result<Register> {
        Register::open(&self.db_path, self.busy_timeout)
    }

    /// The register, to read: as [`Ctx::register`], or read-only where the
    /// register or its folder cannot be written.
    pub fn register_to_read(&self) -> estate::Result<Register> {
        Register::open_to_read(&self.db_path, self.busy_timeout)
    }

    /// Refuses an output `target` (named by `flag`) that is the register in
    /// use, one of its sidecar files, a SQLite database or one of `inputs`.
    pub fn check_output(&self, target: &Path, flag: &str, inputs: &[&Path]) -> Result<()> {
        let protected = estate::output_file::Protected {
            register: &self.db_path,
            inputs,
        };
        Ok(estate::output_file::check(target, flag, protected)?)
    }

    /// A shipped scenario by name, or a scenario file by path; a likely slip
    /// in it is refused unless `--force` was given.
    pub fn scenario(&self, name: &str) -> estate::Result<estate::forecast::scenario::Scenario> {
        estate::ops::forecast::scenario(name, self.today, self.slips())
    }

    /// Whether likely slips are refused or taken (`--force`).
    pub fn slips(&self) -> estate::ops::forecast::Slips {
        if self.force {
            estate::ops::forecast::Slips::Take
        } else {
            estate::ops::forecast::Slips::Refuse
        }
    }

    /// The actor for changes this command makes.
    pub fn actor(&self) -> Actor {
        Actor::command(self.command_line.clone()).by(self.who.clone())
    }
}

/// Keeps the default panic message for estate's own bugs, but not for a
/// panic inside the spreadsheet reader, which is caught and reported as a
/// damaged file (one clear error, not a stack trace before it).
pub fn quiet_caught_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !estate::import::read::in_spreadsheet_reader() {
            default(info);
        }
    }));
}

/// Parses the command line: a report-only format is refused for anything
/// but `estate report`.
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::CommandFactory;
    let cli = Cli::try_parse()?;
    if let Some(FormatFlag::Document(d)) = cli.format {
        if !matches!(cli.command, Command::Report(_)) {
            return Err(Cli::command().error(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "--format {d} is for `estate report`; listings take table, csv, json or md"
                ),
            ));
        }
    }
    Ok(cli)
}

/// Prints a clap error or help and returns its exit code (2 for usage errors).
pub fn clap_exit(e: &clap::Error) -> ExitCode {
    let _ = e.print();
    if e.use_stderr() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let today = today()?;
    let busy_timeout = busy_timeout()?;
    let command_line = std::iter::once("estate".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let ctx = Ctx {
        db_path: cli.db,
        out: Printer {
            format: match cli.format {
                Some(FormatFlag::Listing(f)) => f,
                _ => Format::Table,
            },
            quiet: cli.quiet,
            width: output::table_width(),
        },
        today,
        command_line,
        who: who(cli.as_user.as_deref()),
        busy_timeout,
        force: cli.force,
    };
    match cli.command {
        Command::Init(args) => init::run(&ctx, &args),
        Command::Demo(args) => demo::run(&ctx, &args),
        Command::Import(args) => import::run(&ctx, &args),
        Command::Imports(args) => import::imports(&ctx, &args),
        Command::Add(args) => register::add(&ctx, &args),
        Command::List(args) => register::list(&ctx, &args),
        Command::Show(args) => register::show(&ctx, &args),
        Command::Update(args) => register::update(&ctx, &args),
        Command::Dispose(args) => register::dispose(&ctx, &args),
        Command::Orgs(args) => orgs::orgs(&ctx, &args),
        Command::Sites(args) => orgs::places(&ctx, &args, estate::register::store::PlaceKind::Site),
        Command::Departments(args) => {
            orgs::places(&ctx, &args, estate::register::store::PlaceKind::Department)
        }
        Command::Policy(args) => policy::run(&ctx, &args),
        Command::Forecast(args) => forecast::run(&ctx, &args),
        Command::Runs(args) => runs::run(&ctx, &args),
        Command::Funding(args) => funding::run(&ctx, &args),
        Command::Backup(args) => maintenance::backup(&ctx, &args),
        Command::Restore(args) => maintenance::restore(&ctx, &args),
        Command::Check => maintenance::check(&ctx),
        Command::Generate(args) => generate::run(&ctx, &args),
        Command::ForgetUser(args) => maintenance::forget_user(&ctx, &args),
        Command::Vocabulary(args) => vocabulary::run(&ctx, &args),
        Command::Report(args) => report::run(&ctx, &args, cli.format),
        Command::Power(args) => power::run(&ctx, &args),
        Command::Lines(args) => lines::run(&ctx, &args),
        Command::Licences(args) => licences::run(&ctx, &args),
        Command::Support(args) => support::run(&ctx, &args),
        Command::Serve(args) => serve::run(&ctx, &args),
        Command::Users(args) => users::run(&ctx, &args),
    }
}

/// Who the audit trail names: `--as` (or $ESTATE_USER) when given, else the
/// operating-system user ($USER on Unix, $USERNAME on Windows), else
/// `unknown`.
fn who(given: Option<&str>) -> String {
    given
        .map(str::to_string)
        .into_iter()
        .chain(
            ["USER", "USERNAME", "LOGNAME"]
                .iter()
                .filter_map(|v| std::env::var(v).ok()),
        )
        .map(|w| w.trim().to_string())
        .find(|w| !w.is_empty())
        .unwrap_or_else(|| estate::register::UNKNOWN_WHO.to_string())
}

/// Today's date: $ESTATE_TODAY (YYYY-MM-DD) when set, else the local date.
fn today() -> Result<Date> {
    if let Ok(text) = std::env::var("ESTATE_TODAY") {
        return estate::domain::parse_date(&text).map_err(|e| anyhow::anyhow!("ESTATE_TODAY: {e}"));
    }
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    Ok(now.date())
}

/// How long to wait for another command's write: $ESTATE_BUSY_TIMEOUT
/// (seconds, fractions allowed) when set, else [`db::BUSY_TIMEOUT`].
fn busy_timeout() -> Result<Duration> {
    let Ok(text) = std::env::var("ESTATE_BUSY_TIMEOUT") else {
        return Ok(db::BUSY_TIMEOUT);
    };
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .filter(|d| *d <= Duration::from_secs(24 * 60 * 60))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "ESTATE_BUSY_TIMEOUT: `{text}` is not a number of seconds (from 0 to 86400)"
            )
        })
}

/// True when the error is stdout closing early (e.g. `estate list | head`),
/// whether the write failed directly or inside the CSV or JSON writer that
/// streams a listing.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == BrokenPipe)
            || c.downcast_ref::<csv::Error>().is_some_and(
                |e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe),
            )
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

/// The kind and fix of an error: those of the outermost library error in
/// its cause chain (`estate::Error` or a module error it is made from);
/// an error the command line made itself is a data or validation problem.
fn classify(err: &anyhow::Error) -> (ErrorKind, Option<String>) {
    err.chain()
        .find_map(estate::Error::classify)
        .unwrap_or((ErrorKind::Invalid, None))
}

/// The exit code for an error, from its kind alone (0 ok, 1 data or
/// validation, 2 usage, 3 register or database; see [`ErrorKind`]).
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    ExitCode::from(classify(err).0.exit_code())
}

/// A `help:` line for errors with a known fix.
pub fn help_for(err: &anyhow::Error) -> Option<String> {
    classify(err).1
}

/// Parses a money amount for a flag.
pub fn parse_money(text: &str) -> Result<estate::domain::Money, String> {
    estate::domain::Money::parse_gbp(text).map_err(|e| e.to_string())
}

/// Parses a date for a flag.
pub fn parse_date(text: &str) -> Result<Date, String> {
    estate::domain::parse_date(text).map_err(|e| e.to_string())
}

//! The bodies of estate's fuzz targets, shared by the libFuzzer targets in
//! `fuzz_targets/` (nightly, `cargo fuzz run`) and by estate's own
//! `tests/fuzz.rs` (stable, `cargo test`), which runs them over the corpus
//! and deterministic mutations of it.
//!
//! A target fails by panicking: a panic, an abort, a hang or runaway memory
//! is a bug in estate. Besides "never panics", each checks what must hold
//! whatever the input: a value that parses prints as text that parses back
//! to it; an import ends in records, rejected rows or an error naming the
//! file, never an internal error; and the register it leaves passes estate's
//! own checks.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::OnceLock;

use estate::domain::{AssetClass, ClassSynonyms, FinancialYear, Money, Rate, iso, parse_date};
use estate::import::mapping::{
    self, Dictionary, ModelRules, RowReader, ValueRules, date_from_serial, map_columns,
    normalise_heading, normalise_number, parse_date_text,
};
use estate::import::read::{Row, Value};
use estate::import::{ImportError, ImportOptions, Kind};
use estate::register::Actor;
use rust_decimal::Decimal;

/// The day every target runs on.
fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::November, 28).expect("a real date")
}

/// Headings of a table holding every field a row can give, for each kind.
const HEADINGS: &[&str] = &[
    "Serial Number",
    "Asset Tag",
    "Type",
    "Model",
    "Manufacturer",
    "Purchase Date",
    "Unit Price",
    "Price inc VAT",
    "Qty",
    "Warranty End",
    "Lease End",
    "Status",
    "Site",
    "Assigned To",
    "CLI",
    "Line Type",
    "Monthly Rental",
    "Contract End",
    "Use",
    "Product",
    "Licences",
    "Agreement",
    "Organisation",
    "Notes",
];

/// The cell and row normalisers: `data` is cells separated by new lines.
/// Each cell is read as money, a date (every way estate reads one), a
/// financial year, a rate, a class word, a heading and a number; then the
/// cells, as text and as numbers where they are numbers, are read as one
/// row of a hardware, a lines and a licences table.
///
/// # Panics
/// When estate breaks one of the rules above.
pub fn cells(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let cells: Vec<&str> = text.split('\n').collect();
    let (synonyms, models, dictionary) = vocabulary();
    for &t in &cells {
        if let Ok(m) = Money::parse_gbp(t) {
            assert_eq!(Money::parse_gbp(&m.to_string()), Ok(m), "money {t:?}");
        }
        if let Ok(d) = parse_date(t) {
            assert_eq!(parse_date(&iso(d)), Ok(d), "date {t:?}");
        }
        for (us, is_1904) in [(false, false), (true, false), (false, true)] {
            let _ = parse_date_text(t, us, is_1904);
        }
        if let Ok(y) = t.parse::<FinancialYear>() {
            assert_eq!(y.to_string().parse::<FinancialYear>(), Ok(y), "year {t:?}");
            assert_eq!(FinancialYear::containing(y.first_day()), y);
        }
        if let Ok(r) = Rate::from_str(t) {
            let _ = r.to_string();
        }
        if let Some(class) = synonyms.lookup(t) {
            assert_eq!(
                class.as_str().parse::<AssetClass>(),
                Ok(class),
                "class {t:?}"
            );
        }
        let _ = models.class_of(t);
        let _ = models.maker_of(t);
        let heading = normalise_heading(t);
        assert_eq!(normalise_heading(&heading), heading, "heading {t:?}");
        let _ = normalise_number(t, false);
        let _ = normalise_number(t, true);
        if let Ok(n) = t.trim().parse::<f64>() {
            let _ = date_from_serial(n, false);
            let _ = date_from_serial(n, true);
        }
    }
    row(&cells, synonyms, models, dictionary);
}

/// The shipped class words, model rules and heading dictionary, read once.
fn vocabulary() -> (
    &'static ClassSynonyms,
    &'static ModelRules,
    &'static Dictionary,
) {
    static VOCABULARY: OnceLock<(ClassSynonyms, ModelRules, Dictionary)> = OnceLock::new();
    let (s, m, d) = VOCABULARY.get_or_init(|| {
        (
            ClassSynonyms::builtin(),
            ModelRules::builtin(),
            Dictionary::builtin(),
        )
    });
    (s, m, d)
}

/// The cells as one row under [`HEADINGS`], for each kind of table.
fn row(cells: &[&str], synonyms: &ClassSynonyms, models: &ModelRules, dictionary: &Dictionary) {
    let headings: Vec<String> = HEADINGS.iter().map(|h| (*h).to_string()).collect();
    let rules = ValueRules::new(Rate::from_percent(Decimal::from(20)), today(), false);
    let values: Vec<Value> = cells
        .iter()
        .take(HEADINGS.len())
        .map(|t| match t.trim().parse::<f64>() {
            Ok(n) if t.len() % 2 == 0 => Value::Number(n),
            _ if t.is_empty() => Value::Empty,
            _ => Value::Text((*t).to_string()),
        })
        .collect();
    let row = Row {
        number: 2,
        cells: values,
    };
    for kind in Kind::ALL {
        let (columns, _) = map_columns(&headings, dictionary, None, &[], Some(kind));
        let mut reader = RowReader::new(&columns, kind, &rules, synonyms, models);
        let outcome = reader.read(&row);
        if let mapping::Parsed::Rejected(problems) = &outcome.parsed {
            assert!(!problems.is_empty(), "a rejection with no reason");
        }
    }
}

/// Lets a panic inside the spreadsheet reader be what it is in `estate`: a
/// panic estate catches and reports as a damaged file, not a crash.
/// libFuzzer aborts on every panic, caught or not; the file targets call this
/// from their `init` so that only estate's own panics abort. (calamine's are
/// counted in `docs/reliability.md`, for reporting upstream.)
pub fn caught_reader_panics_are_not_crashes() {
    let fuzzer_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !estate::import::read::in_spreadsheet_reader() {
            fuzzer_hook(info);
        }
    }));
}

/// A folder for a fuzz target's input files, one per process.
pub fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("estate-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// A whole file through import: `data` written to `dir/name` (its format is
/// told by its content), planned, and committed to a fresh register holding
/// organisation AVN.
///
/// # Panics
/// When import fails with an internal error, panics, or leaves a register
/// that fails estate's own checks.
pub fn file(dir: &Path, name: &str, data: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, data).expect("write the input file");
    let mut opts = ImportOptions::new(today());
    opts.organisation = Some("AVN".into());
    opts.command = "estate import (fuzz)".into();
    let plan = match estate::import::plan(&path, &opts) {
        Ok(plan) => plan,
        Err(e) => return expected(&e),
    };
    let mut conn = estate::db::open_in_memory().expect("an in-memory register");
    estate::db::write(&mut conn, |tx| {
        estate::register::store::add_organisation(
            tx,
            "AVN",
            "Avonmere District Council",
            false,
            None,
            &Actor::command("fuzz"),
        )
    })
    .expect("add an organisation");
    match estate::import::commit(&mut conn, &plan, &opts, &mut |_| {}) {
        Ok(summary) => {
            let t = &summary.total;
            assert!(
                t.rejected <= t.read,
                "{} rejected of {} read",
                t.rejected,
                t.read
            );
        }
        Err(e) => expected(&e),
    }
    let problems = estate::register::store::check(&conn).expect("check the register");
    assert!(problems.is_empty(), "import left {problems:?}");
}

/// An import error is a verdict on the file, never estate's own bug.
fn expected(e: &ImportError) {
    assert!(
        !matches!(e, ImportError::Internal(_)),
        "internal error: {e}"
    );
    assert!(!e.to_string().is_empty());
}

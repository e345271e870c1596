//! Generated estates: realistic, deterministic supplier-style spreadsheets
//! of any size, for benchmarks and scale tests (`estate generate`).
//!
//! The assets sheet looks like a reseller's asset report — a title block
//! above the header, supplier words for classes, real Excel dates, money
//! with a £ format — and comes with proportional phone lines and licences.
//! The same seed always gives the same file.

use std::path::Path;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use time::{Date, Duration, Month};

use crate::domain::{Money, iso};

/// A small, fast, deterministic pseudo-random generator (xorshift64*).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded; a zero seed is replaced so the sequence never sticks at zero.
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One of `items` (a copy).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items[i]
    }
}

#[allow(
    clippy::struct_field_names,
    reason = "a model's `model` is its name, as suppliers say"
)]
/// A model a supplier report lists: supplier word for its class,
/// manufacturer, model, typical price in pence and typical watts.
struct Model {
    class_word: &'static str,
    manufacturer: &'static str,
    model: &'static str,
    pence: i64,
    watts: u32,
    weight: u64,
}

const MODELS: &[Model] = &[
    Model {
        class_word: "Desktop PC",
        manufacturer: "Dell",
        model: "OptiPlex 7010 SFF",
        pence: 61_234,
        watts: 45,
        weight: 22,
    },
    Model {
        class_word: "Desktop",
        manufacturer: "HP",
        model: "EliteDesk 800 G9",
        pence: 64_900,
        watts: 42,
        weight: 12,
    },
    Model {
        class_word: "Notebook",
        manufacturer: "Dell",
        model: "Latitude 5540",
        pence: 84_921,
        watts: 15,
        weight: 14,
    },
    Model {
        class_word: "Laptop",
        manufacturer: "Lenovo",
        model: "ThinkPad T14 Gen 4",
        pence: 89_500,
        watts: 14,
        weight: 10,
    },
    Model {
        class_word: "Monitor",
        manufacturer: "Dell",
        model: "P2423 24in Monitor",
        pence: 12_650,
        watts: 18,
        weight: 18,
    },
    Model {
        class_word: "Thin Client",
        manufacturer: "HP",
        model: "t640 Thin Client",
        pence: 29_900,
        watts: 8,
        weight: 4,
    },
    Model {
        class_word: "Server",
        manufacturer: "Dell",
        model: "PowerEdge R750",
        pence: 985_000,
        watts: 425,
        weight: 2,
    },
    Model {
        class_word: "Server",
        manufacturer: "HPE",
        model: "ProLiant DL380 Gen10",
        pence: 912_345,
        watts: 400,
        weight: 1,
    },
    Model {
        class_word: "SAN",
        manufacturer: "Dell",
        model: "PowerVault ME5024",
        pence: 3_850_000,
        watts: 600,
        weight: 1,
    },
    Model {
        class_word: "Switch",
        manufacturer: "Cisco",
        model: "Catalyst 9200 48P",
        pence: 298_000,
        watts: 150,
        weight: 2,
    },
    Model {
        class_word: "MFP",
        manufacturer: "Konica Minolta",
        model: "bizhub C300i",
        pence: 452_000,
        watts: 60,
        weight: 3,
    },
    Model {
        class_word: "Smartphone",
        manufacturer: "Apple",
        model: "iPhone 14",
        pence: 52_900,
        watts: 1,
        weight: 8,
    },
    Model {
        class_word: "Tablet",
        manufacturer: "Apple",
        model: "iPad 10th Gen",
        pence: 34_900,
        watts: 2,
        weight: 3,
    },
];

const SITES: &[&str] = &[
    "Civic Centre",
    "Northgate Offices",
    "Riverside Depot",
    "Market Street Library",
    "Leisure Centre",
    "Shared Data Centre",
];
const DEPARTMENTS: &[&str] = &[
    "IT01 ICT Services",
    "RB02 Revenues & Benefits",
    "PL03 Planning",
    "HS04 Housing",
    "EN05 Environment",
    "CS06 Customer Services",
];
const STATUSES: &[&str] = &[
    "In Use", "In Use", "In Use", "In Use", "In Store", "Deployed",
];
const SUPPLIERS: &[&str] = &["Softcat plc", "CDW UK", "XMA Ltd", "Computacenter"];
const FIRST: &[&str] = &[
    "Alex", "Sam", "Jo", "Chris", "Priya", "Tom", "Aisha", "Ben", "Nina", "Owen",
];
const LAST: &[&str] = &[
    "Smith", "Jones", "Taylor", "Patel", "Brown", "Khan", "Evans", "Wilson",
];

/// The headings of the generated assets sheet (15 columns), as a supplier writes them.
pub const ASSET_HEADINGS: [&str; 15] = [
    "Asset No",
    "Serial Number",
    "Device Type",
    "Manufacturer",
    "Product Description",
    "Location",
    "Cost Centre",
    "Ship Date",
    "Unit Price (ex VAT)",
    "Warranty End",
    "Supplier",
    "Status",
    "Power (W)",
    "Assigned To",
    "Comments",
];

/// One generated asset row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    /// Asset tag.
    pub tag: String,
    /// Serial number.
    pub serial: String,
    /// The supplier's word for the class.
    pub class_word: &'static str,
    /// Manufacturer.
    pub manufacturer: &'static str,
    /// Model.
    pub model: &'static str,
    /// Site.
    pub site: &'static str,
    /// Department.
    pub department: &'static str,
    /// Purchase (ship) date.
    pub purchase_date: Date,
    /// Unit price ex VAT.
    pub cost: Money,
    /// Warranty end.
    pub warranty_end: Date,
    /// Supplier.
    pub supplier: &'static str,
    /// Status word.
    pub status: &'static str,
    /// Power draw in watts.
    pub watts: u32,
    /// Assigned user.
    pub user: String,
    /// Notes.
    pub notes: &'static str,
}

/// The `i`th asset of the estate seeded by `seed` (rows are independent, so
/// any row can be regenerated to check a file).
pub fn asset(seed: u64, i: u64) -> AssetRow {
    let mut rng = Rng::new(seed ^ i.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let total: u64 = MODELS.iter().map(|m| m.weight).sum();
    let mut roll = rng.below(total);
    let model = MODELS
        .iter()
        .find(|m| {
            if roll < m.weight {
                true
            } else {
                roll -= m.weight;
                false
            }
        })
        .unwrap_or(&MODELS[0]);
    // Serials are unique within an estate (4 billion rows at most): the row
    // number through a bijection of 32 bits (xor with a seed-derived mask,
    // then multiplication by an odd constant), so they look random but two
    // rows never share one, as 32 random bits would from about 100,000 rows.
    // The random draw is kept so every other field stays as it was.
    let _ = rng.next_u64();
    #[allow(
        clippy::cast_possible_truncation,
        reason = "row numbers wrap at 2^32; a serial has 32 bits"
    )]
    let serial_bits = ((i as u32) ^ (seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as u32)
        .wrapping_mul(0x2C1B_3C6D);
    // In service between 1 April 2016 and 31 March 2026.
    let start = Date::from_calendar_date(2016, Month::April, 1).expect("valid date");
    let days = i64::try_from(rng.below(3652)).unwrap_or(0);
    let purchase_date = start + Duration::days(days);
    let warranty_end = crate::domain::add_years(purchase_date, 3);
    // Price within ±10% of the model's, to the penny.
    let spread = i64::try_from(rng.below(2001)).unwrap_or(1000) - 1000;
    let pence = model.pence + model.pence * spread / 10_000;
    AssetRow {
        tag: format!("AST-{:07}", i + 1),
        serial: format!("{}{:08X}", &model.manufacturer[..1], serial_bits),
        class_word: model.class_word,
        manufacturer: model.manufacturer,
        model: model.model,
        site: rng.pick(SITES),
        department: rng.pick(DEPARTMENTS),
        purchase_date,
        cost: Money::from_pence(pence),
        warranty_end,
        supplier: rng.pick(SUPPLIERS),
        status: rng.pick(STATUSES),
        watts: model.watts,
        user: format!("{} {}", rng.pick(FIRST), rng.pick(LAST)),
        notes: if rng.below(20) == 0 {
            "refurbished"
        } else {
            ""
        },
    }
}

/// How many lines and licences go with `assets` assets (about 300 lines per
/// 1,200 assets, as in the seed councils; one licence line per 1,000 assets, at least 8).
pub fn proportions(assets: u64) -> (u64, u64) {
    (assets / 4, (assets / 1000).max(8))
}

/// What a generated file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    /// Asset rows.
    pub assets: u64,
    /// Phone-line rows.
    pub lines: u64,
    /// Licence rows.
    pub licences: u64,
    /// The sum of the asset prices.
    pub total_cost: Money,
}

const LINE_TYPES: &[&str] = &[
    "Analogue PSTN",
    "Analogue PSTN",
    "ISDN2",
    "ISDN30",
    "FTTC",
    "SoGEA",
    "SIP Trunk",
];
const LINE_USES: &[&str] = &[
    "Voice",
    "Voice",
    "Voice",
    "Telecare",
    "Lift line",
    "Fire alarm",
    "Broadband",
];
const PRODUCTS: &[(&str, &str, &str, i64)] = &[
    ("Microsoft 365 E3", "Microsoft", "Per User", 2_040),
    ("Sophos Intercept X", "Sophos", "Per Device", 2_450),
    ("Civica Revenues", "Civica", "Site", 4_500_000),
    ("Idox Uniform", "Idox", "Site", 3_200_000),
];

fn line_row(seed: u64, i: u64) -> [String; 6] {
    let mut rng = Rng::new(seed ^ 0xA5A5 ^ i.wrapping_mul(0x9E37));
    let line_type = rng.pick(LINE_TYPES);
    [
        format!("01632 {:06}", i % 1_000_000),
        line_type.to_string(),
        rng.pick(SITES).to_string(),
        Money::from_pence(1_500 + i64::try_from(rng.below(3_000)).unwrap_or(0)).to_string(),
        iso(Date::from_calendar_date(2027, Month::March, 31).expect("valid date")),
        rng.pick(LINE_USES).to_string(),
    ]
}

/// Writes a generated estate as `.xlsx` (sheets Assets, Lines, Licences;
/// constant-memory writing, so memory does not grow with `assets`).
///
/// # Errors
/// The file cannot be written.
pub fn write_xlsx(path: &Path, assets: u64, seed: u64) -> Result<Generated, XlsxError> {
    let (n_lines, n_licences) = proportions(assets);
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let money = Format::new().set_num_format("£#,##0.00");
    let mut total = Money::ZERO;
    {
        let ws = workbook.add_worksheet_with_constant_memory()?;
        ws.set_name("Assets")?;
        ws.write_string_with_format(0, 0, "Generated Supplier Ltd — Asset Report", &bold)?;
        ws.write_string(1, 0, format!("Customer: Generated Council (seed {seed})"))?;
        ws.write_string(2, 0, format!("{assets} assets"))?;
        for (c, h) in (0u16..).zip(ASSET_HEADINGS) {
            ws.write_string_with_format(4, c, h, &bold)?;
        }
        for i in 0..assets {
            let a = asset(seed, i);
            let row = u32::try_from(i + 5).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string(row, 0, &a.tag)?;
            ws.write_string(row, 1, &a.serial)?;
            ws.write_string(row, 2, a.class_word)?;
            ws.write_string(row, 3, a.manufacturer)?;
            ws.write_string(row, 4, a.model)?;
            ws.write_string(row, 5, a.site)?;
            ws.write_string(row, 6, a.department)?;
            ws.write_date_with_format(row, 7, excel_date(a.purchase_date)?, &date)?;
            // rust_xlsxwriter takes f64 for numbers; whole pence / 100 is exact to the
            // penny when read back and rounded to 2 places.
            #[allow(
                clippy::cast_precision_loss,
                reason = "pence below 2^53 convert exactly"
            )]
            let pounds = a.cost.to_pence().unwrap_or(0) as f64 / 100.0;
            ws.write_number_with_format(row, 8, pounds, &money)?;
            ws.write_date_with_format(row, 9, excel_date(a.warranty_end)?, &date)?;
            ws.write_string(row, 10, a.supplier)?;
            ws.write_string(row, 11, a.status)?;
            ws.write_number(row, 12, f64::from(a.watts))?;
            ws.write_string(row, 13, &a.user)?;
            if !a.notes.is_empty() {
                ws.write_string(row, 14, a.notes)?;
            }
            total += a.cost;
        }
    }
    {
        let ws = workbook.add_worksheet_with_constant_memory()?;
        ws.set_name("Lines")?;
        for (c, h) in (0u16..).zip([
            "CLI",
            "Line Type",
            "Site",
            "Monthly Rental",
            "Contract End",
            "Line Use",
        ]) {
            ws.write_string_with_format(0, c, h, &bold)?;
        }
        for i in 0..n_lines {
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, v) in (0u16..).zip(line_row(seed, i)) {
                ws.write_string(row, c, v)?;
            }
        }
    }
    {
        let ws = workbook.add_worksheet_with_constant_memory()?;
        ws.set_name("Licences")?;
        for (c, h) in (0u16..).zip([
            "Product",
            "Vendor",
            "Licence Type",
            "Qty",
            "Unit Price",
            "Agreement",
        ]) {
            ws.write_string_with_format(0, c, h, &bold)?;
        }
        for i in 0..n_licences {
            let (product, vendor, metric, pence) =
                PRODUCTS[usize::try_from(i).unwrap_or(0) % PRODUCTS.len()];
            let row = u32::try_from(i + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            ws.write_string(row, 0, product)?;
            ws.write_string(row, 1, vendor)?;
            ws.write_string(row, 2, metric)?;
            #[allow(clippy::cast_precision_loss, reason = "small counts")]
            ws.write_number(row, 3, (100 + i % 900) as f64)?;
            #[allow(
                clippy::cast_precision_loss,
                reason = "pence below 2^53 convert exactly"
            )]
            ws.write_number_with_format(row, 4, pence as f64 / 100.0, &money)?;
            ws.write_string(row, 5, format!("AGR-{i:05}"))?;
        }
    }
    workbook.save(path)?;
    Ok(Generated {
        assets,
        lines: n_lines,
        licences: n_licences,
        total_cost: total,
    })
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(iso(d)))?;
    ExcelDateTime::from_ymd(year, u8::from(d.month()), d.day())
}

/// Writes a generated estate as CSV: the assets to `path` (title block, then
/// the header, UK dates, £ amounts), and the lines and licences beside it as
/// `<stem>-lines.csv` and `<stem>-licences.csv`.
///
/// # Errors
/// A file cannot be written.
pub fn write_csv(path: &Path, assets: u64, seed: u64) -> Result<Generated, csv::Error> {
    let [lines, licences] = csv_siblings(path);
    write_csv_to([path, &lines, &licences], assets, seed)
}

/// The files [`write_csv`] writes beside `path`: `<stem>-lines.csv` and
/// `<stem>-licences.csv`.
pub fn csv_siblings(path: &Path) -> [std::path::PathBuf; 2] {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    ["lines", "licences"].map(|suffix| path.with_file_name(format!("{stem}-{suffix}.csv")))
}

/// As [`write_csv`], with the assets, lines and licences written to the
/// three files named.
///
/// # Errors
/// A file cannot be written.
pub fn write_csv_to(paths: [&Path; 3], assets: u64, seed: u64) -> Result<Generated, csv::Error> {
    let [path, lines_path, licences_path] = paths;
    let (n_lines, n_licences) = proportions(assets);
    let mut w = csv::WriterBuilder::new().flexible(true).from_path(path)?;
    w.write_record(["Generated Supplier Ltd - Asset Report"])?;
    w.write_record([format!("Customer: Generated Council (seed {seed})")])?;
    w.write_record([""])?;
    w.write_record(ASSET_HEADINGS)?;
    let mut total = Money::ZERO;
    let uk = |d: Date| format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year());
    for i in 0..assets {
        let a = asset(seed, i);
        total += a.cost;
        w.write_record([
            a.tag.as_str(),
            &a.serial,
            a.class_word,
            a.manufacturer,
            a.model,
            a.site,
            a.department,
            &uk(a.purchase_date),
            &a.cost.to_string(),
            &uk(a.warranty_end),
            a.supplier,
            a.status,
            &a.watts.to_string(),
            &a.user,
            a.notes,
        ])?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(lines_path)?;
    w.write_record([
        "CLI",
        "Line Type",
        "Site",
        "Monthly Rental",
        "Contract End",
        "Line Use",
    ])?;
    for i in 0..n_lines {
        w.write_record(line_row(seed, i))?;
    }
    w.flush()?;
    let mut w = csv::Writer::from_path(licences_path)?;
    w.write_record([
        "Product",
        "Vendor",
        "Licence Type",
        "Qty",
        "Unit Price",
        "Agreement",
    ])?;
    for i in 0..n_licences {
        let (product, vendor, metric, pence) =
            PRODUCTS[usize::try_from(i).unwrap_or(0) % PRODUCTS.len()];
        w.write_record([
            product.to_string(),
            vendor.to_string(),
            metric.to_string(),
            (100 + i % 900).to_string(),
            Money::from_pence(pence).to_string(),
            format!("AGR-{i:05}"),
        ])?;
    }
    w.flush()?;
    Ok(Generated {
        assets,
        lines: n_lines,
        licences: n_licences,
        total_cost: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_estate() {
        assert_eq!(asset(7, 123), asset(7, 123));
        assert_ne!(asset(7, 123), asset(8, 123));
        let a = asset(7, 0);
        assert_eq!(a.tag, "AST-0000001");
        assert!(a.purchase_date >= Date::from_calendar_date(2016, Month::April, 1).unwrap());
        assert!(a.purchase_date <= Date::from_calendar_date(2026, Month::March, 31).unwrap());
        assert!(a.cost.to_pence().is_some());
    }

    #[test]
    fn serials_are_unique_within_an_estate() {
        let mut serials: Vec<String> = (0..50_000).map(|i| asset(7, i).serial).collect();
        serials.sort_unstable();
        serials.dedup();
        assert_eq!(serials.len(), 50_000);
        assert_ne!(asset(7, 5).serial, asset(8, 5).serial);
    }

    #[test]
    fn a_generated_csv_has_the_rows_it_says() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("estate.csv");
        let g = write_csv(&path, 1000, 42).unwrap();
        assert_eq!(
            g,
            Generated {
                assets: 1000,
                lines: 250,
                licences: 8,
                total_cost: g.total_cost
            }
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 1004);
        let expected: Money = (0..1000).map(|i| asset(42, i).cost).sum();
        assert_eq!(g.total_cost, expected);
        let lines = std::fs::read_to_string(dir.path().join("estate-lines.csv")).unwrap();
        assert_eq!(lines.lines().count(), 251);
    }

    #[test]
    fn a_generated_xlsx_reads_back_with_calamine() {
        use calamine::{DataType, Reader, open_workbook_auto};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("estate.xlsx");
        let g = write_xlsx(&path, 200, 42).unwrap();
        assert_eq!((g.assets, g.lines, g.licences), (200, 50, 8));
        let mut wb = open_workbook_auto(&path).unwrap();
        assert_eq!(wb.sheet_names(), ["Assets", "Lines", "Licences"]);
        let range = wb.worksheet_range("Assets").unwrap();
        assert_eq!(range.get_size(), (205, 15));
        assert_eq!(range.get_value((4, 0)).unwrap().to_string(), "Asset No");
        let a = asset(42, 199);
        assert_eq!(range.get_value((204, 0)).unwrap().to_string(), a.tag);
        let cost = range.get_value((204, 8)).unwrap().as_f64().unwrap();
        // Read back through f64 then rounded to the penny: exact.
        #[allow(clippy::cast_possible_truncation, reason = "test of a small amount")]
        let pence = (cost * 100.0).round() as i64;
        assert_eq!(Some(pence), a.cost.to_pence());
    }
}

//! Generates the fictional sample data set in `data/sample/`: a deliberately messy set of
//! supplier spreadsheets for the (fictional) Avonmere & Brookfield Shared ICT Service, plus
//! `MANIFEST.md`, which states exactly what is in them.
//!
//! Run: `cargo run --example make_sample -- data/sample`
//!
//! The output is deterministic: every random choice comes from a small xorshift generator
//! seeded with a constant per file, and the workbooks carry a fixed creation date. The
//! manifest is computed from the generator's own records, never by reading the files back,
//! so it stays independent of the importer it is used to test.
//!
//! Money is held as integer pence throughout. The only place a money amount becomes an `f64`
//! is at the moment it is written to an xlsx cell as a number, because `rust_xlsxwriter`
//! (like Excel itself) stores numbers as IEEE doubles.

// `pence as f64 / 100.0` at xlsx write calls is the one intended lossy cast (see above).
#![allow(clippy::cast_precision_loss)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook,
    Worksheet,
};
use time::{Date, Duration, Month, Weekday};

type Res<T> = Result<T, Box<dyn Error>>;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/// xorshift64* — tiny, deterministic, good enough for sample data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // Avoid the all-zero state and decorrelate similar seeds a little.
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n).expect("usize fits u64");
        usize::try_from(self.next_u64() % n64).expect("below n")
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = usize::try_from(hi - lo + 1).expect("non-empty range");
        lo + i64::try_from(self.below(span)).expect("fits i64")
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    fn weighted<'a, T>(&mut self, xs: &'a [(T, u32)]) -> &'a T {
        let total: u32 = xs.iter().map(|(_, w)| *w).sum();
        let mut r = u32::try_from(self.below(total as usize)).expect("fits u32");
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= *w;
        }
        &xs[xs.len() - 1].0
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + u8::try_from(self.below(10)).expect("digit")))
            .collect()
    }

    fn chars(&mut self, charset: &[u8], n: usize) -> String {
        (0..n).map(|_| char::from(*self.pick(charset))).collect()
    }
}

const ALNUM: &[u8] = b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const DELL_CHARS: &[u8] = b"0123456789BCDFGHJKLMNPQRSTVWXYZ";

// ---------------------------------------------------------------------------------------------
// Dates and money
// ---------------------------------------------------------------------------------------------

fn ymd(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("month"), d).expect("valid date")
}

fn today() -> Date {
    ymd(2026, 11, 28)
}

fn month_num(d: Date) -> u8 {
    u8::from(d.month())
}

fn add_months(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + i32::from(month_num(d)) - 1 + months;
    let y = total.div_euclid(12);
    let m = Month::try_from(u8::try_from(total.rem_euclid(12) + 1).expect("month")).expect("m");
    let day = d.day().min(m.length(y));
    Date::from_calendar_date(y, m, day).expect("valid date")
}

fn add_years(d: Date, years: i32) -> Date {
    add_months(d, years * 12)
}

/// Moves a Saturday or Sunday to the following Monday.
fn weekday_on_or_after(d: Date) -> Date {
    match d.weekday() {
        Weekday::Saturday => d + Duration::days(2),
        Weekday::Sunday => d + Duration::days(1),
        _ => d,
    }
}

/// Start year of the UK financial year (1 April – 31 March) containing `d`.
fn fy_start(d: Date) -> i32 {
    if month_num(d) >= 4 {
        d.year()
    } else {
        d.year() - 1
    }
}

fn fy_label(start: i32) -> String {
    format!("{start}/{:02}", (start + 1) % 100)
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), month_num(d), d.day())
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), month_num(d), d.year())
}

const MONTH_ABBR: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn dmy_short(d: Date) -> String {
    format!(
        "{:02}-{}-{:02}",
        d.day(),
        MONTH_ABBR[usize::from(month_num(d)) - 1],
        d.year() % 100
    )
}

fn xl_date(d: Date) -> Res<ExcelDateTime> {
    Ok(ExcelDateTime::from_ymd(
        u16::try_from(d.year())?,
        month_num(d),
        d.day(),
    )?)
}

/// `123456` pence -> `"1,234.56"`.
fn pounds(pence: i64) -> String {
    let neg = pence < 0;
    let p = pence.abs();
    let whole = (p / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{:02}", if neg { "-" } else { "" }, p % 100)
}

/// `123456` pence -> `"£1,234.56"`.
fn gbp(pence: i64) -> String {
    if pence < 0 {
        format!("-£{}", pounds(-pence))
    } else {
        format!("£{}", pounds(pence))
    }
}

/// `123456` pence -> `"1234.56"` (no grouping; used for cached formula results).
fn plain(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", pence.abs() / 100, pence.abs() % 100)
}

/// `a * b / 100` rounded half up, for percentage apportionment in pence.
fn percent_of(pence: i64, pct: i64) -> i64 {
    (pence * pct + 50).div_euclid(100)
}

fn col_letter(i: usize) -> String {
    let mut n = i + 1;
    let mut s = Vec::new();
    while n > 0 {
        let r = u8::try_from((n - 1) % 26).expect("letter");
        s.push(char::from(b'A' + r));
        n = (n - 1) / 26;
    }
    s.iter().rev().collect()
}

// ---------------------------------------------------------------------------------------------
// The organisation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
enum Org {
    Avn,
    Brk,
    Abs,
}

const ORGS: [Org; 3] = [Org::Avn, Org::Brk, Org::Abs];

impl Org {
    fn code(self) -> &'static str {
        match self {
            Org::Avn => "AVN",
            Org::Brk => "BRK",
            Org::Abs => "ABS",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Org::Avn => "Avonmere District Council",
            Org::Brk => "Brookfield Borough Council",
            Org::Abs => "Avonmere & Brookfield Shared ICT Service",
        }
    }

    fn idx(self) -> usize {
        match self {
            Org::Avn => 0,
            Org::Brk => 1,
            Org::Abs => 2,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
enum Class {
    Desktop,
    Laptop,
    Server,
    Storage,
    Network,
    Monitor,
    Mfd,
    Mobile,
}

const CLASSES: [Class; 8] = [
    Class::Desktop,
    Class::Laptop,
    Class::Server,
    Class::Storage,
    Class::Network,
    Class::Monitor,
    Class::Mfd,
    Class::Mobile,
];

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Desktop => "desktop",
            Class::Laptop => "laptop",
            Class::Server => "server",
            Class::Storage => "storage",
            Class::Network => "network",
            Class::Monitor => "monitor",
            Class::Mfd => "mfd",
            Class::Mobile => "mobile",
        }
    }

    /// Replacement life in years as given in the brief (monitors have none).
    fn life(self) -> Option<i32> {
        match self {
            Class::Desktop | Class::Storage | Class::Mfd => Some(5),
            Class::Laptop => Some(4),
            Class::Server | Class::Mobile => Some(3),
            Class::Network => Some(7),
            Class::Monitor => None,
        }
    }
}

fn sites(org: Org) -> &'static [(&'static str, u32)] {
    match org {
        Org::Avn => &[
            ("Avonmere House", 60),
            ("Riverside Depot", 15),
            ("Market Street Library", 25),
        ],
        Org::Brk => &[
            ("Brookfield Civic Centre", 55),
            ("Northgate Offices", 30),
            ("Brookfield Leisure Centre", 15),
        ],
        Org::Abs => &[("Shared Data Centre", 70), ("DR Site", 30)],
    }
}

const CC_IT: &str = "IT01 ICT Services";

fn cost_centres(site: &str) -> &'static [(&'static str, u32)] {
    match site {
        "Avonmere House" | "Brookfield Civic Centre" => &[
            (CC_IT, 10),
            ("RB02 Revenues & Benefits", 25),
            ("PL03 Planning", 15),
            ("HS04 Housing", 20),
            ("CS06 Customer Services", 15),
            ("FN07 Finance", 15),
        ],
        "Northgate Offices" => &[
            ("RB02 Revenues & Benefits", 35),
            ("PL03 Planning", 25),
            ("HS04 Housing", 25),
            ("EN05 Environment", 15),
        ],
        "Riverside Depot" => &[("EN05 Environment", 80), ("HS04 Housing", 20)],
        "Market Street Library" => &[
            ("LS08 Leisure & Culture", 70),
            ("CS06 Customer Services", 30),
        ],
        "Brookfield Leisure Centre" => &[("LS08 Leisure & Culture", 100)],
        _ => &[(CC_IT, 100)],
    }
}

/// The reseller's department wording for a cost centre (no codes).
fn dept_name(cc: &str) -> &'static str {
    match &cc[..4] {
        "IT01" => "ICT",
        "RB02" => "Revenues and Benefits",
        "PL03" => "Planning",
        "HS04" => "Housing",
        "EN05" => "Environment",
        "CS06" => "Customer Services",
        "FN07" => "Finance",
        _ => "Leisure",
    }
}

const FIRST: &[&str] = &[
    "Aisha", "Ben", "Chloe", "Daniel", "Emma", "Faisal", "Grace", "Harry", "Imogen", "Jack",
    "Katie", "Liam", "Megan", "Nathan", "Olivia", "Priya", "Rhys", "Sophie", "Tom", "Usha",
    "Victoria", "William", "Yasmin", "Zach", "Amir", "Bethan", "Callum", "Deborah", "Ewan",
    "Fiona", "Gareth", "Hannah", "Ian", "Joanne", "Kieran", "Lucy", "Mark", "Nadia", "Owen",
    "Paula", "Rachel", "Simon", "Tanya", "Vikram", "Wendy",
];
const SURNAME: &[&str] = &[
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nolan",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Shah",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walsh",
    "Young",
    "Bennett",
    "Carter",
    "Dixon",
    "Ellis",
    "Foster",
    "Griffiths",
    "Hall",
    "Jenkins",
    "Kaur",
    "Lloyd",
    "Mitchell",
    "Parry",
    "Reid",
    "Singh",
    "Thomas",
    "Wood",
];
/// Names that exercise Windows-1252 decoding in the mobiles CSV.
const ACCENTED: &[&str] = &[
    "Siân Pritchard",
    "Zoë Hartley",
    "Seán O'Brien",
    "Renée Dubois",
    "Chloé Martin",
    "José Ferreira",
];

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(FIRST), rng.pick(SURNAME))
}

// ---------------------------------------------------------------------------------------------
// Model catalogues (prices in pence, ex VAT)
// ---------------------------------------------------------------------------------------------

struct Model {
    make: &'static str,
    name: &'static str,
    from: i32,
    to: i32,
    price: i64,
}

const fn m(make: &'static str, name: &'static str, from: i32, to: i32, price: i64) -> Model {
    Model {
        make,
        name,
        from,
        to,
        price,
    }
}

const DELL_DESKTOPS: &[Model] = &[
    m(
        "Dell",
        "OptiPlex 7040 Small Form Factor",
        2016,
        2016,
        61_900,
    ),
    m(
        "Dell",
        "OptiPlex 7050 Small Form Factor",
        2017,
        2017,
        62_900,
    ),
    m(
        "Dell",
        "OptiPlex 7060 Small Form Factor",
        2018,
        2018,
        63_900,
    ),
    m(
        "Dell",
        "OptiPlex 7070 Small Form Factor",
        2019,
        2019,
        64_900,
    ),
    m("Dell", "OptiPlex 7070 Micro", 2019, 2020, 59_900),
    m("Dell", "OptiPlex 7080 Micro", 2020, 2021, 61_900),
    m(
        "Dell",
        "OptiPlex 5080 Small Form Factor",
        2020,
        2020,
        57_900,
    ),
    m(
        "Dell",
        "OptiPlex 7090 Small Form Factor",
        2021,
        2021,
        66_900,
    ),
    m(
        "Dell",
        "OptiPlex 7000 Small Form Factor",
        2022,
        2022,
        69_900,
    ),
    m("Dell", "OptiPlex 7000 Micro", 2022, 2023, 67_900),
    m(
        "Dell",
        "OptiPlex 7010 Small Form Factor",
        2023,
        2024,
        64_900,
    ),
    m("Dell", "OptiPlex Micro Plus 7010", 2023, 2024, 72_900),
    m(
        "Dell",
        "OptiPlex 7020 Small Form Factor",
        2024,
        2026,
        66_900,
    ),
];
const DELL_LAPTOPS: &[Model] = &[
    m("Dell", "Latitude 5480", 2016, 2017, 84_900),
    m("Dell", "Latitude 5490", 2018, 2018, 86_900),
    m("Dell", "Latitude 5400", 2019, 2019, 87_900),
    m("Dell", "Latitude 5410", 2020, 2020, 89_900),
    m("Dell", "Latitude 5310 2-in-1", 2020, 2020, 92_900),
    m("Dell", "Latitude 5420", 2021, 2021, 91_900),
    m("Dell", "Latitude 5430", 2022, 2022, 94_900),
    m("Dell", "Latitude 5440", 2023, 2023, 92_900),
    m("Dell", "Latitude 5540", 2024, 2026, 95_900),
    m("Dell", "Latitude 7450", 2024, 2026, 124_900),
];
const DELL_SERVERS: &[Model] = &[
    m("Dell", "PowerEdge R730", 2016, 2017, 780_000),
    m("Dell", "PowerEdge R740", 2018, 2020, 920_000),
    m("Dell", "PowerEdge R640", 2019, 2020, 690_000),
    m("Dell", "PowerEdge R750", 2021, 2023, 1_185_000),
    m("Dell", "PowerEdge R650", 2022, 2023, 845_000),
    m("Dell", "PowerEdge R760", 2024, 2026, 1_290_000),
];
const DELL_MONITORS: &[Model] = &[
    m("Dell", "Dell 22 Monitor - P2217H", 2016, 2017, 13_900),
    m("Dell", "Dell 24 Monitor - P2419H", 2018, 2020, 16_900),
    m("Dell", "Dell 24 Monitor - P2422H", 2021, 2022, 17_900),
    m("Dell", "Dell 24 Monitor P2423", 2023, 2026, 18_400),
    m("Dell", "Dell 27 Monitor - P2723D", 2022, 2026, 26_900),
];
const HP_DESKTOPS: &[Model] = &[
    m("HP", "HP EliteDesk 800 G2 SFF", 2016, 2016, 59_900),
    m("HP", "HP EliteDesk 800 G3 SFF", 2017, 2017, 61_900),
    m("HP", "HP EliteDesk 800 G4 SFF", 2018, 2018, 62_900),
    m("HP", "HP EliteDesk 800 G5 SFF", 2019, 2019, 63_900),
    m("HP", "HP ProDesk 400 G6 SFF", 2020, 2020, 54_900),
    m("HP", "HP EliteDesk 800 G6 SFF", 2020, 2021, 65_900),
    m("HP", "HP ProDesk 400 G7 SFF", 2021, 2021, 55_900),
    m("HP", "HP EliteDesk 800 G8 SFF", 2022, 2022, 67_900),
    m("HP", "HP Elite Mini 800 G9", 2023, 2024, 69_900),
    m("HP", "HP Elite SFF 800 G9", 2023, 2024, 68_900),
    m("HP", "HP Pro SFF 400 G9", 2024, 2026, 57_900),
];
const LENOVO_DESKTOPS: &[Model] = &[
    m("Lenovo", "ThinkCentre M710s", 2016, 2017, 57_900),
    m("Lenovo", "ThinkCentre M720s", 2018, 2019, 58_900),
    m("Lenovo", "ThinkCentre M70q Gen 1", 2020, 2020, 60_900),
    m("Lenovo", "ThinkCentre M70q Gen 2", 2021, 2021, 62_900),
    m("Lenovo", "ThinkCentre M70q Gen 3", 2022, 2023, 64_900),
    m("Lenovo", "ThinkCentre M70s Gen 4", 2024, 2026, 61_900),
];
const HP_WORKSTATIONS: &[Model] = &[
    m("HP", "HP Z2 G4 Tower Workstation", 2016, 2019, 139_900),
    m("HP", "HP Z2 G5 Tower Workstation", 2020, 2021, 145_900),
    m("HP", "HP Z2 G9 Tower Workstation", 2022, 2026, 169_900),
];
const HP_THIN_CLIENTS: &[Model] = &[
    m("HP", "HP t630 Thin Client", 2016, 2018, 32_900),
    m("HP", "HP t640 Thin Client", 2019, 2026, 36_900),
];
const HP_LAPTOPS: &[Model] = &[
    m("HP", "HP EliteBook 840 G3", 2016, 2017, 92_900),
    m("HP", "HP EliteBook 840 G5", 2018, 2018, 94_900),
    m("HP", "HP EliteBook 840 G6", 2019, 2019, 96_900),
    m("HP", "HP ProBook 450 G7", 2020, 2020, 71_900),
    m("HP", "HP EliteBook 840 G7", 2020, 2020, 99_900),
    m("HP", "HP EliteBook 840 G8", 2021, 2021, 102_900),
    m("HP", "HP ProBook 440 G9", 2022, 2022, 74_900),
    m("HP", "HP EliteBook 840 G9", 2022, 2022, 108_900),
    m("HP", "HP EliteBook 840 G10", 2023, 2023, 112_900),
    m("HP", "HP EliteBook 640 G11", 2024, 2026, 98_900),
];
const LENOVO_LAPTOPS: &[Model] = &[
    m("Lenovo", "ThinkPad T470", 2016, 2017, 89_900),
    m("Lenovo", "ThinkPad T480", 2018, 2018, 91_900),
    m("Lenovo", "ThinkPad T490", 2019, 2019, 93_900),
    m("Lenovo", "ThinkPad L13", 2020, 2020, 69_900),
    m("Lenovo", "ThinkPad T14 Gen 1", 2020, 2020, 92_900),
    m("Lenovo", "ThinkPad T14 Gen 2", 2021, 2021, 95_900),
    m("Lenovo", "ThinkPad T14 Gen 3", 2022, 2022, 99_900),
    m("Lenovo", "ThinkPad T14 Gen 4", 2023, 2023, 104_900),
    m("Lenovo", "ThinkPad L14 Gen 5", 2024, 2026, 82_900),
];
const HP_MONITORS: &[Model] = &[
    m("HP", "HP EliteDisplay E243", 2016, 2018, 16_400),
    m("HP", "HP E24 G4", 2019, 2021, 15_900),
    m("HP", "HP E24 G5", 2022, 2026, 16_900),
    m("HP", "HP P24 G5", 2023, 2026, 12_900),
];
const INFRA_SERVERS: &[Model] = &[
    m("HPE", "ProLiant DL380 Gen9", 2016, 2017, 650_000),
    m("HPE", "ProLiant DL360 Gen10", 2018, 2020, 640_000),
    m("HPE", "ProLiant DL380 Gen10", 2018, 2021, 890_000),
    m("HPE", "ProLiant DL360 Gen10 Plus", 2021, 2022, 820_000),
    m("Lenovo", "ThinkSystem SR650", 2019, 2021, 910_000),
    m("HPE", "ProLiant DL380 Gen11", 2023, 2026, 1_240_000),
    m("Lenovo", "ThinkSystem SR650 V3", 2024, 2026, 1_330_000),
];
const INFRA_STORAGE: &[Model] = &[
    m("NetApp", "FAS2650", 2016, 2017, 3_850_000),
    m("NetApp", "FAS2750", 2018, 2020, 4_100_000),
    m("Dell", "PowerVault ME4024", 2019, 2020, 1_850_000),
    m("Synology", "RackStation RS3621xs+", 2020, 2021, 520_000),
    m("NetApp", "AFF A250", 2021, 2023, 6_200_000),
    m("HPE", "MSA 2060", 2021, 2022, 1_690_000),
    m("HPE", "StoreOnce 3660", 2022, 2024, 2_890_000),
    m("Dell", "PowerVault ME5024", 2022, 2025, 2_150_000),
];
const INFRA_NETWORK: &[Model] = &[
    m("Cisco", "Catalyst 2960X-48FPD-L", 2016, 2017, 280_000),
    m("Cisco", "Catalyst 3850-48P", 2016, 2017, 540_000),
    m("Cisco", "ISR 4331", 2016, 2019, 230_000),
    m("Fortinet", "FortiGate 200E", 2017, 2019, 560_000),
    m("Aruba", "2930F 48G PoE+", 2018, 2019, 210_000),
    m("Cisco", "Catalyst 9200L-48P-4G", 2020, 2025, 310_000),
    m("Fortinet", "FortiGate 100F", 2020, 2025, 390_000),
    m("Cisco", "Catalyst 9200-24P", 2021, 2025, 240_000),
    m("Cisco", "Catalyst 9300-48P", 2021, 2024, 690_000),
];
const INFRA_MFDS: &[Model] = &[
    m("Xerox", "WorkCentre 7845", 2016, 2018, 620_000),
    m("Canon", "imageRUNNER ADVANCE C5535i", 2016, 2018, 590_000),
    m("Xerox", "AltaLink C8145", 2019, 2020, 640_000),
    m("Xerox", "VersaLink C7020", 2019, 2021, 310_000),
    m("Konica Minolta", "bizhub C300i", 2020, 2025, 420_000),
    m("Konica Minolta", "bizhub C450i", 2021, 2025, 560_000),
    m(
        "Canon",
        "imageRUNNER ADVANCE DX C5840i",
        2021,
        2025,
        610_000,
    ),
];
const MOBILES: &[Model] = &[
    m("Apple", "Apple iPhone 8 64GB", 2016, 2019, 47_900),
    m(
        "Apple",
        "Apple iPhone SE (2nd generation) 64GB",
        2020,
        2021,
        41_900,
    ),
    m("Samsung", "Samsung Galaxy A51", 2020, 2020, 26_900),
    m("Apple", "Apple iPhone 12 64GB", 2021, 2021, 69_900),
    m("Samsung", "Samsung Galaxy A52 5G", 2021, 2022, 34_900),
    m(
        "Apple",
        "Apple iPhone SE (3rd generation) 64GB",
        2022,
        2023,
        41_900,
    ),
    m("Apple", "Apple iPhone 13 128GB", 2022, 2023, 64_900),
    m("Samsung", "Samsung Galaxy A54 5G", 2023, 2024, 39_900),
    m("Samsung", "Samsung Galaxy XCover6 Pro", 2023, 2024, 44_900),
    m("Apple", "Apple iPhone 15 128GB", 2024, 2025, 69_900),
    m("Samsung", "Samsung Galaxy A35 5G", 2024, 2025, 29_900),
    m("Apple", "Apple iPhone 16e 128GB", 2025, 2026, 59_900),
    m("Apple", "Apple iPhone 16 Pro 256GB", 2025, 2026, 102_900),
];

fn pick_model<'a>(rng: &mut Rng, list: &'a [Model], year: i32) -> &'a Model {
    let fits: Vec<&Model> = list
        .iter()
        .filter(|m| m.from <= year && year <= m.to)
        .collect();
    if fits.is_empty() {
        list.iter()
            .min_by_key(|m| (m.from - year).abs().min((m.to - year).abs()))
            .expect("non-empty catalogue")
    } else {
        fits[rng.below(fits.len())]
    }
}

/// A supplier's price for a batch: list price give or take a little, to the penny.
fn batch_price(rng: &mut Rng, base: i64) -> i64 {
    let swing = (base / 25).max(500);
    base + rng.range(-swing, swing)
}

// Purchase-year weights per class: plausible, not uniform, with a backlog of old kit.
const DESKTOP_YEARS: &[(i32, u32)] = &[
    (2016, 1),
    (2017, 1),
    (2018, 2),
    (2019, 3),
    (2020, 6),
    (2021, 10),
    (2022, 12),
    (2023, 12),
    (2024, 15),
    (2025, 13),
    (2026, 7),
];
const LAPTOP_YEARS: &[(i32, u32)] = &[
    (2017, 1),
    (2018, 2),
    (2019, 3),
    (2020, 12),
    (2021, 8),
    (2022, 10),
    (2023, 12),
    (2024, 14),
    (2025, 12),
    (2026, 7),
];
const SERVER_YEARS: &[(i32, u32)] = &[
    (2016, 1),
    (2017, 1),
    (2018, 1),
    (2019, 2),
    (2020, 2),
    (2021, 3),
    (2022, 4),
    (2023, 6),
    (2024, 7),
    (2025, 6),
    (2026, 4),
];
const STORAGE_YEARS: &[(i32, u32)] = &[
    (2016, 1),
    (2017, 1),
    (2018, 2),
    (2019, 2),
    (2020, 2),
    (2021, 3),
    (2022, 3),
    (2023, 2),
    (2024, 2),
    (2025, 1),
];
const NETWORK_YEARS: &[(i32, u32)] = &[
    (2016, 2),
    (2017, 2),
    (2018, 2),
    (2019, 3),
    (2020, 3),
    (2021, 4),
    (2022, 4),
    (2023, 4),
    (2024, 3),
    (2025, 3),
];
const MFD_YEARS: &[(i32, u32)] = &[
    (2016, 1),
    (2017, 2),
    (2018, 3),
    (2019, 5),
    (2020, 5),
    (2021, 9),
    (2022, 9),
    (2023, 7),
    (2024, 5),
    (2025, 4),
];
const MOBILE_YEARS: &[(i32, u32)] = &[
    (2019, 2),
    (2020, 4),
    (2021, 8),
    (2022, 12),
    (2023, 16),
    (2024, 20),
    (2025, 20),
    (2026, 14),
];
const SNIPE_YEARS: &[(i32, u32)] = &[
    (2016, 3),
    (2017, 5),
    (2018, 6),
    (2019, 6),
    (2020, 5),
    (2021, 4),
    (2022, 2),
];

/// A date in a weighted year; a quarter of purchases land in March (year-end spend). Weekends
/// move to the Monday; nothing is later than 2026-11-20.
fn purchase_date(rng: &mut Rng, years: &[(i32, u32)]) -> Date {
    let y = *rng.weighted(years);
    let d = if rng.chance(25) {
        ymd(y, 3, u8::try_from(rng.range(1, 31)).expect("day"))
    } else {
        let days: i64 = if y == 2026 {
            324 // 2026-11-20
        } else if time::util::is_leap_year(y) {
            366
        } else {
            365
        };
        Date::from_ordinal_date(y, u16::try_from(rng.range(1, days)).expect("ordinal"))
            .expect("ordinal date")
    };
    let d = weekday_on_or_after(d);
    d.min(ymd(2026, 11, 20))
}

// ---------------------------------------------------------------------------------------------
// Identifier allocation (unique across every file)
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Ids {
    used: HashSet<String>,
    next_tag: [u32; 3],
}

impl Ids {
    fn fresh(&mut self, rng: &mut Rng, make: impl Fn(&mut Rng) -> String) -> String {
        loop {
            let s = make(rng);
            if self.used.insert(s.clone()) {
                return s;
            }
        }
    }

    /// The councils' own asset tag schemes, allocated in sequence with small gaps.
    fn tag(&mut self, rng: &mut Rng, org: Org) -> String {
        let i = org.idx();
        if self.next_tag[i] == 0 {
            self.next_tag[i] = [104_000, 20_000, 100][i];
        }
        self.next_tag[i] += 1 + u32::try_from(rng.below(3)).expect("small");
        let n = self.next_tag[i];
        let tag = match org {
            Org::Avn => format!("AV{n:06}"),
            Org::Brk => format!("BRK-{n:05}"),
            Org::Abs => format!("ABS{n:04}"),
        };
        self.used.insert(tag.clone());
        tag
    }

    /// A manufacturer-style serial number for a device.
    fn serial(&mut self, rng: &mut Rng, make: &str, class: Class, date: Date) -> String {
        let yd = date.year() % 10;
        let wk = date.ordinal() / 7 + 1;
        self.fresh(rng, |r| match (make, class) {
            ("Dell", _) => r.chars(DELL_CHARS, 7),
            ("HP", Class::Laptop) => format!("5CG{yd}{wk:02}{}{}", r.digits(1), r.chars(ALNUM, 3)),
            ("HP", Class::Monitor) => format!("CN4{yd}{wk:02}{}", r.chars(ALNUM, 4)),
            ("HP" | "HPE", Class::Server | Class::Storage) => {
                format!("CZJ{yd}{wk:02}{}", r.chars(ALNUM, 4))
            }
            ("HP", _) => format!("CZC{yd}{wk:02}{}{}", r.digits(1), r.chars(ALNUM, 3)),
            ("Lenovo", Class::Laptop) => format!("PF{}", r.chars(ALNUM, 6)),
            ("Lenovo", Class::Monitor) => format!("V30{}", r.chars(ALNUM, 5)),
            ("Lenovo", Class::Server) => format!("J30{}", r.chars(ALNUM, 5)),
            ("Lenovo", _) => format!("MJ0{}", r.chars(ALNUM, 5)),
            ("Cisco", _) => format!("FOC{:02}{wk:02}{}", date.year() - 1996, r.chars(ALNUM, 4)),
            ("Fortinet", _) => format!(
                "FG{}TK{}",
                if date.year() < 2020 { "200E" } else { "100F" },
                r.digits(8)
            ),
            ("Aruba", _) => format!("SG{yd}{}", r.chars(ALNUM, 7)),
            ("NetApp", _) => format!("7219{}", r.digits(8)),
            ("Synology", _) => format!("{yd}{}PCN{}", r.digits(3), r.digits(6)),
            ("Konica Minolta", _) => format!("AA2J0{}", r.digits(7)),
            ("Canon", _) => format!("3QR{}", r.digits(5)),
            ("Xerox", _) => format!("3BR{}", r.digits(6)),
            _ => format!("SN{}", r.chars(ALNUM, 8)),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Cells, records and the manifest's bookkeeping
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Cell {
    Blank,
    Text(String),
    /// Integer pence written as a number with the sheet's money format.
    Money(i64),
    /// A plain integer number (a quantity, or a phone number Excel has eaten the 0 of).
    Num(i64),
    /// A real Excel date with the sheet's date number format.
    Date(Date),
    /// A formula and its cached result (as Excel stores it).
    Formula {
        formula: String,
        cached: String,
        money: bool,
    },
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn opt_t(s: &str) -> Cell {
    if s.is_empty() { Cell::Blank } else { t(s) }
}

impl Cell {
    fn describe(&self, date_fmt: &str, money_fmt: &str) -> String {
        match self {
            Cell::Blank => "(empty)".to_string(),
            Cell::Text(s) => format!("text `\"{s}\"`"),
            Cell::Money(p) => format!("number `{}` (format `{money_fmt}`)", plain(*p)),
            Cell::Num(n) => format!("number `{n}`"),
            Cell::Date(d) => format!("date `{}` (serial date, format `{date_fmt}`)", iso(*d)),
            Cell::Formula {
                formula, cached, ..
            } => format!("formula `{formula}`, cached result `{cached}`"),
        }
    }
}

#[derive(Clone, Debug)]
struct Hw {
    serial: String,
    tag: String,
    make: String,
    model: String,
    class: Option<Class>,
    org: Org,
    site: String,
    date: Date,
    /// Unit purchase cost in pence (0 when leased or unknown).
    unit_cost: i64,
    qty: u32,
    leased: bool,
    lease_end: Option<Date>,
    archived: bool,
    /// Where the same physical asset also appears (deliberate cross-file duplicate).
    dup_of: Option<String>,
}

impl Hw {
    fn total_cost(&self) -> i64 {
        self.unit_cost * i64::from(self.qty)
    }
}

#[derive(Clone, Debug)]
struct Line {
    ident: String,
    kind: &'static str,
    channels: u32,
    usage: &'static str,
    org: Org,
    rental: i64,
    contract_end: Option<Date>,
}

const CRITICAL_USES: &[&str] = &[
    "Telecare",
    "Lift line",
    "Fire alarm",
    "Intruder alarm",
    "Sheltered scheme warden call",
];

impl Line {
    fn critical(&self) -> bool {
        CRITICAL_USES.contains(&self.usage)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Basis {
    PerMonth,
    Annual,
    OneOff,
}

#[derive(Clone, Debug)]
struct Lic {
    product: &'static str,
    org: Org,
    metric: &'static str,
    qty: i64,
    unit_price: i64,
    basis: Basis,
}

impl Lic {
    fn extended(&self) -> i64 {
        self.qty * self.unit_price
    }

    fn annual(&self) -> Option<i64> {
        match self.basis {
            Basis::PerMonth => Some(self.extended() * 12),
            Basis::Annual => Some(self.extended()),
            Basis::OneOff => None,
        }
    }
}

#[derive(Clone, Debug)]
enum Kind {
    Hw(Hw),
    Line(Line),
    Lic(Lic),
}

#[derive(Clone, Debug)]
struct Bad {
    column: String,
    value: String,
    reason: String,
}

#[derive(Clone, Debug)]
struct Rec {
    file: &'static str,
    sheet: &'static str,
    row: u32,
    cells: Vec<Cell>,
    kind: Kind,
    bad: Option<Bad>,
    /// Why this row is quoted in full in the manifest, if it is.
    sample: Option<String>,
}

impl Rec {
    fn hw(&self) -> Option<&Hw> {
        match &self.kind {
            Kind::Hw(h) => Some(h),
            _ => None,
        }
    }
}

#[derive(Default)]
struct SheetInfo {
    file: &'static str,
    sheet: &'static str,
    csv: bool,
    header_row: u32,
    headers: Vec<String>,
    first_data_row: u32,
    last_data_row: u32,
    /// Rows inside the data area (or right after it) that are not records.
    other_rows: Vec<(u32, String)>,
    totals_row: Option<(u32, String)>,
    notes: Vec<String>,
    date_fmt: &'static str,
    money_fmt: &'static str,
}

#[derive(Default)]
struct Book {
    recs: Vec<Rec>,
    sheets: Vec<SheetInfo>,
}

// ---------------------------------------------------------------------------------------------
// xlsx helpers
// ---------------------------------------------------------------------------------------------

struct Fmts {
    money: Format,
    money_bold: Format,
    date: Format,
    header: Format,
    bold: Format,
}

impl Fmts {
    fn new(date_fmt: &str, money_fmt: &str, header_fill: u32) -> Self {
        Fmts {
            money: Format::new().set_num_format(money_fmt),
            money_bold: Format::new().set_num_format(money_fmt).set_bold(),
            date: Format::new()
                .set_num_format(date_fmt)
                .set_align(FormatAlign::Left),
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(header_fill)),
            bold: Format::new().set_bold(),
        }
    }
}

fn new_workbook(title: &str, author: &str) -> Res<Workbook> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 11, 27)?.and_hms(6, 14, 0)?;
    let props = DocProperties::new()
        .set_title(title)
        .set_author(author)
        .set_company(author)
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    Ok(wb)
}

fn write_cells(ws: &mut Worksheet, row0: u32, cells: &[Cell], f: &Fmts, bold: bool) -> Res<()> {
    for (i, cell) in cells.iter().enumerate() {
        let col = u16::try_from(i)?;
        match cell {
            Cell::Blank => {}
            Cell::Text(s) => {
                if bold {
                    ws.write_string_with_format(row0, col, s, &f.bold)?;
                } else {
                    ws.write_string(row0, col, s)?;
                }
            }
            Cell::Money(p) => {
                let fmt = if bold { &f.money_bold } else { &f.money };
                // Integer pence -> f64 pounds only here: xlsx stores every number as a double.
                ws.write_number_with_format(row0, col, *p as f64 / 100.0, fmt)?;
            }
            Cell::Num(n) => {
                // Whole numbers (quantities, a phone number stored as a number) are exact in f64.
                ws.write_number(row0, col, *n as f64)?;
            }
            Cell::Date(d) => {
                ws.write_datetime_with_format(row0, col, xl_date(*d)?, &f.date)?;
            }
            Cell::Formula {
                formula,
                cached,
                money,
            } => {
                let fm = Formula::new(formula).set_result(cached);
                if *money {
                    let fmt = if bold { &f.money_bold } else { &f.money };
                    ws.write_formula_with_format(row0, col, fm, fmt)?;
                } else {
                    ws.write_formula(row0, col, fm)?;
                }
            }
        }
    }
    Ok(())
}

fn write_header(ws: &mut Worksheet, row0: u32, headers: &[&str], f: &Fmts) -> Res<()> {
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(row0, u16::try_from(i)?, *h, &f.header)?;
    }
    Ok(())
}

fn set_widths(ws: &mut Worksheet, widths: &[f64]) -> Res<()> {
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(u16::try_from(i)?, *w)?;
    }
    Ok(())
}

/// How many valid records of a sheet have a cell in `col` matching `pred`.
fn count_cells(
    book: &Book,
    file: &str,
    sheet: &str,
    col: usize,
    pred: impl Fn(&Cell) -> bool,
) -> usize {
    book.recs
        .iter()
        .filter(|r| r.file == file && r.sheet == sheet && r.bad.is_none())
        .filter(|r| r.cells.get(col).is_some_and(&pred))
        .count()
}

fn is_text(c: &Cell, f: impl Fn(&str) -> bool) -> bool {
    matches!(c, Cell::Text(s) if f(s))
}

fn headers_vec(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| (*s).to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// Purchase batches
// ---------------------------------------------------------------------------------------------

struct Batch {
    date: Date,
    qty: usize,
    org: Org,
    site: &'static str,
    cc: &'static str,
    model: &'static Model,
    price: i64,
    class: Class,
    /// Supplier's own word for the kind of device, where it has one.
    word: &'static str,
}

struct Spec {
    class: Class,
    word: &'static str,
    total: usize,
    years: &'static [(i32, u32)],
    qmin: usize,
    qmax: usize,
    models: &'static [Model],
    orgs: &'static [(Org, u32)],
}

fn pick_site(rng: &mut Rng, org: Org, class: Class) -> (&'static str, &'static str) {
    let site = match (org, class) {
        (Org::Avn, Class::Server | Class::Storage) => "Riverside Depot",
        (Org::Brk, Class::Server | Class::Storage) => "Brookfield Leisure Centre",
        _ => *rng.weighted(sites(org)),
    };
    let cc = match class {
        Class::Server | Class::Storage | Class::Network => CC_IT,
        _ => *rng.weighted(cost_centres(site)),
    };
    (site, cc)
}

fn make_batches(rng: &mut Rng, spec: &Spec) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut left = spec.total;
    while left > 0 {
        let date = purchase_date(rng, spec.years);
        let want = spec.qmin + rng.below(spec.qmax - spec.qmin + 1);
        let qty = want.min(left);
        left -= qty;
        let org = *rng.weighted(spec.orgs);
        let (site, cc) = pick_site(rng, org, spec.class);
        let model = pick_model(rng, spec.models, date.year());
        let price = batch_price(rng, model.price);
        out.push(Batch {
            date,
            qty,
            org,
            site,
            cc,
            model,
            price,
            class: spec.class,
            word: spec.word,
        });
    }
    out
}

fn sort_batches(b: &mut [Batch]) {
    b.sort_by(|x, y| (x.date, x.model.name, x.org).cmp(&(y.date, y.model.name, y.org)));
}

const END_USER_DELL: &[(Org, u32)] = &[(Org::Avn, 55), (Org::Brk, 45)];
const END_USER_HP: &[(Org, u32)] = &[(Org::Avn, 35), (Org::Brk, 65)];
const SERVERS_DELL: &[(Org, u32)] = &[(Org::Abs, 6), (Org::Avn, 1), (Org::Brk, 1)];
const INFRA_SERVER_ORGS: &[(Org, u32)] = &[(Org::Abs, 16), (Org::Avn, 2), (Org::Brk, 2)];
const INFRA_STORAGE_ORGS: &[(Org, u32)] = &[(Org::Abs, 10), (Org::Avn, 1), (Org::Brk, 1)];
const INFRA_NETWORK_ORGS: &[(Org, u32)] = &[(Org::Abs, 10), (Org::Avn, 9), (Org::Brk, 11)];
const MFD_ORGS: &[(Org, u32)] = &[(Org::Avn, 44), (Org::Brk, 56)];
const MOBILE_ORGS: &[(Org, u32)] = &[(Org::Avn, 42), (Org::Brk, 50), (Org::Abs, 8)];

// ---------------------------------------------------------------------------------------------
// 1. dell-asset-report.xlsx
// ---------------------------------------------------------------------------------------------

const DELL_FILE: &str = "dell-asset-report.xlsx";

fn dell(dir: &Path, ids: &mut Ids, book: &mut Book) -> Res<()> {
    let mut rng = Rng::new(0xDE11_0001);
    let specs = [
        Spec {
            class: Class::Desktop,
            word: "",
            total: 165,
            years: DESKTOP_YEARS,
            qmin: 3,
            qmax: 10,
            models: DELL_DESKTOPS,
            orgs: END_USER_DELL,
        },
        Spec {
            class: Class::Laptop,
            word: "",
            total: 55,
            years: LAPTOP_YEARS,
            qmin: 2,
            qmax: 10,
            models: DELL_LAPTOPS,
            orgs: END_USER_DELL,
        },
        Spec {
            class: Class::Server,
            word: "",
            total: 8,
            years: SERVER_YEARS,
            qmin: 1,
            qmax: 2,
            models: DELL_SERVERS,
            orgs: SERVERS_DELL,
        },
        Spec {
            class: Class::Monitor,
            word: "",
            total: 20,
            years: DESKTOP_YEARS,
            qmin: 2,
            qmax: 8,
            models: DELL_MONITORS,
            orgs: END_USER_DELL,
        },
    ];
    let mut batches: Vec<Batch> = specs
        .iter()
        .flat_map(|s| make_batches(&mut rng, s))
        .collect();
    sort_batches(&mut batches);

    let f = Fmts::new("dd/mm/yyyy", "[$£-809]#,##0.00", 0x00DD_E6F0);
    let mut wb = new_workbook("Asset Report", "Dell Technologies")?;
    let ws = wb.add_worksheet();
    ws.set_name("Asset Report")?;
    let title = Format::new().set_bold().set_font_size(16);
    ws.write_string_with_format(0, 0, "Dell Technologies", &title)?;
    ws.write_string_with_format(
        1,
        0,
        "Asset Report",
        &Format::new().set_bold().set_font_size(12),
    )?;
    ws.write_string(
        2,
        0,
        "Customer: Avonmere & Brookfield Shared ICT Service (Customer No. 4417 2093)",
    )?;
    ws.write_string(3, 0, "Generated:")?;
    ws.write_datetime_with_format(3, 1, xl_date(ymd(2026, 11, 27))?, &f.date)?;
    ws.write_string(4, 0, "Filter: all ship dates; sorted by Ship Date")?;
    // Row 6 (index 5) is blank.
    let headers = [
        "Service Tag",
        "Asset Tag",
        "Product Description",
        "Ship Date",
        "Order Number",
        "Unit Price (ex VAT)",
        "Warranty End",
        "Location",
        "Cost Centre",
        "Organisation",
    ];
    write_header(ws, 6, &headers, &f)?;
    set_widths(
        ws,
        &[13.0, 12.0, 34.0, 11.0, 13.0, 18.0, 13.0, 24.0, 26.0, 40.0],
    )?;

    let mut row0: u32 = 7;
    let mut order_no: u64 = 7_011_238_400;
    let mut total: i64 = 0;
    let mut n_data = 0usize;
    for (bi, b) in batches.iter().enumerate() {
        order_no += 1000 + u64::try_from(rng.below(9000))?;
        let tagged = b.class != Class::Monitor && rng.chance(88);
        let org_label = if bi % 3 == 1 {
            b.org.name()
        } else {
            b.org.code()
        };
        let warranty_years = if b.class == Class::Server { 5 } else { 3 };
        for _ in 0..b.qty {
            n_data += 1;
            let serial = ids.serial(&mut rng, "Dell", b.class, b.date);
            let tag = if tagged {
                ids.tag(&mut rng, b.org)
            } else {
                String::new()
            };
            let mut sample = None;
            // Deliberate stray whitespace in three cells (values are otherwise valid).
            let serial_cell = if n_data == 12 {
                sample = Some("leading space in Service Tag".to_string());
                format!(" {serial}")
            } else {
                serial.clone()
            };
            let site_cell = if n_data == 57 {
                sample = Some("trailing space in Location".to_string());
                format!("{} ", b.site)
            } else {
                b.site.to_string()
            };
            let model_cell = if n_data == 143 {
                sample = Some("trailing spaces in Product Description".to_string());
                format!("{}  ", b.model.name)
            } else {
                b.model.name.to_string()
            };
            if n_data == 1 {
                sample = Some("first data row".to_string());
            }
            if b.class == Class::Server
                && !book
                    .recs
                    .iter()
                    .any(|r| r.file == DELL_FILE && r.sample.as_deref() == Some("a server"))
            {
                sample = Some("a server".to_string());
            }
            let cells = vec![
                t(serial_cell),
                opt_t(&tag),
                t(model_cell),
                Cell::Date(b.date),
                t(order_no.to_string()),
                Cell::Money(b.price),
                Cell::Date(add_years(b.date, warranty_years) - Duration::days(1)),
                t(site_cell),
                t(b.cc),
                t(org_label),
            ];
            write_cells(ws, row0, &cells, &f, false)?;
            total += b.price;
            book.recs.push(Rec {
                file: DELL_FILE,
                sheet: "Asset Report",
                row: row0 + 1,
                cells,
                kind: Kind::Hw(Hw {
                    serial,
                    tag,
                    make: "Dell".into(),
                    model: b.model.name.into(),
                    class: Some(b.class),
                    org: b.org,
                    site: b.site.into(),
                    date: b.date,
                    unit_cost: b.price,
                    qty: 1,
                    leased: false,
                    lease_end: None,
                    archived: false,
                    dup_of: None,
                }),
                bad: None,
                sample,
            });
            row0 += 1;
        }
    }
    let last = row0; // Excel row number of the last data row
    if let Some(r) = book.recs.iter_mut().rev().find(|r| r.file == DELL_FILE) {
        r.sample.get_or_insert_with(|| "last data row".to_string());
    }
    let formula = format!("=SUM(F8:F{last})");
    write_cells(
        ws,
        row0,
        &[
            t("Total"),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Formula {
                formula: formula.clone(),
                cached: plain(total),
                money: true,
            },
        ],
        &f,
        true,
    )?;
    wb.save(dir.join(DELL_FILE))?;
    let untagged = count_cells(book, DELL_FILE, "Asset Report", 1, |c| {
        matches!(c, Cell::Blank)
    });
    let coded = count_cells(book, DELL_FILE, "Asset Report", 9, |c| {
        is_text(c, |s| s.len() == 3)
    });

    book.sheets.push(SheetInfo {
        file: DELL_FILE,
        sheet: "Asset Report",
        header_row: 7,
        headers: headers_vec(&headers),
        first_data_row: 8,
        last_data_row: last,
        other_rows: vec![
            (1, "title: `Dell Technologies`".into()),
            (2, "title: `Asset Report`".into()),
            (3, "customer line (text in A)".into()),
            (4, "`Generated:` in A, date 2026-11-27 in B".into()),
            (5, "filter description (text in A)".into()),
            (6, "blank".into()),
        ],
        totals_row: Some((
            row0 + 1,
            format!(
                "`Total` in A; F = formula `{formula}` with cached result `{}` (sum of every data row, {})",
                plain(total),
                gbp(total)
            ),
        )),
        notes: vec![
            "No class column: class must be inferred from Product Description (OptiPlex = desktop, Latitude = laptop, PowerEdge = server, `Dell NN Monitor` = monitor).".into(),
            format!("Organisation holds the code (`AVN`, `BRK`, `ABS`) on {coded} rows and the full name (`Avonmere District Council`, `Brookfield Borough Council`, `Avonmere & Brookfield Shared ICT Service`) on the other {}, varying by order.", n_data - coded),
            format!("Asset Tag is blank on {untagged} rows (every monitor, and some whole orders of other kit). Not an error: the Service Tag identifies the asset."),
        ],
        date_fmt: "dd/mm/yyyy",
        money_fmt: "[$£-809]#,##0.00",
        ..SheetInfo::default()
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. hp-reseller-delivery.xlsx
// ---------------------------------------------------------------------------------------------

const HP_FILE: &str = "hp-reseller-delivery.xlsx";

fn reseller_account(org: Org) -> &'static str {
    match org {
        Org::Avn => "AVONMERE DISTRICT COUNCIL",
        Org::Brk => "BROOKFIELD BOROUGH COUNCIL",
        Org::Abs => "AVONMERE & BROOKFIELD SHARED ICT",
    }
}

/// A bulk delivery line: PO, make, model, quantity, unit cost (pence), date, organisation, site.
type Bulk = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    i64,
    Date,
    Org,
    &'static str,
);

/// One row of the HP delivery sheet before row numbers are known.
struct HpRow {
    hw: Hw,
    device_type: &'static str,
    date_text: String,
    invoice: String,
    /// `None` = the cost cell is a `#N/A` formula error.
    cost_text: Option<String>,
    /// The numeric value of the cost text, where it has one (for the supplier's total).
    cost_value: Option<i64>,
    dept: &'static str,
    assigned: String,
    bad: Option<Bad>,
    sample: Option<String>,
    /// For the duplicate-serial row: fill in the first occurrence's row number later.
    dup_of_serial: bool,
}

/// The build the reseller recorded for a delivery (operating system, version,
/// processor), for the end-of-support rule (issue 17): only the two March
/// 2023 deliveries imaged on Windows 10, the rest left blank as resellers
/// often do. Chosen by model and date, not drawn, so no other figure moves.
/// Windows 10 22H2's security updates ended on 14 October 2025; a 12th
/// generation Core runs Windows 11 (an OS upgrade), and kit with no
/// processor recorded is not taken as able to.
fn hp_build(model: &str, date: Date) -> Option<(&'static str, &'static str, &'static str)> {
    match (model, date.year(), u8::from(date.month())) {
        ("ThinkCentre M70q Gen 3", 2023, 3) => Some(("Windows", "10 22H2", "Intel Core i5-12500T")),
        ("HP Elite Mini 800 G9", 2023, 3) => Some(("Windows", "10 22H2", "")),
        _ => None,
    }
}

fn hp(dir: &Path, ids: &mut Ids, book: &mut Book) -> Res<()> {
    let mut rng = Rng::new(0x48_5000_0002);
    let specs = [
        Spec {
            class: Class::Desktop,
            word: "Desktop PC",
            total: 88,
            years: DESKTOP_YEARS,
            qmin: 2,
            qmax: 9,
            models: HP_DESKTOPS,
            orgs: END_USER_HP,
        },
        Spec {
            class: Class::Desktop,
            word: "Desktop PC",
            total: 36,
            years: DESKTOP_YEARS,
            qmin: 3,
            qmax: 12,
            models: LENOVO_DESKTOPS,
            orgs: END_USER_HP,
        },
        Spec {
            class: Class::Desktop,
            word: "Workstation",
            total: 12,
            years: DESKTOP_YEARS,
            qmin: 1,
            qmax: 4,
            models: HP_WORKSTATIONS,
            orgs: END_USER_HP,
        },
        Spec {
            class: Class::Desktop,
            word: "Thin Client",
            total: 14,
            years: DESKTOP_YEARS,
            qmin: 2,
            qmax: 7,
            models: HP_THIN_CLIENTS,
            orgs: END_USER_HP,
        },
        Spec {
            class: Class::Laptop,
            word: "Notebook",
            total: 30,
            years: LAPTOP_YEARS,
            qmin: 2,
            qmax: 8,
            models: HP_LAPTOPS,
            orgs: END_USER_HP,
        },
        Spec {
            class: Class::Laptop,
            word: "Laptop",
            total: 25,
            years: LAPTOP_YEARS,
            qmin: 2,
            qmax: 8,
            models: LENOVO_LAPTOPS,
            orgs: END_USER_HP,
        },
        Spec {
            class: Class::Monitor,
            word: "Monitor",
            total: 6,
            years: DESKTOP_YEARS,
            qmin: 1,
            qmax: 3,
            models: HP_MONITORS,
            orgs: END_USER_HP,
        },
    ];
    let mut batches: Vec<Batch> = specs
        .iter()
        .flat_map(|s| make_batches(&mut rng, s))
        .collect();
    sort_batches(&mut batches);

    let mut hp_rows: Vec<HpRow> = Vec::new();
    let mut inv: u32 = 41_200;
    let mut short_batches = 0;
    for (bi, b) in batches.iter().enumerate() {
        inv += 7 + u32::try_from(rng.below(60))?;
        let short = bi % 7 == 3;
        if short {
            short_batches += 1;
        }
        let tagged = b.class != Class::Monitor && rng.chance(85);
        for unit in 0..b.qty {
            let serial = ids.serial(&mut rng, b.model.make, b.class, b.date);
            let tag = if tagged {
                ids.tag(&mut rng, b.org)
            } else {
                String::new()
            };
            let assigned = match (b.word, b.class) {
                ("Thin Client", _) => "Shared".to_string(),
                (_, Class::Monitor) => String::new(),
                (_, Class::Laptop) | ("Workstation", _) => person(&mut rng),
                _ => {
                    if rng.chance(60) {
                        person(&mut rng)
                    } else {
                        "Hot desk".to_string()
                    }
                }
            };
            hp_rows.push(HpRow {
                hw: Hw {
                    serial,
                    tag,
                    make: b.model.make.into(),
                    model: b.model.name.into(),
                    class: Some(b.class),
                    org: b.org,
                    site: b.site.into(),
                    date: b.date,
                    unit_cost: b.price,
                    qty: 1,
                    leased: false,
                    lease_end: None,
                    archived: false,
                    dup_of: None,
                },
                device_type: b.word,
                date_text: if short {
                    dmy_short(b.date)
                } else {
                    dmy(b.date)
                },
                invoice: format!("INV-{inv:07}"),
                cost_text: Some(gbp(b.price)),
                cost_value: Some(b.price),
                dept: dept_name(b.cc),
                assigned,
                bad: None,
                sample: if short && short_batches == 1 && unit == 0 {
                    Some("invoice date in `dd-Mmm-yy` text form".into())
                } else {
                    None
                },
                dup_of_serial: false,
            });
        }
    }

    // The deliberately bad hp_rows, each modelled on a real-looking line.
    let base_site = |org: Org| sites(org)[0].0;
    let mk = |serial: String,
              tag: String,
              make: &str,
              model: &str,
              class: Option<Class>,
              org: Org,
              date: Date,
              cost: i64| Hw {
        serial,
        tag,
        make: make.into(),
        model: model.into(),
        class,
        org,
        site: base_site(org).into(),
        date,
        unit_cost: cost,
        qty: 1,
        leased: false,
        lease_end: None,
        archived: false,
        dup_of: None,
    };
    let mut bad_rows: Vec<(usize, HpRow)> = Vec::new();
    // (a) no serial and no asset tag
    let d = ymd(2021, 6, 14);
    bad_rows.push((
        23,
        HpRow {
            hw: mk(
                String::new(),
                String::new(),
                "HP",
                "HP ProDesk 400 G7 SFF",
                Some(Class::Desktop),
                Org::Brk,
                d,
                55_912,
            ),
            device_type: "Desktop PC",
            date_text: dmy(d),
            invoice: "INV-0043377".into(),
            cost_text: Some(gbp(55_912)),
            cost_value: Some(55_912),
            dept: "Housing",
            assigned: "Hot desk".into(),
            bad: Some(Bad {
                column: "Serial Number, Asset No".into(),
                value: "(both empty)".into(),
                reason: "no serial number and no asset tag: the asset cannot be identified".into(),
            }),
            sample: None,
            dup_of_serial: false,
        },
    ));
    // (b) unknown class word
    let d = ymd(2023, 3, 21);
    let s = ids.serial(&mut rng, "HP", Class::Monitor, d);
    bad_rows.push((
        61,
        HpRow {
            hw: mk(
                s,
                String::new(),
                "HP",
                "HP USB-C Dock G5",
                None,
                Org::Avn,
                d,
                14_900,
            ),
            device_type: "Widget",
            date_text: dmy(d),
            invoice: "INV-0045102".into(),
            cost_text: Some(gbp(14_900)),
            cost_value: Some(14_900),
            dept: "ICT",
            assigned: String::new(),
            bad: Some(Bad {
                column: "Device Type".into(),
                value: "Widget".into(),
                reason: "unknown device type: cannot be classified (the model is a USB-C dock)"
                    .into(),
            }),
            sample: None,
            dup_of_serial: false,
        },
    ));
    // (c) #N/A formula error in Cost
    let d = ymd(2024, 3, 27);
    let s = ids.serial(&mut rng, "HP", Class::Desktop, d);
    let tg = ids.tag(&mut rng, Org::Brk);
    bad_rows.push((
        97,
        HpRow {
            hw: mk(
                s,
                tg,
                "HP",
                "HP Elite SFF 800 G9",
                Some(Class::Desktop),
                Org::Brk,
                d,
                0,
            ),
            device_type: "Desktop PC",
            date_text: dmy(d),
            invoice: "INV-0046211".into(),
            cost_text: None,
            cost_value: None,
            dept: "Revenues and Benefits",
            assigned: person(&mut rng),
            bad: Some(Bad {
                column: "Cost".into(),
                value: "#N/A (formula error cell)".into(),
                reason: "cost is a formula error, so the purchase cost is unknown".into(),
            }),
            sample: None,
            dup_of_serial: false,
        },
    ));
    // (d) negative cost (credit note)
    let d = ymd(2021, 9, 8);
    let s = ids.serial(&mut rng, "HP", Class::Laptop, d);
    bad_rows.push((
        130,
        HpRow {
            hw: mk(s, String::new(), "HP", "HP EliteBook 840 G8", Some(Class::Laptop), Org::Brk, d, -12_000),
            device_type: "Notebook",
            date_text: dmy(d),
            invoice: "CRN-0004417".into(),
            cost_text: Some("(120.00)".into()),
            cost_value: Some(-12_000),
            dept: "Planning",
            assigned: String::new(),
            bad: Some(Bad {
                column: "Cost".into(),
                value: "(120.00)".into(),
                reason: "negative cost (accounting brackets = -£120.00): a credit-note line, not a purchase".into(),
            }),
            sample: None,
            dup_of_serial: false,
        },
    ));
    // (e) duplicate serial within the file: copy an earlier HP desktop row.
    let src = hp_rows
        .iter()
        .skip(40)
        .find(|r| r.hw.make == "HP" && r.hw.class == Some(Class::Desktop) && !r.hw.tag.is_empty())
        .expect("an HP desktop");
    let mut dup_hw = src.hw.clone();
    let dup_date = add_months(src.hw.date, 2);
    dup_hw.date = weekday_on_or_after(dup_date);
    dup_hw.tag = ids.tag(&mut rng, src.hw.org);
    let dup_cost = src.hw.unit_cost;
    bad_rows.push((
        171,
        HpRow {
            date_text: dmy(dup_hw.date),
            hw: dup_hw,
            device_type: src.device_type,
            invoice: "INV-0044950".into(),
            cost_text: Some(gbp(dup_cost)),
            cost_value: Some(dup_cost),
            dept: src.dept,
            assigned: src.assigned.clone(),
            bad: Some(Bad {
                column: "Serial Number".into(),
                value: src.hw.serial.clone(),
                reason: String::new(), // filled in once row numbers are known
            }),
            sample: None,
            dup_of_serial: true,
        },
    ));
    // (f) purchase date in the future
    let d = ymd(2027, 1, 15);
    let s = ids.serial(&mut rng, "HP", Class::Laptop, d);
    let tg = ids.tag(&mut rng, Org::Avn);
    bad_rows.push((
        205,
        HpRow {
            hw: mk(
                s,
                tg,
                "HP",
                "HP EliteBook 640 G11",
                Some(Class::Laptop),
                Org::Avn,
                d,
                98_412,
            ),
            device_type: "Notebook",
            date_text: dmy(d),
            invoice: "INV-0049980".into(),
            cost_text: Some(gbp(98_412)),
            cost_value: Some(98_412),
            dept: "Finance",
            assigned: person(&mut rng),
            bad: Some(Bad {
                column: "Invoice Date".into(),
                value: dmy(d),
                reason: "purchase date 2027-01-15 is in the future (today is 2026-11-28)".into(),
            }),
            sample: None,
            dup_of_serial: false,
        },
    ));

    // Lay out: bad hp_rows and one blank row slotted in among the good ones.
    let mut layout: Vec<Option<HpRow>> = Vec::new();
    let mut bad_iter = bad_rows.into_iter().peekable();
    for (i, r) in hp_rows.into_iter().enumerate() {
        while bad_iter.peek().is_some_and(|(at, _)| *at == i) {
            layout.push(Some(bad_iter.next().expect("peeked").1));
        }
        if i == 150 {
            layout.push(None);
        }
        layout.push(Some(r));
    }
    for (_, r) in bad_iter {
        layout.push(Some(r));
    }

    let f = Fmts::new("dd/mm/yyyy", "£#,##0.00", 0x00FF_F2CC);
    let mut wb = new_workbook(
        "Consolidated Delivery Report",
        "Centrix Technology Solutions Ltd",
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("Delivery Report")?;
    ws.write_string_with_format(
        0,
        0,
        "Centrix Technology Solutions Ltd - Consolidated Delivery Report (HP & Lenovo)",
        &Format::new().set_bold().set_font_size(13),
    )?;
    ws.write_string(
        1,
        0,
        "Customer: Avonmere DC / Brookfield BC    Period: 01/04/2016 to 20/11/2026    Printed: 27/11/2026",
    )?;
    let headers = [
        "Serial Number",
        "Asset No",
        "Manufacturer",
        "Model",
        "Device Type",
        "Invoice Date",
        "Invoice No",
        "Cost",
        "Site",
        "Dept",
        "Assigned To",
        "Account",
        "Operating System",
        "OS Version",
        "Processor",
    ];
    write_header(ws, 2, &headers, &f)?;
    set_widths(
        ws,
        &[
            14.0, 11.0, 13.0, 28.0, 12.0, 12.0, 12.0, 11.0, 26.0, 22.0, 18.0, 30.0, 16.0, 10.0,
            22.0,
        ],
    )?;

    let mut row0: u32 = 3;
    let mut first_row_of_serial: HashMap<String, u32> = HashMap::new();
    let mut supplier_total: i64 = 0;
    let mut other_rows = Vec::new();
    let mut first_na_row = 0;
    for item in layout {
        let excel_row = row0 + 1;
        let Some(mut r) = item else {
            other_rows.push((
                excel_row,
                "blank row inside the data (not an error; skip it)".to_string(),
            ));
            row0 += 1;
            continue;
        };
        if r.dup_of_serial {
            let first = first_row_of_serial[&r.hw.serial];
            if let Some(b) = r.bad.as_mut() {
                b.reason = format!(
                    "Serial Number duplicates row {first} (same device delivered twice on paper); the first occurrence is kept, this row is rejected"
                );
            }
        } else if !r.hw.serial.is_empty() {
            first_row_of_serial
                .entry(r.hw.serial.clone())
                .or_insert(excel_row);
        }
        let cost_cell = if let Some(s) = &r.cost_text {
            t(s.clone())
        } else {
            first_na_row = excel_row;
            Cell::Formula {
                formula: format!("=VLOOKUP(D{excel_row},Notes!A:B,2,FALSE)"),
                cached: "#N/A".into(),
                money: false,
            }
        };
        supplier_total += r.cost_value.unwrap_or(0);
        let cells = vec![
            opt_t(&r.hw.serial),
            opt_t(&r.hw.tag),
            t(r.hw.make.clone()),
            t(r.hw.model.clone()),
            t(r.device_type),
            t(r.date_text.clone()),
            t(r.invoice.clone()),
            cost_cell,
            t(r.hw.site.clone()),
            t(r.dept),
            opt_t(&r.assigned),
            t(reseller_account(r.hw.org)),
            hp_build(&r.hw.model, r.hw.date).map_or(Cell::Blank, |(os, _, _)| t(os)),
            hp_build(&r.hw.model, r.hw.date).map_or(Cell::Blank, |(_, v, _)| t(v)),
            hp_build(&r.hw.model, r.hw.date).map_or(Cell::Blank, |(_, _, cpu)| opt_t(cpu)),
        ];
        write_cells(ws, row0, &cells, &f, false)?;
        let sample = r.sample.take().or_else(|| {
            if excel_row == 4 {
                Some("first data row".into())
            } else {
                None
            }
        });
        book.recs.push(Rec {
            file: HP_FILE,
            sheet: "Delivery Report",
            row: excel_row,
            cells,
            kind: Kind::Hw(r.hw),
            bad: r.bad,
            sample,
        });
        row0 += 1;
    }
    let last = row0;
    // The first occurrence of the duplicated serial is worth quoting too.
    let dup_serial = book
        .recs
        .iter()
        .find(|r| r.file == HP_FILE && r.bad.as_ref().is_some_and(|b| b.column == "Serial Number"))
        .and_then(|r| r.hw().map(|h| h.serial.clone()))
        .expect("dup row");
    if let Some(r) = book.recs.iter_mut().find(|r| {
        r.file == HP_FILE && r.bad.is_none() && r.hw().is_some_and(|h| h.serial == dup_serial)
    }) {
        r.sample = Some("first occurrence of the serial that is duplicated later".into());
    }
    if let Some(r) = book
        .recs
        .iter_mut()
        .filter(|r| r.file == HP_FILE && r.bad.is_none())
        .find(|r| {
            r.hw()
                .is_some_and(|h| h.class == Some(Class::Laptop) && h.make == "Lenovo")
        })
    {
        r.sample
            .get_or_insert_with(|| "a Lenovo laptop (Device Type `Laptop`)".into());
    }
    let total_cells = vec![
        t("Grand total"),
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        Cell::Blank,
        t(gbp(supplier_total)),
    ];
    write_cells(ws, row0, &total_cells, &f, true)?;
    let data_rows = book.recs.iter().filter(|r| r.file == HP_FILE).count();
    let short_dates = count_cells(book, HP_FILE, "Delivery Report", 5, |c| {
        is_text(c, |s| s.contains('-'))
    });
    let no_asset_no = count_cells(book, HP_FILE, "Delivery Report", 1, |c| {
        matches!(c, Cell::Blank)
    });
    let built = count_cells(book, HP_FILE, "Delivery Report", 12, |c| {
        !matches!(c, Cell::Blank)
    });
    book.sheets.push(SheetInfo {
        file: HP_FILE,
        sheet: "Delivery Report",
        header_row: 3,
        headers: headers_vec(&headers),
        first_data_row: 4,
        last_data_row: last,
        other_rows: {
            let mut v = vec![
                (1, "title (text in A)".to_string()),
                (2, "customer / period line (text in A)".to_string()),
            ];
            v.extend(other_rows);
            v
        },
        totals_row: Some((
            row0 + 1,
            format!(
                "`Grand total` in A; H = text `{}`: the supplier's sum of every numeric Cost on the sheet ({data_rows} data rows, including the bad ones but not the `#N/A`), so it is NOT the valid total",
                gbp(supplier_total)
            ),
        )),
        notes: vec![
            format!("Invoice Date is TEXT, never an Excel date: `dd/mm/yyyy` on most rows, `dd-Mmm-yy` (e.g. `31-Mar-24`) on {short_dates} valid rows (every row of one invoice in seven)."),
            format!("Asset No is blank on {no_asset_no} valid rows (monitors and some whole deliveries); the Serial Number identifies those."),
            format!("Operating System, OS Version and Processor are filled on {built} rows only, the two March 2023 deliveries imaged on Windows 10 (blank elsewhere): `ThinkCentre M70q Gen 3` with `Windows` `10 22H2` and `Intel Core i5-12500T` (12th generation: runs Windows 11, so an OS upgrade, not a replacement), and `HP Elite Mini 800 G9` with `Windows` `10 22H2` and no Processor (not taken as Windows 11-capable: replaced for end of support). Windows 10 22H2's security updates ended on 2025-10-14 (data/support/support.csv)."),
            "Cost is TEXT such as `£1,234.56` (the one bad row holds `(120.00)`; the `#N/A` row is a real formula error cell).".into(),
            "Device Type words and their class: `Desktop PC`, `Workstation`, `Thin Client` = desktop; `Notebook`, `Laptop` = laptop; `Monitor` = monitor; `Widget` = unknown (bad row).".into(),
            "Account holds the council in capitals: `AVONMERE DISTRICT COUNCIL` = AVN, `BROOKFIELD BOROUGH COUNCIL` = BRK.".into(),
            "Site is the same site vocabulary as the other files; Dept is a department name without a cost-centre code.".into(),
            format!("The `#N/A` cell is at H{first_na_row}: formula `=VLOOKUP(D{first_na_row},Notes!A:B,2,FALSE)` with cached error result `#N/A` (cell type `e`)."),
        ],
        date_fmt: "dd/mm/yyyy",
        money_fmt: "£#,##0.00",
        ..SheetInfo::default()
    });

    // Sheet 2: Notes (free text, not a table).
    let notes = wb.add_worksheet();
    notes.set_name("Notes")?;
    let lines = [
        "Notes",
        "",
        "This report consolidates HP and Lenovo deliveries invoiced to Avonmere District Council and Brookfield Borough Council.",
        "Costs are per unit, ex VAT, as invoiced. Credit notes are shown in brackets.",
        "Monitors supplied in bulk without serial capture are listed on the Monitors tab (one line per delivery, with a quantity).",
        "Asset numbers were applied by Centrix engineers at deployment where the customer asked for it.",
        "Price list lookups that failed show as #N/A - please query with your account manager.",
        "",
        "Account manager: Gemma Whitfield    Service desk: 0300 000 0000 (option 2)",
    ];
    for (i, l) in lines.iter().enumerate() {
        if !l.is_empty() {
            notes.write_string(u32::try_from(i)?, 0, *l)?;
        }
    }
    notes.set_column_width(0, 110)?;
    book.sheets.push(SheetInfo {
        file: HP_FILE,
        sheet: "Notes",
        notes: vec![format!(
            "Free text in column A, rows 1–{}; not a table, holds no records (import nothing from it).",
            lines.len()
        )],
        ..SheetInfo::default()
    });

    // Sheet 3: Monitors (bulk lines with a quantity and no serials).
    let mf = Fmts::new("dd/mm/yyyy", "£#,##0.00", 0x00FF_F2CC);
    let mon = wb.add_worksheet();
    mon.set_name("Monitors")?;
    let mheaders = [
        "PO Number",
        "Manufacturer",
        "Model",
        "Qty",
        "Unit Cost",
        "Delivered",
        "Site",
        "Account",
    ];
    write_header(mon, 0, &mheaders, &mf)?;
    set_widths(mon, &[12.0, 13.0, 26.0, 6.0, 11.0, 12.0, 26.0, 30.0])?;
    let bulk: [Bulk; 4] = [
        (
            "PO 4500187721",
            "HP",
            "HP E24 G5",
            10,
            16_450,
            ymd(2023, 3, 22),
            Org::Brk,
            "Brookfield Civic Centre",
        ),
        (
            "PO 4500192210",
            "Lenovo",
            "ThinkVision T24i-30",
            8,
            15_275,
            ymd(2024, 2, 12),
            Org::Avn,
            "Avonmere House",
        ),
        (
            "PO 4500199034",
            "HP",
            "HP P24 G5",
            7,
            12_999,
            ymd(2025, 3, 17),
            Org::Brk,
            "Northgate Offices",
        ),
        (
            "PO 4500203318",
            "HP",
            "HP E24 G5",
            5,
            16_900,
            ymd(2026, 6, 2),
            Org::Avn,
            "Market Street Library",
        ),
    ];
    let mut qty_total = 0;
    for (i, (po, make, model, qty, cost, date, org, site)) in bulk.iter().enumerate() {
        let r0 = u32::try_from(i)? + 1;
        qty_total += qty;
        let cells = vec![
            t(*po),
            t(*make),
            t(*model),
            Cell::Num(i64::from(*qty)),
            Cell::Money(*cost),
            Cell::Date(*date),
            t(*site),
            t(reseller_account(*org)),
        ];
        write_cells(mon, r0, &cells, &mf, false)?;
        book.recs.push(Rec {
            file: HP_FILE,
            sheet: "Monitors",
            row: r0 + 1,
            cells,
            kind: Kind::Hw(Hw {
                serial: String::new(),
                tag: String::new(),
                make: (*make).into(),
                model: (*model).into(),
                class: Some(Class::Monitor),
                org: *org,
                site: (*site).into(),
                date: *date,
                unit_cost: *cost,
                qty: *qty,
                leased: false,
                lease_end: None,
                archived: false,
                dup_of: None,
            }),
            bad: None,
            sample: if i == 0 {
                Some("bulk line: Qty 10, no serials".into())
            } else {
                None
            },
        });
    }
    write_cells(
        mon,
        5,
        &[
            t("Total"),
            Cell::Blank,
            Cell::Blank,
            Cell::Formula {
                formula: "=SUM(D2:D5)".into(),
                cached: qty_total.to_string(),
                money: false,
            },
        ],
        &mf,
        true,
    )?;
    book.sheets.push(SheetInfo {
        file: HP_FILE,
        sheet: "Monitors",
        header_row: 1,
        headers: headers_vec(&mheaders),
        first_data_row: 2,
        last_data_row: 5,
        totals_row: Some((
            6,
            format!("`Total` in A; D = formula `=SUM(D2:D5)` with cached result `{qty_total}` (monitors)"),
        )),
        notes: vec![
            "No serials and no asset numbers: each row is a delivery of `Qty` identical monitors; the importer should create `Qty` monitor assets per row.".into(),
            "Unit Cost is a real number (£ format) and Delivered a real date here, unlike the Delivery Report sheet.".into(),
        ],
        date_fmt: "dd/mm/yyyy",
        money_fmt: "£#,##0.00",
        ..SheetInfo::default()
    });
    wb.save(dir.join(HP_FILE))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 3. reseller-infrastructure.xlsx
// ---------------------------------------------------------------------------------------------

const INFRA_FILE: &str = "reseller-infrastructure.xlsx";

fn infra_owner(org: Org) -> &'static str {
    match org {
        Org::Avn => "Avonmere DC",
        Org::Brk => "Brookfield BC",
        Org::Abs => "Shared Service",
    }
}

fn infra_category(class: Class, model: &Model) -> &'static str {
    match class {
        Class::Server => "Server",
        Class::Storage => match model.name {
            "StoreOnce 3660" => "Backup Appliance",
            "RackStation RS3621xs+" => "NAS",
            _ => "Storage",
        },
        Class::Network => match model.make {
            "Fortinet" => "Firewall",
            _ if model.name.starts_with("ISR") => "Router",
            _ => "Switch",
        },
        _ => "MFD",
    }
}

/// The operating system a server delivery was built with, by its install
/// date (each delivery is one build), for the end-of-support rule (issue
/// 17): none for other kit. Chosen, not drawn, so no other figure moves.
/// Windows Server 2016's security updates end on 12 January 2027 (2026/27),
/// 2019's on 9 January 2029 (2028/29), 2022's on 14 October 2031.
fn infra_os(class: Class, date: Date) -> Option<(&'static str, &'static str)> {
    if class != Class::Server {
        return None;
    }
    let version = match (date.year(), u8::from(date.month())) {
        // Old Gen9 kit and two recent deliveries still on the 2016 image.
        (2016 | 2017 | 2025, _) => "2016",
        (2020 | 2022, _) | (2026, 1) => "2019",
        _ => "2022",
    };
    Some(("Windows Server", version))
}

fn infra(dir: &Path, ids: &mut Ids, book: &mut Book) -> Res<()> {
    let mut rng = Rng::new(0x1F_4A00_0003);
    let sections: [(&str, Spec); 4] = [
        (
            "SERVERS",
            Spec {
                class: Class::Server,
                word: "",
                total: 20,
                years: SERVER_YEARS,
                qmin: 1,
                qmax: 3,
                models: INFRA_SERVERS,
                orgs: INFRA_SERVER_ORGS,
            },
        ),
        (
            "STORAGE & BACKUP",
            Spec {
                class: Class::Storage,
                word: "",
                total: 12,
                years: STORAGE_YEARS,
                qmin: 1,
                qmax: 2,
                models: INFRA_STORAGE,
                orgs: INFRA_STORAGE_ORGS,
            },
        ),
        (
            "NETWORK",
            Spec {
                class: Class::Network,
                word: "",
                total: 30,
                years: NETWORK_YEARS,
                qmin: 1,
                qmax: 4,
                models: INFRA_NETWORK,
                orgs: INFRA_NETWORK_ORGS,
            },
        ),
        (
            "PRINT (MFD)",
            Spec {
                class: Class::Mfd,
                word: "",
                total: 50,
                years: MFD_YEARS,
                qmin: 1,
                qmax: 4,
                models: INFRA_MFDS,
                orgs: MFD_ORGS,
            },
        ),
    ];

    let f = Fmts::new("dd/mm/yyyy", "#,##0.00", 0x00E2_EFDA);
    let mut wb = new_workbook(
        "Infrastructure & Print Asset Schedule",
        "Meridian Networks & Print Ltd",
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("Asset Schedule")?;
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    ws.merge_range(
        0,
        0,
        0,
        14,
        "Avonmere & Brookfield Shared ICT Service - Infrastructure & Print Asset Schedule",
        &title,
    )?;
    ws.merge_range(
        1,
        0,
        1,
        14,
        "Prepared by Meridian Networks & Print Ltd | Issue 3 | 14 October 2026 | Prices ex VAT",
        &Format::new().set_italic().set_align(FormatAlign::Center),
    )?;
    let headers = [
        "Ref",
        "Category",
        "Make",
        "Model",
        "Serial No.",
        "Council Asset Ref",
        "Installed",
        "Purchase Price",
        "Funding",
        "Lease End",
        "Qtrly Rental",
        "Location",
        "Owner",
        "Operating System",
        "OS Version",
    ];
    write_header(ws, 3, &headers, &f)?;
    set_widths(
        ws,
        &[
            8.0, 16.0, 15.0, 30.0, 15.0, 16.0, 11.0, 14.0, 9.0, 11.0, 12.0, 30.0, 15.0, 18.0, 11.0,
        ],
    )?;
    let section_fmt = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00D9_D9D9));

    let mut row0: u32 = 4;
    let mut other_rows = vec![
        (1, "title, merged A1:O1".to_string()),
        (2, "subtitle, merged A2:O2".to_string()),
        (3, "blank".to_string()),
    ];
    let mut ref_no = 0;
    let mut price_total = 0;
    let mut rental_total = 0;
    let mut first_row = 0;
    for (heading, spec) in &sections {
        ws.merge_range(row0, 0, row0, 14, heading, &section_fmt)?;
        other_rows.push((
            row0 + 1,
            format!("section heading `{heading}` (merged A:O), not a record"),
        ));
        row0 += 1;
        let mut batches = make_batches(&mut rng, spec);
        sort_batches(&mut batches);
        for b in &batches {
            let leased = b.class == Class::Mfd && rng.chance(64);
            let tagged = !leased && rng.chance(80);
            for _ in 0..b.qty {
                ref_no += 1;
                if first_row == 0 {
                    first_row = row0 + 1;
                }
                let serial = ids.serial(&mut rng, b.model.make, b.class, b.date);
                let tag = if tagged {
                    ids.tag(&mut rng, b.org)
                } else {
                    String::new()
                };
                let location =
                    if matches!(b.class, Class::Server | Class::Storage) && b.org == Org::Abs {
                        format!(
                            "{}, Rack {}{:02}",
                            b.site,
                            rng.pick(&["A", "B", "C"]),
                            rng.range(1, 12)
                        )
                    } else {
                        b.site.to_string()
                    };
                let lease_end = leased.then(|| add_months(b.date, 60) - Duration::days(1));
                // Quarterly rental: list price over 20 quarters plus 12% finance charge.
                let rental = leased.then(|| b.price * 112 / 2000);
                let cells = vec![
                    t(format!("INF-{ref_no:03}")),
                    t(infra_category(b.class, b.model)),
                    t(b.model.make),
                    t(b.model.name),
                    t(serial.clone()),
                    opt_t(&tag),
                    Cell::Date(b.date),
                    if leased {
                        Cell::Blank
                    } else {
                        Cell::Money(b.price)
                    },
                    t(if leased { "Lease" } else { "Purchase" }),
                    lease_end.map_or(Cell::Blank, Cell::Date),
                    rental.map_or(Cell::Blank, Cell::Money),
                    t(location),
                    t(infra_owner(b.org)),
                    infra_os(b.class, b.date).map_or(Cell::Blank, |(os, _)| t(os)),
                    infra_os(b.class, b.date).map_or(Cell::Blank, |(_, v)| t(v)),
                ];
                write_cells(ws, row0, &cells, &f, false)?;
                if !leased {
                    price_total += b.price;
                }
                rental_total += rental.unwrap_or(0);
                book.recs.push(Rec {
                    file: INFRA_FILE,
                    sheet: "Asset Schedule",
                    row: row0 + 1,
                    cells,
                    kind: Kind::Hw(Hw {
                        serial,
                        tag,
                        make: b.model.make.into(),
                        model: b.model.name.into(),
                        class: Some(b.class),
                        org: b.org,
                        site: b.site.into(),
                        date: b.date,
                        unit_cost: if leased { 0 } else { b.price },
                        qty: 1,
                        leased,
                        lease_end,
                        archived: false,
                        dup_of: None,
                    }),
                    bad: None,
                    sample: None,
                });
                row0 += 1;
            }
        }
    }
    let last = row0;
    let mut mark = |pred: &dyn Fn(&Hw) -> bool, why: &str| {
        if let Some(r) = book
            .recs
            .iter_mut()
            .filter(|r| r.file == INFRA_FILE)
            .find(|r| r.hw().is_some_and(pred))
        {
            r.sample.get_or_insert_with(|| why.to_string());
        }
    };
    mark(&|h| h.class == Some(Class::Server), "first server");
    mark(
        &|h| h.class == Some(Class::Storage) && h.make == "NetApp",
        "a NetApp array",
    );
    mark(&|h| h.model == "FortiGate 100F", "a firewall");
    mark(
        &|h| h.leased && h.lease_end.is_some_and(|e| e < today()),
        "leased MFD whose lease has already ended",
    );
    mark(
        &|h| h.leased && h.lease_end.is_some_and(|e| e >= today()),
        "leased MFD, lease running",
    );
    mark(
        &|h| h.class == Some(Class::Mfd) && !h.leased,
        "purchased MFD",
    );

    write_cells(
        ws,
        row0,
        &[
            t("Total"),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Formula {
                formula: format!("=SUM(H{first_row}:H{last})"),
                cached: plain(price_total),
                money: true,
            },
            Cell::Blank,
            Cell::Blank,
            Cell::Formula {
                formula: format!("=SUM(K{first_row}:K{last})"),
                cached: plain(rental_total),
                money: true,
            },
        ],
        &f,
        true,
    )?;
    wb.save(dir.join(INFRA_FILE))?;
    let infra_hw: Vec<&Hw> = book
        .recs
        .iter()
        .filter(|r| r.file == INFRA_FILE)
        .filter_map(Rec::hw)
        .collect();
    let leased = infra_hw.iter().filter(|h| h.leased).count();
    let lease_ended = infra_hw
        .iter()
        .filter(|h| h.lease_end.is_some_and(|e| e < today()))
        .count();
    let server_os: Vec<&str> = infra_hw
        .iter()
        .filter_map(|h| h.class.and_then(|c| infra_os(c, h.date)).map(|(_, v)| v))
        .collect();
    let servers = server_os.len();
    let os_count = |v: &str| server_os.iter().filter(|x| **x == v).count();
    let (s2016, s2019, s2022) = (os_count("2016"), os_count("2019"), os_count("2022"));
    let no_ref = count_cells(book, INFRA_FILE, "Asset Schedule", 5, |c| {
        matches!(c, Cell::Blank)
    });
    book.sheets.push(SheetInfo {
        file: INFRA_FILE,
        sheet: "Asset Schedule",
        header_row: 4,
        headers: headers_vec(&headers),
        first_data_row: 5,
        last_data_row: last,
        other_rows,
        totals_row: Some((
            row0 + 1,
            format!(
                "`Total` in A; H = `=SUM(H{first_row}:H{last})` cached `{}` (purchase prices; leased rows are blank); K = `=SUM(K{first_row}:K{last})` cached `{}` (quarterly lease rentals)",
                plain(price_total),
                plain(rental_total)
            ),
        )),
        notes: vec![
            "The title (rows 1–2) is merged across A:O; each section heading row is merged across A:O.".into(),
            "Category words and their class: `Server` = server; `Storage`, `Backup Appliance`, `NAS` = storage; `Switch`, `Firewall`, `Router` = network; `MFD` = mfd.".into(),
            "Owner: `Shared Service` = ABS, `Avonmere DC` = AVN, `Brookfield BC` = BRK.".into(),
            format!("Operating System and OS Version are filled on the {servers} server rows only (blank elsewhere), one build per delivery: `Windows Server` `2016` on {s2016} (the 2016–2017 and 2025 deliveries), `2019` on {s2019} (2020, 2022 and January 2026), `2022` on {s2022} (the rest). Windows Server 2016's security updates end on 2027-01-12 (2026/27), 2019's on 2029-01-09, 2022's on 2031-10-14 (data/support/support.csv)."),
            "Location for ABS servers and storage carries a rack suffix, e.g. `Shared Data Centre, Rack B04`: the site is the part before the comma.".into(),
            format!("{leased} MFDs are leased (`Funding` = `Lease`): they have NO Purchase Price (blank), a Lease End date and a Qtrly Rental, and their purchase cost counts as £0.00 in every sum below. {lease_ended} of those leases have already ended (Lease End before 2026-11-28) with the device still in use. Every other row is `Purchase`."),
            format!("Council Asset Ref is blank on {no_ref} rows (all leased MFDs and some purchased kit); the Serial No. identifies them."),
        ],
        date_fmt: "dd/mm/yyyy",
        money_fmt: "#,##0.00",
        ..SheetInfo::default()
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 4. telecoms-line-schedule.xlsx
// ---------------------------------------------------------------------------------------------

const TEL_FILE: &str = "telecoms-line-schedule.xlsx";

struct Premises {
    offices: &'static [&'static str],
    sheltered: &'static [&'static str],
    blocks: &'static [&'static str],
    data_sites: &'static [&'static str],
    streets: &'static [&'static str],
    towns: &'static [&'static str],
    area: &'static str,
}

fn premises(org: Org) -> Premises {
    match org {
        Org::Avn => Premises {
            offices: &[
                "Avonmere House, Castle Street, Avonmere AV1 1AA",
                "Riverside Depot, Wharf Road, Avonmere AV2 3DP",
                "Market Street Library, 14 Market Street, Avonmere AV1 2LB",
                "Kestle Community Centre, Church Road, Kestle AV5 2CC",
                "Avonmere Museum, 3 Quay Street, Avonmere AV2 1QM",
                "Avonmere Cemetery Lodge, Tor Lane, Avonmere AV3 9CL",
            ],
            sheltered: &[
                "Willow Court (sheltered scheme), Mill Lane, Avonmere AV3 4WC",
                "Orchard House (sheltered scheme), Station Road, Kestle AV5 6OH",
                "Harbour View (sheltered scheme), Quay Street, Avonmere AV2 1HV",
            ],
            blocks: &[
                "Tamar Heights, Bridge Street, Avonmere AV2 5TH",
                "Exe Tower, Bridge Street, Avonmere AV2 5EX",
                "Avonmere House, Castle Street, Avonmere AV1 1AA",
            ],
            data_sites: &[
                "Pay & display machine, Quay Street Car Park, Avonmere AV2 1QS",
                "CCTV column 7, Fore Street, Avonmere AV1 3FS",
                "Public toilets, The Strand, Avonmere AV1 4TS",
                "Riverside Depot (fleet gateway), Wharf Road, Avonmere AV2 3DP",
            ],
            streets: &[
                "Primrose Close",
                "Mill Lane",
                "Station Road",
                "Fore Street",
                "Chapel Hill",
                "Meadow Way",
            ],
            towns: &["Avonmere", "Kestle", "Polwith"],
            area: "AV",
        },
        Org::Brk => Premises {
            offices: &[
                "Brookfield Civic Centre, Civic Square, Brookfield BK1 1CC",
                "Northgate Offices, 40 Northgate, Brookfield BK2 4NG",
                "Brookfield Leisure Centre, Park Road, Brookfield BK3 2LC",
                "Brookfield Market Hall, Market Place, Brookfield BK1 2MH",
                "Brookfield Crematorium, Lime Avenue, Brookfield BK6 1CR",
                "Eastfield Library, 2 Eastfield Parade, Brookfield BK4 3EL",
            ],
            sheltered: &[
                "Beech House (sheltered scheme), Beech Road, Brookfield BK5 2BH",
                "Meadowbank Court (sheltered scheme), Meadowbank, Brookfield BK5 4MC",
                "St Anne's Court (sheltered scheme), St Anne's Road, Brookfield BK2 7SA",
            ],
            blocks: &[
                "Kingfisher House, Canal Street, Brookfield BK3 5KH",
                "Heron House, Canal Street, Brookfield BK3 5HH",
                "Mallard House, Canal Street, Brookfield BK3 5MH",
                "Brookfield Civic Centre, Civic Square, Brookfield BK1 1CC",
            ],
            data_sites: &[
                "Pay & display machine, Northgate Car Park, Brookfield BK2 4NP",
                "CCTV column 12, Market Place, Brookfield BK1 2MP",
                "Bus shelter display, Park Road, Brookfield BK3 2PR",
                "Brookfield Leisure Centre (pool plant telemetry), Park Road, Brookfield BK3 2LC",
            ],
            streets: &[
                "Canal Street",
                "Beech Road",
                "Lime Avenue",
                "Victoria Terrace",
                "Albert Road",
                "Eastfield Parade",
            ],
            towns: &["Brookfield", "Eastfield"],
            area: "BK",
        },
        Org::Abs => Premises {
            offices: &[
                "Shared Data Centre, Unit 7 Enterprise Park, Brookfield BK4 7EP",
                "DR Site, Avonmere House Annexe, Castle Street, Avonmere AV1 1AB",
            ],
            sheltered: &[],
            blocks: &[],
            data_sites: &[
                "Shared Data Centre (out-of-band modem), Unit 7 Enterprise Park, Brookfield BK4 7EP",
                "DR Site (out-of-band modem), Castle Street, Avonmere AV1 1AB",
            ],
            streets: &[],
            towns: &[],
            area: "BK",
        },
    }
}

fn telecoms_account(org: Org) -> (&'static str, &'static str) {
    match org {
        Org::Avn => ("AT-40021877", "Avonmere District Council"),
        Org::Brk => ("AT-40033510", "Brookfield Borough Council"),
        Org::Abs => ("AT-40051204", "Avonmere & Brookfield Shared ICT Service"),
    }
}

fn home_address(rng: &mut Rng, p: &Premises) -> String {
    let letters = b"ABDEFGHJLNPQRSTUWXY";
    format!(
        "{} {}, {} {}{} {}{}",
        rng.range(1, 88),
        rng.pick(p.streets),
        rng.pick(p.towns),
        p.area,
        rng.range(1, 6),
        rng.range(1, 9),
        rng.chars(letters, 2)
    )
}

fn telecoms(dir: &Path, ids: &mut Ids, book: &mut Book) -> Res<()> {
    let mut rng = Rng::new(0x7E_1E00_0004);
    // (line type, line use, how many)
    let plan: &[(&str, &str, usize)] = &[
        ("Analogue PSTN", "Telecare", 10),
        ("Analogue PSTN", "Lift line", 8),
        ("Analogue PSTN", "Fire alarm", 9),
        ("Analogue PSTN", "Intruder alarm", 8),
        ("Analogue PSTN", "Sheltered scheme warden call", 9),
        ("Analogue PSTN", "Fax", 6),
        ("Analogue PSTN", "Voice", 120),
        ("Analogue Multiline", "Voice", 30),
        ("ISDN2", "Voice", 24),
        ("ISDN30", "Voice", 8),
        ("FTTC", "Broadband", 14),
        ("FTTP", "Broadband", 6),
        ("SoGEA", "Broadband", 10),
        ("SIP Trunk", "Voice", 8),
        ("Data SIM", "Telecare", 4),
        ("Data SIM", "Lift line", 2),
        ("Data SIM", "Data", 24),
    ];
    let mut lines: Vec<(Line, String)> = Vec::new(); // line + site address
    let mut isdn30_seen = 0;
    let mut sip_seen = 0;
    for &(lt, lu, n) in plan {
        for _ in 0..n {
            let org = match lt {
                "ISDN30" => {
                    isdn30_seen += 1;
                    [
                        Org::Abs,
                        Org::Abs,
                        Org::Avn,
                        Org::Avn,
                        Org::Avn,
                        Org::Brk,
                        Org::Brk,
                        Org::Brk,
                    ][isdn30_seen - 1]
                }
                "SIP Trunk" => {
                    sip_seen += 1;
                    [
                        Org::Abs,
                        Org::Abs,
                        Org::Abs,
                        Org::Abs,
                        Org::Avn,
                        Org::Avn,
                        Org::Brk,
                        Org::Brk,
                    ][sip_seen - 1]
                }
                "Data SIM" if lu == "Data" && rng.chance(10) => Org::Abs,
                _ => *rng.weighted(&[(Org::Avn, 45), (Org::Brk, 55)]),
            };
            let p = premises(org);
            let address = match lu {
                "Telecare" => home_address(&mut rng, &p),
                "Sheltered scheme warden call" => (*rng.pick(p.sheltered)).to_string(),
                "Lift line" => (*rng.pick(p.blocks)).to_string(),
                "Fax" => (*rng.pick(&p.offices[..2])).to_string(),
                "Data" => (*rng.pick(p.data_sites)).to_string(),
                "Broadband" => {
                    if rng.chance(30) {
                        (*rng.pick(p.sheltered)).to_string()
                    } else {
                        (*rng.pick(p.offices)).to_string()
                    }
                }
                _ if matches!(lt, "ISDN30" | "SIP Trunk") => {
                    if org == Org::Abs {
                        (*rng.pick(p.offices)).to_string()
                    } else {
                        p.offices[0].to_string()
                    }
                }
                _ => (*rng.pick(p.offices)).to_string(),
            };
            let channels: u32 = match lt {
                "Analogue PSTN" | "Analogue Multiline" => 1,
                "ISDN2" => 2,
                "ISDN30" => *rng.pick(&[8, 12, 20, 30]),
                "SIP Trunk" => *rng.pick(&[10, 20, 30]),
                _ => 0,
            };
            let rental: i64 = match lt {
                "Analogue PSTN" => *rng.pick(&[1899, 2150, 2299, 2450]),
                "Analogue Multiline" => 2475,
                "ISDN2" => 4200,
                "ISDN30" => i64::from(channels) * 1650,
                "FTTC" => *rng.pick(&[3200, 3500]),
                "FTTP" => *rng.pick(&[4500, 5500]),
                "SoGEA" => 2950,
                "SIP Trunk" => i64::from(channels) * 750,
                _ => *rng.pick(&[650, 950, 1200]),
            };
            let ident = match lt {
                "FTTP" | "SoGEA" => ids.fresh(&mut rng, |r| format!("BBEU{}", r.digits(8))),
                "Data SIM" => ids.fresh(&mut rng, |r| format!("07700900{}", r.digits(3))),
                _ => ids.fresh(&mut rng, |r| format!("01632960{}", r.digits(3))),
            };
            let contract_end = if rng.chance(15) {
                None
            } else {
                let y = i32::try_from(rng.range(2025, 2028))?;
                let mo = u8::try_from(rng.range(1, 12))?;
                let first = ymd(y, mo, 1);
                Some(add_months(first, 1) - Duration::days(1))
            };
            lines.push((
                Line {
                    ident,
                    kind: lt,
                    channels,
                    usage: lu,
                    org,
                    rental,
                    contract_end,
                },
                address,
            ));
        }
    }
    lines.sort_by(|a, b| (a.0.org, &a.0.ident).cmp(&(b.0.org, &b.0.ident)));

    // Which rows show the CLI as a number (leading 0 lost) and how the rest are spaced.
    let voice_idx: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.0.kind == "Analogue PSTN" && l.0.usage == "Voice")
        .map(|(i, _)| i)
        .collect();
    let numeric: HashSet<usize> = (0..6)
        .map(|k| voice_idx[k * voice_idx.len() / 6 + 3])
        .collect();

    let f = Fmts::new("dd/mm/yyyy", "0.00", 0x00FC_E4D6);
    let mut wb = new_workbook("Line Schedule", "Albion Telecom plc")?;
    let ws = wb.add_worksheet();
    ws.set_name("Line Schedule")?;
    ws.write_string_with_format(
        0,
        0,
        "Albion Telecom plc",
        &Format::new().set_bold().set_font_size(14),
    )?;
    ws.write_string(
        1,
        0,
        "Line Schedule - bill date 01/11/2026 - all charges ex VAT",
    )?;
    ws.write_string(
        2,
        0,
        "Billing group: ABS-GRP-0007 Avonmere & Brookfield Shared ICT Service",
    )?;
    let headers = [
        "Account No",
        "Account Name",
        "CLI",
        "Line Type",
        "Channels",
        "Site Address",
        "Line Use",
        "Monthly Rental",
        "Contract End Date",
    ];
    write_header(ws, 4, &headers, &f)?;
    set_widths(ws, &[12.0, 38.0, 14.0, 18.0, 9.0, 70.0, 28.0, 14.0, 17.0])?;

    let mut row0: u32 = 5;
    let mut other_rows = vec![
        (1, "title `Albion Telecom plc`".to_string()),
        (2, "bill date line (text)".to_string()),
        (3, "billing group line (text)".to_string()),
        (4, "blank".to_string()),
    ];
    let mut total = 0;
    let mut rolling = 0;
    for (i, (line, address)) in lines.into_iter().enumerate() {
        if i == 150 {
            other_rows.push((row0 + 1, "blank (page break in the bill)".into()));
            row0 += 1;
            write_header(ws, row0, &headers, &f)?;
            other_rows.push((
                row0 + 1,
                "the header row repeated (page 2 of the bill); skip it".into(),
            ));
            row0 += 1;
        }
        let (acct_no, acct_name) = telecoms_account(line.org);
        let mut sample = None;
        let cli_cell = if numeric.contains(&i) {
            if sample.is_none() && numeric.iter().min() == Some(&i) {
                sample = Some("CLI stored as a number: Excel dropped the leading 0".into());
            }
            Cell::Num(line.ident[1..].parse::<i64>()?)
        } else if line.ident.starts_with("01632") {
            if rng.chance(25) {
                t(line.ident.clone())
            } else {
                t(format!("{} {}", &line.ident[..5], &line.ident[5..]))
            }
        } else if line.ident.starts_with("07700") {
            t(format!("{} {}", &line.ident[..5], &line.ident[5..]))
        } else {
            t(line.ident.clone())
        };
        let end_cell = if let Some(d) = line.contract_end {
            Cell::Date(d)
        } else {
            rolling += 1;
            if rolling % 3 == 0 {
                Cell::Blank
            } else {
                t("Rolling")
            }
        };
        let cells = vec![
            t(acct_no),
            t(acct_name),
            cli_cell,
            t(line.kind),
            if line.channels == 0 {
                Cell::Blank
            } else {
                Cell::Num(i64::from(line.channels))
            },
            t(address),
            t(line.usage),
            Cell::Money(line.rental),
            end_cell,
        ];
        write_cells(ws, row0, &cells, &f, false)?;
        total += line.rental;
        book.recs.push(Rec {
            file: TEL_FILE,
            sheet: "Line Schedule",
            row: row0 + 1,
            cells,
            kind: Kind::Line(line),
            bad: None,
            sample,
        });
        row0 += 1;
    }
    let last = row0;
    let mut mark = |pred: &dyn Fn(&Line) -> bool, why: &str| {
        if let Some(r) = book
            .recs
            .iter_mut()
            .filter(|r| r.file == TEL_FILE)
            .find(|r| match &r.kind {
                Kind::Line(l) => pred(l),
                _ => false,
            })
        {
            r.sample.get_or_insert_with(|| why.to_string());
        }
    };
    mark(
        &|l| l.usage == "Telecare" && l.kind == "Analogue PSTN",
        "critical care: telecare on analogue PSTN",
    );
    mark(
        &|l| l.usage == "Sheltered scheme warden call",
        "critical care: warden call",
    );
    mark(
        &|l| l.kind == "Data SIM" && l.usage == "Lift line",
        "critical care on a data SIM",
    );
    mark(&|l| l.kind == "ISDN30", "ISDN30 with channels");
    mark(
        &|l| l.kind == "SoGEA",
        "broadband with a service ID instead of a CLI",
    );
    mark(
        &|l| l.contract_end.is_none() && l.kind == "Analogue Multiline",
        "no contract end date",
    );
    write_cells(
        ws,
        row0,
        &[
            t("Total"),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Formula {
                formula: format!("=SUM(H6:H{last})"),
                cached: plain(total),
                money: true,
            },
        ],
        &f,
        true,
    )?;
    wb.save(dir.join(TEL_FILE))?;
    let cli = |pred: fn(&Cell) -> bool| count_cells(book, TEL_FILE, "Line Schedule", 2, pred);
    let spaced = cli(|c| is_text(c, |s| s.starts_with("01632 ")));
    let unspaced = cli(|c| is_text(c, |s| s.starts_with("01632") && !s.contains(' ')));
    let numeric_n = cli(|c| matches!(c, Cell::Num(_)));
    let sims = cli(|c| is_text(c, |s| s.starts_with("07700")));
    let service_ids = cli(|c| is_text(c, |s| s.starts_with("BBEU")));
    let rolling_n = count_cells(book, TEL_FILE, "Line Schedule", 8, |c| {
        is_text(c, |s| s == "Rolling")
    });
    let blank_end = count_cells(book, TEL_FILE, "Line Schedule", 8, |c| {
        matches!(c, Cell::Blank)
    });
    book.sheets.push(SheetInfo {
        file: TEL_FILE,
        sheet: "Line Schedule",
        header_row: 5,
        headers: headers_vec(&headers),
        first_data_row: 6,
        last_data_row: last,
        other_rows,
        totals_row: Some((
            row0 + 1,
            format!("`Total` in A; H = `=SUM(H6:H{last})` cached `{}` (total monthly rental)", plain(total)),
        )),
        notes: vec![
            format!("CLI spellings: `01632 960123` (text, {spaced} rows), `01632960123` (text, {unspaced} rows), a NUMBER such as `1632960123` ({numeric_n} rows: Excel ate the leading 0; restore it), data SIMs `07700 900123` (text, {sims} rows). FTTP and SoGEA lines have no telephone number: the CLI column holds the provider's service ID (`BBEU` + 8 digits, {service_ids} rows)."),
            "The identity of a line is its CLI with spaces removed and the leading 0 restored, or the service ID as written. All 300 are unique.".into(),
            "Channels is a number for voice lines (PSTN/Multiline 1, ISDN2 2, ISDN30 and SIP trunks the channel count) and blank for broadband and data SIMs.".into(),
            format!("Contract End Date is a real date, or the text `Rolling` ({rolling_n} rows), or blank ({blank_end} rows); both mean out of contract / no end date. Some real dates are already past."),
            "Account Name is the organisation's full name (`Avonmere District Council` = AVN, `Brookfield Borough Council` = BRK, `Avonmere & Brookfield Shared ICT Service` = ABS).".into(),
            format!("Critical-care lines are those whose Line Use is one of: {}.", CRITICAL_USES.iter().map(|u| format!("`{u}`")).collect::<Vec<_>>().join(", ")),
        ],
        date_fmt: "dd/mm/yyyy",
        money_fmt: "0.00",
        ..SheetInfo::default()
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 5. mobiles-o2.csv (Windows-1252, CRLF, as Excel on Windows saves a CSV)
// ---------------------------------------------------------------------------------------------

const MOB_FILE: &str = "mobiles-o2.csv";

fn luhn_check_digit(body: &str) -> u32 {
    let mut sum = 0;
    for (i, ch) in body.chars().rev().enumerate() {
        let mut d = ch.to_digit(10).expect("digit");
        if i % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    (10 - sum % 10) % 10
}

fn imei(rng: &mut Rng, model_idx: usize) -> String {
    let tac = format!("35{:06}", (model_idx * 48_271 + 104_729) % 1_000_000);
    let body = format!("{tac}{}", rng.digits(6));
    let check = luhn_check_digit(&body);
    format!("{body}{check}")
}

/// How Excel's General format shows a 15-digit number: 6 significant digits, rounded.
fn excel_general(digits: &str) -> String {
    let mut lead: u64 = digits[..6].parse().expect("digits");
    if digits.as_bytes()[6] >= b'5' {
        lead += 1;
    }
    let exp = digits.len() - 1 + usize::from(lead >= 1_000_000);
    let lead = if lead >= 1_000_000 { lead / 10 } else { lead }.to_string();
    let frac = lead[1..].trim_end_matches('0');
    if frac.is_empty() {
        format!("{}E+{exp}", &lead[..1])
    } else {
        format!("{}.{frac}E+{exp}", &lead[..1])
    }
}

fn mobile_council(org: Org) -> &'static str {
    org.name()
}

/// One mobile before sorting and writing.
struct MobRow {
    number: String,
    imei: String,
    hw: Hw,
    tariff: &'static str,
    user: String,
    dept: &'static str,
}

fn mobiles(dir: &Path, ids: &mut Ids, book: &mut Book) -> Res<()> {
    let mut rng = Rng::new(0x02_0000_0005);
    let spec = Spec {
        class: Class::Mobile,
        word: "",
        total: 250,
        years: MOBILE_YEARS,
        qmin: 1,
        qmax: 6,
        models: MOBILES,
        orgs: MOBILE_ORGS,
    };
    let mut batches = make_batches(&mut rng, &spec);
    // O2 sells handsets at list price.
    for b in &mut batches {
        b.price = b.model.price;
    }
    // Two executive handsets, so that one price needs a thousands separator.
    let pro = MOBILES
        .iter()
        .find(|m| m.name.contains("16 Pro"))
        .expect("iPhone 16 Pro");
    batches.push(Batch {
        date: ymd(2025, 9, 22),
        qty: 2,
        org: Org::Avn,
        site: "Avonmere House",
        cc: "FN07 Finance",
        model: pro,
        price: pro.price,
        class: Class::Mobile,
        word: "",
    });
    let mut rows = Vec::new();
    let mut accented = ACCENTED.iter();
    for b in &batches {
        // O2 handsets are at list price, except upgrades where the handset was included.
        let free = rng.chance(8) && b.model.price < 100_000;
        let model_idx = MOBILES
            .iter()
            .position(|x| x.name == b.model.name)
            .expect("model");
        for _ in 0..b.qty {
            let number = ids.fresh(&mut rng, |r| format!("07700900{}", r.digits(3)));
            let im = ids.fresh(&mut rng, |r| imei(r, model_idx));
            let user = if rng.chance(5) {
                format!("POOL - {}", b.site)
            } else if rng.chance(3) {
                accented
                    .next()
                    .map_or_else(|| person(&mut rng), |s| (*s).to_string())
            } else {
                person(&mut rng)
            };
            let tariff = *rng.pick(&["Business Unlimited 5G", "Business 12GB", "Business 4GB"]);
            rows.push(MobRow {
                number,
                imei: im.clone(),
                hw: Hw {
                    serial: im,
                    tag: String::new(),
                    make: b.model.make.into(),
                    model: b.model.name.into(),
                    class: Some(Class::Mobile),
                    org: b.org,
                    site: String::new(),
                    date: b.date,
                    unit_cost: if free { 0 } else { b.price },
                    qty: 1,
                    leased: false,
                    lease_end: None,
                    archived: false,
                    dup_of: None,
                },
                tariff,
                user,
                dept: dept_name(b.cc),
            });
        }
    }
    // Make sure all the accented names are used (on the first rows that have none).
    let mut rest: Vec<&str> = accented.copied().collect();
    for r in rows.iter_mut().skip(10).step_by(29) {
        if let Some(name) = rest.pop() {
            r.user = name.to_string();
        }
    }
    rows.sort_by(|a, b| a.number.cmp(&b.number));

    // Two rows where the IMEI was pasted into a General-format column: Excel shows and saves
    // it in scientific notation, losing the identifier.
    let mangled_at = [37usize, 190];
    let mut wtr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let headers = [
        "IMEI",
        "Mobile Number",
        "Handset",
        "Tariff",
        "User",
        "Department",
        "Connection Date",
        "Handset Cost",
        "Council",
    ];
    wtr.write_record(headers)?;
    for (i, r) in rows.into_iter().enumerate() {
        let line_no = u32::try_from(i)? + 2;
        let (imei_text, bad) = if mangled_at.contains(&i) {
            let sci = excel_general(&r.imei);
            (
                sci.clone(),
                Some(Bad {
                    column: "IMEI".into(),
                    value: sci,
                    reason: "IMEI saved in scientific notation by Excel: the 15-digit identifier is lost, so the handset cannot be identified".into(),
                }),
            )
        } else {
            (r.imei.clone(), None)
        };
        let fields = vec![
            imei_text.clone(),
            r.number[1..].to_string(),
            r.hw.model.clone(),
            r.tariff.to_string(),
            r.user.clone(),
            r.dept.to_string(),
            dmy(r.hw.date),
            gbp(r.hw.unit_cost),
            mobile_council(r.hw.org).to_string(),
        ];
        wtr.write_record(&fields)?;
        let sample = if i == 0 {
            Some("first data line".to_string())
        } else if let Some(c) = r.user.chars().find(|c| !c.is_ascii()) {
            let mut buf = [0u8; 4];
            let (b, _, _) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf));
            Some(format!(
                "user name with `{c}`, the single byte 0x{:02X} in the file",
                b[0]
            ))
        } else if r.hw.unit_cost >= 100_000 {
            Some("cost with a thousands separator (quoted field)".to_string())
        } else if r.hw.unit_cost == 0 && bad.is_none() {
            Some("handset cost £0.00 (included in the contract): valid".to_string())
        } else {
            None
        };
        let mut hw = r.hw;
        if bad.is_some() {
            hw.serial = imei_text;
        }
        book.recs.push(Rec {
            file: MOB_FILE,
            sheet: "",
            row: line_no,
            cells: fields
                .into_iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Blank
                    } else {
                        Cell::Text(s)
                    }
                })
                .collect(),
            kind: Kind::Hw(hw),
            bad,
            sample,
        });
    }
    // Keep only the first sample of each kind.
    let mut seen = HashSet::new();
    for r in book.recs.iter_mut().filter(|r| r.file == MOB_FILE) {
        if let Some(s) = &r.sample {
            let kind: String = s.chars().take(12).collect();
            if !seen.insert(kind) {
                r.sample = None;
            }
        }
    }
    let utf8 = String::from_utf8(wtr.into_inner()?)?;
    let (bytes, _, had_errors) = encoding_rs::WINDOWS_1252.encode(&utf8);
    assert!(!had_errors, "every character must exist in Windows-1252");
    fs::write(dir.join(MOB_FILE), &bytes)?;
    let n = book.recs.iter().filter(|r| r.file == MOB_FILE).count();
    let free = count_cells(book, MOB_FILE, "", 7, |c| is_text(c, |s| s == "£0.00"));
    let pool = count_cells(book, MOB_FILE, "", 4, |c| {
        is_text(c, |s| s.starts_with("POOL - "))
    });
    book.sheets.push(SheetInfo {
        file: MOB_FILE,
        csv: true,
        header_row: 1,
        headers: headers_vec(&headers),
        first_data_row: 2,
        last_data_row: u32::try_from(n)? + 1,
        notes: vec![
            "Encoding Windows-1252 (no BOM), CRLF line endings, comma-separated, fields quoted only when they contain a comma (as Excel on Windows saves a CSV). `£` is the single byte 0xA3; accented names (e.g. `Siân`, `Zoë`, `Seán`, `Renée`, `Chloé`, `José`) are single bytes too.".into(),
            "Mobile Number has lost its leading 0 (Excel): `7700900123` means `07700 900123`.".into(),
            "Connection Date is `dd/mm/yyyy`; it is the in-service date. Handset Cost is `£449.00` style; `£1,029.00` is quoted because of the comma; `£0.00` means the handset came with the contract (valid, cost 0).".into(),
            format!("Council holds the full organisation name. Users starting `POOL - ` are shared phones ({pool} valid rows). {free} valid rows have Handset Cost `£0.00`. No asset tags: the IMEI is the identity."),
        ],
        ..SheetInfo::default()
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 6. licensing-statement.xlsx
// ---------------------------------------------------------------------------------------------

const LIC_FILE: &str = "licensing-statement.xlsx";

struct LicRow {
    org: Org,
    product: &'static str,
    vendor: &'static str,
    agreement: &'static str,
    agreement_no: &'static str,
    licence_type: &'static str,
    metric: &'static str,
    qty: i64,
    unit_price: i64,
    basis: Basis,
    start: Date,
    end: Option<Date>,
}

fn licences(dir: &Path, book: &mut Book) -> Res<()> {
    use Basis::{Annual, OneOff, PerMonth};
    let lic_rows = [
        LicRow {
            org: Org::Avn,
            product: "Microsoft 365 E3",
            vendor: "Microsoft",
            agreement: "Enterprise Agreement",
            agreement_no: "8841203",
            licence_type: "Subscription",
            metric: "Per User",
            qty: 600,
            unit_price: 2_040,
            basis: PerMonth,
            start: ymd(2024, 7, 1),
            end: Some(ymd(2027, 6, 30)),
        },
        LicRow {
            org: Org::Avn,
            product: "Sophos Intercept X Advanced",
            vendor: "Sophos",
            agreement: "Sophos Central subscription",
            agreement_no: "SOP-2291-AVN",
            licence_type: "Subscription",
            metric: "Per User",
            qty: 650,
            unit_price: 2_860,
            basis: Annual,
            start: ymd(2025, 10, 1),
            end: Some(ymd(2028, 9, 30)),
        },
        LicRow {
            org: Org::Avn,
            product: "Civica OpenRevenues (Revenues & Benefits)",
            vendor: "Civica",
            agreement: "Licence & Support Agreement",
            agreement_no: "CIV-AVN-0193",
            licence_type: "Annual Licence",
            metric: "Site",
            qty: 1,
            unit_price: 8_650_000,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Avn,
            product: "Idox Uniform (Planning & Building Control)",
            vendor: "Idox",
            agreement: "Support & Maintenance",
            agreement_no: "IDX-30418",
            licence_type: "Annual Licence",
            metric: "Per User",
            qty: 45,
            unit_price: 78_000,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Avn,
            product: "NEC Housing (Housing Management)",
            vendor: "NEC Software Solutions",
            agreement: "Licence & Support Agreement",
            agreement_no: "NEC-H-22019",
            licence_type: "Annual Licence",
            metric: "Site",
            qty: 1,
            unit_price: 6_425_000,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Avn,
            product: "Idox Information@Work (Document Management)",
            vendor: "Idox",
            agreement: "Support & Maintenance",
            agreement_no: "IDX-30419",
            licence_type: "Annual Licence",
            metric: "Per User",
            qty: 220,
            unit_price: 9_500,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Avn,
            product: "Adobe Acrobat Pro 2020",
            vendor: "Adobe",
            agreement: "Cumulative Licensing Program",
            agreement_no: "CLP-88213",
            licence_type: "Perpetual",
            metric: "Per User",
            qty: 25,
            unit_price: 34_900,
            basis: OneOff,
            start: ymd(2021, 3, 12),
            end: None,
        },
        LicRow {
            org: Org::Brk,
            product: "M365 E3 (User)",
            vendor: "Microsoft",
            agreement: "Enterprise Agreement",
            agreement_no: "61945507",
            licence_type: "Subscription",
            metric: "Per User",
            qty: 400,
            unit_price: 2_310,
            basis: PerMonth,
            start: ymd(2025, 2, 1),
            end: Some(ymd(2028, 1, 31)),
        },
        LicRow {
            org: Org::Brk,
            product: "ESET PROTECT Complete",
            vendor: "ESET",
            agreement: "ESET subscription",
            agreement_no: "ESET-BRK-7741",
            licence_type: "Subscription",
            metric: "Per Device",
            qty: 520,
            unit_price: 295,
            basis: PerMonth,
            start: ymd(2024, 12, 1),
            end: Some(ymd(2027, 11, 30)),
        },
        LicRow {
            org: Org::Brk,
            product: "NEC Revenues & Benefits",
            vendor: "NEC Software Solutions",
            agreement: "Licence & Support Agreement",
            agreement_no: "NEC-RB-11873",
            licence_type: "Annual Licence",
            metric: "Site",
            qty: 1,
            unit_price: 9_230_000,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Brk,
            product: "Idox Uniform (Planning)",
            vendor: "Idox",
            agreement: "Support & Maintenance",
            agreement_no: "IDX-27705",
            licence_type: "Annual Licence",
            metric: "Per User",
            qty: 38,
            unit_price: 84_500,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Brk,
            product: "Civica Cx Housing",
            vendor: "Civica",
            agreement: "Licence & Support Agreement",
            agreement_no: "CIV-BRK-0457",
            licence_type: "Annual Licence",
            metric: "Per User",
            qty: 80,
            unit_price: 41_000,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Brk,
            product: "Civica W2 (Document Management)",
            vendor: "Civica",
            agreement: "Licence & Support Agreement",
            agreement_no: "CIV-BRK-0458",
            licence_type: "Annual Licence",
            metric: "Per User",
            qty: 180,
            unit_price: 7_200,
            basis: Annual,
            start: ymd(2026, 4, 1),
            end: Some(ymd(2027, 3, 31)),
        },
        LicRow {
            org: Org::Brk,
            product: "Microsoft Visio Professional 2019",
            vendor: "Microsoft",
            agreement: "Open Value (perpetual)",
            agreement_no: "V4411872",
            licence_type: "Perpetual",
            metric: "Per User",
            qty: 12,
            unit_price: 41_200,
            basis: OneOff,
            start: ymd(2020, 1, 15),
            end: None,
        },
        LicRow {
            org: Org::Abs,
            product: "SQL Server 2019 Standard - Per Core",
            vendor: "Microsoft",
            agreement: "Enterprise Agreement",
            agreement_no: "8841203",
            licence_type: "Perpetual",
            metric: "Per Core",
            qty: 16,
            unit_price: 185_900,
            basis: OneOff,
            start: ymd(2020, 6, 30),
            end: None,
        },
        LicRow {
            org: Org::Abs,
            product: "Windows Server 2022 Datacenter",
            vendor: "Microsoft",
            agreement: "Enterprise Agreement",
            agreement_no: "8841203",
            licence_type: "Perpetual",
            metric: "Per Core",
            qty: 96,
            unit_price: 51_200,
            basis: OneOff,
            start: ymd(2022, 9, 30),
            end: None,
        },
        LicRow {
            org: Org::Abs,
            product: "VMware vSphere Foundation",
            vendor: "Broadcom",
            agreement: "Subscription",
            agreement_no: "BRCM-55102",
            licence_type: "Subscription",
            metric: "Per Core",
            qty: 256,
            unit_price: 13_500,
            basis: Annual,
            start: ymd(2025, 4, 1),
            end: Some(ymd(2028, 3, 31)),
        },
        LicRow {
            org: Org::Abs,
            product: "Veeam Data Platform Foundation",
            vendor: "Veeam",
            agreement: "Subscription",
            agreement_no: "VEE-71920",
            licence_type: "Subscription",
            metric: "Per Device",
            qty: 60,
            unit_price: 9_800,
            basis: Annual,
            start: ymd(2026, 1, 1),
            end: Some(ymd(2026, 12, 31)),
        },
    ];
    let council = |o: Org| match o {
        Org::Avn => "Avonmere",
        Org::Brk => "Brookfield",
        Org::Abs => "Shared Service",
    };
    let basis_text = |l: &LicRow| match (l.basis, l.metric) {
        (PerMonth, "Per Device") => "per device per month",
        (PerMonth, _) => "per user per month",
        (Annual, _) => "Annual",
        (OneOff, _) => "One-off (perpetual)",
    };

    let f = Fmts::new("dd/mm/yyyy", "£#,##0.00", 0x00D9_E1F2);
    let mut wb = new_workbook(
        "Software Licensing Statement",
        "Avonmere & Brookfield Shared ICT Service",
    )?;
    let ws = wb.add_worksheet();
    ws.set_name("Statement")?;
    ws.write_string_with_format(
        0,
        0,
        "Software Licensing Statement",
        &Format::new().set_bold().set_font_size(14),
    )?;
    ws.write_string(1, 0, "Prepared for: Avonmere & Brookfield Shared ICT Service (both councils and the shared service)")?;
    ws.write_string(2, 0, "Statement date: 31/10/2026. All prices ex VAT. Annual Cost is blank for perpetual licences.")?;
    let headers = [
        "Council",
        "Product",
        "Vendor",
        "Agreement",
        "Agreement Number",
        "Licence Type",
        "Metric",
        "Qty",
        "Unit Price",
        "Price Basis",
        "Extended Price",
        "Annual Cost",
        "Start Date",
        "End Date",
        "Capital/Revenue",
    ];
    write_header(ws, 4, &headers, &f)?;
    set_widths(
        ws,
        &[
            14.0, 42.0, 22.0, 28.0, 16.0, 14.0, 11.0, 6.0, 12.0, 20.0, 14.0, 14.0, 11.0, 11.0, 15.0,
        ],
    )?;
    let mut row0 = 5;
    let mut other_rows = vec![
        (1, "title".to_string()),
        (2, "prepared-for line".to_string()),
        (3, "statement date line".to_string()),
        (4, "blank".to_string()),
    ];
    let mut grand = 0;
    let mut subtotal_rows = Vec::new();
    for org in ORGS {
        let first = row0 + 1;
        let mut sub = 0;
        for l in lic_rows.iter().filter(|l| l.org == org) {
            let lic = Lic {
                product: l.product,
                org: l.org,
                metric: l.metric,
                qty: l.qty,
                unit_price: l.unit_price,
                basis: l.basis,
            };
            let cells = vec![
                t(council(l.org)),
                t(l.product),
                t(l.vendor),
                t(l.agreement),
                t(l.agreement_no),
                t(l.licence_type),
                t(l.metric),
                Cell::Num(l.qty),
                Cell::Money(l.unit_price),
                t(basis_text(l)),
                Cell::Money(lic.extended()),
                lic.annual().map_or(Cell::Blank, Cell::Money),
                Cell::Date(l.start),
                l.end.map_or_else(|| t("Perpetual"), Cell::Date),
                t(if l.basis == OneOff {
                    "Capital"
                } else {
                    "Revenue"
                }),
            ];
            write_cells(ws, row0, &cells, &f, false)?;
            sub += lic.annual().unwrap_or(0);
            let sample = match l.product {
                "Microsoft 365 E3" | "M365 E3 (User)" => {
                    Some("office suite (consolidation test)".to_string())
                }
                "ESET PROTECT Complete" | "SQL Server 2019 Standard - Per Core" => {
                    Some("other price basis / metric".to_string())
                }
                _ => None,
            };
            book.recs.push(Rec {
                file: LIC_FILE,
                sheet: "Statement",
                row: row0 + 1,
                cells,
                kind: Kind::Lic(lic),
                bad: None,
                sample,
            });
            row0 += 1;
        }
        let last = row0;
        write_cells(
            ws,
            row0,
            &[
                t(format!("Subtotal {}", council(org))),
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Blank,
                Cell::Formula {
                    formula: format!("=SUBTOTAL(9,L{first}:L{last})"),
                    cached: plain(sub),
                    money: true,
                },
            ],
            &f,
            true,
        )?;
        other_rows.push((
            row0 + 1,
            format!(
                "subtotal row `Subtotal {}`: L = `=SUBTOTAL(9,L{first}:L{last})` cached `{}`",
                council(org),
                plain(sub)
            ),
        ));
        subtotal_rows.push(row0 + 1);
        grand += sub;
        row0 += 1;
    }
    let last_data = row0 - 1;
    write_cells(
        ws,
        row0,
        &[
            t("Total annual cost"),
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Blank,
            Cell::Formula {
                formula: format!("=SUBTOTAL(9,L6:L{last_data})"),
                cached: plain(grand),
                money: true,
            },
        ],
        &f,
        true,
    )?;
    wb.save(dir.join(LIC_FILE))?;
    book.sheets.push(SheetInfo {
        file: LIC_FILE,
        sheet: "Statement",
        header_row: 5,
        headers: headers_vec(&headers),
        first_data_row: 6,
        last_data_row: last_data,
        other_rows,
        totals_row: Some((
            row0 + 1,
            format!("`Total annual cost` in A; L = `=SUBTOTAL(9,L6:L{last_data})` cached `{}` (annual cost of all subscriptions and annual licences; perpetual licences excluded)", plain(grand)),
        )),
        notes: vec![
            "Council: `Avonmere` = AVN, `Brookfield` = BRK, `Shared Service` = ABS. Rows are grouped by council, each group followed by a subtotal row.".into(),
            "Unit Price is in the period stated by Price Basis: `per user per month`, `per device per month`, `Annual`, or `One-off (perpetual)`. Extended Price = Qty × Unit Price (same period). Annual Cost = Extended Price × 12 for monthly prices, = Extended Price for annual prices, blank for perpetual licences.".into(),
            "Perpetual licences have End Date = the text `Perpetual` and Capital/Revenue = `Capital`; everything else is `Revenue`.".into(),
        ],
        date_fmt: "dd/mm/yyyy",
        money_fmt: "£#,##0.00",
        ..SheetInfo::default()
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 7. snipeit-export.csv (Snipe-IT "Custom Asset Report": UTF-8 with BOM, LF, ISO dates)
// ---------------------------------------------------------------------------------------------

const SNIPE_FILE: &str = "snipeit-export.csv";

/// Quotes a field the way PHP's `fputcsv` does (Snipe-IT writes its reports with it).
fn php_csv_field(s: &str) -> String {
    if s.chars()
        .any(|c| matches!(c, ',' | '"' | '\\' | '\n' | '\r' | '\t' | ' '))
    {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One Snipe-IT asset before sorting and writing.
struct SnipeRow {
    hw: Hw,
    cc: &'static str,
    assigned: String,
    note: String,
    serial_text: String,
    sample: Option<String>,
}

fn snipe(dir: &Path, ids: &mut Ids, book: &mut Book) -> Res<()> {
    let mut rng = Rng::new(0x51_1E00_0007);
    let brk: &'static [(Org, u32)] = &[(Org::Brk, 1)];
    let specs = [
        (Class::Desktop, 10, DELL_DESKTOPS),
        (Class::Desktop, 13, HP_DESKTOPS),
        (Class::Desktop, 6, LENOVO_DESKTOPS),
        (Class::Laptop, 5, HP_LAPTOPS),
        (Class::Laptop, 4, LENOVO_LAPTOPS),
        (Class::Monitor, 2, DELL_MONITORS),
        (Class::Monitor, 2, HP_MONITORS),
    ];
    let mut rows: Vec<SnipeRow> = Vec::new();
    for (class, total, models) in specs {
        let spec = Spec {
            class,
            word: "",
            total,
            years: SNIPE_YEARS,
            qmin: 1,
            qmax: 4,
            models,
            orgs: brk,
        };
        for b in make_batches(&mut rng, &spec) {
            for _ in 0..b.qty {
                let serial = ids.serial(&mut rng, b.model.make, b.class, b.date);
                let tag = ids.tag(&mut rng, Org::Brk);
                let assigned = if b.class == Class::Monitor || rng.chance(20) {
                    String::new()
                } else {
                    person(&mut rng)
                };
                rows.push(SnipeRow {
                    serial_text: serial.clone(),
                    hw: Hw {
                        serial,
                        tag,
                        make: b.model.make.into(),
                        model: b.model.name.trim_start_matches("HP ").into(),
                        class: Some(b.class),
                        org: Org::Brk,
                        site: b.site.into(),
                        date: b.date,
                        unit_cost: b.price,
                        qty: 1,
                        leased: false,
                        lease_end: None,
                        archived: false,
                        dup_of: None,
                    },
                    cc: b.cc,
                    assigned,
                    note: String::new(),
                    sample: None,
                });
            }
        }
    }
    // Two disposed assets still in the old register.
    let mut archived = 0;
    for r in rows
        .iter_mut()
        .filter(|r| r.hw.date.year() <= 2017 && r.hw.class == Some(Class::Desktop))
    {
        if archived < 2 {
            r.hw.archived = true;
            r.assigned.clear();
            r.note = "Disposed via WEEE contractor, certificate WEEE-2024-0312".into();
            r.sample = Some("archived (disposed) asset".into());
            archived += 1;
        }
    }
    // Deliberate cross-file duplicates: the same physical asset as a row in another file.
    let find = |file: &str, class: Class| {
        book.recs
            .iter()
            .filter(|r| r.file == file && r.bad.is_none())
            .find_map(|r| {
                r.hw()
                    .filter(|h| {
                        h.org == Org::Brk
                            && h.class == Some(class)
                            && !h.tag.is_empty()
                            && (2019..=2022).contains(&h.date.year())
                    })
                    .map(|h| (r.row, h.clone()))
            })
            .expect("a BRK asset to duplicate")
    };
    let (dell_row, dell_hw) = find(DELL_FILE, Class::Desktop);
    let (hp_row, hp_hw) = find(HP_FILE, Class::Laptop);
    for (file, row, hw, lower) in [
        (DELL_FILE, dell_row, dell_hw, false),
        (HP_FILE, hp_row, hp_hw, true),
    ] {
        let serial_text = if lower {
            hw.serial.to_lowercase()
        } else {
            hw.serial.clone()
        };
        let mut h = hw;
        h.serial.clone_from(&serial_text);
        h.model = h.model.trim_start_matches("HP ").to_string();
        h.dup_of = Some(format!("{file} row {row}"));
        rows.push(SnipeRow {
            serial_text,
            sample: Some(format!(
                "deliberate duplicate of {file} row {row}{}",
                if lower {
                    " (serial in lower case here)"
                } else {
                    ""
                }
            )),
            hw: h,
            cc: "IT01 ICT Services",
            assigned: person(&mut rng),
            note: "Imported from legacy spreadsheet".into(),
        });
    }
    rows.sort_by(|a, b| (a.hw.date, &a.hw.tag).cmp(&(b.hw.date, &b.hw.tag)));

    let headers = [
        "ID",
        "Company",
        "Asset Name",
        "Asset Tag",
        "Model",
        "Model No.",
        "Category",
        "Manufacturer",
        "Serial",
        "Purchased",
        "Cost",
        "EOL",
        "Warranty",
        "Warranty Expires",
        "Order Number",
        "Supplier",
        "Location",
        "Checked Out",
        "Type",
        "Department",
        "Status",
        "Notes",
    ];
    let mut out = String::from("\u{FEFF}");
    out.push_str(
        &headers
            .iter()
            .map(|h| php_csv_field(h))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    let mut id = 3;
    let mut pc_no = 0;
    for (i, r) in rows.into_iter().enumerate() {
        id += 1 + rng.below(3);
        pc_no += 1;
        let class = r.hw.class.expect("class");
        let (category, prefix, eol_months) = match class {
            Class::Laptop => ("Laptop", "BRK-LT-", 48),
            Class::Monitor => ("Monitor", "BRK-MON-", 60),
            _ => ("Desktop", "BRK-PC-", 60),
        };
        let supplier = if r.hw.make == "Dell" {
            "Dell Technologies"
        } else {
            "Centrix Technology Solutions"
        };
        let status = if r.hw.archived {
            "Archived (archived)"
        } else if r.assigned.is_empty() {
            "Ready to Deploy (deployable)"
        } else {
            "Ready to Deploy (deployed)"
        };
        let model_no = match r.hw.make.as_str() {
            "HP" => format!("{}{}EA", rng.digits(1), rng.chars(ALNUM, 4)),
            "Lenovo" => format!("{}CTO1WW", rng.chars(ALNUM, 4)),
            _ => String::new(),
        };
        let fields: Vec<String> = vec![
            id.to_string(),
            "Brookfield Borough Council".into(),
            format!("{prefix}{pc_no:04}"),
            r.hw.tag.clone(),
            r.hw.model.clone(),
            model_no,
            category.into(),
            r.hw.make.clone(),
            r.serial_text.clone(),
            iso(r.hw.date),
            pounds(r.hw.unit_cost),
            iso(add_months(r.hw.date, eol_months)),
            "36".into(),
            iso(add_months(r.hw.date, 36)),
            format!("4500{:06}", 100_000 + (r.hw.date.to_julian_day() % 900_000)),
            supplier.into(),
            r.hw.site.clone(),
            r.assigned.clone(),
            if r.assigned.is_empty() {
                String::new()
            } else {
                "user".into()
            },
            if r.assigned.is_empty() {
                String::new()
            } else {
                dept_name(r.cc).into()
            },
            status.into(),
            r.note.clone(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|s| php_csv_field(s))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
        let sample = r
            .sample
            .or_else(|| (i == 0).then(|| "first data line".to_string()));
        book.recs.push(Rec {
            file: SNIPE_FILE,
            sheet: "",
            row: u32::try_from(i)? + 2,
            cells: fields
                .into_iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Blank
                    } else {
                        Cell::Text(s)
                    }
                })
                .collect(),
            kind: Kind::Hw(r.hw),
            bad: None,
            sample,
        });
    }
    fs::write(dir.join(SNIPE_FILE), out.as_bytes())?;
    // Mark the originals of the duplicates as samples too.
    for (file, row) in [(DELL_FILE, dell_row), (HP_FILE, hp_row)] {
        if let Some(r) = book
            .recs
            .iter_mut()
            .find(|r| r.file == file && r.row == row)
        {
            r.sample = Some(format!(
                "also appears in {SNIPE_FILE} (deliberate cross-file duplicate)"
            ));
        }
    }
    let n = book.recs.iter().filter(|r| r.file == SNIPE_FILE).count();
    book.sheets.push(SheetInfo {
        file: SNIPE_FILE,
        csv: true,
        header_row: 1,
        headers: headers_vec(&headers),
        first_data_row: 2,
        last_data_row: u32::try_from(n)? + 1,
        notes: vec![
            "Snipe-IT's Custom Asset Report (Reports → Custom Asset Report) with its en-US column titles: `Purchased` is the purchase date, `Cost` the purchase cost, `Checked Out` the assignee and `Type` the assignee type. Encoding UTF-8 with a BOM (EF BB BF), LF line endings, quoting as PHP `fputcsv` (any field with a space or comma is quoted).".into(),
            "Dates are ISO `yyyy-mm-dd`. Cost is `649.00` / `1,049.00` (no currency symbol; thousands separator, so quoted).".into(),
            "All rows are Brookfield Borough Council (BRK). Status `Archived (archived)` marks a disposed asset; `Ready to Deploy (deployed)` = in use and checked out, `Ready to Deploy (deployable)` = in stock.".into(),
            "Category words: `Desktop`, `Laptop`, `Monitor` (= the classes of the same names). Model names drop the `HP ` prefix that the reseller uses (`EliteDesk 800 G4 SFF` = `HP EliteDesk 800 G4 SFF`).".into(),
        ],
        ..SheetInfo::default()
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// MANIFEST.md
// ---------------------------------------------------------------------------------------------

macro_rules! out {
    ($s:expr) => { $s.push('\n') };
    ($s:expr, $($arg:tt)*) => { writeln!($s, $($arg)*).expect("write to String") };
}

fn valid_hw<'a>(book: &'a Book, file: Option<&'a str>) -> impl Iterator<Item = (&'a Rec, &'a Hw)> {
    book.recs
        .iter()
        .filter(move |r| r.bad.is_none() && file.is_none_or(|f| r.file == f))
        .filter_map(|r| r.hw().map(|h| (r, h)))
}

fn class_org_table(s: &mut String, hws: &[&Hw], what: &str) {
    let mut counts: BTreeMap<Class, [u32; 3]> = BTreeMap::new();
    for h in hws {
        let c = h.class.expect("valid rows have a class");
        counts.entry(c).or_default()[h.org.idx()] += h.qty;
    }
    out!(s, "| {what} | AVN | BRK | ABS | total |");
    out!(s, "|---|---:|---:|---:|---:|");
    let mut tot = [0u32; 3];
    for (c, n) in &counts {
        out!(
            s,
            "| {} | {} | {} | {} | {} |",
            c.name(),
            n[0],
            n[1],
            n[2],
            n.iter().sum::<u32>()
        );
        for i in 0..3 {
            tot[i] += n[i];
        }
    }
    out!(
        s,
        "| **total** | **{}** | **{}** | **{}** | **{}** |",
        tot[0],
        tot[1],
        tot[2],
        tot.iter().sum::<u32>()
    );
    out!(s);
}

fn cost_by_org(hws: &[&Hw]) -> [i64; 3] {
    let mut c = [0i64; 3];
    for h in hws {
        c[h.org.idx()] += h.total_cost();
    }
    c
}

fn cost_table(s: &mut String, rows: &[(String, [i64; 3])]) {
    out!(s, "| | AVN | BRK | ABS | total |");
    out!(s, "|---|---:|---:|---:|---:|");
    for (label, c) in rows {
        out!(
            s,
            "| {label} | {} | {} | {} | {} |",
            gbp(c[0]),
            gbp(c[1]),
            gbp(c[2]),
            gbp(c.iter().sum())
        );
    }
    out!(s);
}

fn describe_record(r: &Rec) -> String {
    match &r.kind {
        Kind::Hw(h) => {
            let mut v = vec![
                format!(
                    "serial `{}`",
                    if h.serial.is_empty() {
                        "(none)"
                    } else {
                        &h.serial
                    }
                ),
                format!(
                    "asset tag `{}`",
                    if h.tag.is_empty() { "(none)" } else { &h.tag }
                ),
                format!("make `{}`", h.make),
                format!("model `{}`", h.model),
                format!("class `{}`", h.class.map_or("(unknown)", Class::name)),
                format!("organisation `{}`", h.org.code()),
            ];
            if !h.site.is_empty() {
                v.push(format!("site `{}`", h.site));
            }
            v.push(format!("in-service date `{}`", iso(h.date)));
            v.push(format!("unit cost `{}`", gbp(h.unit_cost)));
            if h.qty != 1 {
                v.push(format!(
                    "quantity {} (line cost {})",
                    h.qty,
                    gbp(h.total_cost())
                ));
            }
            if h.leased {
                v.push(format!(
                    "leased, lease end `{}` (purchase cost counts as £0.00)",
                    h.lease_end.map(iso).unwrap_or_default()
                ));
            }
            if h.archived {
                v.push("status archived (disposed)".into());
            }
            if let Some(d) = &h.dup_of {
                v.push(format!("same physical asset as {d}"));
            }
            v.join(", ")
        }
        Kind::Line(l) => {
            let mut v = vec![
                format!("identity `{}`", l.ident),
                format!("type `{}`", l.kind),
            ];
            if l.channels > 0 {
                v.push(format!("channels {}", l.channels));
            }
            v.push(format!("use `{}`", l.usage));
            v.push(format!(
                "critical care: {}",
                if l.critical() { "yes" } else { "no" }
            ));
            v.push(format!("organisation `{}`", l.org.code()));
            v.push(format!("monthly rental `{}`", gbp(l.rental)));
            v.push(format!(
                "contract end `{}`",
                l.contract_end.map_or_else(|| "(none)".to_string(), iso)
            ));
            v.join(", ")
        }
        Kind::Lic(l) => {
            let basis = match l.basis {
                Basis::PerMonth => "per month",
                Basis::Annual => "per year",
                Basis::OneOff => "one-off",
            };
            let mut v = vec![
                format!("product `{}`", l.product),
                format!("organisation `{}`", l.org.code()),
                format!("metric `{}`", l.metric),
                format!("quantity {}", l.qty),
                format!("unit price `{}` {basis}", gbp(l.unit_price)),
                format!("extended `{}` {basis}", gbp(l.extended())),
            ];
            if let Some(a) = l.annual() {
                v.push(format!("annual `{}`", gbp(a)));
            }
            v.join(", ")
        }
    }
}

fn sheet_title(si: &SheetInfo) -> String {
    if si.csv {
        format!("`{}`", si.file)
    } else {
        format!("`{}` — sheet `{}`", si.file, si.sheet)
    }
}

fn write_sheet_section(s: &mut String, book: &Book, si: &SheetInfo) {
    out!(s, "### {}", sheet_title(si));
    out!(s);
    let unit = if si.csv { "line" } else { "row" };
    if si.headers.is_empty() {
        for n in &si.notes {
            out!(s, "- {n}");
        }
        out!(s);
        return;
    }
    let recs: Vec<&Rec> = book
        .recs
        .iter()
        .filter(|r| r.file == si.file && r.sheet == if si.csv { "" } else { si.sheet })
        .collect();
    let bad: Vec<&&Rec> = recs.iter().filter(|r| r.bad.is_some()).collect();
    out!(
        s,
        "- Header {unit}: **{}**. Headers, in order: {}.",
        si.header_row,
        si.headers
            .iter()
            .enumerate()
            .map(|(i, h)| if si.csv {
                format!("`{h}`")
            } else {
                format!("{} `{h}`", col_letter(i))
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    out!(
        s,
        "- Data {unit}s: **{}** records in {unit}s {}–{} ({} valid, {} bad).",
        recs.len(),
        si.first_data_row,
        si.last_data_row,
        recs.len() - bad.len(),
        bad.len()
    );
    if !si.other_rows.is_empty() {
        out!(s, "- Other {unit}s (not records):");
        for (r, what) in &si.other_rows {
            out!(s, "  - {unit} {r}: {what}");
        }
    }
    match &si.totals_row {
        Some((r, what)) => out!(s, "- Totals {unit}: **{r}** — {what}. Nothing follows it."),
        None => out!(
            s,
            "- Totals {unit}: none. The last data {unit} is the last {unit} of the file."
        ),
    }
    if !si.csv {
        out!(
            s,
            "- Number formats: dates `{}`, money `{}`.",
            si.date_fmt,
            si.money_fmt
        );
    }
    for n in &si.notes {
        out!(s, "- {n}");
    }
    // Stray whitespace.
    let mut ws_cells = Vec::new();
    for r in &recs {
        for (i, c) in r.cells.iter().enumerate() {
            if let Cell::Text(t) = c {
                if t.trim() != t {
                    ws_cells.push(format!(
                        "{unit} {} {} (`{}`): `\"{t}\"`",
                        r.row,
                        if si.csv { String::new() } else { col_letter(i) },
                        si.headers[i]
                    ));
                }
            }
        }
    }
    if !ws_cells.is_empty() {
        out!(
            s,
            "- Cells with leading/trailing spaces (valid; trim them): {}.",
            ws_cells.join("; ")
        );
    }
    out!(s);

    let is_hw = recs.iter().any(|r| r.hw().is_some());
    if is_hw {
        let hws: Vec<&Hw> = recs
            .iter()
            .filter(|r| r.bad.is_none())
            .filter_map(|r| r.hw())
            .collect();
        let rows_n = hws.len();
        let assets: u32 = hws.iter().map(|h| h.qty).sum();
        out!(
            s,
            "Valid records: **{rows_n}** rows = **{assets}** assets. Assets by class and organisation:"
        );
        out!(s);
        class_org_table(s, &hws, "class");
        let c = cost_by_org(&hws);
        out!(
            s,
            "Total purchase cost of the valid assets (unit cost × quantity):"
        );
        out!(s);
        cost_table(s, &[("purchase cost".into(), c)]);
    }

    out!(
        s,
        "Deliberately bad {unit}s (each must be rejected and reported; none is counted above):"
    );
    out!(s);
    if bad.is_empty() {
        out!(s, "- none");
    } else {
        out!(s, "| {unit} | column | value | why it is bad |");
        out!(s, "|---:|---|---|---|");
        for r in &bad {
            let b = r.bad.as_ref().expect("bad");
            out!(
                s,
                "| {} | {} | `{}` | {} |",
                r.row,
                b.column,
                b.value,
                b.reason
            );
        }
    }
    out!(s);

    let samples: Vec<&&Rec> = recs.iter().filter(|r| r.sample.is_some()).collect();
    if !samples.is_empty() {
        out!(s, "Chosen {unit}s, every cell exactly as stored:");
        out!(s);
        for r in samples {
            out!(
                s,
                "- **{unit} {}** ({}):",
                r.row,
                r.sample.as_deref().unwrap_or("")
            );
            let cells = r
                .cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let d = if si.csv {
                        match c {
                            Cell::Text(t) => format!("`\"{t}\"`"),
                            _ => "(empty)".into(),
                        }
                    } else {
                        c.describe(si.date_fmt, si.money_fmt)
                    };
                    if si.csv {
                        format!("`{}` = {d}", si.headers[i])
                    } else {
                        format!("{} `{}` = {d}", col_letter(i), si.headers[i])
                    }
                })
                .collect::<Vec<_>>();
            out!(s, "  - cells: {}", cells.join("; "));
            if let Some(b) = &r.bad {
                out!(s, "  - bad: {}", b.reason);
            } else {
                out!(s, "  - expected record: {}", describe_record(r));
            }
        }
        out!(s);
    }
}

fn manifest(book: &Book) -> String {
    let mut s = String::new();
    out!(s, "# Sample data set — manifest");
    out!(s);
    out!(
        s,
        "Written by `examples/make_sample.rs` (deterministic; regenerate with `cargo run --example make_sample -- data/sample`). Every number below is computed by the generator from its own records, not by reading the files back. Do not edit by hand."
    );
    out!(s);
    out!(
        s,
        "The organisation is fictional: `AVN` Avonmere District Council, `BRK` Brookfield Borough Council, and `ABS` Avonmere & Brookfield Shared ICT Service (kit in the shared data centre and DR site; costs apportioned 40% AVN / 60% BRK). Today is **2026-11-28**; the forecast horizon is 2026/27–2030/31 (UK financial years, 1 April–31 March)."
    );
    out!(s);
    out!(s, "## Conventions");
    out!(s);
    out!(
        s,
        "- Row numbers are as Excel shows them (1-based). For the CSV files they are line numbers (header = line 1; the BOM does not make a line)."
    );
    out!(
        s,
        "- A *record* is a row holding one item (valid or deliberately bad). Title, blank, section-heading, repeated-header, subtotal and total rows are not records; each sheet lists them."
    );
    out!(
        s,
        "- A *bad* row must be rejected and reported. All counts and sums of *valid* records exclude bad rows. Rows not listed as bad are valid (after trimming whitespace and normalising the documented formats)."
    );
    out!(
        s,
        "- Money is ex VAT, to the penny. A hardware asset's purchase cost is its unit cost; a bulk line with `Qty` n is n assets at the unit cost each. Leased MFDs have no purchase cost (£0.00)."
    );
    out!(
        s,
        "- Classes: `desktop` (including workstations and thin clients), `laptop`, `server`, `storage`, `network`, `monitor`, `mfd`, `mobile`. Each file's notes say how its words or model names map to these."
    );
    out!(
        s,
        "- The in-service date is the supplier's date for the item: Dell Ship Date, reseller Invoice Date / Delivered, infrastructure Installed, Snipe-IT Purchased, O2 Connection Date."
    );
    out!(
        s,
        "- Identity: the serial number (Dell Service Tag; IMEI for mobiles; CLI or service ID for lines) compared case-insensitively after trimming; the asset tag where there is no serial. A per-device row with neither is bad (see `hp-reseller-delivery.xlsx`); the bulk lines of the `Monitors` sheet are the one place where valid assets have no identifier at all (they are counted by `Qty`). No two assets share a serial or a tag, within or across files, except the deliberate cross-file duplicates listed below and the one bad duplicate-serial row of `hp-reseller-delivery.xlsx`."
    );
    out!(
        s,
        "- Organisation spellings: `AVN` / `Avonmere District Council` / `AVONMERE DISTRICT COUNCIL` / `Avonmere DC` / `Avonmere`; `BRK` / `Brookfield Borough Council` / `BROOKFIELD BOROUGH COUNCIL` / `Brookfield BC` / `Brookfield`; `ABS` / `Avonmere & Brookfield Shared ICT Service` / `Shared Service`. Each file's notes say which it uses."
    );
    out!(s);

    // ---- Headline
    let all_hw: Vec<(&Rec, &Hw)> = valid_hw(book, None).collect();
    let unique: Vec<&Hw> = all_hw
        .iter()
        .filter(|(_, h)| h.dup_of.is_none())
        .map(|(_, h)| *h)
        .collect();
    let valid_rows = all_hw.len();
    let valid_assets: u32 = all_hw.iter().map(|(_, h)| h.qty).sum();
    let unique_assets: u32 = unique.iter().map(|h| h.qty).sum();
    let bad_total = book.recs.iter().filter(|r| r.bad.is_some()).count();
    let lines: Vec<&Line> = book
        .recs
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Line(l) if r.bad.is_none() => Some(l),
            _ => None,
        })
        .collect();
    let lics: Vec<&Lic> = book
        .recs
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Lic(l) if r.bad.is_none() => Some(l),
            _ => None,
        })
        .collect();
    let rental: i64 = lines.iter().map(|l| l.rental).sum();
    let critical = lines.iter().filter(|l| l.critical()).count();
    let broadband = lines.iter().filter(|l| l.usage == "Broadband").count();
    let ucost = cost_by_org(&unique);
    let archived: u32 = unique.iter().filter(|h| h.archived).map(|h| h.qty).sum();
    let leased = unique.iter().filter(|h| h.leased).count();

    out!(s, "## Headline");
    out!(s);
    out!(s, "| measure | value |");
    out!(s, "|---|---:|");
    out!(
        s,
        "| hardware records, valid (rows; all hardware files incl. mobiles) | {valid_rows} |"
    );
    out!(
        s,
        "| hardware assets, valid (bulk lines expanded by Qty) | {valid_assets} |"
    );
    out!(
        s,
        "| deliberate cross-file duplicates (same asset in two files) | {} |",
        all_hw.len() - all_hw.iter().filter(|(_, h)| h.dup_of.is_none()).count()
    );
    out!(
        s,
        "| unique hardware assets after identity matching | {unique_assets} |"
    );
    out!(s, "| of which archived (disposed, Snipe-IT) | {archived} |");
    out!(s, "| of which leased MFDs | {leased} |");
    out!(s, "| bad rows, all files | {bad_total} |");
    out!(s, "| telephone lines (all valid) | {} |", lines.len());
    out!(s, "| critical-care lines | {critical} |");
    out!(
        s,
        "| broadband lines (Line Use `Broadband`) | {broadband} |"
    );
    out!(s, "| total monthly line rental | {} |", gbp(rental));
    out!(s, "| licence lines | {} |", lics.len());
    out!(
        s,
        "| purchase cost of unique valid hardware, AVN | {} |",
        gbp(ucost[0])
    );
    out!(
        s,
        "| purchase cost of unique valid hardware, BRK | {} |",
        gbp(ucost[1])
    );
    out!(
        s,
        "| purchase cost of unique valid hardware, ABS | {} |",
        gbp(ucost[2])
    );
    out!(
        s,
        "| purchase cost of unique valid hardware, total | {} |",
        gbp(ucost.iter().sum())
    );
    out!(s);

    // ---- Hardware, estate-wide
    out!(s, "## Hardware across all files");
    out!(s);
    out!(
        s,
        "Valid assets by file and class (per-file counts; the duplicates are counted in both files here):"
    );
    out!(s);
    let hw_files = [DELL_FILE, HP_FILE, INFRA_FILE, MOB_FILE, SNIPE_FILE];
    out!(
        s,
        "| file | {} | total |",
        CLASSES
            .iter()
            .map(|c| c.name())
            .collect::<Vec<_>>()
            .join(" | ")
    );
    out!(s, "|---|{}---:|", "---:|".repeat(CLASSES.len()));
    for f in hw_files {
        let mut row = Vec::new();
        let mut tot = 0;
        for c in CLASSES {
            let n: u32 = valid_hw(book, Some(f))
                .filter(|(_, h)| h.class == Some(c))
                .map(|(_, h)| h.qty)
                .sum();
            tot += n;
            row.push(n.to_string());
        }
        out!(s, "| `{f}` | {} | {tot} |", row.join(" | "));
    }
    out!(s);
    out!(
        s,
        "Unique assets (each deliberate duplicate counted once) by class and organisation:"
    );
    out!(s);
    class_org_table(&mut s, &unique, "class");
    out!(
        s,
        "Purchase cost of valid hardware by file and organisation (leased MFDs £0.00; per-file figures count the duplicates in both files, the last line counts them once):"
    );
    out!(s);
    let mut cost_rows = Vec::new();
    for f in hw_files {
        let hws: Vec<&Hw> = valid_hw(book, Some(f)).map(|(_, h)| h).collect();
        cost_rows.push((format!("`{f}`"), cost_by_org(&hws)));
    }
    cost_rows.push(("**unique assets, all files**".into(), ucost));
    cost_table(&mut s, &cost_rows);
    let avn_share = percent_of(ucost[2], 40);
    out!(
        s,
        "ABS apportionment of the unique ABS purchase cost {}: AVN 40% = {} (rounded half up to the penny), BRK 60% = {} (the remainder). So AVN including its share = {}, BRK including its share = {}.",
        gbp(ucost[2]),
        gbp(avn_share),
        gbp(ucost[2] - avn_share),
        gbp(ucost[0] + avn_share),
        gbp(ucost[1] + ucost[2] - avn_share)
    );
    out!(s);

    // Due table.
    out!(
        s,
        "Informational — when the unique, non-archived assets fall due, taking due date = in-service date + life (desktop 5, laptop 4, server 3, storage 5, network 7, mfd 5, mobile 3 years; monitors have no life and are left out), bucketed by the UK financial year of the due date:"
    );
    out!(s);
    let mut buckets: Vec<String> = vec!["before 2026/27".into()];
    buckets.extend((2026..=2030).map(fy_label));
    buckets.push("after 2030/31".into());
    out!(
        s,
        "| class | {} | overdue on 2026-11-28 |",
        buckets.join(" | ")
    );
    out!(s, "|---|{}---:|", "---:|".repeat(buckets.len()));
    for c in CLASSES {
        let Some(life) = c.life() else { continue };
        let mut n = vec![0u32; buckets.len()];
        let mut overdue = 0;
        for h in unique.iter().filter(|h| h.class == Some(c) && !h.archived) {
            let due = add_years(h.date, life);
            let fy = fy_start(due);
            let i = if fy < 2026 {
                0
            } else if fy > 2030 {
                buckets.len() - 1
            } else {
                usize::try_from(fy - 2026).expect("fy") + 1
            };
            n[i] += h.qty;
            if due < today() {
                overdue += h.qty;
            }
        }
        out!(
            s,
            "| {} | {} | {overdue} |",
            c.name(),
            n.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    out!(s);

    out!(s, "### Deliberate cross-file duplicates");
    out!(s);
    for (r, h) in all_hw.iter().filter(|(_, h)| h.dup_of.is_some()) {
        let other = book
            .recs
            .iter()
            .filter_map(Rec::hw)
            .find(|o| o.dup_of.is_none() && o.serial.eq_ignore_ascii_case(&h.serial))
            .expect("the original");
        out!(
            s,
            "- `{}` line {} (serial `{}`, tag `{}`) is the same physical asset as {} (serial `{}`, tag `{}`): same serial{}, same asset tag, same model, in-service date and cost. Identity matching must merge them into one asset.",
            r.file,
            r.row,
            h.serial,
            h.tag,
            h.dup_of.as_deref().unwrap_or(""),
            other.serial,
            other.tag,
            if other.serial == h.serial {
                ""
            } else {
                " apart from letter case"
            }
        );
    }
    out!(s);

    // ---- Lines
    out!(s, "## Telephone lines (`{TEL_FILE}`)",);
    out!(s);
    let mut by_type: BTreeMap<&str, (usize, i64, [usize; 3])> = BTreeMap::new();
    for l in &lines {
        let e = by_type.entry(l.kind).or_default();
        e.0 += 1;
        e.1 += l.rental;
        e.2[l.org.idx()] += 1;
    }
    out!(
        s,
        "| line type | lines | AVN | BRK | ABS | monthly rental |"
    );
    out!(s, "|---|---:|---:|---:|---:|---:|");
    for (t, (n, r, o)) in &by_type {
        out!(
            s,
            "| {t} | {n} | {} | {} | {} | {} |",
            o[0],
            o[1],
            o[2],
            gbp(*r)
        );
    }
    let mut org_n = [0usize; 3];
    let mut org_r = [0i64; 3];
    for l in &lines {
        org_n[l.org.idx()] += 1;
        org_r[l.org.idx()] += l.rental;
    }
    out!(
        s,
        "| **total** | **{}** | **{}** | **{}** | **{}** | **{}** |",
        lines.len(),
        org_n[0],
        org_n[1],
        org_n[2],
        gbp(rental)
    );
    out!(s);
    out!(
        s,
        "Monthly rental by organisation: AVN {}, BRK {}, ABS {}; total {}.",
        gbp(org_r[0]),
        gbp(org_r[1]),
        gbp(org_r[2]),
        gbp(rental)
    );
    out!(s);
    let mut by_use: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for l in &lines {
        by_use.entry(l.usage).or_default()[l.org.idx()] += 1;
    }
    out!(s, "| line use | critical care | AVN | BRK | ABS | total |");
    out!(s, "|---|---|---:|---:|---:|---:|");
    for (u, o) in &by_use {
        out!(
            s,
            "| {u} | {} | {} | {} | {} | {} |",
            if CRITICAL_USES.contains(u) {
                "yes"
            } else {
                "no"
            },
            o[0],
            o[1],
            o[2],
            o.iter().sum::<usize>()
        );
    }
    out!(s);
    let crit_analogue = lines
        .iter()
        .filter(|l| l.critical() && l.kind.starts_with("Analogue"))
        .count();
    let analogue_isdn = lines
        .iter()
        .filter(|l| l.kind.starts_with("Analogue") || l.kind.starts_with("ISDN"))
        .count();
    out!(
        s,
        "Critical-care lines: **{critical}** ({crit_analogue} on analogue PSTN, {} on data SIMs). Broadband: **{broadband}**. Lines still analogue or ISDN: **{analogue_isdn}** of {}.",
        critical - crit_analogue,
        lines.len()
    );
    out!(s);

    // ---- Licences
    out!(s, "## Licences (`{LIC_FILE}`)");
    out!(s);
    let mut annual = [0i64; 3];
    let mut oneoff = [0i64; 3];
    let mut n = [0usize; 3];
    for l in &lics {
        n[l.org.idx()] += 1;
        match l.annual() {
            Some(a) => annual[l.org.idx()] += a,
            None => oneoff[l.org.idx()] += l.extended(),
        }
    }
    out!(s, "| | AVN | BRK | ABS | total |");
    out!(s, "|---|---:|---:|---:|---:|");
    out!(
        s,
        "| licence lines | {} | {} | {} | {} |",
        n[0],
        n[1],
        n[2],
        n.iter().sum::<usize>()
    );
    out!(
        s,
        "| annual cost (subscriptions and annual licences) | {} | {} | {} | {} |",
        gbp(annual[0]),
        gbp(annual[1]),
        gbp(annual[2]),
        gbp(annual.iter().sum())
    );
    out!(
        s,
        "| one-off cost of perpetual licences (capital) | {} | {} | {} | {} |",
        gbp(oneoff[0]),
        gbp(oneoff[1]),
        gbp(oneoff[2]),
        gbp(oneoff.iter().sum())
    );
    out!(s);
    let avn_m365 = lics
        .iter()
        .find(|l| l.product == "Microsoft 365 E3")
        .expect("AVN M365");
    let brk_m365 = lics
        .iter()
        .find(|l| l.product == "M365 E3 (User)")
        .expect("BRK M365");
    let saving = brk_m365.qty * (brk_m365.unit_price - avn_m365.unit_price);
    out!(
        s,
        "Office suite (the same product under two names and two Enterprise Agreements): AVN `Microsoft 365 E3` {} users × {} per user per month = **{} a month**; BRK `M365 E3 (User)` {} users × {} per user per month = **{} a month**; together **{} a month** ({} a year). Moving BRK's {} seats to AVN's price saves {} × ({} − {}) = **{} a month** ({} a year).",
        avn_m365.qty,
        gbp(avn_m365.unit_price),
        gbp(avn_m365.extended()),
        brk_m365.qty,
        gbp(brk_m365.unit_price),
        gbp(brk_m365.extended()),
        gbp(avn_m365.extended() + brk_m365.extended()),
        gbp((avn_m365.extended() + brk_m365.extended()) * 12),
        brk_m365.qty,
        brk_m365.qty,
        gbp(brk_m365.unit_price),
        gbp(avn_m365.unit_price),
        gbp(saving),
        gbp(saving * 12)
    );
    out!(s);
    out!(
        s,
        "Other pairs doing the same job: antivirus (AVN `Sophos Intercept X Advanced`, BRK `ESET PROTECT Complete`), revenues & benefits (AVN Civica OpenRevenues, BRK NEC Revenues & Benefits), planning (both `Idox Uniform`, different prices), housing (AVN NEC Housing, BRK Civica Cx Housing), document management (AVN Idox Information@Work, BRK Civica W2)."
    );
    out!(s);

    // ---- Per file
    out!(s, "## File by file");
    out!(s);
    for si in &book.sheets {
        write_sheet_section(&mut s, book, si);
    }
    s
}

const README: &str = "Sample supplier spreadsheets and exports (Dell, an HP/Lenovo reseller, an infrastructure reseller, a telecoms line schedule, O2 mobiles, a licensing statement and an old Snipe-IT register) for trying out `estate`; MANIFEST.md says exactly what is in each file.\nEverything here is fictional: Avonmere, Brookfield, their councils, sites, people, numbers (Ofcom drama ranges) and suppliers' figures are made up by `examples/make_sample.rs`.\n";

fn main() -> Res<()> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "data/sample".to_string()),
    );
    fs::create_dir_all(&dir)?;
    let mut ids = Ids::default();
    let mut book = Book::default();
    dell(&dir, &mut ids, &mut book)?;
    hp(&dir, &mut ids, &mut book)?;
    infra(&dir, &mut ids, &mut book)?;
    telecoms(&dir, &mut ids, &mut book)?;
    mobiles(&dir, &mut ids, &mut book)?;
    licences(&dir, &mut book)?;
    snipe(&dir, &mut ids, &mut book)?;
    fs::write(dir.join("MANIFEST.md"), manifest(&book))?;
    fs::write(dir.join("README.md"), README)?;
    println!(
        "wrote {} records ({} bad) to {}",
        book.recs.len(),
        book.recs.iter().filter(|r| r.bad.is_some()).count(),
        dir.display()
    );
    Ok(())
}

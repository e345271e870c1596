//! Dates: spreadsheet serials in both epochs, UK, US and ISO text, each date
//! column's day/month order decided from its whole column, and months added
//! to a date.

use super::{
    Cells, Column, Date, Field, Month, Row, Serialize, Value, add_years, fmt, normalise_heading,
};

/// The earliest date estate accepts (no kit in service is older).
pub fn earliest_date() -> Date {
    time::macros::date!(1980 - 01 - 01)
}

/// The latest date estate accepts for end dates.
pub fn latest_date() -> Date {
    time::macros::date!(2100 - 12 - 31)
}

/// A date from an Excel serial: days since 1899-12-31 in the 1900 system
/// (which counts the 29 February 1900 that never was, serial 60), or since
/// 1904-01-01 in the 1904 system. The fraction (time of day) is dropped.
/// Converted arithmetically, never through formatted text.
pub fn date_from_serial(serial: f64, is_1904: bool) -> Option<Date> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "checked to be within 1..2958466"
    )]
    let days = serial.floor() as i64;
    let (base, days) = if is_1904 {
        (time::macros::date!(1904 - 01 - 01), days)
    } else if days == 60 {
        return None;
    } else if days < 60 {
        (time::macros::date!(1899 - 12 - 31), days)
    } else {
        (time::macros::date!(1899 - 12 - 30), days)
    };
    base.checked_add(time::Duration::days(days))
}

pub(super) fn month_from_name(name: &str) -> Option<Month> {
    let n = name.to_ascii_lowercase();
    let months = [
        ("jan", Month::January),
        ("feb", Month::February),
        ("mar", Month::March),
        ("apr", Month::April),
        ("may", Month::May),
        ("jun", Month::June),
        ("jul", Month::July),
        ("aug", Month::August),
        ("sep", Month::September),
        ("oct", Month::October),
        ("nov", Month::November),
        ("dec", Month::December),
    ];
    if n.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    months
        .iter()
        .zip(full)
        .find(|((abbr, _), full)| n == *abbr || n == *full || (n == "sept" && *abbr == "sep"))
        .map(|((_, m), _)| *m)
}

pub(super) fn year_from(text: &str) -> Option<i32> {
    let y: i32 = text.parse().ok()?;
    match text.len() {
        4 => Some(y),
        // Two-digit years: 00–79 are this century, 80–99 the last.
        2 => Some(if y < 80 { 2000 + y } else { 1900 + y }),
        _ => None,
    }
}

/// Reads a date written as text: ISO `2024-03-31` (a time after it is
/// ignored), UK `31/03/2024`, `31-03-24`, `31.03.2024`, `31-Mar-24`,
/// `31 March 2024`; month-first for `/` dates when `us_dates`. A text of
/// digits alone is an Excel serial.
#[allow(
    clippy::many_single_char_names,
    reason = "a, b, c are the three parts of a date, in the order written"
)]
pub fn parse_date_text(text: &str, us_dates: bool, is_1904: bool) -> Option<Date> {
    let t = text.trim();
    let t = t
        .split(['T', ' '])
        .next()
        .filter(|d| d.len() >= 8 && d.contains(['-', '/']))
        .unwrap_or(t);
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && t.len() <= 7 {
        return t
            .parse::<f64>()
            .ok()
            .and_then(|s| date_from_serial(s, is_1904));
    }
    let parts: Vec<&str> = t
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let num = |s: &str| -> Option<u8> {
        (s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (year, month, day) = if a.len() == 4 && a.bytes().all(|b| b.is_ascii_digit()) {
        (year_from(a)?, Month::try_from(num(b)?).ok()?, num(c)?)
    } else if let Some(m) = month_from_name(b) {
        (year_from(c)?, m, num(a)?)
    } else if let Some(m) = month_from_name(a) {
        (year_from(c)?, m, num(b)?)
    } else {
        let (first, second) = (num(a)?, num(b)?);
        let (d, m) = if us_dates {
            (second, first)
        } else {
            (first, second)
        };
        (year_from(c)?, Month::try_from(m).ok()?, d)
    };
    Date::from_calendar_date(year, month, day).ok()
}

/// The order of day and month in a column's numeric dates (`10/1/22`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateOrder {
    /// `10/1/22` is 10 January 2022 (UK).
    DayFirst,
    /// `10/1/22` is 1 October 2022 (US).
    MonthFirst,
}

impl DateOrder {
    /// `day-first` or `month-first`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::DayFirst => "day-first",
            DateOrder::MonthFirst => "month-first",
        }
    }
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a date written as numbers allows on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Only day-first makes a date (`23/1/23`).
    DayFirstOnly,
    /// Only month-first makes a date (`1/23/23`).
    MonthFirstOnly,
    /// Either order makes a date (`10/1/22`).
    Either,
    /// Not a day-and-month date of numbers (ISO, month names, serials, junk).
    Neither,
}

/// Whether `text`, a date of three numbers (`10/1/22`, `23-1-2023`), can
/// only be read day-first, only month-first, or either way.
pub fn date_reading(text: &str) -> Reading {
    let t = text.trim();
    let t = t.split(['T', ' ']).next().unwrap_or(t);
    let parts: Vec<&str> = t.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return Reading::Neither;
    };
    let small = |s: &str| -> Option<u8> {
        (!s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let year_ok = matches!(c.len(), 2 | 4) && c.bytes().all(|b| b.is_ascii_digit());
    let (Some(a), Some(b), true) = (small(a), small(b), year_ok) else {
        return Reading::Neither;
    };
    match (a, b) {
        (13..=31, 1..=12) => Reading::DayFirstOnly,
        (1..=12, 13..=31) => Reading::MonthFirstOnly,
        (1..=12, 1..=12) => Reading::Either,
        _ => Reading::Neither,
    }
}

/// True for the fields whose columns hold dates.
pub fn is_date_field(f: Field) -> bool {
    matches!(
        f,
        Field::InServiceDate
            | Field::WarrantyEnd
            | Field::LeaseEnd
            | Field::ContractEnd
            | Field::StartDate
            | Field::EndDate
    )
}

/// The order one date column was read in, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateColumn {
    /// 0-based column index.
    #[serde(skip)]
    pub index: usize,
    /// The heading as written.
    pub column: String,
    /// The order its numeric dates were read in.
    pub order: DateOrder,
    /// Why: `--us-dates`, the value that settled it, or none was unambiguous.
    pub why: String,
    /// The value (and its row) that settled the order, for messages.
    #[serde(skip)]
    pub settled_by: Option<(String, u32)>,
    /// How many of its values could only be read the other way (rejected).
    pub contradicting: u64,
}

impl DateColumn {
    /// The summary's line for this column.
    pub fn describe(&self) -> String {
        if self.settled_by.is_none() && self.why.starts_with("none was") {
            let other = match self.order {
                DateOrder::DayFirst => "`--us-dates` if they are US",
                DateOrder::MonthFirst => "`--uk-dates` if they are UK",
            };
            format!(
                "dates in `{}` read {}; none was unambiguous — {other}",
                self.column, self.order
            )
        } else {
            format!(
                "dates in `{}` read {} ({})",
                self.column, self.order, self.why
            )
        }
    }
}

/// What the values of a table's date columns say about their order,
/// gathered over the whole column before any row is read.
#[derive(Debug, Clone, Default)]
pub struct DateEvidence {
    /// Per date column: (index, heading, day-first only, month-first only,
    /// first of each as (text, row), ambiguous count).
    columns: Vec<ColumnEvidence>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct ColumnEvidence {
    index: usize,
    heading: String,
    day_first: u64,
    month_first: u64,
    either: u64,
    first_day_first: Option<(String, u32)>,
    first_month_first: Option<(String, u32)>,
}

impl DateEvidence {
    /// Evidence for the date columns among `columns`.
    pub fn new(columns: &[Column]) -> Self {
        DateEvidence {
            columns: columns
                .iter()
                .filter(|c| c.field.is_some_and(is_date_field))
                .map(|c| ColumnEvidence {
                    index: c.index,
                    heading: c.heading.clone(),
                    ..ColumnEvidence::default()
                })
                .collect(),
        }
    }

    /// True when the table has a date column.
    pub fn wanted(&self) -> bool {
        !self.columns.is_empty()
    }

    /// True when some value seen was a date of day and month numbers
    /// (whose order matters).
    pub fn any_seen(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.day_first + c.month_first + c.either > 0)
    }

    /// Looks at one data row's date cells.
    pub fn observe(&mut self, row: &Row) {
        for c in &mut self.columns {
            let Some(Value::Text(t)) = row.cells.get(c.index) else {
                continue;
            };
            match date_reading(t) {
                Reading::DayFirstOnly => {
                    c.day_first += 1;
                    if c.first_day_first.is_none() {
                        c.first_day_first = Some((t.trim().to_string(), row.number));
                    }
                }
                Reading::MonthFirstOnly => {
                    c.month_first += 1;
                    if c.first_month_first.is_none() {
                        c.first_month_first = Some((t.trim().to_string(), row.number));
                    }
                }
                Reading::Either => c.either += 1,
                Reading::Neither => {}
            }
        }
    }

    /// Every date column read in the order a flag forces, without looking
    /// at a value.
    pub fn forced(&self, order: DateOrder, flag: &str) -> Vec<DateColumn> {
        self.columns
            .iter()
            .map(|c| DateColumn {
                index: c.index,
                column: c.heading.clone(),
                order,
                why: format!("as {flag} says"),
                settled_by: None,
                contradicting: 0,
            })
            .collect()
    }

    /// Each date column's order: `forced` (`--us-dates`/`--uk-dates`)
    /// when given; else the order its unambiguous values settle (the more
    /// common, the first seen on a tie); else day-first, said so. Columns
    /// with no date written as day and month numbers are left out.
    pub fn decide(&self, forced: Option<(DateOrder, &str)>) -> Vec<DateColumn> {
        self.columns
            .iter()
            .filter(|c| c.day_first + c.month_first + c.either > 0)
            .map(|c| {
                let (order, why, settled_by, contradicting) = if let Some((order, flag)) = forced {
                    let against = match order {
                        DateOrder::DayFirst => c.month_first,
                        DateOrder::MonthFirst => c.day_first,
                    };
                    (order, format!("as {flag} says"), None, against)
                } else {
                    let month_wins = c.month_first > c.day_first
                        || (c.month_first == c.day_first
                            && c.month_first > 0
                            && c.first_month_first.as_ref().map(|(_, r)| *r)
                                < c.first_day_first.as_ref().map(|(_, r)| *r));
                    if month_wins {
                        let by = c.first_month_first.clone();
                        let why = by.as_ref().map_or_else(String::new, |(t, r)| {
                            format!("`{t}` on row {r} can only be month-first")
                        });
                        (DateOrder::MonthFirst, why, by, c.day_first)
                    } else if c.day_first > 0 {
                        let by = c.first_day_first.clone();
                        let why = by.as_ref().map_or_else(String::new, |(t, r)| {
                            format!("`{t}` on row {r} can only be day-first")
                        });
                        (DateOrder::DayFirst, why, by, c.month_first)
                    } else {
                        (
                            DateOrder::DayFirst,
                            "none was unambiguous".to_string(),
                            None,
                            0,
                        )
                    }
                };
                DateColumn {
                    index: c.index,
                    column: c.heading.clone(),
                    order,
                    why,
                    settled_by,
                    contradicting,
                }
            })
            .collect()
    }
}

impl Cells<'_> {
    pub(super) fn date(&mut self, f: Field, not_future: bool) -> Option<Date> {
        let v = self.cell(f)?;
        if let Value::Text(t) = v {
            // Words that mean "no end date" in a date column.
            if matches!(
                normalise_heading(t).as_str(),
                "rolling"
                    | "perpetual"
                    | "ongoing"
                    | "open"
                    | "evergreen"
                    | "out of contract"
                    | "no end date"
                    | "none"
            ) {
                self.given.remove(f);
                return None;
            }
        }
        let date = match v {
            Value::DateSerial { serial, is_1904 } => date_from_serial(*serial, *is_1904),
            Value::Number(n) => date_from_serial(*n, self.rules.is_1904),
            #[allow(clippy::cast_precision_loss, reason = "a serial is far below 2^52")]
            Value::Int(n) => date_from_serial(*n as f64, self.rules.is_1904),
            Value::Text(t) | Value::DateIso(t) => {
                let column = self.column(f).map(|c| c.index);
                let decided = self.rules.dates.iter().find(|d| Some(d.index) == column);
                let month_first =
                    decided.map_or(self.rules.us_dates, |d| d.order == DateOrder::MonthFirst);
                let against = match (decided.map(|d| d.order), date_reading(t)) {
                    (Some(DateOrder::MonthFirst), Reading::DayFirstOnly) => Some("day-first"),
                    (Some(DateOrder::DayFirst), Reading::MonthFirstOnly) => Some("month-first"),
                    _ => None,
                };
                if let (Some(against), Some(d)) = (against, decided) {
                    let settled = d.settled_by.as_ref().map_or_else(
                        || d.why.clone(),
                        |(text, row)| format!("settled by `{text}` on row {row}"),
                    );
                    self.reject(
                        f,
                        v,
                        format!(
                            "can only be read {against}, but this column's dates are {} \
                             ({settled}); check both, or say the order with --us-dates or \
                             --uk-dates",
                            d.order
                        ),
                    );
                    return None;
                }
                parse_date_text(t, month_first, self.rules.is_1904)
            }
            _ => None,
        };
        let Some(date) = date else {
            self.reject(
                f,
                v,
                "is not a date (write it like 31/03/2024 or 2024-03-31)",
            );
            return None;
        };
        if date < earliest_date() {
            self.reject(f, v, format!("{date} is before 1980"));
            return None;
        }
        if not_future && date > self.rules.today {
            self.reject(f, v, format!("{date} is in the future"));
            return None;
        }
        if date > latest_date() {
            self.reject(f, v, format!("{date} is after 2100"));
            return None;
        }
        Some(date)
    }
}

/// `date` plus whole months; the day is kept where it exists, otherwise
/// the month's last day.
pub fn add_months(date: Date, months: u32) -> Date {
    let total = i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let years = i32::try_from(total / 12).unwrap_or(0);
    let month = u8::try_from(total % 12 + 1).unwrap_or(1);
    let month = Month::try_from(month).unwrap_or(Month::January);
    let base = add_years(date, years);
    let year = base.year();
    (1..=date.day())
        .rev()
        .find_map(|d| Date::from_calendar_date(year, month, d).ok())
        .unwrap_or(base)
}

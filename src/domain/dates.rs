//! Dates as people type them on the command line: ISO `2024-03-31` or UK
//! `31/03/2024`. (Spreadsheet date forms are read in `import`.)

use time::{Date, Month};

/// Why a text is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a date (write it like 2024-03-31 or 31/03/2024)")]
pub struct DateError(pub String);

/// Parses `2024-03-31` or the UK day-first `31/03/2024`.
///
/// # Errors
/// A [`DateError`] naming the text.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let err = || DateError(text.to_string());
    let t = text.trim();
    let parts: Vec<&str> = t.split(['-', '/']).collect();
    if parts.len() != 3
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(err());
    }
    let (y, m, d) = if parts[0].len() == 4 && t.contains('-') {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 && t.contains('/') {
        (parts[2], parts[1], parts[0])
    } else {
        return Err(err());
    };
    let year: i32 = y.parse().map_err(|_| err())?;
    let month: u8 = m.parse().map_err(|_| err())?;
    let day: u8 = d.parse().map_err(|_| err())?;
    let month = Month::try_from(month).map_err(|_| err())?;
    Date::from_calendar_date(year, month, day).map_err(|_| err())
}

/// Reads exactly `YYYY-MM-DD` (the form the register stores) without
/// allocating: reading a million stored dates is then cheap.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let day = u8::try_from(num(8..10)?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// `date` plus `years` whole years; 29 February becomes 28 February in a
/// year that has none.
pub fn add_years(date: Date, years: i32) -> Date {
    let year = date.year() + years;
    Date::from_calendar_date(year, date.month(), date.day()).unwrap_or_else(|_| {
        Date::from_calendar_date(year, date.month(), 28).expect("invariant: the 28th exists")
    })
}

/// The ISO form `2024-03-31`, as stored in the database.
pub fn iso(date: Date) -> String {
    let mut out = String::with_capacity(10);
    write_iso(&mut out, date);
    out
}

/// [`iso`], appended to `out` (no allocation of its own).
pub fn write_iso(out: &mut String, date: Date) {
    use std::fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn reads_iso_and_uk_forms() {
        assert_eq!(parse_date("2024-03-31"), Ok(date!(2024 - 03 - 31)));
        assert_eq!(parse_date("31/03/2024"), Ok(date!(2024 - 03 - 31)));
        assert_eq!(
            parse_date("03/04/2024"),
            Ok(date!(2024 - 04 - 03)),
            "day first"
        );
        for bad in [
            "2024-02-30",
            "31/13/2024",
            "yesterday",
            "2024/03/31",
            "31-03-24",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn adding_years_turns_29_february_into_28_february() {
        assert_eq!(add_years(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
        assert_eq!(add_years(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
        assert_eq!(add_years(date!(2021 - 04 - 01), 5), date!(2026 - 04 - 01));
    }

    #[test]
    fn iso_is_zero_padded() {
        assert_eq!(iso(date!(2024 - 03 - 01)), "2024-03-01");
    }

    proptest::proptest! {
        /// Every day reads back from its ISO and its UK form.
        #[test]
        fn iso_and_uk_forms_round_trip(days in 0i64..100_000) {
            let d = date!(1900 - 01 - 01) + time::Duration::days(days);
            proptest::prop_assert_eq!(parse_date(&iso(d)), Ok(d));
            let uk = format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
            proptest::prop_assert_eq!(parse_date(&uk), Ok(d));
        }

        /// Any text is a date or an error naming the text.
        #[test]
        fn any_text_parses_or_is_refused_by_name(
            text in "\\PC{0,16}|[0-9]{1,5}[-/][0-9]{1,3}[-/][0-9]{1,5}",
        ) {
            match parse_date(&text) {
                Ok(d) => proptest::prop_assert_eq!(parse_date(&iso(d)), Ok(d)),
                Err(e) => proptest::prop_assert_eq!(e, DateError(text.clone())),
            }
        }
    }
}

/// Serde for `Date` as ISO `YYYY-MM-DD` (use with `#[serde(with = "...")]`).
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes `2024-03-31`.
    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::iso(*date))
    }

    /// Reads `2024-03-31` (or `31/03/2024`).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for `Option<Date>` as ISO `YYYY-MM-DD` or null.
pub mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes `2024-03-31` or null.
    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.serialize_str(&super::iso(*d)),
            None => s.serialize_none(),
        }
    }

    /// Reads `2024-03-31` or null.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let text = Option::<String>::deserialize(d)?;
        text.map(|t| super::parse_date(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

//! End-of-support dates (`data/support/support.csv`, taken from the
//! endoflife.date product files) and the rule that finds what an asset runs
//! among them: its operating system and version, or for phones, tablets and
//! Surface devices its model. Pure: text in, values out.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{PolicyError, Setting, read_rows};
use crate::domain::{AssetClass, Money, parse_iso_date};

/// The shipped `data/support/support.csv`.
pub const BUILTIN_SUPPORT: &str = include_str!("../../data/support/support.csv");
/// The shipped `data/support/settings.csv`.
pub const BUILTIN_SUPPORT_SETTINGS: &str = include_str!("../../data/support/settings.csv");

/// A date column of the support data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportDate {
    /// No end announced (or the column does not apply).
    None,
    /// Ended, with no date given.
    Ended,
    /// The last supported day.
    On(#[serde(with = "crate::domain::dates::iso_date")] Date),
}

impl SupportDate {
    fn parse(text: &str, column: &str) -> Result<Self, String> {
        match text.trim() {
            "" => Ok(SupportDate::None),
            "ended" => Ok(SupportDate::Ended),
            t => parse_iso_date(t).map(SupportDate::On).ok_or_else(|| {
                format!("{column} `{t}` is not a date (YYYY-MM-DD), `ended` or blank")
            }),
        }
    }

    /// The day as a forecast uses it: an undated end is treated as long
    /// past ([`ENDED_UNDATED`]).
    pub fn day(self) -> Option<Date> {
        match self {
            SupportDate::None => None,
            SupportDate::Ended => Some(ENDED_UNDATED),
            SupportDate::On(d) => Some(d),
        }
    }
}

/// The day taken for support that has ended on no given date: long before
/// any forecast, so the kit is unsupported now and due at once.
pub const ENDED_UNDATED: Date = time::macros::date!(2000 - 01 - 01);

/// What a support row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportKind {
    /// An operating system (matched to an asset's os + version).
    Os,
    /// Other software (matched to an asset's os + version too, e.g. SQL Server).
    Software,
    /// A device model (matched to an asset's model).
    Device,
}

/// One release cycle's support dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportRow {
    /// Product, e.g. "Windows Server".
    pub product: String,
    /// OS, software or device.
    pub kind: SupportKind,
    /// The release cycle's identifier, e.g. `2016`, `10-22h2`.
    pub cycle: String,
    /// Its name, e.g. `10 22H2`.
    pub label: String,
    /// End of active (mainstream) support.
    pub active_end: SupportDate,
    /// The last day of security updates.
    pub security_end: SupportDate,
    /// The last day of paid extended updates, where sold.
    pub extended_end: SupportDate,
    /// Where the dates come from.
    pub source_url: String,
    /// The endoflife.date file they were read from.
    pub source_file: String,
    /// The day the file was taken.
    pub taken: String,
}

impl SupportRow {
    /// "Windows Server 2016", "iPhone XR".
    pub fn name(&self) -> String {
        format!("{} {}", self.product, self.label)
    }
}

/// Parses `data/support/support.csv`.
///
/// # Errors
/// A [`PolicyError`] naming the line.
pub fn parse_support(text: &str) -> Result<Vec<SupportRow>, PolicyError> {
    read_rows("support/support.csv", text, |r| {
        let kind = match r.get("kind") {
            "os" => SupportKind::Os,
            "software" => SupportKind::Software,
            "device" => SupportKind::Device,
            other => return Err(format!("kind `{other}` is not os, software or device")),
        };
        let (product, cycle) = (r.get("product"), r.get("cycle"));
        if product.is_empty() || cycle.is_empty() {
            return Err("a support row needs a product and a cycle".into());
        }
        let source_url = r.get("source_url");
        if source_url.is_empty() {
            return Err("every date needs its source (the `source_url` column is empty)".into());
        }
        let label = r.get("label");
        Ok(SupportRow {
            product: product.to_string(),
            kind,
            cycle: cycle.to_string(),
            label: if label.is_empty() { cycle } else { label }.to_string(),
            active_end: SupportDate::parse(r.get("active_support_end"), "active_support_end")?,
            security_end: SupportDate::parse(
                r.get("security_support_end"),
                "security_support_end",
            )?,
            extended_end: SupportDate::parse(
                r.get("extended_support_end"),
                "extended_support_end",
            )?,
            source_url: source_url.to_string(),
            source_file: r.get("source_file").to_string(),
            taken: r.get("taken").to_string(),
        })
    })
}

/// The shipped support data.
pub fn builtin_support() -> Vec<SupportRow> {
    parse_support(BUILTIN_SUPPORT).expect("invariant: the shipped support data is valid (tested)")
}

/// Lowercase, with spaces, hyphens, underscores, dots and slashes as one
/// `-`: "10 22H2" and "10-22h2" are one name.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if matches!(c, ' ' | '-' | '_' | '.' | '/') {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// True when `wanted` names `row`'s release: equal to its cycle or label,
/// or the start of one followed by a separator ("2016" names "2016 SP3").
fn names(wanted: &str, row: &SupportRow) -> bool {
    [fold(&row.cycle), fold(&row.label)].iter().any(|have| {
        have == wanted
            || have
                .strip_prefix(wanted)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

/// The release an operating system (or software) and version name: the
/// product matched by name ("Windows Server", or "Microsoft Windows
/// Server" ending with it), then the first row of the file (newest first)
/// whose cycle or label is the version or starts with it.
pub fn find_release<'a>(rows: &'a [SupportRow], os: &str, version: &str) -> Option<&'a SupportRow> {
    let (os, version) = (fold(os), fold(version));
    if os.is_empty() || version.is_empty() {
        return None;
    }
    rows.iter()
        .filter(|r| r.kind != SupportKind::Device)
        .find(|r| {
            let product = fold(&r.product);
            (os == product || os.ends_with(&format!("-{product}"))) && names(&version, r)
        })
}

/// The device a model names: its label with or without the product
/// ("iPhone XR", "XR" for an Apple iPhone, "Galaxy A57 5G").
pub fn find_device<'a>(rows: &'a [SupportRow], model: &str) -> Option<&'a SupportRow> {
    let model = fold(model);
    if model.is_empty() {
        return None;
    }
    rows.iter()
        .filter(|r| r.kind == SupportKind::Device)
        .find(|r| {
            let label = fold(&r.label);
            model == label || model == fold(&format!("{} {}", r.product, r.label))
        })
}

/// What an asset runs, matched to the support data: the release whose
/// security support ends first of its operating system's and its model's.
pub fn asset_release<'a>(
    rows: &'a [SupportRow],
    os: Option<&str>,
    os_version: Option<&str>,
    model: Option<&str>,
) -> Option<&'a SupportRow> {
    let by_os = match (os, os_version) {
        (Some(os), Some(v)) => find_release(rows, os, v),
        _ => None,
    };
    let by_model = model.and_then(|m| find_device(rows, m));
    match (by_os, by_model) {
        (Some(a), Some(b)) => {
            // A known date beats none; the earlier of two dates wins.
            let key = |r: &SupportRow| r.security_end.day().unwrap_or(Date::MAX);
            Some(if key(b) < key(a) { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// The end-of-support rule as the policy sets it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SupportRules {
    /// Classes whose kit is replaced when its support ends.
    pub replaces: Vec<AssetClass>,
    /// Replace in the year before the one holding the last supported day.
    pub replace_before: bool,
    /// Releases with extended updates bought, with what they cost.
    pub extended: Vec<ExtendedSupport>,
}

/// Extended security updates bought for one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtendedSupport {
    /// The release, as written ("Windows 10 22H2").
    pub release: String,
    /// What they cost per device per year (revenue), when given.
    pub per_device_year: Option<Money>,
}

impl SupportRules {
    /// The rule the settings give. A register whose policy predates the rule
    /// has none of its settings: the rule is then off (no class replaced for
    /// support), so its forecasts are as they were.
    ///
    /// # Errors
    /// A class or yes/no that does not read, as `(key, value, reason)`.
    pub fn from_settings(settings: &[Setting]) -> Result<Self, (&'static str, String, String)> {
        let get = |key: &str| {
            settings
                .iter()
                .find(|s| s.key == key)
                .map(|s| s.value.as_str())
        };
        let mut rules = SupportRules::default();
        if let Some(value) = get("support_replaces") {
            for word in value
                .split([' ', ',', ';'])
                .filter(|w| !w.trim().is_empty())
            {
                let class = word
                    .parse::<AssetClass>()
                    .map_err(|e| ("support_replaces", value.to_string(), e.to_string()))?;
                if !rules.replaces.contains(&class) {
                    rules.replaces.push(class);
                }
            }
        }
        if let Some(value) = get("support_replace_before") {
            rules.replace_before = match value.trim().to_ascii_lowercase().as_str() {
                "yes" | "true" => true,
                "no" | "false" | "" => false,
                _ => {
                    return Err((
                        "support_replace_before",
                        value.to_string(),
                        "write yes or no".into(),
                    ));
                }
            };
        }
        if let Some(value) = get("extended_support") {
            for item in value.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                let (release, cost) = match item.split_once('=') {
                    Some((r, c)) => {
                        let cost = Money::parse_gbp(c.trim())
                            .ok()
                            .filter(|m| !m.is_negative() && m.to_pence().is_some())
                            .ok_or_else(|| {
                                (
                                    "extended_support",
                                    value.to_string(),
                                    format!(
                                        "`{}` is not a cost per device per year in whole pence",
                                        c.trim()
                                    ),
                                )
                            })?;
                        (r.trim(), Some(cost))
                    }
                    None => (item, None),
                };
                rules.extended.push(ExtendedSupport {
                    release: release.to_string(),
                    per_device_year: cost,
                });
            }
        }
        Ok(rules)
    }

    /// True when end of support forces `class`'s replacement.
    pub fn replaces(&self, class: AssetClass) -> bool {
        self.replaces.contains(&class)
    }

    /// True when extended updates are bought for a release named `name`
    /// (as the support data names it, "Windows 10 22H2") or `recorded` (as
    /// the register records it, "Windows 10").
    pub fn extended_bought(&self, name: &str, recorded: &str) -> bool {
        self.extended_for(name, recorded).is_some()
    }

    /// The extended updates bought for a release named `name` or `recorded`.
    pub fn extended_for(&self, name: &str, recorded: &str) -> Option<&ExtendedSupport> {
        let (name, recorded) = (fold(name), fold(recorded));
        self.extended.iter().find(|e| {
            let e = fold(&e.release);
            e == name || (!recorded.is_empty() && e == recorded)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_shipped_data_reads_and_names_windows_server_2016s_last_day() {
        let rows = builtin_support();
        let r = find_release(&rows, "Windows Server", "2016").unwrap();
        assert_eq!(r.security_end, SupportDate::On(date!(2027 - 01 - 12)));
        assert_eq!(r.extended_end, SupportDate::On(date!(2030 - 01 - 12)));
        // "Windows" alone is another product, not Windows Server.
        let w = find_release(&rows, "Microsoft Windows", "10").unwrap();
        assert_eq!(w.product, "Windows");
        assert_eq!(w.security_end, SupportDate::On(date!(2025 - 10 - 14)));
        // SQL Server 2016 is its last service pack's date, 14 July 2026.
        let sql = find_release(&rows, "SQL Server", "2016").unwrap();
        assert_eq!(sql.security_end, SupportDate::On(date!(2026 - 07 - 14)));
    }

    #[test]
    fn a_phone_is_matched_by_its_model_with_or_without_the_product_name() {
        let rows = builtin_support();
        let xr = find_device(&rows, "iPhone XR").unwrap();
        assert_eq!(xr.security_end, SupportDate::On(date!(2026 - 04 - 22)));
        assert!(find_device(&rows, "ThinkPad T14").is_none());
    }

    #[test]
    fn the_rule_is_off_for_a_policy_without_its_settings() {
        let rules = SupportRules::from_settings(&[]).unwrap();
        assert!(!rules.replaces(AssetClass::Server));
        assert!(!rules.replace_before);
    }
}

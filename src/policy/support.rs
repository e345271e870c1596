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
/// The shipped `data/support/upgrades.csv`.
pub const BUILTIN_UPGRADES: &str = include_str!("../../data/support/upgrades.csv");
/// The shipped `data/support/windows11-processors.csv`.
pub const BUILTIN_PROCESSORS: &str = include_str!("../../data/support/windows11-processors.csv");
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
    /// For a device, the operating system releases its model runs, first
    /// and last ("iOS", "12", "18"), when the data gives them.
    pub runs_os: Option<(String, String, String)>,
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
            runs_os: parse_runs_os(r.get("runs_os")),
        })
    })
}

/// "iOS 12 - 18" as ("iOS", "12", "18"); "iOS 26" as ("iOS", "26", "26").
fn parse_runs_os(text: &str) -> Option<(String, String, String)> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_digit())?;
    let (os, range) = (text[..split].trim(), text[split..].trim());
    let (first, last) = match range.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (range, range),
    };
    (!os.is_empty() && !last.is_empty())
        .then(|| (os.to_string(), first.to_string(), last.to_string()))
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

/// What an OS upgrade rule asks of the hardware.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeRequires {
    /// The asset's processor runs the release (Windows 11's list).
    Processor,
    /// The asset's model runs a later release (support.csv's `runs_os`).
    Model,
}

/// One row of `data/support/upgrades.csv`: kit on `product` (a cycle
/// starting `from`) whose hardware runs `to` is upgraded, not replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeRule {
    /// The product of the release an asset runs ("Windows").
    pub product: String,
    /// The start of its cycle ("10"), or empty for any.
    pub from: String,
    /// The product upgraded to ("Windows 11", "iOS").
    pub to: String,
    /// What the hardware must allow.
    pub requires: UpgradeRequires,
    /// One upgrade's cost (revenue).
    pub cost_per_device: Money,
    /// Where the cost comes from, and the assumption.
    pub source: String,
}

/// Parses `data/support/upgrades.csv`.
///
/// # Errors
/// A [`PolicyError`] naming the line.
pub fn parse_upgrades(text: &str) -> Result<Vec<UpgradeRule>, PolicyError> {
    read_rows("support/upgrades.csv", text, |r| {
        let requires = match r.get("requires") {
            "processor" => UpgradeRequires::Processor,
            "model" => UpgradeRequires::Model,
            other => return Err(format!("requires `{other}` is not processor or model")),
        };
        let cost = r.get("cost_per_device");
        let cost_per_device = Money::parse_gbp(cost)
            .ok()
            .filter(|m| !m.is_negative() && m.to_pence().is_some())
            .ok_or_else(|| format!("cost_per_device `{cost}` is not a cost in whole pence"))?;
        let (product, to) = (r.get("product"), r.get("to"));
        if product.is_empty() || to.is_empty() {
            return Err("an upgrade row needs a product and what it upgrades to".into());
        }
        Ok(UpgradeRule {
            product: product.to_string(),
            from: r.get("from").to_string(),
            to: to.to_string(),
            requires,
            cost_per_device,
            source: r.source()?,
        })
    })
}

/// One row of `data/support/windows11-processors.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessorRow {
    /// "Intel Core" or "Intel Core Ultra".
    pub family: String,
    /// Its generation (8 for a Core i5-8350U).
    pub generation: u32,
    /// Intel's codename ("Coffee Lake").
    pub codename: String,
    /// True when Microsoft lists it for Windows 11.
    pub windows11: bool,
}

/// Parses `data/support/windows11-processors.csv`.
///
/// # Errors
/// A [`PolicyError`] naming the line.
pub fn parse_processors(text: &str) -> Result<Vec<ProcessorRow>, PolicyError> {
    read_rows("support/windows11-processors.csv", text, |r| {
        r.source()?;
        let generation = r
            .get("generation")
            .parse::<u32>()
            .map_err(|_| format!("generation `{}` is not a number", r.get("generation")))?;
        let windows11 = match r.get("windows11") {
            "yes" => true,
            "no" => false,
            other => return Err(format!("windows11 `{other}` is not yes or no")),
        };
        Ok(ProcessorRow {
            family: r.get("family").to_string(),
            generation,
            codename: r.get("codename").to_string(),
            windows11,
        })
    })
}

/// A processor's family and generation from its name: "Intel Core
/// i5-8350U" is ("Intel Core", 8), "i7-1165G7" ("Intel Core", 11), "Core
/// Ultra 7 155U" ("Intel Core Ultra", 1). None for anything else.
pub fn processor_generation(cpu: &str) -> Option<(&'static str, u32)> {
    let lower = cpu.to_ascii_lowercase();
    if let Some(at) = lower.find("ultra") {
        // "ultra 7 155u": the model number's first digit.
        let digits: String = lower[at + 5..]
            .split_whitespace()
            .find(|w| w.len() >= 3 && w.starts_with(|c: char| c.is_ascii_digit()))?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        return digits[..1].parse().ok().map(|g| ("Intel Core Ultra", g));
    }
    for tier in ["i3", "i5", "i7", "i9"] {
        let Some(at) = lower.find(&format!("{tier}-")) else {
            continue;
        };
        let digits: String = lower[at + 3..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let b = digits.as_bytes();
        let generation = match b.len() {
            3 => 1,
            4 | 5 if b[0] == b'1' && (b'0'..=b'4').contains(&b[1]) => u32::from(b[1] - b'0') + 10,
            4 => u32::from(b[0] - b'0'),
            _ => return None,
        };
        return Some(("Intel Core", generation));
    }
    None
}

/// The support data with what decides OS upgrades.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportData {
    /// `support.csv`.
    pub rows: Vec<SupportRow>,
    /// `upgrades.csv`.
    pub upgrades: Vec<UpgradeRule>,
    /// `windows11-processors.csv`.
    pub processors: Vec<ProcessorRow>,
}

impl SupportData {
    /// The shipped data.
    pub fn builtin() -> Self {
        SupportData {
            rows: builtin_support(),
            upgrades: parse_upgrades(BUILTIN_UPGRADES)
                .expect("invariant: the shipped upgrades are valid (tested)"),
            processors: parse_processors(BUILTIN_PROCESSORS)
                .expect("invariant: the shipped processor list is valid (tested)"),
        }
    }

    /// True when a processor is on Windows 11's list: by its generation,
    /// else by a codename its text names.
    pub fn runs_windows11(&self, cpu: &str) -> bool {
        if let Some((family, generation)) = processor_generation(cpu) {
            return self
                .processors
                .iter()
                .any(|p| p.family == family && p.generation == generation && p.windows11);
        }
        let cpu = fold(cpu);
        self.processors
            .iter()
            .any(|p| p.windows11 && !p.codename.is_empty() && cpu.contains(&fold(&p.codename)))
    }
}

/// An OS upgrade taken instead of a replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsUpgrade {
    /// What it is upgraded to ("Windows 11", "iOS 18").
    pub to: String,
    /// The kit's last supported day once upgraded (the later release's or
    /// its model's, the earlier), or None when no end is announced.
    pub then_end: Option<Date>,
    /// What the last day rests on ("iPhone XR", "iOS 18").
    pub then_on: String,
    /// One upgrade's cost (revenue).
    pub cost: Money,
    /// The assumption the cost and the upgrade rest on.
    pub assumption: String,
}

/// What an asset runs, matched to the support data, with the OS upgrade
/// its hardware allows in place of a replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched<'a> {
    /// The release whose support ends first of its OS's and its model's.
    pub release: &'a SupportRow,
    /// The upgrade, when its OS leaves support before the hardware does
    /// and the hardware runs a later release.
    pub upgrade: Option<OsUpgrade>,
}

/// [`asset_release`] with the OS upgrade the hardware allows: its
/// processor on Windows 11's list for Windows 10, its model's later
/// release for a phone (`upgrades.csv` says which).
pub fn asset_support<'a>(
    data: &'a SupportData,
    os: Option<&str>,
    os_version: Option<&str>,
    model: Option<&str>,
    cpu: Option<&str>,
) -> Option<Matched<'a>> {
    let release = asset_release(&data.rows, os, os_version, model)?;
    let upgrade = (|| {
        let by_os = find_release(&data.rows, os?, os_version?)?;
        let old_end = by_os.security_end.day()?;
        let by_model = model.and_then(|m| find_device(&data.rows, m));
        let model_end = by_model.and_then(|m| m.security_end.day());
        data.upgrades.iter().find_map(|rule| {
            if rule.product != by_os.product || !by_os.cycle.starts_with(&rule.from) {
                return None;
            }
            let (to, then_end, then_on) = match rule.requires {
                UpgradeRequires::Processor => {
                    if !cpu.is_some_and(|c| data.runs_windows11(c)) {
                        return None;
                    }
                    // The later product's feature updates keep it supported:
                    // no end is announced for the product as a whole.
                    let on = by_model.map_or_else(|| rule.to.clone(), SupportRow::name);
                    (rule.to.clone(), model_end, on)
                }
                UpgradeRequires::Model => {
                    let (runs, _, last) = by_model?.runs_os.as_ref()?;
                    if fold(runs) != fold(&rule.to) || fold(last) == fold(&by_os.cycle) {
                        return None;
                    }
                    let target = find_release(&data.rows, runs, last)?;
                    let target_end = target.security_end.day();
                    let (end, on) = match (target_end, model_end) {
                        (Some(t), Some(m)) if t < m => (Some(t), target.name()),
                        (Some(t), None) => (Some(t), target.name()),
                        (_, Some(m)) => (Some(m), by_model?.name()),
                        (None, None) => (None, target.name()),
                    };
                    (format!("{runs} {last}"), end, on)
                }
            };
            // Only worth it when the upgraded kit outlives the old release.
            if then_end.is_some_and(|t| t <= old_end) {
                return None;
            }
            Some(OsUpgrade {
                to,
                then_end,
                then_on,
                cost: rule.cost_per_device,
                assumption: super::citation(&rule.source),
            })
        })
    })();
    Some(Matched { release, upgrade })
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
    fn a_processors_generation_is_read_from_its_name() {
        assert_eq!(
            processor_generation("Intel(R) Core(TM) i5-8350U CPU @ 1.70GHz"),
            Some(("Intel Core", 8))
        );
        assert_eq!(
            processor_generation("Core i7-1165G7"),
            Some(("Intel Core", 11))
        );
        assert_eq!(processor_generation("i5-10210U"), Some(("Intel Core", 10)));
        assert_eq!(processor_generation("i9-14900K"), Some(("Intel Core", 14)));
        assert_eq!(processor_generation("Core i7-920"), Some(("Intel Core", 1)));
        assert_eq!(processor_generation("i3-4130"), Some(("Intel Core", 4)));
        assert_eq!(
            processor_generation("Intel Core Ultra 7 155U"),
            Some(("Intel Core Ultra", 1))
        );
        assert_eq!(processor_generation("AMD Ryzen 5 3500U"), None);
        let data = SupportData::builtin();
        assert!(data.runs_windows11("Intel Core i5-8350U"));
        assert!(!data.runs_windows11("Intel Core i5-7300U"));
        assert!(data.runs_windows11("a Tiger Lake laptop"));
        assert!(!data.runs_windows11("AMD Ryzen 5 3500U"));
    }

    #[test]
    fn a_model_that_runs_a_later_release_is_upgraded_and_one_that_does_not_is_not() {
        let data = SupportData::builtin();
        // iPhone 11 on iOS 17 (ended 13 May 2025): it runs iOS 26, no end announced.
        let m = asset_support(&data, Some("iOS"), Some("17"), Some("iPhone 11"), None).unwrap();
        let u = m.upgrade.unwrap();
        assert_eq!((u.to.as_str(), u.then_end), ("iOS 26", None));
        // iPhone 8 on iOS 16: iOS 16 has no end in the data; nothing to upgrade from.
        let m = asset_support(&data, Some("iOS"), Some("16"), Some("iPhone 8"), None).unwrap();
        assert!(m.upgrade.is_none());
        // Windows 10 with no processor recorded: no upgrade.
        let m = asset_support(&data, Some("Windows"), Some("10 22H2"), None, None).unwrap();
        assert!(m.upgrade.is_none());
        assert_eq!(parse_upgrades(BUILTIN_UPGRADES).unwrap().len(), 3);
    }

    #[test]
    fn the_rule_is_off_for_a_policy_without_its_settings() {
        let rules = SupportRules::from_settings(&[]).unwrap();
        assert!(!rules.replaces(AssetClass::Server));
        assert!(!rules.replace_before);
    }
}

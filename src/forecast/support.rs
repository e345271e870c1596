//! The end-of-support rule over a snapshot: each asset's last supported
//! day (its recorded date, else its release's security end, or extended end
//! where the policy says extended updates are bought), the date its support
//! makes it due, what is unsupported on a given day and what leaves support
//! in each year of a horizon. Pure, like the other engines: the support
//! dates come in with the snapshot, the rule with the assumptions.

use serde::Serialize;
use time::Date;

use super::capital::Horizon;
use super::snapshot::{Snapshot, SnapshotAsset};
use crate::domain::{AssetClass, FinancialYear, Funding, add_years};
use crate::policy::support::{OsUpgrade, SupportRules};

/// An asset's last supported day and what it rests on ("Windows Server
/// 2016", "recorded support end"), when known.
pub fn last_supported_day<'s>(
    snapshot: &'s Snapshot,
    asset: &SnapshotAsset,
    rules: &SupportRules,
) -> Option<(Date, &'s str)> {
    if let Some(day) = asset.support_end {
        return Some((day, "recorded support end"));
    }
    let r = &snapshot.releases()[asset.release? as usize];
    if let Some(extended) = r.extended_end
        && rules.extended_bought(&r.name, &r.recorded)
    {
        return Some((extended, &r.name));
    }
    r.security_end.map(|d| (d, r.name.as_str()))
}

/// The OS upgrade `asset`'s hardware allows instead of a replacement, when
/// it has one (and no recorded support end, which is the kit's own).
pub fn os_upgrade<'s>(snapshot: &'s Snapshot, asset: &SnapshotAsset) -> Option<&'s OsUpgrade> {
    if asset.support_end.is_some() {
        return None;
    }
    snapshot.releases()[asset.release? as usize]
        .upgrade
        .as_ref()
}

/// The last supported day that replaces `asset`: its last supported day,
/// or, when its hardware runs a later release (an OS upgrade), the
/// upgraded kit's last day (none when none is announced).
pub fn replacement_day<'s>(
    snapshot: &'s Snapshot,
    asset: &SnapshotAsset,
    rules: &SupportRules,
) -> Option<(Date, &'s str)> {
    match os_upgrade(snapshot, asset) {
        Some(u) => u.then_end.map(|d| (d, u.then_on.as_str())),
        None => last_supported_day(snapshot, asset, rules),
    }
}

/// The date end of support makes `asset` due, when its class is replaced
/// for support and its last day is known: that day, or a year before it
/// when the policy replaces in the year before. Kit whose OS is upgraded
/// instead is due at the upgraded kit's last day.
pub fn support_due_date(
    snapshot: &Snapshot,
    asset: &SnapshotAsset,
    rules: &SupportRules,
) -> Option<Date> {
    if !rules.replaces(asset.class) {
        return None;
    }
    let (day, _) = replacement_day(snapshot, asset, rules)?;
    Some(if rules.replace_before {
        add_years(day, -1)
    } else {
        day
    })
}

/// Live assets already past their last supported day on a day, counted by
/// class and organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    /// The class.
    pub class: AssetClass,
    /// The organisation's code.
    pub organisation: String,
    /// How many.
    pub count: u64,
    /// Of them, how many the policy replaces for support (not counting kit
    /// whose OS is upgraded instead).
    pub replaced_for_support: u64,
}

/// Live assets whose last supported day is before `on`, by class (in
/// `AssetClass::ALL` order) and organisation code.
pub fn unsupported(snapshot: &Snapshot, rules: &SupportRules, on: Date) -> Vec<Unsupported> {
    let mut out: std::collections::BTreeMap<(usize, &str), (u64, u64)> =
        std::collections::BTreeMap::new();
    for a in snapshot.assets() {
        if !a.status.is_live() {
            continue;
        }
        if let Some((day, _)) = last_supported_day(snapshot, a, rules)
            && day < on
        {
            let class = AssetClass::ALL
                .iter()
                .position(|c| *c == a.class)
                .unwrap_or(usize::MAX);
            let e = out
                .entry((class, snapshot.organisation_code(a.organisation)))
                .or_default();
            e.0 += 1;
            e.1 += u64::from(rules.replaces(a.class) && os_upgrade(snapshot, a).is_none());
        }
    }
    out.into_iter()
        .map(|((class, org), (count, replaced))| Unsupported {
            class: AssetClass::ALL[class],
            organisation: org.to_string(),
            count,
            replaced_for_support: replaced,
        })
        .collect()
}

/// One asset leaving support inside a horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leaving {
    /// The financial year holding its last supported day.
    pub year: FinancialYear,
    /// Its last supported day.
    #[serde(with = "crate::domain::dates::iso_date")]
    pub last_day: Date,
    /// The organisation's code.
    pub organisation: String,
    /// Its tag.
    pub tag: String,
    /// Its class.
    pub class: AssetClass,
    /// What it runs, or "recorded support end".
    pub runs: String,
    /// Whether the policy replaces its class for support.
    pub replaced: bool,
    /// Leased kit is renewed at its lease end, not replaced.
    pub leased: bool,
    /// The release its OS is upgraded to instead of a replacement, when
    /// the hardware runs one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade_to: Option<String>,
}

/// Live assets whose last supported day falls in the horizon (or before
/// it: listed in its first year), by year, day, organisation and tag.
pub fn leaving_support(
    snapshot: &Snapshot,
    rules: &SupportRules,
    horizon: Horizon,
) -> Vec<Leaving> {
    let mut out = Vec::new();
    for a in snapshot.assets() {
        if !a.status.is_live() {
            continue;
        }
        let Some((day, runs)) = last_supported_day(snapshot, a, rules) else {
            continue;
        };
        let year = FinancialYear::containing(day).max(horizon.first);
        if year > horizon.last() {
            continue;
        }
        out.push(Leaving {
            year,
            last_day: day,
            organisation: snapshot.organisation_code(a.organisation).to_string(),
            tag: snapshot.tag(a).to_string(),
            class: a.class,
            runs: runs.to_string(),
            replaced: rules.replaces(a.class),
            leased: a.funding == Funding::Leased,
            upgrade_to: os_upgrade(snapshot, a).map(|u| u.to.clone()),
        });
    }
    out.sort_by(|x, y| {
        (x.year, x.last_day, &x.organisation, &x.tag).cmp(&(
            y.year,
            y.last_day,
            &y.organisation,
            &y.tag,
        ))
    });
    out
}

/// What extended security updates cost each year of the horizon (revenue):
/// per device per year, for each live purchased asset on a release whose
/// updates are bought at a price, in each year from the one holding its
/// security end to the one holding the extended end, until the year the
/// forecast replaces it (not counting that year).
pub fn extended_support_costs(
    snapshot: &Snapshot,
    rules: &SupportRules,
    forecast: &super::capital::CapitalForecast,
) -> Vec<(FinancialYear, crate::domain::Money)> {
    let horizon = forecast.horizon;
    let mut replaced: Vec<Option<FinancialYear>> = vec![None; snapshot.len()];
    for r in &forecast.replacements {
        let slot = &mut replaced[r.asset as usize];
        if let Some(year) = r.funded
            && slot.is_none_or(|y| year < y)
        {
            *slot = Some(year);
        }
    }
    let mut pence = vec![0i64; horizon.years as usize];
    for (i, a) in snapshot.assets().iter().enumerate() {
        if !a.status.is_live() || a.funding == Funding::Leased || a.support_end.is_some() {
            continue;
        }
        let Some(r) = a.release.map(|r| &snapshot.releases()[r as usize]) else {
            continue;
        };
        let (Some(security), Some(extended)) = (r.security_end, r.extended_end) else {
            continue;
        };
        let Some(cost) = rules
            .extended_for(&r.name, &r.recorded)
            .and_then(|e| e.per_device_year)
            .and_then(crate::domain::Money::to_pence)
        else {
            continue;
        };
        let (from, to) = (
            FinancialYear::containing(security),
            FinancialYear::containing(extended),
        );
        for (k, year) in horizon.years().into_iter().enumerate() {
            if year >= from && year <= to && replaced[i].is_none_or(|y| year < y) {
                pence[k] += cost;
            }
        }
    }
    horizon
        .years()
        .into_iter()
        .zip(pence)
        .map(|(y, p)| (y, crate::domain::Money::from_pence(p)))
        .collect()
}

/// One OS upgrade taken instead of a replacement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeItem {
    /// The financial year of the upgrade: the one holding the old
    /// release's last supported day (a year before it when the policy
    /// replaces a year early), or the horizon's first when already past.
    pub year: FinancialYear,
    /// The organisation's code.
    pub organisation: String,
    /// Its tag.
    pub tag: String,
    /// Its class.
    pub class: AssetClass,
    /// What it runs now ("Windows 10 22H2").
    pub from: String,
    /// What it is upgraded to ("Windows 11").
    pub to: String,
    /// The upgrade's cost (revenue).
    pub cost: crate::domain::Money,
}

/// One year's OS upgrades.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeYear {
    /// The year.
    pub year: FinancialYear,
    /// How many devices are upgraded.
    pub count: u64,
    /// What they cost (revenue).
    pub cost: crate::domain::Money,
}

/// The OS upgrades a forecast takes instead of replacements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct OsUpgrades {
    /// Each year of the horizon (empty when there are none at all).
    pub years: Vec<UpgradeYear>,
    /// Each upgrade, by year, organisation and tag.
    pub items: Vec<UpgradeItem>,
    /// The assumptions they rest on (one per upgrade rule used).
    pub assumptions: Vec<String>,
}

impl OsUpgrades {
    /// The cost in each year of the horizon.
    pub fn costs(&self) -> Vec<crate::domain::Money> {
        self.years.iter().map(|y| y.cost).collect()
    }
}

/// The OS upgrades a forecast takes instead of replacements: each live
/// purchased asset of a class the rule replaces for support, whose OS
/// leaves support while its hardware runs a later release, in the year its
/// OS's support ends (from the horizon's first), unless the forecast
/// replaces it in that year or before.
pub fn os_upgrades(
    snapshot: &Snapshot,
    rules: &SupportRules,
    forecast: &super::capital::CapitalForecast,
) -> OsUpgrades {
    let horizon = forecast.horizon;
    let mut replaced: Vec<Option<FinancialYear>> = vec![None; snapshot.len()];
    for r in &forecast.replacements {
        let slot = &mut replaced[r.asset as usize];
        if let Some(year) = r.funded
            && slot.is_none_or(|y| year < y)
        {
            *slot = Some(year);
        }
    }
    let mut out = OsUpgrades::default();
    for (i, a) in snapshot.assets().iter().enumerate() {
        if !a.status.is_live() || a.funding == Funding::Leased || !rules.replaces(a.class) {
            continue;
        }
        let Some(upgrade) = os_upgrade(snapshot, a) else {
            continue;
        };
        let Some((day, from)) = last_supported_day(snapshot, a, rules) else {
            continue;
        };
        let year = FinancialYear::containing(if rules.replace_before {
            add_years(day, -1)
        } else {
            day
        })
        .max(horizon.first);
        if year > horizon.last() || replaced[i].is_some_and(|y| y <= year) {
            continue;
        }
        out.items.push(UpgradeItem {
            year,
            organisation: snapshot.organisation_code(a.organisation).to_string(),
            tag: snapshot.tag(a).to_string(),
            class: a.class,
            from: from.to_string(),
            to: upgrade.to.clone(),
            cost: upgrade.cost,
        });
        if !out.assumptions.contains(&upgrade.assumption) {
            out.assumptions.push(upgrade.assumption.clone());
        }
    }
    if out.items.is_empty() {
        return out;
    }
    out.items
        .sort_by(|x, y| (x.year, &x.organisation, &x.tag).cmp(&(y.year, &y.organisation, &y.tag)));
    out.years = horizon
        .years()
        .into_iter()
        .map(|year| {
            let these = out.items.iter().filter(|u| u.year == year);
            UpgradeYear {
                year,
                count: these.clone().count() as u64,
                cost: these.map(|u| u.cost).sum(),
            }
        })
        .collect();
    out
}

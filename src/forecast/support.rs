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
use crate::policy::support::SupportRules;

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

/// The date end of support makes `asset` due, when its class is replaced
/// for support and its last day is known: that day, or a year before it
/// when the policy replaces in the year before.
pub fn support_due_date(
    snapshot: &Snapshot,
    asset: &SnapshotAsset,
    rules: &SupportRules,
) -> Option<Date> {
    if !rules.replaces(asset.class) {
        return None;
    }
    let (day, _) = last_supported_day(snapshot, asset, rules)?;
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
    /// Of them, how many the policy replaces for support.
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
            e.1 += u64::from(rules.replaces(a.class));
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

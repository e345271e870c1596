//! Scenario levers that change capital, power and carbon together:
//! desktops replaced by thin clients at refresh, server virtualisation (N
//! physical servers onto M hosts) and MFD consolidation to a
//! users-per-device target.
//!
//! Pure: a [`Snapshot`], its [`CapitalForecast`], the capital
//! [`Assumptions`] (for prices and lives), the [`Levers`] and the
//! [`StaffCounts`] in; a [`Plan`] out — which assets are retired or become
//! another class, which devices are added, and how the capital programme
//! changes. The power engine reads the plan; [`compare`] sets the programme
//! with and without it side by side.
//!
//! A lever adjusts the capital forecast it is given rather than re-running
//! it: under a budget cap the levelling is not redone with the new costs
//! (the changes are shown against the same schedule), and a converted or
//! added device keeps the repeat cycle of the class it replaced (hosts use
//! the server life). The rules of each lever are on its field of [`Levers`].

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::capital::{CapitalForecast, Horizon, unit_cost_pence};
use super::power::{Energy, PowerForecast};
use super::snapshot::{Snapshot, SnapshotAsset};
use crate::domain::{AssetClass, FinancialYear, Funding, Money, Rate};

/// Why the levers cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeverError {
    /// A share outside 0-100%.
    #[error("a thin-client share must be between 0% and 100%, not {0}")]
    BadShare(Rate),
    /// Virtualisation asks for more servers than there are.
    #[error("cannot virtualise {asked} servers: the estate has {have} live servers")]
    TooFewServers {
        /// Physical servers asked for.
        asked: u32,
        /// Live servers held.
        have: u32,
    },
    /// A year outside the horizon.
    #[error("{year} is outside the forecast's years ({first} to {last})")]
    YearOutsideHorizon {
        /// The year given.
        year: FinancialYear,
        /// The horizon's first year.
        first: FinancialYear,
        /// Its last year.
        last: FinancialYear,
    },
    /// The policy has no price for a class a lever buys.
    #[error("the policy has no price for class `{0}`")]
    MissingPrice(AssetClass),
    /// A cost too large to compute.
    #[error("a lever's cost is too large to compute")]
    Overflow,
}

/// N physical servers consolidated onto M virtualisation hosts in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Virtualise {
    /// Physical servers retired.
    pub physical: u32,
    /// Hosts bought.
    pub hosts: u32,
    /// The year it happens (the first year of the horizon when not given).
    pub year: Option<FinancialYear>,
}

/// Why a text is not a virtualisation lever.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{text}` is not a virtualisation: {reason} (write SERVERS:HOSTS, e.g. 20:4, or 20:4@2027/28)"
)]
pub struct VirtualiseError {
    /// The text given.
    pub text: String,
    /// What is wrong.
    pub reason: String,
}

impl FromStr for Virtualise {
    type Err = VirtualiseError;

    /// `20:4` (20 servers onto 4 hosts in the first year) or `20:4@2027/28`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| VirtualiseError {
            text: s.to_string(),
            reason: reason.to_string(),
        };
        let (counts, year) = match s.split_once('@') {
            Some((c, y)) => (
                c,
                Some(
                    y.parse::<FinancialYear>()
                        .map_err(|e| err(&e.to_string()))?,
                ),
            ),
            None => (s, None),
        };
        let (physical, hosts) = counts
            .split_once(':')
            .ok_or_else(|| err("no `:` between servers and hosts"))?;
        let number = |t: &str| {
            t.trim()
                .parse::<u32>()
                .map_err(|_| err("counts are whole numbers"))
        };
        let (physical, hosts) = (number(physical)?, number(hosts)?);
        if hosts == 0 || hosts > physical {
            return Err(err("hosts must be at least 1 and no more than the servers"));
        }
        Ok(Virtualise {
            physical,
            hosts,
            year,
        })
    }
}

impl fmt::Display for Virtualise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} servers onto {} hosts", self.physical, self.hosts)?;
        if let Some(y) = self.year {
            write!(f, " in {y}")?;
        }
        Ok(())
    }
}

/// The levers of a scenario. None set is the base.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Levers {
    /// **Thin clients at refresh.** This share of each year's desktop
    /// replacements (rounded half away from zero, taken in organisation
    /// then asset-tag order) are bought as thin clients: the thin-client
    /// class price instead of the desktop's, and the thin-client `current`
    /// power profile. A converted desktop stays a thin client at its later
    /// replacements.
    pub thin_clients: Option<Rate>,
    /// **Server virtualisation.** The N oldest live servers (by in-service
    /// date, unknown last, then organisation and tag) are retired in the
    /// year and M hosts bought then, at the server class price, owned by
    /// the organisation (and site) holding most of those servers; the
    /// servers' replacements from that year on are dropped, the hosts are
    /// re-bought every server life, and they draw the server `current`
    /// profile × PUE.
    pub virtualise: Option<Virtualise>,
    /// **MFD consolidation.** MFDs and printers are cut to one per this
    /// many staff (rounded up) — per site where the site has a staff count,
    /// else per organisation over the staff not at counted sites. The
    /// devices over the target are retired at their refresh (the year their
    /// replacement is funded, or their lease ends) instead of being
    /// replaced: printers first, then earliest refresh, then tag.
    pub mfd_users_per_device: Option<Decimal>,
}

impl Levers {
    /// True when no lever is set.
    pub fn is_empty(&self) -> bool {
        self.thin_clients.is_none()
            && self.virtualise.is_none()
            && self.mfd_users_per_device.is_none()
    }

    /// What the levers are, in words.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.thin_clients {
            parts.push(format!("{s} of desktop replacements as thin clients"));
        }
        if let Some(v) = self.virtualise {
            parts.push(format!("virtualise {v}"));
        }
        if let Some(r) = self.mfd_users_per_device {
            parts.push(format!("MFDs and printers cut to one per {r} staff"));
        }
        if parts.is_empty() {
            "no levers".into()
        } else {
            parts.join("; ")
        }
    }
}

/// Staff counts the MFD lever divides by.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StaffCounts {
    /// By organisation code.
    pub organisations: BTreeMap<String, u32>,
    /// By (organisation code, site name).
    pub sites: BTreeMap<(String, String), u32>,
}

/// Which lever made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lever {
    /// Desktops to thin clients.
    ThinClients,
    /// Server virtualisation.
    Virtualisation,
    /// MFD consolidation.
    MfdConsolidation,
}

/// A device a lever adds (a virtualisation host).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedDevice {
    /// Index of the owning organisation in the snapshot.
    pub organisation: u32,
    /// Index of its site.
    pub site: Option<u32>,
    /// Its class.
    pub class: AssetClass,
    /// The year it is bought and switched on.
    pub from: FinancialYear,
}

/// A change to the capital programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalChange {
    /// The year.
    pub year: FinancialYear,
    /// Index of the organisation it falls on.
    pub organisation: u32,
    /// The class bought (or not bought).
    pub class: AssetClass,
    /// The change in pence (negative: spending removed).
    pub pence: i64,
    /// The lever.
    pub lever: Lever,
}

/// What one lever did, in counts and words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverSummary {
    /// The lever.
    pub lever: Lever,
    /// Devices retired, converted or added.
    pub devices: u64,
    /// What happened.
    pub description: String,
}

/// The levers applied to one capital forecast.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// Per snapshot asset: the year from which it is gone.
    retired: Vec<Option<FinancialYear>>,
    /// Per snapshot asset: the class its replacements are, from a year.
    converted: Vec<Option<(AssetClass, FinancialYear)>>,
    /// Devices added.
    pub added: Vec<AddedDevice>,
    /// Changes to the capital programme.
    pub capital: Vec<CapitalChange>,
    /// What each lever did.
    pub summary: Vec<LeverSummary>,
    /// What could not be done, and why.
    pub notes: Vec<String>,
}

impl Plan {
    /// The year asset `index` is retired from, if a lever retires it.
    pub fn retired(&self, index: usize) -> Option<FinancialYear> {
        self.retired.get(index).copied().flatten()
    }

    /// The class asset `index` is replaced by from a year, if a lever
    /// changes it.
    pub fn converted(&self, index: usize) -> Option<(AssetClass, FinancialYear)> {
        self.converted.get(index).copied().flatten()
    }

    /// The capital change per year of `horizon`.
    pub fn capital_by_year(&self, horizon: Horizon) -> Vec<Money> {
        horizon
            .years()
            .into_iter()
            .map(|y| {
                Money::from_pence(
                    self.capital
                        .iter()
                        .filter(|c| c.year == y)
                        .map(|c| c.pence)
                        .sum(),
                )
            })
            .collect()
    }
}

/// Applies `levers` to `capital`, a forecast of `snapshot` under
/// `assumptions`.
///
/// # Errors
/// A lever that cannot apply to this estate (see [`LeverError`]).
pub fn plan(
    snapshot: &Snapshot,
    capital: &CapitalForecast,
    assumptions: &Assumptions,
    levers: &Levers,
    staff: &StaffCounts,
) -> Result<Plan, LeverError> {
    let n = snapshot.len();
    let mut plan = Plan {
        retired: vec![None; n],
        converted: vec![None; n],
        ..Plan::default()
    };
    if levers.is_empty() {
        return Ok(Plan::default());
    }
    let prices = Prices { assumptions };
    if let Some(v) = levers.virtualise {
        virtualise(snapshot, capital, &prices, v, &mut plan)?;
    }
    if let Some(ratio) = levers.mfd_users_per_device {
        consolidate_mfds(snapshot, capital, ratio, staff, &mut plan);
    }
    if let Some(share) = levers.thin_clients {
        thin_clients(snapshot, capital, &prices, share, &mut plan)?;
    }
    Ok(plan)
}

/// Class prices at a year's prices, by the capital forecast's rule.
struct Prices<'a> {
    assumptions: &'a Assumptions,
}

impl Prices<'_> {
    fn pence(&self, class: AssetClass, year: FinancialYear) -> Result<i64, LeverError> {
        let unit = self
            .assumptions
            .class_price(class)
            .ok_or(LeverError::MissingPrice(class))?;
        unit_cost_pence(
            unit,
            self.assumptions.inflation,
            self.assumptions.price_base,
            year,
        )
        .map_err(|_| LeverError::Overflow)
    }
}

fn asset_order(snapshot: &Snapshot, a: &SnapshotAsset, b: &SnapshotAsset) -> std::cmp::Ordering {
    snapshot
        .organisation_code(a.organisation)
        .cmp(snapshot.organisation_code(b.organisation))
        .then_with(|| snapshot.tag(a).cmp(snapshot.tag(b)))
}

fn thin_clients(
    snapshot: &Snapshot,
    capital: &CapitalForecast,
    prices: &Prices<'_>,
    share: Rate,
    plan: &mut Plan,
) -> Result<(), LeverError> {
    if share.fraction() < Decimal::ZERO || share.fraction() > Decimal::ONE {
        return Err(LeverError::BadShare(share));
    }
    let assets = snapshot.assets();
    let mut converted = 0u64;
    for year in capital.horizon.years() {
        let mut due: Vec<&super::capital::Replacement> = capital
            .replacements
            .iter()
            .filter(|r| {
                r.funded == Some(year) && assets[r.asset as usize].class == AssetClass::Desktop
            })
            .filter(|r| plan.retired(r.asset as usize).is_none())
            .collect();
        due.sort_by(|a, b| {
            asset_order(
                snapshot,
                &assets[a.asset as usize],
                &assets[b.asset as usize],
            )
        });
        let (already, first_time): (Vec<&super::capital::Replacement>, Vec<_>) = due
            .into_iter()
            .partition(|r| plan.converted(r.asset as usize).is_some());
        let count = Decimal::from(first_time.len() as u64) * share.fraction();
        let take = usize::try_from(
            count
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .mantissa(),
        )
        .unwrap_or(0);
        let thin = prices.pence(AssetClass::ThinClient, year)?;
        for r in first_time.into_iter().take(take).chain(already) {
            let i = r.asset as usize;
            if plan.converted[i].is_none() {
                plan.converted[i] = Some((AssetClass::ThinClient, year));
                converted += 1;
            }
            let org = assets[i].organisation;
            plan.capital.push(CapitalChange {
                year,
                organisation: org,
                class: AssetClass::Desktop,
                pence: -r.cost_pence,
                lever: Lever::ThinClients,
            });
            plan.capital.push(CapitalChange {
                year,
                organisation: org,
                class: AssetClass::ThinClient,
                pence: thin,
                lever: Lever::ThinClients,
            });
        }
    }
    plan.summary.push(LeverSummary {
        lever: Lever::ThinClients,
        devices: converted,
        description: format!(
            "{share} of desktop replacements bought as thin clients: {converted} desktops become thin clients"
        ),
    });
    Ok(())
}

fn virtualise(
    snapshot: &Snapshot,
    capital: &CapitalForecast,
    prices: &Prices<'_>,
    v: Virtualise,
    plan: &mut Plan,
) -> Result<(), LeverError> {
    let horizon = capital.horizon;
    let year = v.year.unwrap_or(horizon.first);
    if year < horizon.first || year > horizon.last() {
        return Err(LeverError::YearOutsideHorizon {
            year,
            first: horizon.first,
            last: horizon.last(),
        });
    }
    let assets = snapshot.assets();
    let mut servers: Vec<u32> = (0..assets.len())
        .filter(|i| assets[*i].class == AssetClass::Server && assets[*i].status.is_live())
        .map(|i| u32::try_from(i).expect("invariant: snapshot indexes fit u32"))
        .collect();
    let have = u32::try_from(servers.len()).unwrap_or(u32::MAX);
    if v.physical > have {
        return Err(LeverError::TooFewServers {
            asked: v.physical,
            have,
        });
    }
    servers.sort_by(|a, b| {
        let (x, y) = (&assets[*a as usize], &assets[*b as usize]);
        (x.in_service.is_none(), x.in_service)
            .cmp(&(y.in_service.is_none(), y.in_service))
            .then_with(|| asset_order(snapshot, x, y))
    });
    servers.truncate(v.physical as usize);
    for s in &servers {
        plan.retired[*s as usize] = Some(year);
    }
    for r in &capital.replacements {
        if let Some(funded) = r.funded.filter(|f| *f >= year)
            && plan.retired(r.asset as usize).is_some()
            && assets[r.asset as usize].class == AssetClass::Server
        {
            plan.capital.push(CapitalChange {
                year: funded,
                organisation: assets[r.asset as usize].organisation,
                class: AssetClass::Server,
                pence: -r.cost_pence,
                lever: Lever::Virtualisation,
            });
        }
    }
    // The hosts belong where most of the servers were.
    let organisation = most_common(
        servers.iter().map(|s| assets[*s as usize].organisation),
        |o| snapshot.organisation_code(*o).to_string(),
    )
    .unwrap_or(0);
    let site = most_common(
        servers
            .iter()
            .map(|s| &assets[*s as usize])
            .filter(|a| a.organisation == organisation)
            .filter_map(|a| a.site),
        |s| snapshot.sites()[*s as usize].name.clone(),
    );
    let life = i32::try_from(
        prices
            .assumptions
            .class_life(AssetClass::Server)
            .unwrap_or(1)
            .max(1),
    )
    .unwrap_or(1);
    for _ in 0..v.hosts {
        plan.added.push(AddedDevice {
            organisation,
            site,
            class: AssetClass::Server,
            from: year,
        });
        let mut buy = year;
        while buy <= horizon.last() {
            plan.capital.push(CapitalChange {
                year: buy,
                organisation,
                class: AssetClass::Server,
                pence: prices.pence(AssetClass::Server, buy)?,
                lever: Lever::Virtualisation,
            });
            buy = buy.offset(life);
        }
    }
    plan.summary.push(LeverSummary {
        lever: Lever::Virtualisation,
        devices: u64::from(v.physical),
        description: format!(
            "the {} oldest servers retired in {year} onto {} hosts ({})",
            v.physical,
            v.hosts,
            snapshot.organisation_code(organisation)
        ),
    });
    Ok(())
}

/// The most common value (ties to the smallest `key`).
fn most_common<T: Copy + Ord>(
    items: impl Iterator<Item = T>,
    key: impl Fn(&T) -> String,
) -> Option<T> {
    let mut counts: BTreeMap<T, u64> = BTreeMap::new();
    for i in items {
        *counts.entry(i).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| key(b).cmp(&key(a))))
        .map(|(t, _)| t)
}

/// A consolidation group: a site with a staff count, or the rest of an
/// organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Site(u32),
    Organisation(u32),
}

fn consolidate_mfds(
    snapshot: &Snapshot,
    capital: &CapitalForecast,
    ratio: Decimal,
    staff: &StaffCounts,
    plan: &mut Plan,
) {
    let horizon = capital.horizon;
    let assets = snapshot.assets();
    let mut refresh: Vec<Option<FinancialYear>> = vec![None; assets.len()];
    for r in &capital.replacements {
        if let Some(y) = r.funded {
            let slot = &mut refresh[r.asset as usize];
            *slot = Some(slot.map_or(y, |s| s.min(y)));
        }
    }
    let site_staff = |s: u32| {
        let p = &snapshot.sites()[s as usize];
        staff
            .sites
            .get(&(
                snapshot.organisation_code(p.organisation).to_string(),
                p.name.clone(),
            ))
            .copied()
    };
    let mut groups: BTreeMap<Group, Vec<u32>> = BTreeMap::new();
    for (i, a) in assets.iter().enumerate() {
        if !matches!(a.class, AssetClass::Mfd | AssetClass::Printer) || !a.status.is_live() {
            continue;
        }
        let group = match a.site.filter(|s| site_staff(*s).is_some()) {
            Some(s) => Group::Site(s),
            None => Group::Organisation(a.organisation),
        };
        let i = u32::try_from(i).expect("invariant: snapshot indexes fit u32");
        groups.entry(group).or_default().push(i);
        if a.funding == Funding::Leased {
            refresh[i as usize] = a
                .lease_end
                .map(|d| FinancialYear::containing(d).max(horizon.first))
                .filter(|y| *y <= horizon.last());
        }
    }
    let mut retired_total = 0u64;
    let mut short = 0u64;
    for (group, devices) in groups {
        let (name, people) = match group {
            Group::Site(s) => {
                let p = &snapshot.sites()[s as usize];
                (p.name.clone(), site_staff(s))
            }
            Group::Organisation(o) => {
                let code = snapshot.organisation_code(o);
                let counted: u32 = staff
                    .sites
                    .iter()
                    .filter(|((org, _), _)| org == code)
                    .map(|(_, n)| *n)
                    .sum();
                (
                    code.to_string(),
                    staff
                        .organisations
                        .get(code)
                        .map(|n| n.saturating_sub(counted)),
                )
            }
        };
        let Some(people) = people else {
            plan.notes.push(format!(
                "{name}: no staff count, so its {} MFDs and printers are not consolidated (set one with `estate orgs staff`)",
                devices.len()
            ));
            continue;
        };
        let target = (Decimal::from(people) / ratio).ceil();
        let held = Decimal::from(devices.len() as u64);
        if held <= target {
            continue;
        }
        let excess = usize::try_from((held - target).mantissa()).unwrap_or(0);
        let mut candidates: Vec<u32> = devices
            .into_iter()
            .filter(|i| refresh[*i as usize].is_some())
            .collect();
        candidates.sort_by(|a, b| {
            let (x, y) = (&assets[*a as usize], &assets[*b as usize]);
            (x.class != AssetClass::Printer, refresh[*a as usize])
                .cmp(&(y.class != AssetClass::Printer, refresh[*b as usize]))
                .then_with(|| asset_order(snapshot, x, y))
        });
        if candidates.len() < excess {
            short += (excess - candidates.len()) as u64;
        }
        for i in candidates.into_iter().take(excess) {
            plan.retired[i as usize] = refresh[i as usize];
            retired_total += 1;
        }
    }
    for r in &capital.replacements {
        let a = &assets[r.asset as usize];
        if let Some(funded) = r.funded
            && matches!(a.class, AssetClass::Mfd | AssetClass::Printer)
            && plan.retired(r.asset as usize).is_some_and(|y| y <= funded)
        {
            plan.capital.push(CapitalChange {
                year: funded,
                organisation: a.organisation,
                class: a.class,
                pence: -r.cost_pence,
                lever: Lever::MfdConsolidation,
            });
        }
    }
    if short > 0 {
        plan.notes.push(format!(
            "{short} more MFDs and printers are over the target but not due for refresh within the forecast"
        ));
    }
    plan.summary.push(LeverSummary {
        lever: Lever::MfdConsolidation,
        devices: retired_total,
        description: format!(
            "MFDs and printers cut to one per {ratio} staff: {retired_total} retired at refresh instead of replaced"
        ),
    });
}

/// Capital and the power forecast after replacements, without and with a
/// plan, year by year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverComparison {
    /// The years.
    pub years: Vec<FinancialYear>,
    /// The levers, in words.
    pub levers: String,
    /// Funded capital per year without the levers.
    pub capital_base: Vec<Money>,
    /// … with them.
    pub capital_levers: Vec<Money>,
    /// `levers − base`.
    pub capital_change: Vec<Money>,
    /// Energy after replacements per year without the levers.
    pub power_base: Vec<Energy>,
    /// … with them.
    pub power_levers: Vec<Energy>,
    /// `levers − base` (negative is a saving).
    pub power_change: Vec<Energy>,
    /// What each lever did.
    pub summary: Vec<LeverSummary>,
    /// What could not be done.
    pub notes: Vec<String>,
}

/// Sets the programme without and with `plan` side by side: capital from
/// `capital` and the plan's changes, power from the two power forecasts'
/// after-replacement figures.
pub fn compare(
    capital: &CapitalForecast,
    levers: &Levers,
    plan: &Plan,
    base: &PowerForecast,
    with: &PowerForecast,
) -> LeverComparison {
    let capital_base: Vec<Money> = capital.summary.iter().map(|s| s.funded.value).collect();
    let capital_levers = capital_with(capital, plan);
    let after = |f: &PowerForecast| f.totals.iter().map(|t| t.figures.after).collect();
    side_by_side(
        capital.horizon.years(),
        levers.describe(),
        (capital_base, capital_levers),
        (after(base), after(with)),
        plan,
    )
}

/// Capital per year with `plan`'s levers: the forecast's funded capital
/// plus what the levers change.
pub fn capital_with(capital: &CapitalForecast, plan: &Plan) -> Vec<Money> {
    capital
        .summary
        .iter()
        .zip(plan.capital_by_year(capital.horizon))
        .map(|(s, c)| s.funded.value + c)
        .collect()
}

/// Two programmes' capital and energy after replacements per year side by
/// side, with the change (`other − base`; negative is a saving) and what
/// `plan` (the other's levers) did: the arithmetic of [`compare`], shared
/// with the comparison of two scenarios.
pub fn side_by_side(
    years: Vec<FinancialYear>,
    levers: String,
    (capital_base, capital_levers): (Vec<Money>, Vec<Money>),
    (power_base, power_levers): (Vec<Energy>, Vec<Energy>),
    plan: &Plan,
) -> LeverComparison {
    let capital_change = capital_base
        .iter()
        .zip(&capital_levers)
        .map(|(b, o)| *o - *b)
        .collect();
    let power_change = power_base
        .iter()
        .zip(&power_levers)
        .map(|(b, w)| Energy {
            kwh: w.kwh - b.kwh,
            cost: w.cost - b.cost,
            kg_co2e: w.kg_co2e - b.kg_co2e,
        })
        .collect();
    LeverComparison {
        years,
        levers,
        capital_base,
        capital_levers,
        capital_change,
        power_base,
        power_levers,
        power_change,
        summary: plan.summary.clone(),
        notes: plan.notes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::capital;
    use crate::forecast::power::{self, PowerAssumptions};
    use crate::forecast::snapshot::AssetInput;
    use crate::policy::Defaults;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn policy() -> Assumptions {
        Assumptions::from_defaults(&Defaults::builtin()).unwrap()
    }

    fn run(
        s: &Snapshot,
        levers: &Levers,
        staff: &StaffCounts,
    ) -> (CapitalForecast, Plan, LeverComparison) {
        let capital =
            capital::forecast(s, &policy(), Horizon::new(fy("2026/27"), 5).unwrap()).unwrap();
        let plan = plan(s, &capital, &policy(), levers, staff).unwrap();
        let pa = PowerAssumptions::from_defaults(&Defaults::builtin(), Vec::new()).unwrap();
        let base = power::forecast(s, &capital, &pa, &Plan::default()).unwrap();
        let with = power::forecast(s, &capital, &pa, &plan).unwrap();
        let cmp = compare(&capital, levers, &plan, &base, &with);
        (capital, plan, cmp)
    }

    /// `n` assets of `class` at BCW, tagged PREFIX01…, in service on `in_service`.
    fn fleet(class: AssetClass, prefix: &str, n: u32, in_service: time::Date) -> Snapshot {
        let mut s = Snapshot::new();
        let tags: Vec<String> = (1..=n).map(|i| format!("{prefix}{i:02}")).collect();
        for tag in &tags {
            let mut a = AssetInput::new("BCW", tag, class);
            a.in_service = Some(in_service);
            s.push(&a).unwrap();
        }
        s
    }

    fn desktops(n: u32) -> Snapshot {
        fleet(AssetClass::Desktop, "PC", n, date!(2021 - 06 - 01))
    }

    #[test]
    fn half_the_desktops_become_thin_clients_at_refresh() {
        // Ten desktops due in 2026/27 at £600.00 each; 50% → 5 become thin
        // clients at the thin-client price, £300.00 (price base 2026/27).
        // Capital: −5 × £600 + 5 × £300 = −£1,500.00 in 2026/27.
        // Power after replacement, 2026/27: 5 × 100 kWh (desktop current) +
        // 5 × 31 kWh (thin client current) = 655 kWh instead of 1,000: a
        // change of −345 kWh, −345 × £0.24 = −£82.80, −345 × 0.19553 =
        // −67.45785 kg.
        let levers = Levers {
            thin_clients: Some("50%".parse().unwrap()),
            ..Levers::default()
        };
        let (_, plan, cmp) = run(&desktops(10), &levers, &StaffCounts::default());
        assert_eq!(plan.summary[0].devices, 5);
        assert_eq!(cmp.capital_base[0], Money::from_pence(600_000));
        assert_eq!(cmp.capital_change[0], Money::from_pence(-150_000));
        assert_eq!(cmp.capital_levers[0], Money::from_pence(450_000));
        assert_eq!(cmp.power_levers[0].kwh, d("655"));
        assert_eq!(cmp.power_change[0].kwh, d("-345"));
        assert_eq!(cmp.power_change[0].cost, Money::from_pence(-8_280));
        assert_eq!(cmp.power_change[0].kg_co2e, d("-67.45785"));
        assert!(cmp.capital_change[1..].iter().all(|m| m.is_zero()));
    }

    #[test]
    fn a_share_of_an_odd_count_rounds_half_away_from_zero() {
        let levers = Levers {
            thin_clients: Some("50%".parse().unwrap()),
            ..Levers::default()
        };
        // 3 desktops × 50% = 1.5 → 2.
        let (_, plan, _) = run(&desktops(3), &levers, &StaffCounts::default());
        assert_eq!(plan.summary[0].devices, 2);
    }

    #[test]
    fn twenty_servers_onto_four_hosts() {
        // Twenty servers in service 2025-01-01 (life 3: due 2027/28); they
        // are virtualised in 2026/27 onto 4 hosts at £10,000.00 each.
        // Capital: +4 × £10,000.00 in 2026/27; −20 × £10,200.00 (the
        // 2027/28 price, 2% on) in 2027/28; the hosts come round again in
        // 2029/30 at £10,612.08 (10,000 × 1.02³), +4 × = £42,448.32.
        // Power after replacement, 2026/27: the 20 legacy servers, 20 ×
        // 5,584.5 = 111,690 kWh, become 4 hosts × 4,599 = 18,396 kWh:
        // −93,294 kWh, −£22,390.56, −93,294 × 0.19553 = −18,241.77582 kg.
        let s = fleet(AssetClass::Server, "SRV", 20, date!(2025 - 01 - 01));
        let levers = Levers {
            virtualise: Some("20:4".parse().unwrap()),
            ..Levers::default()
        };
        let (_, _, cmp) = run(&s, &levers, &StaffCounts::default());
        assert_eq!(cmp.capital_change[0], Money::from_pence(4_000_000));
        assert_eq!(cmp.capital_change[1], Money::from_pence(-20_400_000));
        assert_eq!(cmp.capital_change[3], Money::from_pence(4_244_832));
        assert_eq!(cmp.power_base[0].kwh, d("111690"));
        assert_eq!(cmp.power_levers[0].kwh, d("18396"));
        assert_eq!(cmp.power_change[0].cost, Money::from_pence(-2_239_056));
        assert_eq!(cmp.power_change[0].kg_co2e, d("-18241.77582"));
    }

    #[test]
    fn mfds_are_cut_to_the_users_per_device_target_at_refresh() {
        // 140 staff, 12 MFDs due 2026/27, target 14 staff per device →
        // ceil(140 / 14) = 10 kept, 2 retired at refresh: −2 × £4,500.00
        // (the MFD class price) in 2026/27, and 2 × 60 kWh (current MFD
        // profile) less after replacement.
        let s = fleet(AssetClass::Mfd, "MFD", 12, date!(2021 - 06 - 01));
        let staff = StaffCounts {
            organisations: BTreeMap::from([("BCW".to_string(), 140)]),
            ..StaffCounts::default()
        };
        let levers = Levers {
            mfd_users_per_device: Some(d("14")),
            ..Levers::default()
        };
        let (_, plan, cmp) = run(&s, &levers, &staff);
        assert_eq!(plan.summary[0].devices, 2);
        assert_eq!(cmp.capital_change[0], Money::from_pence(-900_000));
        assert_eq!(cmp.power_change[0].kwh, d("-120"));
        // With no staff count nothing is consolidated, and a note says why.
        let (_, plan, _) = run(&s, &levers, &StaffCounts::default());
        assert_eq!(plan.summary[0].devices, 0);
        assert!(
            plan.notes[0].starts_with("BCW: no staff count"),
            "{:?}",
            plan.notes
        );
    }

    #[test]
    fn virtualisation_is_read_as_people_write_it() {
        let v: Virtualise = "20:4@2027/28".parse().unwrap();
        assert_eq!((v.physical, v.hosts, v.year), (20, 4, Some(fy("2027/28"))));
        assert!("4:20".parse::<Virtualise>().is_err());
        assert_eq!(
            "twenty".parse::<Virtualise>().unwrap_err().to_string(),
            "`twenty` is not a virtualisation: no `:` between servers and hosts (write \
             SERVERS:HOSTS, e.g. 20:4, or 20:4@2027/28)"
        );
    }
}

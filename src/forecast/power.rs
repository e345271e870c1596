//! The power and carbon forecast: each live asset's annual energy, priced
//! at each year's tariff and turned into carbon with each year's grid
//! factor — for the estate as it stands and as it will be after the capital
//! forecast's replacements (and any scenario levers), with the saving.
//!
//! Pure: a [`Snapshot`] (whose assets carry their own energy figures), its
//! [`CapitalForecast`], the [`PowerAssumptions`] and a lever [`Plan`] in; a
//! [`PowerForecast`] out. No database, files, environment or clock. The
//! rules:
//!
//! - **Which assets.** Every live asset (in use or in store), purchased or
//!   leased — leased kit draws power too. Retired, disposed and lost kit is
//!   out.
//! - **Energy as it stands.** The asset's own override (kWh a year, or
//!   watts × hours a year; watts with no hours run all 8,760 hours), else
//!   the certified profile for its manufacturer + model (imported from
//!   ENERGY STAR; matched ignoring case, spaces and hyphens), else its
//!   class's `legacy` profile. Servers and storage are then multiplied by
//!   the server room's PUE (a setting), whatever the source.
//! - **After replacements.** From the first year the capital forecast funds
//!   an asset's replacement, the asset takes its class's `current` profile
//!   (× PUE for servers and storage) for the whole of that year and every
//!   year after. Unfunded replacements change nothing. A lever can instead
//!   retire the asset (consolidation), change the class it is replaced by
//!   (thin clients), or add devices (virtualisation hosts).
//! - **Tariff.** The year's £/kWh; a year not listed takes the nearest
//!   listed year before it (the first listed year for a year before them
//!   all).
//! - **Carbon.** kgCO2e = kWh × (generation + transmission & distribution)
//!   of the GHG conversion factors edition for the calendar year the
//!   financial year starts in (DESNZ's "greatest portion of the data" rule:
//!   2025/26 uses the 2025 edition); a year after the newest edition uses
//!   the newest, a year before the oldest uses the oldest.
//! - **Rounding.** Only money is rounded: each asset's cost for a year,
//!   `kWh × tariff`, is rounded to the penny (half away from zero); every
//!   total is a sum of those pennies. kWh and kgCO2e are exact.
//! - **Organisations.** A shared service's figures are apportioned to its
//!   members by their ratios: money by largest remainder (the parts add up
//!   to the penny), kWh and carbon exactly.

use std::collections::BTreeMap;
use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::capital::{CapitalForecast, Horizon};
use super::levers::Plan;
use super::snapshot::{Snapshot, SnapshotAsset};
use crate::domain::asset_class::ByClass;
use crate::domain::{AssetClass, FinancialYear, Money, enums::normalise_word};
use crate::policy::{CarbonFactor, Defaults, Generation, PowerProfile, Tariff};

/// Hours in a (non-leap) year: the hours assumed for a watts figure given
/// without hours.
pub const HOURS_PER_YEAR: u32 = 8_760;

/// Why a power forecast cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PowerError {
    /// No tariff at all.
    #[error("the policy has no electricity tariffs; reload the defaults with `estate policy load`")]
    NoTariffs,
    /// No carbon factor at all.
    #[error("the policy has no carbon factors; reload the defaults with `estate policy load`")]
    NoCarbonFactors,
    /// A class has no profile for a generation.
    #[error(
        "the policy has no {generation} power profile for class `{class}`; reload the defaults with `estate policy load`"
    )]
    MissingProfile {
        /// The class.
        class: AssetClass,
        /// legacy or current.
        generation: &'static str,
    },
    /// The PUE setting is missing or not a number of at least 1.
    #[error(
        "policy setting `pue` = `{0}` is not a power usage effectiveness (a number of 1 or more)"
    )]
    BadPue(String),
    /// A figure too large to hold.
    #[error("an energy cost is too large to compute")]
    Overflow,
}

/// Certified annual energy for one manufacturer + model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelProfile {
    /// Manufacturer, as the register writes it.
    pub manufacturer: String,
    /// Model, as the register writes it.
    pub model: String,
    /// Typical energy in kWh a year (before PUE).
    pub kwh_per_year: Decimal,
    /// Where the figure comes from.
    pub source: String,
}

/// An asset's own energy figure, overriding every profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EnergyOverride {
    /// kWh a year.
    pub kwh_per_year: Option<Decimal>,
    /// Average draw in watts.
    pub watts: Option<Decimal>,
    /// Hours a year at that draw (8,760 when not given).
    pub hours_per_year: Option<u32>,
}

impl EnergyOverride {
    /// The annual energy it gives, if it gives one.
    pub fn annual_kwh(&self) -> Option<Decimal> {
        self.kwh_per_year.or_else(|| {
            self.watts.map(|w| {
                w * Decimal::from(self.hours_per_year.unwrap_or(HOURS_PER_YEAR))
                    / Decimal::ONE_THOUSAND
            })
        })
    }
}

/// Everything a power forecast assumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerAssumptions {
    /// Legacy and current profiles per class.
    pub class_profiles: Vec<PowerProfile>,
    /// Certified profiles per manufacturer + model.
    pub model_profiles: Vec<ModelProfile>,
    /// Server-room power usage effectiveness (multiplies servers and storage).
    pub pue: Decimal,
    /// £/kWh per financial year.
    pub tariffs: Vec<Tariff>,
    /// Grid carbon factors by edition.
    pub carbon_factors: Vec<CarbonFactor>,
}

impl PowerAssumptions {
    /// The assumptions the policy gives, with the model profiles imported
    /// into the register.
    ///
    /// # Errors
    /// A missing or malformed `pue`, no tariffs, no carbon factors, or a
    /// class without both profiles.
    pub fn from_defaults(
        defaults: &Defaults,
        model_profiles: Vec<ModelProfile>,
    ) -> Result<Self, PowerError> {
        let pue_text = defaults
            .settings
            .iter()
            .find(|s| s.key == "pue")
            .map_or("", |s| s.value.as_str());
        let pue = pue_text
            .trim()
            .parse::<Decimal>()
            .ok()
            .filter(|p| *p >= Decimal::ONE)
            .ok_or_else(|| PowerError::BadPue(pue_text.to_string()))?;
        let a = PowerAssumptions {
            class_profiles: defaults.power_profiles.clone(),
            model_profiles,
            pue,
            tariffs: defaults.tariffs.clone(),
            carbon_factors: defaults.carbon_factors.clone(),
        };
        a.validate()?;
        Ok(a)
    }

    /// Checks there is a tariff, a carbon factor and both profiles per class.
    ///
    /// # Errors
    /// The first thing missing.
    pub fn validate(&self) -> Result<(), PowerError> {
        if self.tariffs.is_empty() {
            return Err(PowerError::NoTariffs);
        }
        if self.carbon_factors.is_empty() {
            return Err(PowerError::NoCarbonFactors);
        }
        for class in AssetClass::ALL {
            for generation in [Generation::Legacy, Generation::Current] {
                if self.profile(*class, generation).is_none() {
                    return Err(PowerError::MissingProfile {
                        class: *class,
                        generation: generation.as_str(),
                    });
                }
            }
        }
        Ok(())
    }

    fn profile(&self, class: AssetClass, generation: Generation) -> Option<&PowerProfile> {
        self.class_profiles
            .iter()
            .find(|p| p.class == class && p.generation == generation)
    }

    /// The tariff `year` uses: its own, else the nearest listed year before
    /// it, else the first listed.
    pub fn tariff(&self, year: FinancialYear) -> Option<&Tariff> {
        self.tariffs
            .iter()
            .filter(|t| t.year <= year)
            .max_by_key(|t| t.year)
            .or_else(|| self.tariffs.iter().min_by_key(|t| t.year))
    }

    /// The carbon factor edition `year` uses: the edition of the calendar
    /// year it starts in, else the newest edition before that, else the
    /// oldest.
    pub fn carbon_factor(&self, year: FinancialYear) -> Option<&CarbonFactor> {
        let calendar = year.start_year();
        self.carbon_factors
            .iter()
            .filter(|f| f.edition <= calendar)
            .max_by_key(|f| f.edition)
            .or_else(|| self.carbon_factors.iter().min_by_key(|f| f.edition))
    }
}

/// True for the classes that sit in a server room and carry its PUE.
pub fn in_server_room(class: AssetClass) -> bool {
    matches!(class, AssetClass::Server | AssetClass::Storage)
}

/// Energy, its cost and its carbon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Energy {
    /// Kilowatt-hours.
    pub kwh: Decimal,
    /// What they cost.
    pub cost: Money,
    /// Kilograms of CO2 equivalent.
    pub kg_co2e: Decimal,
}

impl Energy {
    /// Tonnes of CO2 equivalent (exact).
    pub fn tonnes_co2e(&self) -> Decimal {
        self.kg_co2e / Decimal::ONE_THOUSAND
    }

    /// `count` of the same: exact, as adding it `count` times is.
    fn times(self, count: u64) -> Result<Energy, PowerError> {
        let n = Decimal::from(count);
        Ok(Energy {
            kwh: self.kwh.checked_mul(n).ok_or(PowerError::Overflow)?,
            cost: self.cost.times(count).ok_or(PowerError::Overflow)?,
            kg_co2e: self.kg_co2e.checked_mul(n).ok_or(PowerError::Overflow)?,
        })
    }

    fn add(&mut self, other: Energy) {
        self.kwh += other.kwh;
        self.cost += other.cost;
        self.kg_co2e += other.kg_co2e;
    }

    /// The same figures with trailing zeros dropped (`1018.0` → `1018`).
    fn normalized(self) -> Energy {
        Energy {
            kwh: self.kwh.normalize(),
            cost: self.cost,
            kg_co2e: self.kg_co2e.normalize(),
        }
    }

    fn minus(self, other: Energy) -> Energy {
        Energy {
            kwh: self.kwh - other.kwh,
            cost: self.cost - other.cost,
            kg_co2e: self.kg_co2e - other.kg_co2e,
        }
    }
}

/// One year's energy as the estate stands, after the replacements, and the
/// saving (stands − after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PowerFigures {
    /// The estate as it stands, every year.
    pub stands: Energy,
    /// After the forecast's replacements (and levers).
    pub after: Energy,
    /// `stands − after`.
    pub saving: Energy,
}

impl PowerFigures {
    fn add(&mut self, other: &PowerFigures) {
        self.stands.add(other.stands);
        self.after.add(other.after);
        self.saving.add(other.saving);
    }

    fn normalize(&mut self) {
        self.stands = self.stands.normalized();
        self.after = self.after.normalized();
        self.saving = self.saving.normalized();
    }
}

/// One year of the estate's totals, with the rates used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerYear {
    /// The year.
    pub year: FinancialYear,
    /// £ per kWh used.
    pub tariff: Money,
    /// The GHG conversion factors edition used.
    pub carbon_edition: i32,
    /// kgCO2e per kWh used (generation + T&D).
    pub carbon_factor: Decimal,
    /// The figures.
    #[serde(flatten)]
    pub figures: PowerFigures,
}

/// A row of a breakdown: one class, site or organisation over the years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerRow {
    /// The class, site or organisation.
    pub label: String,
    /// One entry per year of the horizon.
    pub years: Vec<PowerFigures>,
}

/// How many assets' energy came from each source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EnergySources {
    /// Live assets counted.
    pub assets: u64,
    /// From the asset's own override.
    pub from_override: u64,
    /// From a certified model profile.
    pub from_model: u64,
    /// From the class profile.
    pub from_class: u64,
}

/// The power and carbon forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowerForecast {
    /// The years, in order.
    pub years: Vec<FinancialYear>,
    /// The server-room PUE applied.
    pub pue: Decimal,
    /// The estate's totals per year.
    pub totals: Vec<PowerYear>,
    /// By class (after replacement, a converted device counts under the
    /// class it became).
    pub by_class: Vec<PowerRow>,
    /// By site, as "site (organisation)".
    pub by_site: Vec<PowerRow>,
    /// By organisation, shared services apportioned to their members.
    pub by_org: Vec<PowerRow>,
    /// Where the energy figures came from.
    pub sources: EnergySources,
}

impl PowerForecast {
    /// The totals over the whole horizon.
    pub fn horizon_total(&self) -> PowerFigures {
        let mut t = PowerFigures::default();
        for y in &self.totals {
            t.add(&y.figures);
        }
        t.normalize();
        t
    }
}

/// Resolved per-class figures and per-year rates.
struct Rates {
    legacy: ByClass<Decimal>,
    current: ByClass<Decimal>,
    /// Per snapshot model: its certified kWh, if a profile names it.
    model: Vec<Option<Decimal>>,
    tariff: Vec<Money>,
    carbon: Vec<(i32, Decimal)>,
    pue: Decimal,
}

impl Rates {
    fn new(
        snapshot: &Snapshot,
        assumptions: &PowerAssumptions,
        horizon: Horizon,
    ) -> Result<Self, PowerError> {
        assumptions.validate()?;
        let get = |class, g| {
            assumptions
                .profile(class, g)
                .expect("invariant: validated above")
                .annual_kwh()
        };
        let legacy = ByClass::from_fn(|class| get(class, Generation::Legacy));
        let current = ByClass::from_fn(|class| get(class, Generation::Current));
        // Resolved once per distinct model, not per asset.
        let profiles: BTreeMap<(String, String), Decimal> = assumptions
            .model_profiles
            .iter()
            .map(|m| {
                (
                    (normalise_word(&m.manufacturer), normalise_word(&m.model)),
                    m.kwh_per_year,
                )
            })
            .collect();
        let model = snapshot
            .models()
            .iter()
            .map(|m| {
                profiles
                    .get(&(m.manufacturer_key.clone(), m.model_key.clone()))
                    .copied()
            })
            .collect();
        let years = horizon.years();
        let tariff = years
            .iter()
            .map(|y| {
                assumptions
                    .tariff(*y)
                    .expect("invariant: validated above")
                    .gbp_per_kwh
            })
            .collect();
        let carbon = years
            .iter()
            .map(|y| {
                let f = assumptions
                    .carbon_factor(*y)
                    .expect("invariant: validated above");
                (f.edition, f.total())
            })
            .collect();
        Ok(Rates {
            legacy,
            current,
            model,
            tariff,
            carbon,
            pue: assumptions.pue,
        })
    }

    fn with_pue(&self, class: AssetClass, kwh: Decimal) -> Decimal {
        if in_server_room(class) {
            kwh * self.pue
        } else {
            kwh
        }
    }

    /// A replacement of `class` bought now.
    fn current(&self, class: AssetClass) -> Decimal {
        self.with_pue(class, self.current[class])
    }

    /// `kwh` in year index `y`: its cost (rounded to the penny) and carbon.
    fn energy(&self, kwh: Decimal, y: usize) -> Result<Energy, PowerError> {
        let cost = self.tariff[y]
            .checked_mul(kwh)
            .ok_or(PowerError::Overflow)?
            .round_to_penny();
        Ok(Energy {
            kwh,
            cost,
            kg_co2e: kwh * self.carbon[y].1,
        })
    }
}

/// Where an asset's as-it-stands energy came from.
#[derive(Clone, Copy)]
enum Source {
    Override,
    Model,
    Class,
}

/// The asset's annual energy as it stands (PUE applied) and its source.
fn as_it_stands(snapshot: &Snapshot, asset: &SnapshotAsset, rates: &Rates) -> (Decimal, Source) {
    // Its own figure travels with it in the snapshot (read with the asset),
    // not in a map keyed by organisation and tag beside it.
    let (kwh, source) = if let Some(kwh) = snapshot.own_energy(asset) {
        (kwh, Source::Override)
    } else if let Some(kwh) = asset.model.and_then(|m| rates.model[m as usize]) {
        (kwh, Source::Model)
    } else {
        (rates.legacy[asset.class], Source::Class)
    };
    (rates.with_pue(asset.class, kwh), source)
}

/// Accumulators for one breakdown: rows × years.
/// What the power forecast reads of an asset: assets alike in it give the
/// same figures.
#[derive(PartialEq, Eq, Hash)]
struct Alike {
    class: AssetClass,
    site: usize,
    org: usize,
    stands_kwh: Decimal,
    replaced: Option<FinancialYear>,
    retired: Option<FinancialYear>,
    converted: Option<(AssetClass, FinancialYear)>,
}

struct Grid {
    cells: Vec<Vec<PowerFigures>>,
}

impl Grid {
    fn new(rows: usize, years: usize) -> Self {
        Grid {
            cells: vec![vec![PowerFigures::default(); years]; rows],
        }
    }

    fn add_stands(&mut self, row: usize, y: usize, e: Energy) {
        let c = &mut self.cells[row][y];
        c.stands.add(e);
    }

    fn add_after(&mut self, row: usize, y: usize, e: Energy) {
        let c = &mut self.cells[row][y];
        c.after.add(e);
    }

    fn finish(mut self) -> Vec<Vec<PowerFigures>> {
        for row in &mut self.cells {
            for c in row {
                c.saving = c.stands.minus(c.after);
                c.normalize();
            }
        }
        self.cells
    }
}

/// Runs the power forecast over `capital`'s horizon.
///
/// # Errors
/// Incomplete assumptions, or a cost too large to hold.
pub fn forecast(
    snapshot: &Snapshot,
    capital: &CapitalForecast,
    assumptions: &PowerAssumptions,
    plan: &Plan,
) -> Result<PowerForecast, PowerError> {
    let horizon = capital.horizon;
    let rates = Rates::new(snapshot, assumptions, horizon)?;
    let years = horizon.years();
    let n = years.len();
    let assets = snapshot.assets();

    // The first year each asset's replacement is funded.
    let mut replaced: Vec<Option<FinancialYear>> = vec![None; assets.len()];
    for r in &capital.replacements {
        if let Some(year) = r.funded {
            let slot = &mut replaced[r.asset as usize];
            *slot = Some(slot.map_or(year, |y| y.min(year)));
        }
    }

    let no_site = snapshot.sites().len();
    let mut by_class = Grid::new(AssetClass::ALL.len(), n);
    let mut by_site = Grid::new(no_site + 1, n);
    let mut by_org = Grid::new(snapshot.organisations().len(), n);
    let mut sources = EnergySources::default();
    // Assets alike in everything the forecast reads of them (class, site,
    // organisation, energy as they stand, the year they are replaced,
    // retired or converted) give the same figures: each such group is
    // worked out once and counted, which is exact (an asset's cost is
    // rounded to the penny before it is counted, as before it was summed).
    // A million assets fall into a few thousand groups.
    let mut groups: HashMap<Alike, u64> = HashMap::new();
    for (i, asset) in assets.iter().enumerate() {
        if !asset.status.is_live() {
            continue;
        }
        sources.assets += 1;
        let (stands_kwh, source) = as_it_stands(snapshot, asset, &rates);
        match source {
            Source::Override => sources.from_override += 1,
            Source::Model => sources.from_model += 1,
            Source::Class => sources.from_class += 1,
        }
        let alike = Alike {
            class: asset.class,
            site: asset.site.map_or(no_site, |s| s as usize),
            org: asset.organisation as usize,
            stands_kwh,
            replaced: replaced[i],
            retired: plan.retired(i),
            converted: plan.converted(i),
        };
        *groups.entry(alike).or_insert(0) += 1;
    }
    for (alike, count) in groups {
        let Alike {
            class: own_class,
            site,
            org,
            stands_kwh,
            replaced,
            retired,
            converted,
        } = alike;
        for (y, year) in years.iter().enumerate() {
            let stands = rates.energy(stands_kwh, y)?.times(count)?;
            by_class.add_stands(own_class as usize, y, stands);
            by_site.add_stands(site, y, stands);
            by_org.add_stands(org, y, stands);
            if retired.is_some_and(|r| r <= *year) {
                continue;
            }
            let (class, kwh) = match replaced {
                Some(r) if r <= *year => {
                    let class = match converted {
                        Some((to, from)) if from <= *year => to,
                        _ => own_class,
                    };
                    (class, rates.current(class))
                }
                _ => (own_class, stands_kwh),
            };
            let after = rates.energy(kwh, y)?.times(count)?;
            by_class.add_after(class as usize, y, after);
            by_site.add_after(site, y, after);
            by_org.add_after(org, y, after);
        }
    }
    for added in &plan.added {
        let kwh = rates.current(added.class);
        let site = added.site.map_or(no_site, |s| s as usize);
        for (y, year) in years.iter().enumerate() {
            if *year < added.from {
                continue;
            }
            let after = rates.energy(kwh, y)?;
            by_class.add_after(added.class as usize, y, after);
            by_site.add_after(site, y, after);
            by_org.add_after(added.organisation as usize, y, after);
        }
    }

    let by_class = by_class.finish();
    let by_site = by_site.finish();
    let by_org = by_org.finish();
    let mut totals: Vec<PowerYear> = years
        .iter()
        .enumerate()
        .map(|(y, year)| PowerYear {
            year: *year,
            tariff: rates.tariff[y],
            carbon_edition: rates.carbon[y].0,
            carbon_factor: rates.carbon[y].1,
            figures: PowerFigures::default(),
        })
        .collect();
    for row in &by_class {
        for (t, c) in totals.iter_mut().zip(row) {
            t.figures.add(c);
        }
    }
    for t in &mut totals {
        t.figures.normalize();
    }
    let is_zero = |row: &Vec<PowerFigures>| {
        row.iter()
            .all(|c| c.stands.kwh.is_zero() && c.after.kwh.is_zero())
    };

    let mut classes: Vec<AssetClass> = AssetClass::ALL.to_vec();
    classes.sort_by_key(|c| c.priority());
    let class_rows = classes
        .into_iter()
        .filter(|c| !is_zero(&by_class[*c as usize]))
        .map(|c| PowerRow {
            label: c.label().to_string(),
            years: by_class[c as usize].clone(),
        })
        .collect();

    let mut site_rows: Vec<PowerRow> = snapshot
        .sites()
        .iter()
        .enumerate()
        .filter(|(i, _)| !is_zero(&by_site[*i]))
        .map(|(i, p)| PowerRow {
            label: format!(
                "{} ({})",
                p.name,
                snapshot.organisation_code(p.organisation)
            ),
            years: by_site[i].clone(),
        })
        .collect();
    site_rows.sort_by(|a, b| a.label.cmp(&b.label));
    if !is_zero(&by_site[no_site]) {
        site_rows.push(PowerRow {
            label: "(no site)".to_string(),
            years: by_site[no_site].clone(),
        });
    }

    Ok(PowerForecast {
        years,
        pue: rates.pue,
        totals,
        by_class: class_rows,
        by_site: site_rows,
        by_org: apportion(snapshot, &by_org),
        sources,
    })
}

/// Per-organisation figures with each shared service's split among its
/// members: money by largest remainder, kWh and carbon exactly by ratio.
/// Rows by organisation code; shared services with members have no row.
fn apportion(snapshot: &Snapshot, by_org: &[Vec<PowerFigures>]) -> Vec<PowerRow> {
    let orgs = snapshot.organisations();
    let mut out: Vec<Vec<PowerFigures>> = by_org.to_vec();
    for (i, org) in orgs.iter().enumerate() {
        if org.shares.is_empty() {
            continue;
        }
        let ratios: Vec<Decimal> = org.shares.iter().map(|(_, r)| *r).collect();
        for (y, figures) in by_org[i].iter().enumerate() {
            for (m, part) in split_figures(figures, &ratios).into_iter().enumerate() {
                let member = org.shares[m].0 as usize;
                out[member][y].add(&part);
                out[member][y].normalize();
            }
        }
    }
    let mut rows: Vec<PowerRow> = orgs
        .iter()
        .zip(out)
        .filter(|(o, row)| {
            o.shares.is_empty()
                && row
                    .iter()
                    .any(|c| !c.stands.kwh.is_zero() || !c.after.kwh.is_zero())
        })
        .map(|(o, years)| PowerRow {
            label: o.code.clone(),
            years,
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label));
    rows
}

/// Splits one year's figures by `ratios`.
fn split_figures(f: &PowerFigures, ratios: &[Decimal]) -> Vec<PowerFigures> {
    let split = |e: Energy| -> Vec<Energy> {
        let costs = e
            .cost
            .split_by_ratios(ratios)
            .expect("invariant: shares are positive (checked when set)");
        let total: Decimal = ratios.iter().copied().sum();
        ratios
            .iter()
            .zip(costs)
            .map(|(r, cost)| Energy {
                kwh: e.kwh * *r / total,
                cost,
                kg_co2e: e.kg_co2e * *r / total,
            })
            .collect()
    };
    let (stands, after) = (split(f.stands), split(f.after));
    stands
        .into_iter()
        .zip(after)
        .map(|(stands, after)| PowerFigures {
            stands,
            after,
            saving: stands.minus(after),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::assumptions::Assumptions;
    use crate::forecast::capital;
    use crate::forecast::snapshot::AssetInput;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    pub(crate) fn assumptions() -> PowerAssumptions {
        PowerAssumptions::from_defaults(&Defaults::builtin(), Vec::new()).unwrap()
    }

    /// BCW: ten desktops due in 2026/27, two servers and a laptop (its own
    /// figure of 50 kWh) due in 2027/28.
    fn estate() -> Snapshot {
        let mut s = Snapshot::new();
        let tags: Vec<String> = (1..=10).map(|i| format!("PC{i:02}")).collect();
        for tag in &tags {
            let mut a = AssetInput::new("BCW", tag, AssetClass::Desktop);
            a.in_service = Some(date!(2021 - 06 - 01));
            a.site = Some("Civic Centre");
            s.push(&a).unwrap();
        }
        for tag in ["SRV1", "SRV2"] {
            let mut a = AssetInput::new("BCW", tag, AssetClass::Server);
            a.in_service = Some(date!(2025 - 01 - 01));
            a.site = Some("Data Centre");
            s.push(&a).unwrap();
        }
        let mut a = AssetInput::new("BCW", "LT1", AssetClass::Laptop);
        a.in_service = Some(date!(2024 - 01 - 01));
        a.energy = Some(d("50"));
        s.push(&a).unwrap();
        s
    }

    fn run(s: &Snapshot) -> PowerForecast {
        let policy = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        let capital =
            capital::forecast(s, &policy, Horizon::new(fy("2026/27"), 5).unwrap()).unwrap();
        forecast(s, &capital, &assumptions(), &Plan::default()).unwrap()
    }

    #[test]
    fn a_small_estate_s_energy_cost_and_carbon_by_hand() {
        let f = run(&estate());
        // As it stands, every year:
        //   desktops 10 × 133 kWh (legacy class profile)         =  1,330 kWh
        //   servers   2 × 425 W × 8,760 h ÷ 1000 × PUE 1.5        = 11,169 kWh
        //   laptop    its own override                            =     50 kWh
        //                                                            12,549 kWh
        // Cost at 24p, per asset to the penny: 10 × £31.92 + 2 × £1,340.28
        // + £12.00 = £3,011.76. 2026/27 uses the 2025 factors, 0.17700 +
        // 0.01853 = 0.19553 kg/kWh: 12,549 × 0.19553 = 2,453.70597 kg.
        let y1 = &f.totals[0];
        assert_eq!(y1.year, fy("2026/27"));
        assert_eq!(y1.carbon_edition, 2025);
        assert_eq!(y1.carbon_factor, d("0.19553"));
        assert_eq!(y1.figures.stands.kwh, d("12549"));
        assert_eq!(y1.figures.stands.cost, Money::from_pence(301_176));
        assert_eq!(y1.figures.stands.kg_co2e, d("2453.70597"));
        assert_eq!(y1.figures.stands.tonnes_co2e(), d("2.45370597"));
        // After: the desktops are replaced in 2026/27 and take the current
        // profile, 100 kWh: 1,000 + 11,169 + 50 = 12,219 kWh, £2,932.56;
        // saving 330 kWh, £79.20, 330 × 0.19553 = 64.5249 kg.
        assert_eq!(y1.figures.after.kwh, d("12219"));
        assert_eq!(y1.figures.after.cost, Money::from_pence(293_256));
        assert_eq!(y1.figures.saving.kwh, d("330"));
        assert_eq!(y1.figures.saving.cost, Money::from_pence(7_920));
        assert_eq!(y1.figures.saving.kg_co2e, d("64.5249"));
        // 2027/28: servers (current 350 W × 8,760 × 1.5 = 4,599 kWh each)
        // and the laptop (current 30 kWh) are replaced too: 1,000 + 9,198 +
        // 30 = 10,228 kWh; £240.00 + 2 × £1,103.76 + £7.20 = £2,454.72.
        let y2 = &f.totals[1];
        assert_eq!(y2.figures.after.kwh, d("10228"));
        assert_eq!(y2.figures.after.cost, Money::from_pence(245_472));
        assert_eq!(y2.figures.saving.cost, Money::from_pence(55_704));
        assert_eq!(f.sources.from_override, 1);
        assert_eq!(f.sources.from_class, 12);
    }

    #[test]
    fn breakdowns_add_up_to_the_totals() {
        let f = run(&estate());
        for (y, t) in f.totals.iter().enumerate() {
            for rows in [&f.by_class, &f.by_site, &f.by_org] {
                let mut sum = PowerFigures::default();
                for r in rows {
                    sum.add(&r.years[y]);
                }
                assert_eq!(sum, t.figures);
            }
        }
        let labels: Vec<&str> = f.by_site.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            ["Civic Centre (BCW)", "Data Centre (BCW)", "(no site)"]
        );
    }

    #[test]
    fn a_model_profile_beats_the_class_and_an_override_beats_both() {
        let mut s = Snapshot::new();
        // B's own figure: 10 W for 2,000 hours a year.
        let own = EnergyOverride {
            watts: Some(d("10")),
            hours_per_year: Some(2_000),
            kwh_per_year: None,
        };
        for (tag, model) in [("A", "ThinkPad T14 Gen 1"), ("B", "ThinkPad T14 Gen 1")] {
            let mut a = AssetInput::new("BCW", tag, AssetClass::Laptop);
            a.manufacturer = Some("LENOVO");
            a.model = Some(model);
            a.energy = (tag == "B").then(|| own.annual_kwh()).flatten();
            s.push(&a).unwrap();
        }
        let mut a = assumptions();
        a.model_profiles.push(ModelProfile {
            manufacturer: "Lenovo".into(),
            model: "thinkpad t14 gen-1".into(),
            kwh_per_year: d("19.6"),
            source: "test".into(),
        });
        let policy = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        let capital =
            capital::forecast(&s, &policy, Horizon::new(fy("2026/27"), 1).unwrap()).unwrap();
        let f = forecast(&s, &capital, &a, &Plan::default()).unwrap();
        // A: 19.6 kWh (model); B: 10 W × 2,000 h = 20 kWh (override).
        assert_eq!(f.totals[0].figures.stands.kwh, d("39.6"));
        assert_eq!(f.sources.from_model, 1);
        assert_eq!(f.sources.from_override, 1);
    }

    #[test]
    fn tariffs_and_carbon_editions_fall_back_to_the_nearest_year() {
        let a = assumptions();
        assert_eq!(
            a.tariff(fy("2040/41")).unwrap().year,
            fy("2030/31"),
            "after the last listed year: the last"
        );
        assert_eq!(a.tariff(fy("2020/21")).unwrap().year, fy("2025/26"));
        assert_eq!(a.carbon_factor(fy("2025/26")).unwrap().edition, 2025);
        assert_eq!(a.carbon_factor(fy("2024/25")).unwrap().edition, 2024);
        assert_eq!(
            a.carbon_factor(fy("2024/25")).unwrap().total(),
            d("0.22497")
        );
        assert_eq!(a.carbon_factor(fy("2030/31")).unwrap().edition, 2025);
        assert_eq!(a.carbon_factor(fy("2010/11")).unwrap().edition, 2022);
    }

    #[test]
    fn a_shared_service_s_power_is_apportioned_to_its_members() {
        let mut s = Snapshot::new();
        let mut a = AssetInput::new("ABS", "SRV", AssetClass::Server);
        a.in_service = Some(date!(2026 - 01 - 01));
        s.push(&a).unwrap();
        s.add_organisation("AVN").unwrap();
        s.add_organisation("BRK").unwrap();
        s.set_shares("ABS", &[("AVN", d("0.4")), ("BRK", d("0.6"))])
            .unwrap();
        let f = run(&s);
        // One server: 425 W × 8,760 h × 1.5 = 5,584.5 kWh, × £0.24 =
        // £1,340.28. AVN 40%: 2,233.8 kWh and 53,611.2p; BRK 60%: 3,350.7 kWh
        // and 80,416.8p. Floors 53,611 + 80,416 leave one penny, which goes
        // to the larger remainder (BRK's 0.8): AVN £536.11, BRK £804.17.
        let rows: Vec<(&str, Decimal, Money)> = f
            .by_org
            .iter()
            .map(|r| {
                (
                    r.label.as_str(),
                    r.years[0].stands.kwh,
                    r.years[0].stands.cost,
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("AVN", d("2233.8"), Money::from_pence(53_611)),
                ("BRK", d("3350.7"), Money::from_pence(80_417)),
            ]
        );
    }
}

//! The refresh (capital) forecast: which assets fall due for replacement in
//! which financial year, what each replacement costs, and — under a budget
//! cap — which are funded and which are deferred.
//!
//! Pure: a [`Snapshot`] of the register, the [`Assumptions`] and a
//! [`Horizon`] in, a [`CapitalForecast`] out. No database, files,
//! environment or clock. The rules, exactly as issue 4 states them:
//!
//! - **Which assets.** Status in use or in store; retired, disposed and
//!   lost are out. Leased kit is not capital: it is counted as lease
//!   renewals by the financial year of its lease end, never costed.
//! - **Life.** The asset's own override, else a rule for its manufacturer +
//!   model (matched ignoring case, spaces and hyphens), else its class's.
//! - **Due.** In-service date + life in whole years (29 February becomes 28
//!   February); due in the financial year containing that date. Due before
//!   the horizon's first year is *overdue*: due in the first year and
//!   counted as backlog.
//! - **Cost.** `unit × (1 + inflation)^(y − price base)` rounded to the
//!   penny, half away from zero, once per unit; totals are sums of those
//!   pennies. The unit is the price-book price for the asset's class and
//!   manufacturer + model if there is one, else for its class.
//! - **Repeat cycles.** A replacement bought in year `z` is in service from
//!   1 April of `z` and next due in `z + life` (same life and price rules),
//!   and forecast again if that is inside the horizon.
//! - **Unknown age.** Purchased kit with no in-service date is left out and
//!   reported as a count and its value at price-book prices (no inflation).
//! - **Levelling.** Years in order; a year's candidates are what falls due
//!   in it plus what was deferred into it, taken by earliest due date, then
//!   class priority, then asset tag (then organisation code, as tags are
//!   unique only within one); each is funded if its cost fits in what is
//!   left of the year's cap, else deferred to the next year at that year's
//!   price. Deferred out of the last year is *unfunded*, valued at the price
//!   of the year after the horizon (the year it was deferred into).
//!
//! For speed on a million assets: lives and prices are resolved per model
//! (not per asset), each unit cost is computed once per (price, year), and
//! money inside the loop is integer pence.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::assumptions::Assumptions;
use super::snapshot::{Snapshot, SnapshotAsset};
use crate::domain::asset_class::ByClass;
use crate::domain::{AssetClass, FinancialYear, Funding, Money, add_years, enums::normalise_word};

/// The financial years a forecast covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Horizon {
    /// The first year.
    pub first: FinancialYear,
    /// How many years (1-50).
    pub years: u32,
}

impl Horizon {
    /// `years` financial years from `first`.
    ///
    /// # Errors
    /// [`ForecastError::BadHorizon`] unless `years` is 1 to 50.
    pub fn new(first: FinancialYear, years: u32) -> Result<Self, ForecastError> {
        if crate::domain::rules::HORIZON_YEARS.contains(&years) {
            Ok(Horizon { first, years })
        } else {
            Err(ForecastError::BadHorizon { years })
        }
    }

    /// The last year.
    pub fn last(self) -> FinancialYear {
        self.first.offset(self.len_i32() - 1)
    }

    /// The years in order.
    pub fn years(self) -> Vec<FinancialYear> {
        self.first.range(self.years).collect()
    }

    fn len_i32(self) -> i32 {
        i32::try_from(self.years).expect("invariant: a horizon is at most 50 years")
    }

    fn len(self) -> usize {
        self.years as usize
    }
}

/// What stops a forecast.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    /// A horizon of no years or too many.
    #[error("a forecast covers 1 to 50 years, not {years}")]
    BadHorizon {
        /// The number asked for.
        years: u32,
    },
    /// The assumptions are incomplete.
    #[error(transparent)]
    Assumptions(#[from] super::assumptions::AssumptionsError),
    /// A figure too large to hold in pence.
    #[error("a cost is too large to compute ({what})")]
    Overflow {
        /// What was being computed.
        what: String,
    },
}

/// Why a replacement is in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It reaches the end of its life in the year.
    Age,
    /// It was already past its life before the horizon began.
    Overdue,
    /// It is the replacement of a replacement bought earlier in the horizon.
    RepeatCycle,
    /// It fell due in an earlier year and was deferred by the cap.
    Deferred,
    /// What it runs leaves security support before its life ends (or has
    /// already left: then it is due in the first year).
    EndOfSupport,
}

impl Reason {
    /// The word shown in `--detail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Age => "age",
            Reason::Overdue => "overdue",
            Reason::RepeatCycle => "repeat cycle",
            Reason::Deferred => "deferred",
            Reason::EndOfSupport => "end of support",
        }
    }

    /// The stored name.
    pub fn as_key(self) -> &'static str {
        match self {
            Reason::Age => "age",
            Reason::Overdue => "overdue",
            Reason::RepeatCycle => "repeat_cycle",
            Reason::Deferred => "deferred",
            Reason::EndOfSupport => "end_of_support",
        }
    }
}

/// One replacement the forecast schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replacement {
    /// Index of the asset in the snapshot.
    pub asset: u32,
    /// The date it fell due (1 April of its year for a repeat cycle).
    pub due_date: Date,
    /// Why it became due: age, overdue or repeat cycle.
    pub cause: Reason,
    /// The year it is funded in; `None` when still unfunded at the end.
    pub funded: Option<FinancialYear>,
    /// Its cost in pence at the price of the year funded (or, unfunded, of
    /// the year after the horizon).
    pub cost_pence: i64,
}

impl Replacement {
    /// The financial year it fell due in.
    pub fn due_year(&self) -> FinancialYear {
        FinancialYear::containing(self.due_date)
    }

    /// The reason shown: deferred when funded after the year it was first
    /// scheduled in (or never), else its cause.
    pub fn reason(&self, horizon: Horizon) -> Reason {
        let scheduled = self.due_year().max(horizon.first);
        match self.funded {
            Some(year) if year == scheduled => self.cause,
            _ => Reason::Deferred,
        }
    }

    /// Its cost.
    pub fn cost(&self) -> Money {
        Money::from_pence(self.cost_pence)
    }
}

/// A count of replacements and their value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// How many.
    pub count: u64,
    /// What they cost.
    pub value: Money,
}

/// A tally in pence, while counting.
#[derive(Debug, Clone, Copy, Default)]
struct PenceTally {
    count: u64,
    pence: i64,
}

impl PenceTally {
    fn add(&mut self, pence: i64) {
        self.count += 1;
        self.pence += pence;
    }

    fn tally(self) -> Tally {
        Tally {
            count: self.count,
            value: Money::from_pence(self.pence),
        }
    }
}

/// One year of the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearSummary {
    /// The year.
    pub year: FinancialYear,
    /// Its cap, if capped.
    pub cap: Option<Money>,
    /// What fell due in it (including backlog and repeat cycles), at its prices.
    pub due: Tally,
    /// Of `due`, the overdue backlog (first year only).
    pub overdue: Tally,
    /// Deferred into it from the year before, at its prices.
    pub deferred_in: Tally,
    /// Funded in it.
    pub funded: Tally,
    /// Deferred out of it to the next year, at the next year's prices.
    pub deferred_out: Tally,
    /// Assets past their life and not replaced at the year's end: the risk
    /// being accepted.
    pub past_life_at_year_end: u64,
    /// Of `due`, what falls due because its support ends before its life
    /// (including kit already unsupported, in the first year).
    #[serde(default)]
    pub end_of_support: Tally,
}

/// Leased kit: renewals by the financial year its lease ends.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LeaseRenewals {
    /// Leases ending in each year of the horizon.
    pub by_year: Vec<(FinancialYear, u64)>,
    /// Leases that ended before the horizon and are still live.
    pub ended_before: u64,
    /// Leases ending after the horizon.
    pub after: u64,
    /// Leased kit with no lease end recorded.
    pub end_unknown: u64,
    /// What renewing the leases ending in each year of the horizon costs,
    /// priced from the price book at that year's prices (the value of the
    /// kit a new lease provides; revenue, not in the capital figures).
    /// Empty in runs saved before estate costed them.
    #[serde(default)]
    pub cost_by_year: Vec<Money>,
}

/// How many assets the forecast looked at, and how it treated them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scope {
    /// Assets in the snapshot.
    pub assets: u64,
    /// Retired, disposed or lost: left out.
    pub not_live: u64,
    /// Live, purchased and with a known age: scheduled.
    pub scheduled: u64,
    /// Live and leased: counted as lease renewals.
    pub leased: u64,
    /// Live, purchased, no in-service date: see `unknown_age`.
    pub unknown_age: u64,
}

/// The forecast: every replacement, and the per-year figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapitalForecast {
    /// The years covered.
    pub horizon: Horizon,
    /// Every replacement, funded or not, in the order they were decided:
    /// year by year, in priority order within a capped year.
    pub replacements: Vec<Replacement>,
    /// Each year's due, funded and deferred figures.
    pub summary: Vec<YearSummary>,
    /// Still unfunded at the end, valued at the year after the horizon.
    pub unfunded: Tally,
    /// Purchased kit with no in-service date, at price-book prices.
    pub unknown_age: Tally,
    /// Lease renewals.
    pub leases: LeaseRenewals,
    /// What was in and out of scope.
    pub scope: Scope,
}

/// `unit × (1 + inflation)^(year − base)`, rounded to the penny half away
/// from zero, in pence.
///
/// # Errors
/// [`ForecastError::Overflow`] when the figure does not fit.
pub fn unit_cost_pence(
    unit: Money,
    inflation: crate::domain::Rate,
    base: FinancialYear,
    year: FinancialYear,
) -> Result<i64, ForecastError> {
    let overflow = || ForecastError::Overflow {
        what: format!("{unit} at {inflation} from {base} to {year}"),
    };
    let factor = inflation
        .compound(year.years_since(base))
        .ok_or_else(overflow)?;
    let amount = unit.amount().checked_mul(factor).ok_or_else(overflow)?;
    Money::from_decimal(amount)
        .round_to_penny()
        .to_pence()
        .ok_or_else(overflow)
}

/// Lives and prices resolved once per class and per model, and every unit
/// cost computed once per (price, year).
struct Rules {
    class_life: ByClass<u8>,
    class_price: ByClass<u32>,
    /// Per snapshot model: its model life, if a rule names it.
    model_life: Vec<Option<u8>>,
    /// Per snapshot model: (class, price index) for the price-book rows
    /// naming it.
    model_price: Vec<Vec<(AssetClass, u32)>>,
    /// Unit price (pence at the price base) per price index.
    unit_pence: Vec<i64>,
    /// `cost[price * (years + 1) + year_index]`, for the horizon's years and
    /// the year after it.
    cost: Vec<i64>,
    stride: usize,
}

fn class_index(class: AssetClass) -> usize {
    class.index()
}

fn life_u8(years: u32) -> u8 {
    // Lives are validated where they are read; clamp defensively.
    crate::domain::rules::life_u8(years)
}

impl Rules {
    fn new(
        snapshot: &Snapshot,
        assumptions: &Assumptions,
        horizon: Horizon,
    ) -> Result<Self, ForecastError> {
        assumptions.validate()?;
        let mut class_price = ByClass::from_fn(|_| 0u32);
        let mut unit_pence: Vec<i64> = Vec::new();
        let mut price_index: HashMap<(usize, String, String), u32> = HashMap::new();
        let class_life = ByClass::from_fn(|class| {
            life_u8(
                assumptions
                    .class_life(class)
                    .expect("invariant: validated above"),
            )
        });
        // Price-book rows: the class rows first so their indexes are stable.
        let mut rows: Vec<&crate::policy::Price> = assumptions.prices.iter().collect();
        rows.sort_by_key(|p| !(p.manufacturer.is_empty() && p.model.is_empty()));
        for p in rows {
            let pence = p
                .unit_cost
                .to_pence()
                .ok_or_else(|| ForecastError::Overflow {
                    what: format!("price {} is not whole pence", p.unit_cost),
                })?;
            let key = (
                class_index(p.class),
                normalise_word(&p.manufacturer),
                normalise_word(&p.model),
            );
            let idx = u32::try_from(unit_pence.len()).expect("invariant: few price rows");
            unit_pence.push(pence);
            if key.1.is_empty() && key.2.is_empty() {
                class_price[p.class] = idx;
            }
            // Two rows that differ only in case or spacing: the first holds.
            price_index.entry(key).or_insert(idx);
        }
        let mut model_rules: HashMap<(String, String), u8> = HashMap::new();
        for m in &assumptions.model_lives {
            // Two rules that differ only in case or spacing: the first holds.
            model_rules
                .entry((normalise_word(&m.manufacturer), normalise_word(&m.model)))
                .or_insert_with(|| life_u8(m.life_years));
        }
        let mut model_life = Vec::with_capacity(snapshot.models().len());
        let mut model_price = Vec::with_capacity(snapshot.models().len());
        for m in snapshot.models() {
            let key = (m.manufacturer_key.clone(), m.model_key.clone());
            model_life.push(model_rules.get(&key).copied());
            let mut prices = Vec::new();
            for class in AssetClass::ALL {
                let k = (class_index(*class), key.0.clone(), key.1.clone());
                if let Some(idx) = price_index.get(&k) {
                    prices.push((*class, *idx));
                }
            }
            model_price.push(prices);
        }
        let stride = horizon.len() + 1;
        let mut cost = Vec::with_capacity(unit_pence.len() * stride);
        for unit in &unit_pence {
            for year in horizon.first.range(horizon.years + 1) {
                cost.push(unit_cost_pence(
                    Money::from_pence(*unit),
                    assumptions.inflation,
                    assumptions.price_base,
                    year,
                )?);
            }
        }
        Ok(Rules {
            class_life,
            class_price,
            model_life,
            model_price,
            unit_pence,
            cost,
            stride,
        })
    }

    /// The asset's life: its override, else its model's rule, else its class's.
    fn life(&self, asset: &SnapshotAsset) -> u8 {
        asset
            .life_override
            .or_else(|| asset.model.and_then(|m| self.model_life[m as usize]))
            .unwrap_or(self.class_life[asset.class])
    }

    /// The asset's price index: its model's price in its class, else its class's.
    fn price(&self, asset: &SnapshotAsset) -> u32 {
        asset
            .model
            .and_then(|m| {
                self.model_price[m as usize]
                    .iter()
                    .find(|(c, _)| *c == asset.class)
                    .map(|(_, idx)| *idx)
            })
            .unwrap_or(self.class_price[asset.class])
    }

    /// The cost in pence of price `price` in year index `year` (0 = first
    /// year of the horizon; `years` = the year after it).
    fn cost(&self, price: u32, year: usize) -> i64 {
        self.cost[price as usize * self.stride + year]
    }
}

/// A replacement waiting to be decided.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    asset: u32,
    due_date: Date,
    /// `due_date` as a Julian day number, for sorting.
    due_day: i32,
    cause: Reason,
    life: u8,
    price: u32,
}

/// The life and unit price (at the price base) the rules give each asset,
/// by snapshot index (whether or not the forecast schedules it), for saved
/// runs and their diffs.
///
/// # Errors
/// Incomplete assumptions.
pub fn resolved_rules(
    snapshot: &Snapshot,
    assumptions: &Assumptions,
    horizon: Horizon,
) -> Result<Vec<(u32, Money)>, ForecastError> {
    let rules = Rules::new(snapshot, assumptions, horizon)?;
    Ok(snapshot
        .assets()
        .iter()
        .map(|a| {
            (
                u32::from(rules.life(a)),
                Money::from_pence(rules.unit_pence[rules.price(a) as usize]),
            )
        })
        .collect())
}

/// Runs the capital forecast with levelling under `assumptions.caps`.
///
/// # Errors
/// Incomplete assumptions, or a cost too large to hold.
pub fn forecast(
    snapshot: &Snapshot,
    assumptions: &Assumptions,
    horizon: Horizon,
) -> Result<CapitalForecast, ForecastError> {
    let rules = Rules::new(snapshot, assumptions, horizon)?;
    let n = horizon.len();
    let last = horizon.last();
    let mut scope = Scope {
        assets: snapshot.len() as u64 + snapshot.not_live_left_out(),
        not_live: snapshot.not_live_left_out(),
        ..Scope::default()
    };
    let mut unknown_age = PenceTally::default();
    let mut leases = LeaseRenewals {
        by_year: horizon.years().into_iter().map(|y| (y, 0)).collect(),
        cost_by_year: vec![Money::ZERO; n],
        ..LeaseRenewals::default()
    };
    let mut due_by_year: Vec<Vec<Candidate>> = vec![Vec::new(); n];
    for (i, asset) in snapshot.assets().iter().enumerate() {
        if !asset.status.is_live() {
            scope.not_live += 1;
            continue;
        }
        if asset.funding == Funding::Leased {
            scope.leased += 1;
            count_lease(&mut leases, asset.lease_end, horizon);
            if let Some(end) = asset.lease_end {
                let year = FinancialYear::containing(end);
                if year >= horizon.first && year <= last {
                    let i = year_index(year, horizon);
                    leases.cost_by_year[i] += Money::from_pence(rules.cost(rules.price(asset), i));
                }
            }
            continue;
        }
        let Some(in_service) = asset.in_service else {
            scope.unknown_age += 1;
            unknown_age.add(rules.unit_pence[rules.price(asset) as usize]);
            continue;
        };
        scope.scheduled += 1;
        let life = rules.life(asset);
        let (due_date, for_support) =
            due_date(snapshot, asset, &assumptions.support, in_service, life);
        let due_year = FinancialYear::containing(due_date);
        if due_year > last {
            continue;
        }
        let slot = year_index(due_year.max(horizon.first), horizon);
        let cause = if for_support {
            Reason::EndOfSupport
        } else if due_year < horizon.first {
            Reason::Overdue
        } else {
            Reason::Age
        };
        due_by_year[slot].push(Candidate {
            asset: u32::try_from(i).expect("invariant: snapshot indexes fit u32"),
            due_date,
            due_day: due_date.to_julian_day(),
            cause,
            life,
            price: rules.price(asset),
        });
    }

    // Computed on the first capped year: the order of assets with the same
    // due date, so each year sorts on integers rather than strings.
    let mut rank: Option<Vec<u32>> = None;
    let mut replacements = Vec::with_capacity(due_by_year.iter().map(Vec::len).sum());
    let mut summary = Vec::with_capacity(n);
    let mut deferred: Vec<Candidate> = Vec::new();
    for (i, year) in horizon.years().into_iter().enumerate() {
        let cap = assumptions.caps.for_year(year);
        let mut row = YearTallies::default();
        let mut candidates = std::mem::take(&mut deferred);
        for c in &candidates {
            row.deferred_in.add(rules.cost(c.price, i));
        }
        let due_now = std::mem::take(&mut due_by_year[i]);
        for c in &due_now {
            let pence = rules.cost(c.price, i);
            row.due.add(pence);
            if c.cause == Reason::Overdue
                || (c.cause == Reason::EndOfSupport && c.due_date < horizon.first.first_day())
            {
                row.overdue.add(pence);
            }
            if c.cause == Reason::EndOfSupport {
                row.end_of_support.add(pence);
            }
        }
        candidates.extend(due_now);
        if let Some(cap) = cap {
            let cap_pence = cap.to_pence().ok_or_else(|| ForecastError::Overflow {
                what: format!("cap {cap}"),
            })?;
            let rank = rank.get_or_insert_with(|| tie_break_ranks(snapshot));
            candidates.sort_unstable_by_key(|c| sort_key(c.due_day, rank[c.asset as usize]));
            let mut left = cap_pence;
            for c in candidates {
                let pence = rules.cost(c.price, i);
                if pence <= left {
                    left -= pence;
                    fund(
                        &mut replacements,
                        &mut due_by_year,
                        &mut row,
                        c,
                        year,
                        i,
                        pence,
                    );
                } else {
                    row.deferred_out.add(rules.cost(c.price, i + 1));
                    deferred.push(c);
                }
            }
        } else {
            for c in candidates {
                let pence = rules.cost(c.price, i);
                fund(
                    &mut replacements,
                    &mut due_by_year,
                    &mut row,
                    c,
                    year,
                    i,
                    pence,
                );
            }
        }
        summary.push(YearSummary {
            year,
            cap,
            due: row.due.tally(),
            overdue: row.overdue.tally(),
            deferred_in: row.deferred_in.tally(),
            funded: row.funded.tally(),
            deferred_out: row.deferred_out.tally(),
            // Everything due by the year's end is funded by then or waiting
            // in the deferred queue, so the queue is exactly the kit running
            // past its life.
            past_life_at_year_end: deferred.len() as u64,
            end_of_support: row.end_of_support.tally(),
        });
    }
    let mut unfunded = PenceTally::default();
    for c in deferred {
        let pence = rules.cost(c.price, n);
        unfunded.add(pence);
        replacements.push(Replacement {
            asset: c.asset,
            due_date: c.due_date,
            cause: c.cause,
            funded: None,
            cost_pence: pence,
        });
    }
    Ok(CapitalForecast {
        horizon,
        replacements,
        summary,
        unfunded: unfunded.tally(),
        unknown_age: unknown_age.tally(),
        leases,
        scope,
    })
}

#[derive(Default)]
struct YearTallies {
    due: PenceTally,
    overdue: PenceTally,
    deferred_in: PenceTally,
    funded: PenceTally,
    deferred_out: PenceTally,
    end_of_support: PenceTally,
}

/// When an asset falls due: `life` years after it entered service, or, when
/// its class is replaced for support and its support ends in an earlier
/// financial year, at its support's end (a year before it if the policy
/// says so). True when support is what made it due.
fn due_date(
    snapshot: &Snapshot,
    asset: &SnapshotAsset,
    support: &crate::policy::support::SupportRules,
    in_service: Date,
    life: u8,
) -> (Date, bool) {
    let by_age = add_years(in_service, i32::from(life));
    match super::support::support_due_date(snapshot, asset, support) {
        Some(by_support)
            if FinancialYear::containing(by_support) < FinancialYear::containing(by_age) =>
        {
            (by_support, true)
        }
        _ => (by_age, false),
    }
}

/// Funds `c` in `year` (index `i`) and schedules its repeat cycle.
fn fund(
    replacements: &mut Vec<Replacement>,
    due_by_year: &mut [Vec<Candidate>],
    row: &mut YearTallies,
    c: Candidate,
    year: FinancialYear,
    i: usize,
    pence: i64,
) {
    row.funded.add(pence);
    replacements.push(Replacement {
        asset: c.asset,
        due_date: c.due_date,
        cause: c.cause,
        funded: Some(year),
        cost_pence: pence,
    });
    let next = i + usize::from(c.life);
    if let Some(slot) = due_by_year.get_mut(next) {
        let due_date = year.offset(i32::from(c.life)).first_day();
        slot.push(Candidate {
            due_date,
            due_day: due_date.to_julian_day(),
            cause: Reason::RepeatCycle,
            ..c
        });
    }
}

/// Each asset's place in the levelling order among assets due on the same
/// date: by class priority, then tag, then organisation code, then
/// snapshot order. Sorted once, so the yearly sorts compare integers.
fn tie_break_ranks(snapshot: &Snapshot) -> Vec<u32> {
    let assets = snapshot.assets();
    let mut order: Vec<u32> = (0..u32::try_from(assets.len()).expect("invariant: fits")).collect();
    order.sort_unstable_by(|a, b| {
        let (x, y) = (&assets[*a as usize], &assets[*b as usize]);
        x.class
            .priority()
            .cmp(&y.class.priority())
            .then_with(|| snapshot.tag(x).cmp(snapshot.tag(y)))
            .then_with(|| {
                snapshot
                    .organisation_code(x.organisation)
                    .cmp(snapshot.organisation_code(y.organisation))
            })
            .then_with(|| a.cmp(b))
    });
    let mut rank = vec![0u32; assets.len()];
    for (r, asset) in order.into_iter().enumerate() {
        rank[asset as usize] = u32::try_from(r).expect("invariant: fits");
    }
    rank
}

/// The levelling order as one integer: due date (Julian day) in the high
/// half, the tie-break rank in the low half.
fn sort_key(due_day: i32, rank: u32) -> i64 {
    (i64::from(due_day) << 32) | i64::from(rank)
}

fn year_index(year: FinancialYear, horizon: Horizon) -> usize {
    usize::try_from(year.years_since(horizon.first)).expect("invariant: year is in the horizon")
}

fn count_lease(leases: &mut LeaseRenewals, lease_end: Option<Date>, horizon: Horizon) {
    let Some(end) = lease_end else {
        leases.end_unknown += 1;
        return;
    };
    let year = FinancialYear::containing(end);
    if year < horizon.first {
        leases.ended_before += 1;
    } else if year > horizon.last() {
        leases.after += 1;
    } else {
        leases.by_year[year_index(year, horizon)].1 += 1;
    }
}

/// The programme without levelling, by the plain rules and nothing else:
/// each scheduled asset is replaced in its due year (the first year when
/// overdue) and again every `life` years inside the horizon, at each year's
/// price. A second, independent statement of the rules: with no cap,
/// [`forecast`] must fund exactly these.
///
/// Returns (asset index, year, cost in pence, cause), by asset then year.
///
/// # Errors
/// Incomplete assumptions, or a cost too large to hold.
pub fn unlevelled(
    snapshot: &Snapshot,
    assumptions: &Assumptions,
    horizon: Horizon,
) -> Result<Vec<(u32, FinancialYear, i64, Reason)>, ForecastError> {
    let mut out = Vec::new();
    for (i, asset) in snapshot.assets().iter().enumerate() {
        if !asset.status.is_live() || asset.funding == Funding::Leased {
            continue;
        }
        let Some(in_service) = asset.in_service else {
            continue;
        };
        let life = life_years(snapshot, asset, assumptions);
        let by_age = FinancialYear::containing(add_years(in_service, life));
        let by_support = if assumptions.support.replaces(asset.class) {
            super::support::replacement_day(snapshot, asset, &assumptions.support).map(
                |(day, _)| {
                    let year = FinancialYear::containing(day);
                    if assumptions.support.replace_before {
                        year.offset(-1)
                    } else {
                        year
                    }
                },
            )
        } else {
            None
        };
        let (mut year, mut cause) = match by_support {
            Some(s) if s < by_age => (s.max(horizon.first), Reason::EndOfSupport),
            _ if by_age < horizon.first => (horizon.first, Reason::Overdue),
            _ => (by_age, Reason::Age),
        };
        let unit = unit_price(snapshot, asset, assumptions);
        while year <= horizon.last() {
            let pence = unit_cost_pence(unit, assumptions.inflation, assumptions.price_base, year)?;
            out.push((
                u32::try_from(i).expect("invariant: fits"),
                year,
                pence,
                cause,
            ));
            year = year.offset(life);
            cause = Reason::RepeatCycle;
        }
    }
    Ok(out)
}

/// The life rule, stated directly: override, else model rule, else class.
fn life_years(snapshot: &Snapshot, asset: &SnapshotAsset, assumptions: &Assumptions) -> i32 {
    let by_model = asset.model.and_then(|m| {
        let m = &snapshot.models()[m as usize];
        assumptions
            .model_lives
            .iter()
            .find(|r| {
                normalise_word(&r.manufacturer) == m.manufacturer_key
                    && normalise_word(&r.model) == m.model_key
            })
            .map(|r| r.life_years)
    });
    let years = asset
        .life_override
        .map(u32::from)
        .or(by_model)
        .or_else(|| assumptions.class_life(asset.class))
        .expect("invariant: assumptions validated");
    i32::try_from(years).expect("invariant: lives are 1-50")
}

/// The price rule, stated directly: the model's price in its class, else
/// the class's.
fn unit_price(snapshot: &Snapshot, asset: &SnapshotAsset, assumptions: &Assumptions) -> Money {
    asset
        .model
        .and_then(|m| {
            let m = &snapshot.models()[m as usize];
            assumptions
                .prices
                .iter()
                .find(|p| {
                    p.class == asset.class
                        && normalise_word(&p.manufacturer) == m.manufacturer_key
                        && normalise_word(&p.model) == m.model_key
                })
                .map(|p| p.unit_cost)
        })
        .or_else(|| assumptions.class_price(asset.class))
        .expect("invariant: assumptions validated")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AssetStatus, Rate};
    use crate::forecast::assumptions::Caps;
    use crate::forecast::snapshot::AssetInput;
    use crate::policy::{Defaults, ModelLife};
    use proptest::prelude::*;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn policy() -> Assumptions {
        Assumptions::from_defaults(&Defaults::builtin()).unwrap()
    }

    fn five_years() -> Horizon {
        Horizon::new(fy("2026/27"), 5).unwrap()
    }

    fn asset(tag: &str, class: AssetClass, in_service: Date) -> AssetInput<'_> {
        let mut a = AssetInput::new("BCW", tag, class);
        a.in_service = Some(in_service);
        a
    }

    fn snapshot(assets: &[AssetInput<'_>]) -> Snapshot {
        let mut s = Snapshot::new();
        for a in assets {
            s.push(a).unwrap();
        }
        s
    }

    /// (tag, funded year or "unfunded", reason, pence), in decision order.
    fn rows(s: &Snapshot, f: &CapitalForecast) -> Vec<(String, String, &'static str, i64)> {
        f.replacements
            .iter()
            .map(|r| {
                (
                    s.tag(&s.assets()[r.asset as usize]).to_string(),
                    r.funded.map_or("unfunded".to_string(), |y| y.to_string()),
                    r.reason(f.horizon).as_str(),
                    r.cost_pence,
                )
            })
            .collect()
    }

    #[test]
    fn the_year_turns_between_31_march_and_1_april() {
        // Desktops live 5 years. In service 31 March 2021 -> due 31 March 2026,
        // in 2025/26: overdue, so due in 2026/27 and counted as backlog.
        // In service 1 April 2021 -> due 1 April 2026, in 2026/27: due by age.
        // In service 31 March 2022 -> due 31 March 2027: still 2026/27.
        // In service 1 April 2022 -> due 1 April 2027: 2027/28.
        let s = snapshot(&[
            asset("A", AssetClass::Desktop, date!(2021 - 03 - 31)),
            asset("B", AssetClass::Desktop, date!(2021 - 04 - 01)),
            asset("C", AssetClass::Desktop, date!(2022 - 03 - 31)),
            asset("D", AssetClass::Desktop, date!(2022 - 04 - 01)),
        ]);
        let f = forecast(&s, &policy(), five_years()).unwrap();
        let got: Vec<(String, String, &str)> = rows(&s, &f)
            .into_iter()
            .map(|(t, y, r, _)| (t, y, r))
            .collect();
        let want = [
            ("A", "2026/27", "overdue"),
            ("B", "2026/27", "age"),
            ("C", "2026/27", "age"),
            ("D", "2027/28", "age"),
        ];
        let want: Vec<(String, String, &str)> = want
            .iter()
            .map(|(t, y, r)| ((*t).to_string(), (*y).to_string(), *r))
            .collect();
        assert_eq!(got, want);
        assert_eq!(f.summary[0].overdue.count, 1);
        assert_eq!(f.summary[0].overdue.value, Money::from_pence(60_000));
        assert_eq!(f.summary[0].due.count, 3);
        // 2027/28 price: £600 x 1.02 = £612.00.
        assert_eq!(f.summary[1].funded.value, Money::from_pence(61_200));
    }

    #[test]
    fn a_29_february_in_service_date_falls_due_on_28_february() {
        // Server (3 years) in service 29 Feb 2024 -> due 28 Feb 2027 (2026/27),
        // so under a cap (room for one a year) it queues ahead of a server
        // due 1 March 2027, which goes into 2027/28 at £10,200.
        let s = snapshot(&[
            asset("S-B", AssetClass::Server, date!(2024 - 03 - 01)),
            asset("S-A", AssetClass::Server, date!(2024 - 02 - 29)),
        ]);
        let mut a = policy();
        a.caps = Caps::EveryYear(Money::from_pence(1_050_000));
        let f = forecast(&s, &a, five_years()).unwrap();
        assert_eq!(f.replacements[0].due_date, date!(2027 - 02 - 28));
        let got = rows(&s, &f);
        assert_eq!(got[0].0, "S-A", "earliest due date funded first");
        assert_eq!(got[0].1, "2026/27");
        assert_eq!(got[1].0, "S-B");
        assert_eq!(got[1].1, "2027/28");
        assert_eq!(got[1].2, "deferred");
        // Deferred into 2027/28 at 2027/28's price: £10,000 x 1.02.
        assert_eq!(got[1].3, 1_020_000);
    }

    #[test]
    fn a_server_replaced_in_2026_27_is_replaced_again_in_2029_30() {
        let s = snapshot(&[asset("SRV1", AssetClass::Server, date!(2023 - 06 - 01))]);
        let f = forecast(&s, &policy(), five_years()).unwrap();
        let got = rows(&s, &f);
        // £10,000 in 2026/27; 2029/30 is three years on: £10,000 x 1.02^3 =
        // £10,612.08.
        assert_eq!(
            got,
            [
                ("SRV1".into(), "2026/27".into(), "age", 1_000_000),
                ("SRV1".into(), "2029/30".into(), "repeat cycle", 1_061_208),
            ]
        );
        assert_eq!(f.replacements[1].due_date, date!(2029 - 04 - 01));
    }

    #[test]
    fn inflation_is_rounded_to_the_penny_per_unit_half_away_from_zero() {
        let two = Rate::from_percent(rust_decimal::Decimal::from(2));
        let base = fy("2026/27");
        let cost = |pence, year: &str| {
            unit_cost_pence(Money::from_pence(pence), two, base, fy(year)).unwrap()
        };
        // £850.00 x 1.02^2 = £884.34 exactly.
        assert_eq!(cost(85_000, "2028/29"), 88_434);
        // £0.75 x 1.02 = £0.765 -> £0.77 (half-even would give £0.76).
        assert_eq!(cost(75, "2027/28"), 77);
        // £12.50 x 1.0404 = £13.005 -> £13.01.
        assert_eq!(cost(1_250, "2028/29"), 1_301);
        // At the price base, the price itself.
        assert_eq!(cost(85_000, "2026/27"), 85_000);
        // A year before the base deflates: £102.00 / 1.02 = £100.00.
        assert_eq!(cost(10_200, "2025/26"), 10_000);
    }

    #[test]
    fn totals_are_sums_of_rounded_unit_costs() {
        // Two £12.50 assets in 2028/29 at 2%: 2 x £13.01 = £26.02, not
        // round(£26.01) = £26.01.
        let mut a = policy();
        a.set_price(AssetClass::Other, "", "", Money::from_pence(1_250), "test");
        let s = snapshot(&[
            asset("O1", AssetClass::Other, date!(2023 - 05 - 01)),
            asset("O2", AssetClass::Other, date!(2023 - 05 - 01)),
        ]);
        let f = forecast(&s, &a, five_years()).unwrap();
        assert_eq!(f.summary[2].year, fy("2028/29"));
        assert_eq!(f.summary[2].funded.value, Money::from_pence(2_602));
    }

    #[test]
    fn life_comes_from_the_asset_then_the_model_then_the_class() {
        let mut a = policy();
        a.model_lives.push(ModelLife {
            manufacturer: "Dell".into(),
            model: "OptiPlex 7010".into(),
            life_years: 7,
            source: "test".into(),
        });
        let model = |mut x: AssetInput<'static>| {
            x.manufacturer = Some("DELL");
            x.model = Some("optiplex-7010");
            x
        };
        let in_service = date!(2020 - 06 - 01);
        let mut overridden = model(asset("OVR", AssetClass::Desktop, in_service));
        overridden.life_years = Some(8);
        let s = snapshot(&[
            // class life 5: due June 2025 -> overdue, 2026/27
            asset("CLS", AssetClass::Desktop, in_service),
            // model life 7 (matched ignoring case and hyphens): due June 2027, 2027/28
            model(asset("MOD", AssetClass::Desktop, in_service)),
            // own life 8: due June 2028, 2028/29
            overridden,
        ]);
        let f = forecast(&s, &a, five_years()).unwrap();
        let got: Vec<(String, String)> = rows(&s, &f)
            .into_iter()
            .map(|(t, y, _, _)| (t, y))
            .collect();
        assert!(got.contains(&("CLS".into(), "2026/27".into())));
        assert!(got.contains(&("MOD".into(), "2027/28".into())));
        assert!(got.contains(&("OVR".into(), "2028/29".into())));
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn a_model_price_comes_before_the_class_price() {
        let mut a = policy();
        a.set_price(
            AssetClass::Laptop,
            "Lenovo",
            "ThinkPad T14",
            Money::from_pence(112_500),
            "test",
        );
        let mut t14 = asset("L1", AssetClass::Laptop, date!(2022 - 09 - 01));
        t14.manufacturer = Some("lenovo");
        t14.model = Some("ThinkPad  T14");
        let mut other = asset("L2", AssetClass::Laptop, date!(2022 - 09 - 01));
        other.manufacturer = Some("Lenovo");
        other.model = Some("ThinkPad T16");
        // The same model in another class does not take the laptop price.
        let mut dock = asset("D1", AssetClass::Other, date!(2021 - 09 - 01));
        dock.manufacturer = Some("Lenovo");
        dock.model = Some("ThinkPad T14");
        let s = snapshot(&[t14, other, dock]);
        let f = forecast(&s, &a, five_years()).unwrap();
        let got = rows(&s, &f);
        assert!(got.contains(&("L1".into(), "2026/27".into(), "age", 112_500)));
        assert!(got.contains(&("L2".into(), "2026/27".into(), "age", 85_000)));
        assert!(got.contains(&("D1".into(), "2026/27".into(), "age", 50_000)));
    }

    #[test]
    fn only_live_purchased_kit_of_known_age_is_costed() {
        let d = date!(2021 - 06 - 01);
        let mut retired = asset("R", AssetClass::Desktop, d);
        retired.status = AssetStatus::Retired;
        let mut disposed = asset("X", AssetClass::Desktop, d);
        disposed.status = AssetStatus::Disposed;
        let mut lost = asset("LOST", AssetClass::Desktop, d);
        lost.status = AssetStatus::Lost;
        let mut stored = asset("ST", AssetClass::Desktop, d);
        stored.status = AssetStatus::InStore;
        let mut unknown = AssetInput::new("BCW", "U", AssetClass::Laptop);
        unknown.in_service = None;
        let mut unknown_srv = AssetInput::new("BCW", "U2", AssetClass::Server);
        unknown_srv.status = AssetStatus::InStore;
        let lease = |tag: &'static str, end: Option<Date>| {
            let mut l = asset(tag, AssetClass::Mfd, d);
            l.funding = Funding::Leased;
            l.lease_end = end;
            l
        };
        let s = snapshot(&[
            retired,
            disposed,
            lost,
            stored,
            unknown,
            unknown_srv,
            lease("M1", Some(date!(2027 - 03 - 31))),
            lease("M2", Some(date!(2027 - 04 - 01))),
            lease("M3", Some(date!(2025 - 01 - 01))),
            lease("M4", None),
            lease("M5", Some(date!(2035 - 01 - 01))),
        ]);
        let f = forecast(&s, &policy(), five_years()).unwrap();
        assert_eq!(
            rows(&s, &f),
            [("ST".into(), "2026/27".into(), "age", 60_000)]
        );
        assert_eq!(
            f.scope,
            Scope {
                assets: 11,
                not_live: 3,
                scheduled: 1,
                leased: 5,
                unknown_age: 2
            }
        );
        // Unknown age at price-book prices: £850 + £10,000.
        assert_eq!(
            f.unknown_age,
            Tally {
                count: 2,
                value: Money::from_pence(1_085_000)
            }
        );
        assert_eq!(f.leases.by_year[0], (fy("2026/27"), 1));
        assert_eq!(f.leases.by_year[1], (fy("2027/28"), 1));
        assert_eq!(f.leases.ended_before, 1);
        assert_eq!(f.leases.end_unknown, 1);
        assert_eq!(f.leases.after, 1);
    }

    #[test]
    fn levelling_defers_what_does_not_fit_and_funds_it_next_year_at_next_years_price() {
        // Cap £12,000 a year. 2026/27: server S1 due 1 May 2026 (£10,000),
        // desktops P1, P2 due 1 May 2026 (£600 each), laptop L1 overdue
        // (due 1 Sep 2025, £850), server S2 due 1 Jun 2026 (£10,000).
        // Order: L1 (earliest), S1, P1, P2 (same date; server before desktop,
        // then tag), S2.
        // L1 850 -> left 11,150; S1 10,000 -> 1,150; P1 600 -> 550;
        // P2 600 > 550 deferred; S2 10,000 deferred.
        // 2027/28 at 2%: deferred in P2 £612, S2 £10,200. Order: P2 (due
        // 1 May 2026) then S2. P2 612 -> left 11,388; S2 10,200 -> 1,188.
        let s = snapshot(&[
            asset("S1", AssetClass::Server, date!(2023 - 05 - 01)),
            asset("P2", AssetClass::Desktop, date!(2021 - 05 - 01)),
            asset("P1", AssetClass::Desktop, date!(2021 - 05 - 01)),
            asset("L1", AssetClass::Laptop, date!(2021 - 09 - 01)),
            asset("S2", AssetClass::Server, date!(2023 - 06 - 01)),
        ]);
        let mut a = policy();
        a.caps = Caps::EveryYear(Money::from_pence(1_200_000));
        let f = forecast(&s, &a, five_years()).unwrap();
        let got = rows(&s, &f);
        let want: Vec<(String, String, &str, i64)> = vec![
            ("L1".into(), "2026/27".into(), "overdue", 85_000),
            ("S1".into(), "2026/27".into(), "age", 1_000_000),
            ("P1".into(), "2026/27".into(), "age", 60_000),
            ("P2".into(), "2027/28".into(), "deferred", 61_200),
            ("S2".into(), "2027/28".into(), "deferred", 1_020_000),
            // S1 repeats 3 years after 2026/27 (£10,000 x 1.02^3 = £10,612.08).
            // In 2030/31 S2 (3 years after 2027/28) and L1 (4 years after
            // 2026/27) are both due 1 April 2030: server before laptop.
            // S2 £10,000 x 1.02^4 = £10,824.3216 -> £10,824.32; L1 £850 x
            // 1.02^4 = £920.0688 -> £920.07; together £11,744.39, inside the
            // cap. P1 (5 years) is beyond the horizon.
            ("S1".into(), "2029/30".into(), "repeat cycle", 1_061_208),
            ("S2".into(), "2030/31".into(), "repeat cycle", 1_082_432),
            ("L1".into(), "2030/31".into(), "repeat cycle", 92_007),
        ];
        assert_eq!(got, want);
        let y0 = &f.summary[0];
        assert_eq!(
            (y0.due.count, y0.funded.count, y0.deferred_out.count),
            (5, 3, 2)
        );
        assert_eq!(y0.funded.value, Money::from_pence(1_145_000));
        // Deferred out at next year's prices: £612 + £10,200.
        assert_eq!(y0.deferred_out.value, Money::from_pence(1_081_200));
        assert_eq!(y0.past_life_at_year_end, 2);
        let y1 = &f.summary[1];
        assert_eq!(y1.deferred_in.value, Money::from_pence(1_081_200));
        assert_eq!((y1.funded.count, y1.past_life_at_year_end), (2, 0));
        assert_eq!(f.unfunded, Tally::default());
    }

    #[test]
    fn what_never_fits_is_unfunded_at_the_year_after_the_horizons_price() {
        let s = snapshot(&[asset("ST1", AssetClass::Storage, date!(2020 - 06 - 01))]);
        let mut a = policy();
        a.caps = Caps::EveryYear(Money::from_pence(1_000_000));
        let f = forecast(&s, &a, Horizon::new(fy("2026/27"), 2).unwrap()).unwrap();
        // £40,000 never fits £10,000; deferred out of 2027/28 into 2028/29:
        // £40,000 x 1.02^2 = £41,616.00.
        assert_eq!(
            f.unfunded,
            Tally {
                count: 1,
                value: Money::from_pence(4_161_600)
            }
        );
        assert_eq!(
            rows(&s, &f),
            [("ST1".into(), "unfunded".into(), "deferred", 4_161_600)]
        );
        assert_eq!(f.summary[1].deferred_out, f.unfunded);
        assert_eq!(f.summary[1].past_life_at_year_end, 1);
    }

    #[test]
    fn a_deferred_replacement_is_next_due_life_years_after_it_was_funded() {
        // Two servers due 2026/27, room for one a year: the second is funded
        // in 2027/28 and so next due in 2030/31 (not 2029/30).
        let s = snapshot(&[
            asset("A", AssetClass::Server, date!(2023 - 05 - 01)),
            asset("B", AssetClass::Server, date!(2023 - 05 - 01)),
        ]);
        let mut a = policy();
        a.caps = Caps::EveryYear(Money::from_pence(1_100_000));
        let f = forecast(&s, &a, five_years()).unwrap();
        let got: Vec<(String, String)> = rows(&s, &f)
            .into_iter()
            .map(|(t, y, _, _)| (t, y))
            .collect();
        let want = [
            ("A", "2026/27"),
            ("B", "2027/28"),
            ("A", "2029/30"),
            ("B", "2030/31"),
        ];
        assert_eq!(
            got,
            want.iter()
                .map(|(t, y)| ((*t).to_string(), (*y).to_string()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_per_year_cap_leaves_other_years_uncapped() {
        let s = snapshot(&[
            asset("A", AssetClass::Server, date!(2023 - 05 - 01)),
            asset("B", AssetClass::Server, date!(2023 - 05 - 01)),
        ]);
        let mut a = policy();
        a.caps = "2026/27=10000".parse().unwrap();
        let f = forecast(&s, &a, five_years()).unwrap();
        assert_eq!(f.summary[0].funded.count, 1);
        assert_eq!(f.summary[1].funded.count, 1);
        assert_eq!(f.summary[1].cap, None);
    }

    // ------------------------------------------------------------ properties

    fn arb_estate() -> impl Strategy<Value = Vec<(usize, i64, Option<u32>, u8)>> {
        // (class index, days after 2010-01-01, life override, status/funding code)
        proptest::collection::vec(
            (
                0usize..12,
                0i64..7000,
                proptest::option::weighted(0.2, 1u32..9),
                0u8..20,
            ),
            0..40,
        )
    }

    /// The shipped policy plus model rules, two of which differ only in case
    /// and spacing (the first must win everywhere).
    fn policy_with_models() -> Assumptions {
        let mut a = policy();
        for (manufacturer, model, years) in [
            ("Dell", "OptiPlex 7010", 7),
            ("DELL", "optiplex-7010", 2),
            ("HP", "EliteBook 840", 6),
        ] {
            a.model_lives.push(ModelLife {
                manufacturer: manufacturer.into(),
                model: model.into(),
                life_years: years,
                source: "test".into(),
            });
        }
        a.set_price(
            AssetClass::Desktop,
            "Dell",
            "OptiPlex 7010",
            Money::from_pence(71_005),
            "t",
        );
        a.set_price(
            AssetClass::Laptop,
            "HP",
            "EliteBook 840",
            Money::from_pence(93_333),
            "t",
        );
        a.set_price(
            AssetClass::Laptop,
            "hp",
            "elitebook  840",
            Money::from_pence(1),
            "t",
        );
        a
    }

    const MODELS: [(&str, &str); 4] = [
        ("Dell", "OptiPlex 7010"),
        ("dell", "Optiplex-7010"),
        ("HP", "EliteBook 840"),
        ("Acme", "Widget"),
    ];

    fn build(estate: &[(usize, i64, Option<u32>, u8)]) -> Snapshot {
        let tags: Vec<String> = (0..estate.len())
            .map(|i| format!("T{:03}", i % 17))
            .collect();
        let orgs = ["AAA", "BBB"];
        let mut s = Snapshot::new();
        for (i, (class, days, life, kind)) in estate.iter().enumerate() {
            let mut a = AssetInput::new(orgs[i % 2], &tags[i], AssetClass::ALL[*class]);
            if let Some((manufacturer, model)) = MODELS.get(i % 6) {
                a.manufacturer = Some(manufacturer);
                a.model = Some(model);
            }
            a.in_service =
                (*kind != 0).then(|| date!(2010 - 01 - 01) + time::Duration::days(*days));
            a.life_years = *life;
            a.status = if *kind == 1 {
                AssetStatus::Retired
            } else {
                AssetStatus::InUse
            };
            if *kind == 2 {
                a.funding = Funding::Leased;
            }
            // Every third asset has a recorded support end, from 2016 to 2035:
            // before, inside and after the horizons tested.
            a.support_end =
                (i % 3 == 0).then(|| date!(2016 - 01 - 01) + time::Duration::days(*days));
            s.push(&a).unwrap();
        }
        s
    }

    fn arb_caps() -> impl Strategy<Value = Caps> {
        prop_oneof![
            Just(Caps::None),
            (0i64..3_000_000).prop_map(|p| Caps::EveryYear(Money::from_pence(p))),
            proptest::collection::btree_map(0i32..6, 0i64..3_000_000, 0..6).prop_map(|m| {
                Caps::PerYear(
                    m.into_iter()
                        .map(|(y, p)| (FinancialYear::new(2026 + y).unwrap(), Money::from_pence(p)))
                        .collect(),
                )
            }),
        ]
    }

    proptest! {
        #[test]
        fn no_year_ever_exceeds_its_cap(estate in arb_estate(), caps in arb_caps(), years in 1u32..8) {
            let s = build(&estate);
            let mut a = policy_with_models();
            a.caps = caps;
            let f = forecast(&s, &a, Horizon::new(fy("2026/27"), years).unwrap()).unwrap();
            for y in &f.summary {
                if let Some(cap) = y.cap {
                    prop_assert!(y.funded.value <= cap, "{} funded {} over {}", y.year, y.funded.value, cap);
                }
            }
        }

        #[test]
        fn every_due_replacement_is_funded_once_or_reported(estate in arb_estate(), caps in arb_caps(), years in 1u32..8) {
            let s = build(&estate);
            let mut a = policy_with_models();
            a.caps = caps;
            let h = Horizon::new(fy("2026/27"), years).unwrap();
            let f = forecast(&s, &a, h).unwrap();
            let rules = resolved_rules(&s, &a, h).unwrap();
            // Walk each asset's chain: its first due year, then life years after
            // each funding. Every link inside the horizon must appear exactly once.
            for (i, asset) in s.assets().iter().enumerate() {
                let mine: Vec<&Replacement> =
                    f.replacements.iter().filter(|r| r.asset as usize == i).collect();
                let scheduled = asset.status.is_live() && asset.funding == Funding::Purchased;
                let Some(in_service) = asset.in_service.filter(|_| scheduled) else {
                    prop_assert!(mine.is_empty());
                    continue;
                };
                let life = i32::try_from(rules[i].0).unwrap();
                // The first link is the earlier of age and end of support.
                let mut due = FinancialYear::containing(add_years(in_service, life));
                if let Some(day) = crate::forecast::support::support_due_date(&s, asset, &a.support) {
                    due = due.min(FinancialYear::containing(day));
                }
                let mut due = due.max(h.first);
                let mut k = 0;
                while due <= h.last() {
                    prop_assert!(k < mine.len(), "asset {i}: due {due} missing");
                    let r = mine[k];
                    prop_assert_eq!(r.due_year().max(h.first), due);
                    let Some(y) = r.funded else {
                        k += 1;
                        break;
                    };
                    prop_assert!(y >= due);
                    due = y.offset(life);
                    k += 1;
                }
                prop_assert_eq!(k, mine.len(), "asset {}: extra replacements", i);
            }
        }

        #[test]
        fn with_no_cap_the_levelled_programme_is_the_unlevelled_one(estate in arb_estate(), years in 1u32..8) {
            let s = build(&estate);
            let mut a = policy_with_models();
            // Both forms of the end-of-support rule.
            a.support.replace_before = years % 2 == 0;
            let h = Horizon::new(fy("2026/27"), years).unwrap();
            let f = forecast(&s, &a, h).unwrap();
            let mut levelled: Vec<(u32, FinancialYear, i64, Reason)> = f
                .replacements
                .iter()
                .map(|r| (r.asset, r.funded.unwrap(), r.cost_pence, r.reason(h)))
                .collect();
            levelled.sort();
            let mut plain = unlevelled(&s, &a, h).unwrap();
            plain.sort();
            prop_assert_eq!(levelled, plain);
            prop_assert_eq!(f.unfunded, Tally::default());
        }

        #[test]
        fn funded_and_unfunded_value_account_for_every_replacement(estate in arb_estate(), caps in arb_caps(), years in 1u32..8) {
            let s = build(&estate);
            let mut a = policy_with_models();
            a.caps = caps;
            let h = Horizon::new(fy("2026/27"), years).unwrap();
            let f = forecast(&s, &a, h).unwrap();
            let rules = resolved_rules(&s, &a, h).unwrap();
            let mut total = 0i64;
            for r in &f.replacements {
                // Each is valued at the unit price of the year it is funded in
                // (or the year after the horizon).
                let year = r.funded.unwrap_or(h.last().next());
                let unit = rules[r.asset as usize].1;
                prop_assert_eq!(r.cost_pence, unit_cost_pence(unit, a.inflation, a.price_base, year).unwrap());
                total += r.cost_pence;
            }
            let funded: i64 = f.summary.iter().map(|y| y.funded.value.to_pence().unwrap()).sum();
            prop_assert_eq!(funded + f.unfunded.value.to_pence().unwrap(), total);
            for (i, y) in f.summary.iter().enumerate() {
                prop_assert_eq!(y.due.count + y.deferred_in.count, y.funded.count + y.deferred_out.count);
                prop_assert_eq!(y.past_life_at_year_end, y.deferred_out.count);
                let next = f.summary.get(i + 1).map_or(f.unfunded, |n| n.deferred_in);
                prop_assert_eq!(y.deferred_out, next);
            }
        }
    }
}

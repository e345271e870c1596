//! The licence forecast: what each entitlement costs in each year (as
//! payable, and annualised for comparison), the compliance position per
//! product, the saving from consolidating one product onto one price, and
//! the products in one category that could be standardised.
//!
//! Pure: the register's [`Licence`] records, the organisations' shares and
//! staff counts, the in-use device counts, the product synonyms and a
//! [`Horizon`] in; a [`LicencesForecast`] out. All money is exact; the
//! rules, with their bases stated:
//!
//! - **Product names.** Names are matched ignoring case, spaces and
//!   punctuation through `data/licences/product-synonyms.csv`, so
//!   "Microsoft 365 E3", "M365 E3 (User)" and "O365 E3" are one product. A
//!   category is the entitlement's own, else the synonyms file's.
//! - **Bases.** A unit cost is per month (`monthly`), per year (`annual`)
//!   or paid once (`one_off`). A one-off with a start and an end date is a
//!   *term* agreement of `term` whole years (the months from start to the
//!   day after the end, ÷ 12, rounded half up; at least 1); a one-off
//!   without an end date is *perpetual*.
//! - **Payable by year.** Monthly: quantity × unit × 12 every year; annual:
//!   quantity × unit every year (both assumed renewed on the same terms,
//!   with the year the term ends flagged). Term: quantity × unit in the
//!   year containing its start (if in the horizon) and in the year
//!   containing its end date and every `term` years after. Perpetual:
//!   quantity × unit in the year of its start, if in the horizon.
//! - **Uplift.** Recurring payments (monthly, annual, a term's renewals)
//!   rise by the `licence_price_uplift` setting a year from the horizon's
//!   first year: year k pays the held price × (1 + uplift)^k, rounded to
//!   the penny per entitlement. One-off payments at a term's start or for a
//!   perpetual licence are at the price held. Annualised costs are not
//!   uplifted (they compare prices held).
//! - **Annualised** (for comparison): monthly × 12, annual as is, a term's
//!   cost ÷ its years (rounded to the penny per entitlement), perpetual £0.
//! - **Compliance** per organisation, product and metric: per-device
//!   entitlements against the organisation's in-use devices of the classes
//!   they cover (the entitlement's own list, else the product's in the
//!   synonyms file, else desktops and laptops; not checked for workloads
//!   the register does not hold), per-user against its staff count (not
//!   checked for a system the synonyms file says has named users, not all
//!   staff); per-core and site licences are not checked.
//!   Shelfware is valued at a year's cost, dearest entitlement first (what
//!   you would cut); a shortfall at the cheapest annualised price held (a
//!   year's cost), or for perpetual-only products at the cheapest one-off
//!   price (once).
//! - **Consolidation** per product and metric across agreements and
//!   organisations (perpetual entitlements left out): every seat moves to
//!   the cheapest annualised price held — or to the target agreement, when
//!   one is given — and the saving is Σ seats × (their price − the
//!   target's). It is given per year (annualised) and, when every
//!   entitlement in the group has the same basis, on that basis too: 600
//!   seats at £20.40 and 400 at £23.10 per user per month save 400 ×
//!   £2.70 = £1,080.00 a month (£12,960.00 a year).
//! - **Standardisation.** Products of one category held as two or more
//!   different products, with their combined annualised cost.
//! - **Organisations.** A shared service's payable amounts are apportioned
//!   to its members by largest remainder.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use super::capital::Horizon;
use super::lines::Shares;
use super::programme::apportion;
use super::snapshot::Snapshot;
use crate::domain::{
    AssetClass, BudgetType, CostBasis, FinancialYear, LicenceMetric, Money, Rate, add_years,
    enums::normalise_word,
};
use crate::policy::ProductSynonym;
use crate::policy::running::{DeviceScope, UserScope, product_key};
use crate::register::{Licence, LicenceFields};

/// Why a licence forecast cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicencesError {
    /// A target agreement that no entitlement is held under.
    #[error("no entitlement is held under agreement `{0}`; `estate licences list` shows them")]
    UnknownTarget(String),
    /// A shared service names an organisation that is not there.
    #[error("shares: {0}")]
    Shares(String),
    /// A figure too large to hold.
    #[error("a licence cost is too large to compute")]
    Overflow,
}

/// What the licence forecast reads besides the licences.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LicenceContext {
    /// Shared services' members and ratios.
    pub shares: Shares,
    /// Staff per organisation code.
    pub staff: BTreeMap<String, u32>,
    /// In-use devices per (organisation code, class).
    pub devices: BTreeMap<(String, AssetClass), u64>,
    /// Product synonyms.
    pub synonyms: Vec<ProductSynonym>,
    /// Consolidate onto this agreement instead of the cheapest price.
    pub target: Option<String>,
    /// The yearly price uplift of recurring licence payments (the
    /// `licence_price_uplift` setting; 0% when a register has none).
    #[serde(default)]
    pub uplift: Rate,
}

/// How an entitlement's cost recurs, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "years")]
pub enum Term {
    /// Paid every month.
    Monthly,
    /// Paid every year.
    Annual,
    /// Paid once for this many years, then renewed.
    Term(u32),
    /// Paid once, for ever.
    Perpetual,
}

impl Term {
    /// How `fields` recur.
    pub fn of(fields: &LicenceFields) -> Term {
        match (fields.cost_basis, fields.start_date, fields.end_date) {
            (CostBasis::Monthly, _, _) => Term::Monthly,
            (CostBasis::Annual, _, _) => Term::Annual,
            (CostBasis::OneOff, Some(start), Some(end)) => Term::Term(term_years(start, end)),
            (CostBasis::OneOff, _, _) => Term::Perpetual,
        }
    }
}

/// Whole years from `start` to the day after `end`: months ÷ 12, rounded
/// half up, at least 1.
pub fn term_years(start: Date, end: Date) -> u32 {
    let after = end.next_day().unwrap_or(end);
    let months = (after.year() - start.year()) * 12 + i32::from(u8::from(after.month()))
        - i32::from(u8::from(start.month()));
    u32::try_from((months + 6) / 12).unwrap_or(0).max(1)
}

/// One entitlement's costs over the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renewal {
    /// Organisation code.
    pub organisation: String,
    /// The product, normalised.
    pub product: String,
    /// The product as the entitlement names it.
    pub held_as: String,
    /// The agreement.
    pub agreement: String,
    /// What one licence counts.
    pub metric: LicenceMetric,
    /// How many.
    pub quantity: u32,
    /// Unit cost on its basis.
    pub unit_cost: Money,
    /// The basis.
    pub cost_basis: CostBasis,
    /// How it recurs.
    pub term: Term,
    /// Capital or revenue.
    pub budget: BudgetType,
    /// The year its term ends, when that is inside the horizon (the renewal
    /// decision).
    pub term_ends: Option<FinancialYear>,
    /// What is paid in each year.
    pub payable: Vec<Money>,
    /// The annualised cost, for comparison (the same every year).
    pub annualised: Money,
}

/// Payable and annualised totals for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LicenceYear {
    /// Payable from revenue.
    pub revenue: Money,
    /// Payable from capital.
    pub capital: Money,
    /// Annualised cost of everything held.
    pub annualised: Money,
}

/// Money per year for one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgLicences {
    /// Organisation code.
    pub organisation: String,
    /// Payable per year (revenue and capital).
    pub payable: Vec<Money>,
}

/// The compliance position of one product at one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// Organisation code.
    pub organisation: String,
    /// The product, normalised.
    pub product: String,
    /// What one licence counts.
    pub metric: LicenceMetric,
    /// Licences held.
    pub entitled: u64,
    /// What they are checked against: staff, or in-use devices of the
    /// classes covered; `None` when not checked.
    pub deployed: Option<u64>,
    /// What `deployed` counts, in words.
    pub measure: String,
    /// Held but not needed.
    pub shelfware: u64,
    /// A year's cost of the shelfware.
    pub shelfware_cost: Money,
    /// Needed but not held.
    pub shortfall: u64,
    /// The cost to true up.
    pub true_up_cost: Money,
    /// `a year` or `one-off`.
    pub true_up_basis: String,
}

/// One entitlement in a consolidation group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsolidationLine {
    /// Organisation code.
    pub organisation: String,
    /// The product as held.
    pub held_as: String,
    /// The agreement.
    pub agreement: String,
    /// Seats.
    pub quantity: u32,
    /// Unit cost on its basis.
    pub unit_cost: Money,
    /// The basis.
    pub cost_basis: CostBasis,
    /// Per seat per year.
    pub annual_unit_cost: Money,
    /// A year's saving from moving these seats to the target price.
    pub saving_per_year: Money,
}

/// One product held under several agreements or by several organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consolidation {
    /// The product.
    pub product: String,
    /// What one licence counts.
    pub metric: LicenceMetric,
    /// Seats in the group.
    pub seats: u64,
    /// The entitlements, cheapest first.
    pub lines: Vec<ConsolidationLine>,
    /// The organisation holding the target price.
    pub target_organisation: String,
    /// The agreement whose price every seat moves to.
    pub target_agreement: String,
    /// The target unit cost on its basis.
    pub target_unit_cost: Money,
    /// The target's basis.
    pub target_basis: CostBasis,
    /// The basis every entitlement shares, if they share one.
    pub common_basis: Option<CostBasis>,
    /// The saving on the common basis (e.g. a month), if there is one.
    pub saving_on_basis: Option<Money>,
    /// The saving a year.
    pub saving_per_year: Money,
    /// The saving in each year of the horizon.
    pub by_year: Vec<Money>,
}

/// Products of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standardisation {
    /// The category.
    pub category: String,
    /// Each product, with who holds it and its annualised cost.
    pub products: Vec<CategoryProduct>,
    /// The combined annualised cost.
    pub combined_annual_cost: Money,
}

/// A product within a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryProduct {
    /// The product.
    pub product: String,
    /// The organisations holding it, comma separated.
    pub organisations: String,
    /// Licences held.
    pub quantity: u64,
    /// Annualised cost.
    pub annual_cost: Money,
}

/// The licence forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicencesForecast {
    /// The years.
    pub years: Vec<FinancialYear>,
    /// Every entitlement, by organisation, product and agreement.
    pub renewals: Vec<Renewal>,
    /// Totals per year.
    pub totals: Vec<LicenceYear>,
    /// Payable by organisation, shared services apportioned.
    pub by_org: Vec<OrgLicences>,
    /// Compliance per organisation and product.
    pub compliance: Vec<Compliance>,
    /// Consolidation groups, largest saving first.
    pub consolidation: Vec<Consolidation>,
    /// Standardisation candidates, by category.
    pub standardisation: Vec<Standardisation>,
    /// The yearly price uplift applied to recurring payments.
    #[serde(default)]
    pub uplift: Rate,
}

/// Product names resolved through the synonyms.
struct Names<'a> {
    by_key: BTreeMap<String, &'a ProductSynonym>,
}

impl<'a> Names<'a> {
    fn new(synonyms: &'a [ProductSynonym]) -> Self {
        Names {
            by_key: synonyms
                .iter()
                .map(|s| (product_key(&s.alias), s))
                .collect(),
        }
    }

    fn synonym(&self, held_as: &str) -> Option<&'a ProductSynonym> {
        self.by_key.get(&product_key(held_as)).copied()
    }

    fn product(&self, held_as: &str) -> String {
        self.by_key
            .get(&product_key(held_as))
            .map_or_else(|| held_as.trim().to_string(), |s| s.product.clone())
    }

    fn category(&self, f: &LicenceFields) -> Option<String> {
        f.category
            .as_deref()
            .filter(|c| !c.trim().is_empty())
            .or_else(|| {
                self.by_key
                    .get(&product_key(&f.product))
                    .and_then(|s| s.category.as_deref())
            })
            .map(normalise_word)
    }
}

fn annual_unit(f: &LicenceFields, term: Term) -> Option<Money> {
    match term {
        Term::Monthly => f.unit_cost.times(12),
        Term::Annual => Some(f.unit_cost),
        Term::Term(years) => f
            .unit_cost
            .checked_mul(Decimal::ONE / Decimal::from(years))
            .map(Money::round_to_penny),
        Term::Perpetual => None,
    }
}

fn annualised(f: &LicenceFields, term: Term) -> Result<Money, LicencesError> {
    let total = f
        .unit_cost
        .times(u64::from(f.quantity))
        .ok_or(LicencesError::Overflow)?;
    Ok(match term {
        Term::Monthly => total.times(12).ok_or(LicencesError::Overflow)?,
        Term::Annual => total,
        Term::Term(years) => {
            Money::from_decimal(total.amount() / Decimal::from(years)).round_to_penny()
        }
        Term::Perpetual => Money::ZERO,
    })
}

/// `amount × (1 + uplift)^k`, rounded to the penny half away from zero.
fn uplifted(amount: Money, uplift: Rate, k: usize) -> Result<Money, LicencesError> {
    let factor = uplift
        .compound(i32::try_from(k).map_err(|_| LicencesError::Overflow)?)
        .ok_or(LicencesError::Overflow)?;
    Ok(Money::from_decimal(
        amount
            .amount()
            .checked_mul(factor)
            .ok_or(LicencesError::Overflow)?,
    )
    .round_to_penny())
}

/// What `f` is payable in each year of `horizon`. Recurring payments
/// (monthly, annual, a term's renewals) rise by `uplift` a year from the
/// horizon's first year: in year k (the first is 0) they are the held price
/// × (1 + uplift)^k, rounded to the penny per entitlement. A one-off paid
/// at a term's start or for a perpetual licence is at the price held.
fn payable(
    f: &LicenceFields,
    term: Term,
    horizon: Horizon,
    uplift: Rate,
) -> Result<Vec<Money>, LicencesError> {
    let years = horizon.years();
    let total = f
        .unit_cost
        .times(u64::from(f.quantity))
        .ok_or(LicencesError::Overflow)?;
    let mut out = vec![Money::ZERO; years.len()];
    let index = |year: FinancialYear| {
        usize::try_from(year.years_since(horizon.first))
            .ok()
            .filter(|i| *i < years.len())
    };
    match term {
        Term::Monthly => {
            let a = total.times(12).ok_or(LicencesError::Overflow)?;
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = uplifted(a, uplift, k)?;
            }
        }
        Term::Annual => {
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = uplifted(total, uplift, k)?;
            }
        }
        Term::Term(term_years) => {
            if let Some(i) = f
                .start_date
                .and_then(|d| index(FinancialYear::containing(d)))
            {
                out[i] += total;
            }
            if let Some(end) = f.end_date {
                let step = i32::try_from(term_years).unwrap_or(1);
                let mut renew = end;
                while FinancialYear::containing(renew) <= horizon.last() {
                    if let Some(i) = index(FinancialYear::containing(renew)) {
                        out[i] += uplifted(total, uplift, i)?;
                    }
                    renew = add_years(renew, step);
                }
            }
        }
        Term::Perpetual => {
            if let Some(i) = f
                .start_date
                .and_then(|d| index(FinancialYear::containing(d)))
            {
                out[i] += total;
            }
        }
    }
    Ok(out)
}

/// Runs the licence forecast.
///
/// # Errors
/// A target agreement no entitlement is held under, a share naming an
/// unknown organisation, or a cost too large to hold.
pub fn forecast(
    licences: &[Licence],
    context: &LicenceContext,
    horizon: Horizon,
) -> Result<LicencesForecast, LicencesError> {
    let names = Names::new(&context.synonyms);
    let years = horizon.years();
    let n = years.len();

    let mut renewals = Vec::with_capacity(licences.len());
    let mut totals = vec![LicenceYear::default(); n];
    let mut orgs = Snapshot::new();
    let mut payable_by_org: Vec<Vec<i64>> = Vec::new();
    for l in licences {
        let f = &l.fields;
        let term = Term::of(f);
        let pay = payable(f, term, horizon, context.uplift)?;
        let annual = annualised(f, term)?;
        let org = orgs
            .add_organisation(&l.organisation)
            .map_err(|_| LicencesError::Overflow)? as usize;
        if payable_by_org.len() <= org {
            payable_by_org.resize(org + 1, vec![0; n]);
        }
        for (y, m) in pay.iter().enumerate() {
            match f.budget {
                BudgetType::Revenue => totals[y].revenue += *m,
                BudgetType::Capital => totals[y].capital += *m,
            }
            totals[y].annualised += annual;
            payable_by_org[org][y] += m.to_pence().ok_or(LicencesError::Overflow)?;
        }
        renewals.push(Renewal {
            organisation: l.organisation.clone(),
            product: names.product(&f.product),
            held_as: f.product.clone(),
            agreement: f.agreement.clone(),
            metric: f.metric,
            quantity: f.quantity,
            unit_cost: f.unit_cost,
            cost_basis: f.cost_basis,
            term,
            budget: f.budget,
            term_ends: f
                .end_date
                .map(FinancialYear::containing)
                .filter(|y| *y >= horizon.first && *y <= horizon.last()),
            payable: pay,
            annualised: annual,
        });
    }
    renewals.sort_by(|a, b| {
        (&a.organisation, &a.product, &a.agreement).cmp(&(
            &b.organisation,
            &b.product,
            &b.agreement,
        ))
    });

    for (shared, members) in &context.shares {
        orgs.add_organisation(shared)
            .map_err(|_| LicencesError::Overflow)?;
        for (m, _) in members {
            orgs.add_organisation(m)
                .map_err(|_| LicencesError::Overflow)?;
        }
        let members: Vec<(&str, Decimal)> = members.iter().map(|(m, r)| (m.as_str(), *r)).collect();
        orgs.set_shares(shared, &members)
            .map_err(|e| LicencesError::Shares(e.to_string()))?;
    }
    payable_by_org.resize(orgs.organisations().len(), vec![0; n]);
    let by_org = apportion(&orgs, &payable_by_org)
        .into_iter()
        .filter(|(_, p)| p.iter().any(|x| *x != 0))
        .map(|(organisation, p)| OrgLicences {
            organisation,
            payable: p.into_iter().map(Money::from_pence).collect(),
        })
        .collect();

    Ok(LicencesForecast {
        years,
        compliance: compliance(licences, context, &names)?,
        consolidation: consolidation(licences, context, &names, n)?,
        standardisation: standardisation(licences, &names)?,
        renewals,
        totals,
        by_org,
        uplift: context.uplift,
    })
}

/// What a per-device entitlement covers: its own list, else its product's
/// (from the synonyms), else desktops and laptops.
fn covered(f: &LicenceFields, names: &Names<'_>) -> DeviceScope {
    let own: Vec<AssetClass> = f
        .covers_classes
        .as_deref()
        .unwrap_or("")
        .split([',', ';'])
        .filter_map(|c| c.trim().parse::<AssetClass>().ok())
        .collect();
    if !own.is_empty() {
        return DeviceScope::Classes(own);
    }
    names
        .synonym(&f.product)
        .and_then(|s| s.per_device.clone())
        .unwrap_or_else(|| DeviceScope::Classes(vec![AssetClass::Desktop, AssetClass::Laptop]))
}

fn compliance(
    licences: &[Licence],
    context: &LicenceContext,
    names: &Names<'_>,
) -> Result<Vec<Compliance>, LicencesError> {
    let mut groups: BTreeMap<(String, String, LicenceMetric), Vec<&LicenceFields>> =
        BTreeMap::new();
    for l in licences {
        groups
            .entry((
                l.organisation.clone(),
                names.product(&l.fields.product),
                l.fields.metric,
            ))
            .or_default()
            .push(&l.fields);
    }
    let mut out = Vec::new();
    for ((organisation, product, metric), held) in groups {
        let entitled: u64 = held.iter().map(|f| u64::from(f.quantity)).sum();
        let scope = names
            .synonym(&held[0].product)
            .map(|s| s.per_user)
            .unwrap_or_default();
        let scopes: Vec<DeviceScope> = held.iter().map(|f| covered(f, names)).collect();
        let (deployed, measure) = match metric {
            LicenceMetric::PerUser if scope == UserScope::NamedUsers => (
                None,
                "not checked: named users of a system, not all staff".to_string(),
            ),
            LicenceMetric::PerUser => (
                context.staff.get(&organisation).map(|n| u64::from(*n)),
                if context.staff.contains_key(&organisation) {
                    "staff".to_string()
                } else {
                    "not checked: no staff count".to_string()
                },
            ),
            LicenceMetric::PerDevice if scopes.contains(&DeviceScope::NotHeld) => (
                None,
                "not checked: workloads the register does not hold".to_string(),
            ),
            LicenceMetric::PerDevice => {
                let mut classes: Vec<AssetClass> = scopes
                    .into_iter()
                    .flat_map(|s| match s {
                        DeviceScope::Classes(c) => c,
                        DeviceScope::NotHeld => Vec::new(),
                    })
                    .collect();
                classes.sort_by_key(|c| c.priority());
                classes.dedup();
                let count = classes
                    .iter()
                    .map(|c| {
                        context
                            .devices
                            .get(&(organisation.clone(), *c))
                            .copied()
                            .unwrap_or(0)
                    })
                    .sum();
                let words: Vec<&str> = classes.iter().map(|c| c.label()).collect();
                (Some(count), format!("in-use {}", words.join(", ")))
            }
            LicenceMetric::PerCore | LicenceMetric::Site => {
                (None, format!("not checked: {metric} licence"))
            }
        };
        let mut row = Compliance {
            organisation,
            product,
            metric,
            entitled,
            deployed,
            measure,
            shelfware: 0,
            shelfware_cost: Money::ZERO,
            shortfall: 0,
            true_up_cost: Money::ZERO,
            true_up_basis: String::new(),
        };
        if let Some(deployed) = deployed {
            // (annual unit cost, quantity) dearest first; perpetual seats
            // cost nothing a year.
            let mut priced: Vec<(Money, u64)> = held
                .iter()
                .map(|f| {
                    (
                        annual_unit(f, Term::of(f)).unwrap_or(Money::ZERO),
                        u64::from(f.quantity),
                    )
                })
                .collect();
            priced.sort_by_key(|p| std::cmp::Reverse(p.0));
            if entitled > deployed {
                row.shelfware = entitled - deployed;
                let mut left = row.shelfware;
                for (unit, qty) in &priced {
                    let take = left.min(*qty);
                    row.shelfware_cost += unit.times(take).ok_or(LicencesError::Overflow)?;
                    left -= take;
                }
            } else if deployed > entitled {
                row.shortfall = deployed - entitled;
                let cheapest_recurring = held
                    .iter()
                    .filter_map(|f| annual_unit(f, Term::of(f)))
                    .min();
                let (unit, basis) = match cheapest_recurring {
                    Some(unit) => (unit, "a year"),
                    None => (
                        held.iter()
                            .map(|f| f.unit_cost)
                            .min()
                            .unwrap_or(Money::ZERO),
                        "one-off",
                    ),
                };
                row.true_up_cost = unit.times(row.shortfall).ok_or(LicencesError::Overflow)?;
                row.true_up_basis = basis.to_string();
            }
        }
        out.push(row);
    }
    Ok(out)
}

fn consolidation(
    licences: &[Licence],
    context: &LicenceContext,
    names: &Names<'_>,
    years: usize,
) -> Result<Vec<Consolidation>, LicencesError> {
    let fold = |t: &str| -> String {
        t.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let target_key = context.target.as_deref().map(fold);
    let mut target_found = target_key.is_none();
    let mut groups: BTreeMap<(String, LicenceMetric), Vec<&Licence>> = BTreeMap::new();
    for l in licences {
        if Term::of(&l.fields) == Term::Perpetual {
            continue;
        }
        groups
            .entry((names.product(&l.fields.product), l.fields.metric))
            .or_default()
            .push(l);
    }
    let mut out = Vec::new();
    for ((product, metric), mut held) in groups {
        if held.len() < 2 {
            continue;
        }
        let unit = |l: &Licence| {
            annual_unit(&l.fields, Term::of(&l.fields))
                .expect("invariant: perpetual left out above")
        };
        held.sort_by(|a, b| {
            unit(a).cmp(&unit(b)).then_with(|| {
                (&a.organisation, &a.fields.agreement).cmp(&(&b.organisation, &b.fields.agreement))
            })
        });
        let target = target_key
            .as_ref()
            .and_then(|k| held.iter().find(|l| fold(&l.fields.agreement) == *k))
            .copied();
        target_found |= target.is_some();
        let target = target.unwrap_or(held[0]);
        let target_unit = unit(target);
        let common_basis = held
            .iter()
            .all(|l| l.fields.cost_basis == held[0].fields.cost_basis)
            .then_some(held[0].fields.cost_basis);
        let mut saving_per_year = Money::ZERO;
        let mut saving_on_basis = Money::ZERO;
        let mut lines = Vec::with_capacity(held.len());
        for l in &held {
            let f = &l.fields;
            let seats = u64::from(f.quantity);
            let saving = (unit(l) - target_unit)
                .times(seats)
                .ok_or(LicencesError::Overflow)?;
            saving_per_year += saving;
            saving_on_basis += (f.unit_cost - target.fields.unit_cost)
                .times(seats)
                .ok_or(LicencesError::Overflow)?;
            lines.push(ConsolidationLine {
                organisation: l.organisation.clone(),
                held_as: f.product.clone(),
                agreement: f.agreement.clone(),
                quantity: f.quantity,
                unit_cost: f.unit_cost,
                cost_basis: f.cost_basis,
                annual_unit_cost: unit(l),
                saving_per_year: saving,
            });
        }
        out.push(Consolidation {
            product,
            metric,
            seats: held.iter().map(|l| u64::from(l.fields.quantity)).sum(),
            lines,
            target_organisation: target.organisation.clone(),
            target_agreement: target.fields.agreement.clone(),
            target_unit_cost: target.fields.unit_cost,
            target_basis: target.fields.cost_basis,
            saving_on_basis: common_basis
                .filter(|b| *b != CostBasis::OneOff)
                .map(|_| saving_on_basis),
            common_basis,
            saving_per_year,
            by_year: vec![saving_per_year; years],
        });
    }
    if !target_found {
        return Err(LicencesError::UnknownTarget(
            context.target.clone().unwrap_or_default(),
        ));
    }
    out.sort_by(|a, b| {
        b.saving_per_year
            .cmp(&a.saving_per_year)
            .then_with(|| a.product.cmp(&b.product))
    });
    Ok(out)
}

fn standardisation(
    licences: &[Licence],
    names: &Names<'_>,
) -> Result<Vec<Standardisation>, LicencesError> {
    // category -> product -> (organisations, quantity, annual cost)
    type Held = (Vec<String>, u64, Money);
    let mut categories: BTreeMap<String, BTreeMap<String, Held>> = BTreeMap::new();
    for l in licences {
        let Some(category) = names.category(&l.fields) else {
            continue;
        };
        let entry = categories
            .entry(category)
            .or_default()
            .entry(names.product(&l.fields.product))
            .or_default();
        if !entry.0.contains(&l.organisation) {
            entry.0.push(l.organisation.clone());
        }
        entry.1 += u64::from(l.fields.quantity);
        entry.2 += annualised(&l.fields, Term::of(&l.fields))?;
    }
    Ok(categories
        .into_iter()
        .filter(|(_, products)| products.len() >= 2)
        .map(|(category, products)| {
            let products: Vec<CategoryProduct> = products
                .into_iter()
                .map(|(product, (mut orgs, quantity, annual_cost))| {
                    orgs.sort();
                    CategoryProduct {
                        product,
                        organisations: orgs.join(", "),
                        quantity,
                        annual_cost,
                    }
                })
                .collect();
            Standardisation {
                category,
                combined_annual_cost: products.iter().map(|p| p.annual_cost).sum(),
                products,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AgreementType, LicenceId};
    use crate::policy::Defaults;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn licence(
        org: &str,
        product: &str,
        agreement: &str,
        quantity: u32,
        pence: i64,
        basis: CostBasis,
    ) -> Licence {
        Licence {
            id: LicenceId(0),
            organisation: org.into(),
            fields: LicenceFields {
                product: product.into(),
                vendor: None,
                agreement: agreement.into(),
                agreement_type: AgreementType::EnterpriseAgreement,
                metric: LicenceMetric::PerUser,
                quantity,
                unit_cost: Money::from_pence(pence),
                cost_basis: basis,
                start_date: None,
                end_date: None,
                budget: BudgetType::Revenue,
                covers_classes: None,
                category: None,
                notes: None,
            },
            batch_id: None,
        }
    }

    fn context() -> LicenceContext {
        LicenceContext {
            synonyms: Defaults::builtin().product_synonyms,
            ..LicenceContext::default()
        }
    }

    fn five_years() -> Horizon {
        Horizon::new(fy("2026/27"), 5).unwrap()
    }

    fn office(basis: CostBasis) -> Vec<Licence> {
        vec![
            licence("AVN", "Microsoft 365 E3", "EA 8841203", 600, 2_040, basis),
            licence("BRK", "M365 E3 (User)", "EA 61945507", 400, 2_310, basis),
        ]
    }

    #[test]
    fn moving_400_seats_to_the_cheaper_agreement_saves_1080_pounds_on_the_price_basis() {
        // Annual prices: 400 × (£23.10 − £20.40) = £1,080.00 a year.
        let f = forecast(&office(CostBasis::Annual), &context(), five_years()).unwrap();
        let c = &f.consolidation[0];
        assert_eq!(c.product, "Microsoft 365 E3");
        assert_eq!(c.seats, 1_000);
        assert_eq!(c.target_agreement, "EA 8841203");
        assert_eq!(c.common_basis, Some(CostBasis::Annual));
        assert_eq!(c.saving_on_basis, Some(Money::from_pence(108_000)));
        assert_eq!(c.saving_per_year, Money::from_pence(108_000));
        assert_eq!(c.by_year, vec![Money::from_pence(108_000); 5]);
        // Monthly prices (the sample statement's): £1,080.00 a month, which
        // is 12 × £1,080.00 = £12,960.00 a year.
        let f = forecast(&office(CostBasis::Monthly), &context(), five_years()).unwrap();
        let c = &f.consolidation[0];
        assert_eq!(c.common_basis, Some(CostBasis::Monthly));
        assert_eq!(c.saving_on_basis, Some(Money::from_pence(108_000)));
        assert_eq!(c.saving_per_year, Money::from_pence(1_296_000));
    }

    #[test]
    fn a_target_agreement_can_be_dearer() {
        let mut ctx = context();
        ctx.target = Some("ea 61945507".into());
        let f = forecast(&office(CostBasis::Annual), &ctx, five_years()).unwrap();
        // Moving AVN's 600 seats up to £23.10 costs 600 × £2.70 = £1,620.00.
        assert_eq!(
            f.consolidation[0].saving_per_year,
            Money::from_pence(-162_000)
        );
        ctx.target = Some("EA 1".into());
        assert_eq!(
            forecast(&office(CostBasis::Annual), &ctx, five_years())
                .unwrap_err()
                .to_string(),
            "no entitlement is held under agreement `EA 1`; `estate licences list` shows them"
        );
    }

    #[test]
    fn shelfware_and_shortfall_against_staff_and_devices() {
        let mut av = licence(
            "BCW",
            "Sophos Intercept X",
            "AV",
            520,
            295,
            CostBasis::Monthly,
        );
        av.fields.metric = LicenceMetric::PerDevice;
        av.fields.covers_classes = Some("desktop, laptop".into());
        let licences = vec![
            licence(
                "BCW",
                "Microsoft 365 E3",
                "EA",
                600,
                2_040,
                CostBasis::Monthly,
            ),
            av,
        ];
        let mut ctx = context();
        ctx.staff.insert("BCW".into(), 640);
        ctx.devices.insert(("BCW".into(), AssetClass::Desktop), 300);
        ctx.devices.insert(("BCW".into(), AssetClass::Laptop), 150);
        ctx.devices.insert(("BCW".into(), AssetClass::Server), 20);
        let f = forecast(&licences, &ctx, five_years()).unwrap();
        let row = |p: &str| f.compliance.iter().find(|c| c.product == p).unwrap();
        // 640 staff, 600 users licensed: short 40, true-up 40 × £20.40 × 12
        // = £9,792.00 a year.
        let m365 = row("Microsoft 365 E3");
        assert_eq!((m365.deployed, m365.shortfall), (Some(640), 40));
        assert_eq!(m365.true_up_cost, Money::from_pence(979_200));
        assert_eq!(m365.true_up_basis, "a year");
        // 450 in-use desktops and laptops, 520 licensed: 70 spare, 70 ×
        // £2.95 × 12 = £2,478.00 a year of shelfware.
        let av = row("Sophos Intercept X Advanced");
        assert_eq!((av.deployed, av.shelfware), (Some(450), 70));
        assert_eq!(av.shelfware_cost, Money::from_pence(247_800));
        assert_eq!(av.measure, "in-use desktop, laptop");
    }

    #[test]
    fn a_three_year_agreement_is_annualised_and_payable_at_its_end() {
        let mut ea = licence(
            "BCW",
            "Idox Uniform",
            "Idox",
            1,
            3_000_000,
            CostBasis::OneOff,
        );
        ea.fields.start_date = Some(date!(2025 - 06 - 01));
        ea.fields.end_date = Some(date!(2028 - 05 - 31));
        let f = forecast(&[ea], &context(), five_years()).unwrap();
        let r = &f.renewals[0];
        // 1 Jun 2025 to 31 May 2028 is 36 months: a 3-year term. £30,000.00
        // paid at its end (2028/29) and 3 years on (2031/32, outside);
        // annualised £10,000.00 every year.
        assert_eq!(r.term, Term::Term(3));
        assert_eq!(
            r.payable,
            [0, 0, 3_000_000, 0, 0].map(Money::from_pence).to_vec()
        );
        assert_eq!(r.annualised, Money::from_pence(1_000_000));
        assert_eq!(r.term_ends, Some(fy("2028/29")));
        assert_eq!(f.totals[0].annualised, Money::from_pence(1_000_000));
    }

    #[test]
    fn standardisation_lists_two_antivirus_products_with_their_combined_cost() {
        let licences = vec![
            licence(
                "AVN",
                "Sophos Intercept X Advanced",
                "S",
                400,
                300,
                CostBasis::Monthly,
            ),
            licence(
                "BRK",
                "ESET PROTECT Complete",
                "E",
                520,
                295,
                CostBasis::Monthly,
            ),
        ];
        let f = forecast(&licences, &context(), five_years()).unwrap();
        let s = &f.standardisation[0];
        assert_eq!(s.category, "antivirus");
        // 400 × £3.00 × 12 = £14,400.00; 520 × £2.95 × 12 = £18,408.00.
        assert_eq!(s.combined_annual_cost, Money::from_pence(3_280_800));
        assert_eq!(s.products.len(), 2);
    }

    #[test]
    fn terms_are_whole_years_rounded_half_up() {
        assert_eq!(term_years(date!(2024 - 07 - 01), date!(2027 - 06 - 30)), 3);
        assert_eq!(term_years(date!(2024 - 07 - 01), date!(2025 - 12 - 31)), 2);
        assert_eq!(term_years(date!(2024 - 07 - 01), date!(2025 - 11 - 30)), 1);
        assert_eq!(term_years(date!(2024 - 07 - 01), date!(2024 - 07 - 31)), 1);
    }
}

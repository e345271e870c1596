//! What of the replacement programme is capital and what is revenue under
//! the capitalisation de minimis (`capital_threshold`): a replacement
//! costing less than the threshold is revenue; grouped
//! (`capital_threshold_grouped`), a year's replacements of one class are
//! one scheme, capital when together they reach the threshold — as councils
//! treat a PC refresh.
//!
//! Pure: from a forecast, its snapshot and the assumptions. The programme
//! tables keep every funded replacement (caps apply to them all); this says
//! how much of each year is capital and how much revenue.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::assumptions::{Assumptions, Capitalisation};
use super::capital::CapitalForecast;
use super::snapshot::Snapshot;
use crate::domain::{AssetClass, FinancialYear, Money};

/// One year's funded replacements, capital and revenue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalRevenueYear {
    /// The year.
    pub year: FinancialYear,
    /// At or above the threshold (or in a scheme that is).
    pub capital: Money,
    /// Below it.
    pub revenue: Money,
    /// How many replacements are revenue.
    pub revenue_items: u64,
}

/// A programme line's revenue per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRevenue {
    /// The programme line.
    pub line: String,
    /// Revenue per year of the horizon.
    pub revenue: Vec<Money>,
}

/// The programme split into capital and revenue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalSplit {
    /// The rule applied.
    pub rule: Capitalisation,
    /// Per year.
    pub years: Vec<CapitalRevenueYear>,
    /// The lines with any revenue, in programme-line order.
    pub revenue_by_line: Vec<LineRevenue>,
}

/// Splits the funded replacements of `forecast` into capital and revenue
/// under `assumptions.capitalisation`.
pub fn split(
    forecast: &CapitalForecast,
    snapshot: &Snapshot,
    assumptions: &Assumptions,
) -> CapitalSplit {
    let rule = assumptions.capitalisation;
    let years = forecast.horizon.years();
    let first = forecast.horizon.first;
    let index = |y: FinancialYear| usize::try_from(y.years_since(first)).unwrap_or(0);
    // Each funded replacement: (year index, class, cost).
    let funded: Vec<(usize, AssetClass, Money)> = forecast
        .replacements
        .iter()
        .filter_map(|r| {
            r.funded.map(|y| {
                (
                    index(y),
                    snapshot.assets()[r.asset as usize].class,
                    r.cost(),
                )
            })
        })
        .collect();
    // Grouped: a class's total in a year decides for all its items.
    let mut schemes: BTreeMap<(usize, AssetClass), Money> = BTreeMap::new();
    for (y, class, cost) in &funded {
        *schemes.entry((*y, *class)).or_default() += *cost;
    }
    let mut out: Vec<CapitalRevenueYear> = years
        .iter()
        .map(|y| CapitalRevenueYear {
            year: *y,
            capital: Money::ZERO,
            revenue: Money::ZERO,
            revenue_items: 0,
        })
        .collect();
    let mut by_line: BTreeMap<(u32, String), Vec<Money>> = BTreeMap::new();
    for (y, class, cost) in funded {
        let measure = if rule.grouped {
            schemes.get(&(y, class)).copied().unwrap_or_default()
        } else {
            cost
        };
        let Some(row) = out.get_mut(y) else { continue };
        if rule.is_on() && measure < rule.threshold {
            row.revenue += cost;
            row.revenue_items += 1;
            let (line, order) = assumptions.line_of(class);
            by_line
                .entry((order, line.to_string()))
                .or_insert_with(|| vec![Money::ZERO; years.len()])[y] += cost;
        } else {
            row.capital += cost;
        }
    }
    CapitalSplit {
        rule,
        years: out,
        revenue_by_line: by_line
            .into_iter()
            .map(|((_, line), revenue)| LineRevenue { line, revenue })
            .collect(),
    }
}

//! The approved programme against the proposed one: per programme line and
//! year, what was approved, what is now proposed, the variance, the reasons
//! (the `runs diff` attribution, line by line) and slippage — approved
//! spending in a year that is now due later.
//!
//! Pure: built from two saved runs, their assets and replacements, and the
//! diff between them; `store.rs` reads them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::runs::{DiffCause, RunAsset, RunDiff, RunItem, SavedRun};
use crate::domain::{FinancialYear, Money, RunId};

/// A run marked as the approved programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunApproval {
    /// The run approved.
    pub run: RunId,
    /// The decision, e.g. "Cabinet 12 Feb 2026, min. 87".
    pub minute: String,
    /// When it was recorded (UTC).
    pub approved_at: String,
    /// Who recorded it.
    pub who: String,
}

/// One programme line in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedRow {
    /// The programme line ("Total" for the sum of the lines).
    pub line: String,
    /// The year.
    pub year: FinancialYear,
    /// In the approved programme.
    pub approved: Money,
    /// In the proposed programme.
    pub proposed: Money,
    /// Proposed − approved.
    pub variance: Money,
    /// Of `approved`, what is now due in a later year (or beyond the
    /// proposed programme, or unfunded in it).
    pub slipped: Money,
}

/// One cause's part of one line's movement (over the whole horizon).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineReason {
    /// The programme line.
    pub line: String,
    /// The cause.
    pub cause: DiffCause,
    /// Its part.
    pub change: Money,
}

/// An approved replacement that is now due later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slipped {
    /// Organisation code.
    pub organisation: String,
    /// Tag.
    pub asset_tag: String,
    /// Its programme line.
    pub line: String,
    /// The year the approved programme funds it in.
    pub approved_year: FinancialYear,
    /// The year the proposed programme funds it in; `None` when it does
    /// not (beyond its years, or unfunded).
    pub proposed_year: Option<FinancialYear>,
    /// What the approved programme funds for it.
    pub cost: Money,
}

/// The approved programme against the proposed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedComparison {
    /// The approval.
    pub approval: RunApproval,
    /// What moved and why (approved = older run, proposed = newer).
    pub diff: RunDiff,
    /// Per line and year, lines in programme order then "Total".
    pub rows: Vec<ApprovedRow>,
    /// Per line, each cause's part, in the attribution order.
    pub reasons: Vec<LineReason>,
    /// Every approved replacement now due later, by year then asset.
    pub slipped: Vec<Slipped>,
}

/// The approved replacements that slipped: the k-th funded replacement of
/// an asset in the approved run, in year Y, slipped when the asset is
/// still live in the proposed run and its k-th funded replacement there is
/// in a later year or missing. An asset gone from the register did not
/// slip (the diff counts it as gone).
fn slippage(
    approved: &SavedRun,
    approved_assets: &[RunAsset],
    approved_items: &[RunItem],
    proposed_assets: &[RunAsset],
    proposed_items: &[RunItem],
) -> Vec<Slipped> {
    type Key = (String, String);
    let funded = |items: &[RunItem]| -> BTreeMap<Key, Vec<(FinancialYear, Money)>> {
        let mut m: BTreeMap<Key, Vec<(FinancialYear, Money)>> = BTreeMap::new();
        for i in items {
            if let Some(y) = i.year {
                m.entry((i.organisation.clone(), i.asset_tag.clone()))
                    .or_default()
                    .push((y, i.cost));
            }
        }
        for v in m.values_mut() {
            v.sort_by_key(|(y, _)| *y);
        }
        m
    };
    let (before, after) = (funded(approved_items), funded(proposed_items));
    let still_in_register: std::collections::BTreeSet<(&str, &str)> = proposed_assets
        .iter()
        .filter(|a| a.status.is_live())
        .map(|a| (a.organisation.as_str(), a.asset_tag.as_str()))
        .collect();
    let class: BTreeMap<(&str, &str), crate::domain::AssetClass> = approved_assets
        .iter()
        .map(|a| ((a.organisation.as_str(), a.asset_tag.as_str()), a.class))
        .collect();
    let mut out = Vec::new();
    for ((org, tag), items) in &before {
        let key = (org.as_str(), tag.as_str());
        if !still_in_register.contains(&key) {
            continue;
        }
        let now = after.get(&(org.clone(), tag.clone()));
        for (k, (year, cost)) in items.iter().enumerate() {
            let proposed_year = now.and_then(|v| v.get(k)).map(|(y, _)| *y);
            if proposed_year.is_none_or(|p| p > *year) {
                let line = class
                    .get(&key)
                    .map_or("Other equipment", |c| approved.assumptions.line_of(*c).0);
                out.push(Slipped {
                    organisation: org.clone(),
                    asset_tag: tag.clone(),
                    line: line.to_string(),
                    approved_year: *year,
                    proposed_year,
                    cost: *cost,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        (a.approved_year, &a.organisation, &a.asset_tag).cmp(&(
            b.approved_year,
            &b.organisation,
            &b.asset_tag,
        ))
    });
    out
}

/// Builds the comparison of the approved run against the proposed one.
#[allow(clippy::too_many_arguments)]
pub fn compare_with_approved(
    approval: RunApproval,
    approved: &SavedRun,
    approved_assets: &[RunAsset],
    approved_items: &[RunItem],
    proposed: &SavedRun,
    proposed_assets: &[RunAsset],
    proposed_items: &[RunItem],
    diff: RunDiff,
) -> ApprovedComparison {
    let slipped = slippage(
        approved,
        approved_assets,
        approved_items,
        proposed_assets,
        proposed_items,
    );
    let c = &diff.comparison;
    let mut rows = Vec::new();
    let labelled = c
        .lines
        .iter()
        .map(|l| (l.label.as_str(), l))
        .chain(std::iter::once(("Total", &c.total)));
    for (label, line) in labelled {
        for (i, year) in c.years.iter().enumerate() {
            let slip: Money = slipped
                .iter()
                .filter(|s| s.approved_year == *year && (label == "Total" || s.line == label))
                .map(|s| s.cost)
                .sum();
            rows.push(ApprovedRow {
                line: label.to_string(),
                year: *year,
                approved: line.base[i],
                proposed: line.other[i],
                variance: line.difference[i],
                slipped: slip,
            });
        }
    }
    // Each asset's parts, on the line the proposed run reports its class on.
    let mut by_line: BTreeMap<(u32, String, DiffCause), Money> = BTreeMap::new();
    for a in &diff.assets {
        let (line, order) = proposed.assumptions.line_of(a.class);
        for p in &a.parts {
            *by_line
                .entry((order, line.to_string(), p.cause))
                .or_default() += p.change;
        }
    }
    let reasons = by_line
        .into_iter()
        .map(|((_, line, cause), change)| LineReason {
            line,
            cause,
            change,
        })
        .collect();
    ApprovedComparison {
        approval,
        diff,
        rows,
        reasons,
        slipped,
    }
}

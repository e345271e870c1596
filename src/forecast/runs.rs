//! Saved forecast runs: what a run keeps (every assumption, the register
//! state, every result line and the assets it saw), and how two runs differ
//! — what moved between last year's approved programme and this year's,
//! and why: new assets, assets gone from the register, changed records,
//! changed lives or prices, or timing (horizon, inflation, caps).
//!
//! Pure types and logic; `store.rs` reads and writes them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::assumptions::Assumptions;
use super::capital::{Horizon, Reason};
use super::programme::{CapitalProgramme, Comparison, compare};
use crate::domain::{AssetClass, AssetStatus, FinancialYear, Funding, Money, RunId, iso};

/// An import batch, as the register held it when a run was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    /// The batch id.
    pub id: i64,
    /// The file imported.
    pub file_name: String,
    /// Its SHA-256.
    pub sha256: String,
    /// The sheet, if a workbook.
    pub sheet: Option<String>,
    /// hardware, lines, licences or mixed.
    pub kind: String,
    /// Rows added.
    pub rows_new: u64,
    /// Rows changed.
    pub rows_changed: u64,
    /// When imported.
    pub imported_at: String,
    /// When undone, if it was.
    pub undone_at: Option<String>,
}

/// The register's state when a run was saved.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RegisterState {
    /// Assets in the register (all statuses).
    pub assets: u64,
    /// The latest change to any asset.
    pub last_change: Option<String>,
    /// Every import batch, oldest first.
    pub batches: Vec<BatchRecord>,
}

/// One line of `estate runs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run's id.
    pub id: RunId,
    /// Its name, e.g. "Capital programme Feb 2027".
    pub name: String,
    /// When saved (UTC).
    pub created_at: String,
    /// The first year.
    pub first_year: FinancialYear,
    /// How many years.
    pub years: u32,
    /// The scenario, if any.
    pub scenario: Option<String>,
    /// The organisation it was limited to, if any.
    pub organisation: Option<String>,
    /// Whether any year was capped.
    pub capped: bool,
    /// Assets it scheduled.
    pub assets_in_scope: u64,
    /// Total funded.
    pub funded: Money,
    /// Unfunded at the end.
    pub unfunded: Money,
}

/// A saved run in full. Its parts are stored as JSON: a field added later
/// (a power or licence forecast, say) must be `#[serde(default)]` so runs
/// saved before it still read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRun {
    /// The list entry.
    pub summary: RunSummary,
    /// The command that saved it.
    pub command: String,
    /// The horizon.
    pub horizon: Horizon,
    /// Every assumption, as used.
    pub assumptions: Assumptions,
    /// The register's state.
    pub register: RegisterState,
    /// The result, as shown then.
    pub programme: CapitalProgramme,
}

/// An asset as a run saw it, with the life and unit price the rules gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunAsset {
    /// Organisation code.
    pub organisation: String,
    /// Tag.
    pub asset_tag: String,
    /// Class.
    pub class: AssetClass,
    /// Status.
    pub status: AssetStatus,
    /// Funding.
    pub funding: Funding,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Site.
    pub site: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// In-service date.
    pub in_service: Option<Date>,
    /// Lease end.
    pub lease_end: Option<Date>,
    /// Life the rules gave it.
    pub life_years: u32,
    /// Unit price the rules gave it, at the price base.
    pub unit_cost: Money,
}

/// A replacement as a run saved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunItem {
    /// Organisation code.
    pub organisation: String,
    /// Tag.
    pub asset_tag: String,
    /// When it fell due.
    pub due_date: Date,
    /// Year funded, or `None` when unfunded.
    pub year: Option<FinancialYear>,
    /// Why.
    pub reason: Reason,
    /// Cost.
    pub cost: Money,
}

/// Why an asset's funded value moved between two runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffCause {
    /// In the newer run only: added to the register (or brought into scope).
    NewAsset,
    /// In the older run only: disposed of, retired, lost or removed.
    LeftRegister,
    /// Its record changed: class, funding, in-service or lease dates, status.
    RecordChanged,
    /// The life the rules give it changed.
    LifeChanged,
    /// The unit price the rules give it changed.
    PriceChanged,
    /// Nothing about the asset changed: the horizon, inflation or caps moved
    /// its replacement.
    Timing,
}

impl DiffCause {
    /// The words shown.
    pub fn label(self) -> &'static str {
        match self {
            DiffCause::NewAsset => "new assets",
            DiffCause::LeftRegister => "assets no longer in the register",
            DiffCause::RecordChanged => "changed asset records",
            DiffCause::LifeChanged => "changed lives",
            DiffCause::PriceChanged => "changed prices",
            DiffCause::Timing => "horizon, inflation or caps",
        }
    }
}

/// One asset whose funded value moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetChange {
    /// Organisation code.
    pub organisation: String,
    /// Tag.
    pub asset_tag: String,
    /// Class (as in the newer run where it is in both).
    pub class: AssetClass,
    /// Why it moved.
    pub cause: DiffCause,
    /// What changed, in words.
    pub detail: String,
    /// Funded in the older run.
    pub old_value: Money,
    /// Funded in the newer run.
    pub new_value: Money,
}

/// The movement attributed to one cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseTotal {
    /// The cause.
    pub cause: DiffCause,
    /// How many assets.
    pub assets: u64,
    /// Newer − older funded value.
    pub change: Money,
}

/// A change to an assumption between two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssumptionChange {
    /// What, e.g. "life of desktop".
    pub what: String,
    /// Before.
    pub old: String,
    /// After.
    pub new: String,
}

/// What moved between two runs, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDiff {
    /// The older run.
    pub old: RunSummary,
    /// The newer run.
    pub new: RunSummary,
    /// The programmes side by side (line × year).
    pub comparison: Comparison,
    /// Assumptions that changed.
    pub assumptions: Vec<AssumptionChange>,
    /// Movement by cause; the changes sum to the difference in funded totals.
    pub causes: Vec<CauseTotal>,
    /// Every asset whose funded value moved, by organisation and tag.
    pub assets: Vec<AssetChange>,
}

fn opt_date(d: Option<Date>) -> String {
    d.map_or_else(|| "none".to_string(), iso)
}

/// What changed in an asset's record, in words; empty when nothing did.
fn record_changes(old: &RunAsset, new: &RunAsset) -> Vec<String> {
    let mut out = Vec::new();
    if old.class != new.class {
        out.push(format!("class {} → {}", old.class, new.class));
    }
    if old.status != new.status {
        out.push(format!("status {} → {}", old.status, new.status));
    }
    if old.funding != new.funding {
        out.push(format!("funding {} → {}", old.funding, new.funding));
    }
    if old.in_service != new.in_service {
        out.push(format!(
            "in service {} → {}",
            opt_date(old.in_service),
            opt_date(new.in_service)
        ));
    }
    if old.lease_end != new.lease_end {
        out.push(format!(
            "lease end {} → {}",
            opt_date(old.lease_end),
            opt_date(new.lease_end)
        ));
    }
    out
}

fn assumption_changes(old: &SavedRun, new: &SavedRun) -> Vec<AssumptionChange> {
    let mut out = Vec::new();
    let mut push = |what: String, a: String, b: String| {
        if a != b {
            out.push(AssumptionChange {
                what,
                old: a,
                new: b,
            });
        }
    };
    let (a, b) = (&old.assumptions, &new.assumptions);
    push(
        "horizon".into(),
        format!("{} for {} years", old.horizon.first, old.horizon.years),
        format!("{} for {} years", new.horizon.first, new.horizon.years),
    );
    let scenario = |s: &Assumptions| {
        s.scenario
            .as_ref()
            .map_or("none".into(), |s| s.name.clone())
    };
    push("scenario".into(), scenario(a), scenario(b));
    push(
        "price base".into(),
        a.price_base.to_string(),
        b.price_base.to_string(),
    );
    push(
        "inflation".into(),
        a.inflation.to_string(),
        b.inflation.to_string(),
    );
    push("caps".into(), a.caps.to_string(), b.caps.to_string());
    for class in AssetClass::ALL {
        let life = |x: &Assumptions| {
            x.class_life(*class)
                .map_or("none".into(), |y| format!("{y} years"))
        };
        push(format!("life of {}", class.label()), life(a), life(b));
    }
    let model_lives = |x: &Assumptions| -> BTreeMap<(String, String), u32> {
        x.model_lives
            .iter()
            .map(|m| ((m.manufacturer.clone(), m.model.clone()), m.life_years))
            .collect()
    };
    let (ma, mb) = (model_lives(a), model_lives(b));
    for key in ma
        .keys()
        .chain(mb.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let show = |m: &BTreeMap<(String, String), u32>| {
            m.get(key).map_or("none".into(), |y| format!("{y} years"))
        };
        push(format!("life of {} {}", key.0, key.1), show(&ma), show(&mb));
    }
    let prices = |x: &Assumptions| -> BTreeMap<(String, String, String), Money> {
        x.prices
            .iter()
            .map(|p| {
                (
                    (
                        p.class.as_str().to_string(),
                        p.manufacturer.clone(),
                        p.model.clone(),
                    ),
                    p.unit_cost,
                )
            })
            .collect()
    };
    let (pa, pb) = (prices(a), prices(b));
    for key in pa
        .keys()
        .chain(pb.keys())
        .collect::<std::collections::BTreeSet<_>>()
    {
        let show = |m: &BTreeMap<(String, String, String), Money>| {
            m.get(key).map_or("none".into(), ToString::to_string)
        };
        let name = if key.1.is_empty() && key.2.is_empty() {
            format!("price of {}", key.0)
        } else {
            format!("price of {} {} {}", key.0, key.1, key.2)
                .trim_end()
                .to_string()
        };
        push(name, show(&pa), show(&pb));
    }
    push(
        "joint board threshold".into(),
        a.thresholds.joint_board.to_string(),
        b.thresholds.joint_board.to_string(),
    );
    push(
        "strategy group threshold".into(),
        a.thresholds.strategy_group.to_string(),
        b.thresholds.strategy_group.to_string(),
    );
    for class in AssetClass::ALL {
        push(
            format!("programme line of {}", class.label()),
            a.line_of(*class).0.to_string(),
            b.line_of(*class).0.to_string(),
        );
    }
    out
}

/// Explains the difference between two saved runs. Each asset's funded
/// value in each run is compared; the first matching cause is its reason:
/// new, gone, record changed, life changed, price changed, else timing. The
/// cause totals add up exactly to the difference in funded totals.
pub fn diff(
    old: &SavedRun,
    old_assets: &[RunAsset],
    old_items: &[RunItem],
    new: &SavedRun,
    new_assets: &[RunAsset],
    new_items: &[RunItem],
) -> RunDiff {
    type Key<'a> = (&'a str, &'a str);
    let value = |items: &'_ [RunItem]| -> BTreeMap<(String, String), Money> {
        let mut v: BTreeMap<(String, String), Money> = BTreeMap::new();
        for i in items.iter().filter(|i| i.year.is_some()) {
            *v.entry((i.organisation.clone(), i.asset_tag.clone()))
                .or_default() += i.cost;
        }
        v
    };
    let (old_value, new_value) = (value(old_items), value(new_items));
    let index = |assets: &'_ [RunAsset]| -> BTreeMap<(String, String), usize> {
        assets
            .iter()
            .enumerate()
            .map(|(i, a)| ((a.organisation.clone(), a.asset_tag.clone()), i))
            .collect()
    };
    let (old_index, new_index) = (index(old_assets), index(new_assets));
    let mut keys: Vec<&(String, String)> = old_index.keys().chain(new_index.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut changes = Vec::new();
    let mut totals: BTreeMap<DiffCause, (u64, Money)> = BTreeMap::new();
    for key in keys {
        let k: Key<'_> = (&key.0, &key.1);
        let before = old_value.get(key).copied().unwrap_or_default();
        let after = new_value.get(key).copied().unwrap_or_default();
        let (o, n) = (
            old_index.get(key).map(|i| &old_assets[*i]),
            new_index.get(key).map(|i| &new_assets[*i]),
        );
        let (cause, detail, class) = match (o, n) {
            (None, Some(n)) => (
                DiffCause::NewAsset,
                "new in the register".to_string(),
                n.class,
            ),
            (Some(o), None) => (
                DiffCause::LeftRegister,
                "no longer in scope (disposed, retired, lost or removed)".to_string(),
                o.class,
            ),
            (Some(o), Some(n)) => {
                let record = record_changes(o, n);
                if !record.is_empty() {
                    (DiffCause::RecordChanged, record.join("; "), n.class)
                } else if o.life_years != n.life_years {
                    (
                        DiffCause::LifeChanged,
                        format!("life {} → {} years", o.life_years, n.life_years),
                        n.class,
                    )
                } else if o.unit_cost != n.unit_cost {
                    (
                        DiffCause::PriceChanged,
                        format!("unit price {} → {}", o.unit_cost, n.unit_cost),
                        n.class,
                    )
                } else {
                    (
                        DiffCause::Timing,
                        "same asset and rules; horizon, inflation or caps moved it".to_string(),
                        n.class,
                    )
                }
            }
            (None, None) => unreachable!("invariant: every key comes from one of the maps"),
        };
        if before == after {
            // Whatever changed, it moved no money in the programme.
            continue;
        }
        let t = totals.entry(cause).or_default();
        t.0 += 1;
        t.1 += after - before;
        changes.push(AssetChange {
            organisation: k.0.to_string(),
            asset_tag: k.1.to_string(),
            class,
            cause,
            detail,
            old_value: before,
            new_value: after,
        });
    }
    RunDiff {
        old: old.summary.clone(),
        new: new.summary.clone(),
        comparison: compare(
            &format!("run {}", old.summary.id),
            &old.programme,
            &format!("run {}", new.summary.id),
            &new.programme,
        ),
        assumptions: assumption_changes(old, new),
        causes: totals
            .into_iter()
            .map(|(cause, (assets, change))| CauseTotal {
                cause,
                assets,
                change,
            })
            .collect(),
        assets: changes,
    }
}

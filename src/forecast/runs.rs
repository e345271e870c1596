//! Saved forecast runs: what a run keeps (every assumption, the register
//! state, every result line and the assets it saw), and how two runs differ
//! — what moved between last year's approved programme and this year's,
//! and why, attributed one cause at a time in a fixed order (register,
//! lives, prices, price base, inflation, caps, horizon) by replaying the
//! saved inputs through the engine.
//!
//! Pure types and logic; `store.rs` reads and writes them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::assumptions::Assumptions;
use super::capital::{ForecastError, Horizon, Reason, forecast, resolved_rules};
use super::programme::{CapitalProgramme, Comparison, compare};
use super::snapshot::{AssetInput, ReleaseInput, Snapshot};
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
    /// The minute approving it, when it is the approved programme in force
    /// for its scope (`estate runs approve`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved: Option<String>,
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
    /// What it ran as the run saw it; None for a run saved before estate
    /// kept it (schema V16).
    pub support: Option<RunSupport>,
}

/// What an asset ran as a run saw it: its recorded support end and the
/// release the support data matched, with the OS upgrade its hardware
/// allowed. Empty when nothing was known.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RunSupport {
    /// Its last supported day as the register recorded it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::dates::iso_date_opt"
    )]
    pub support_end: Option<Date>,
    /// The release it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<RunRelease>,
}

/// A release as a run saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRelease {
    /// The support data's name for it.
    pub name: String,
    /// What the register recorded.
    pub recorded: String,
    /// Its last day of security updates.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::dates::iso_date_opt"
    )]
    pub security_end: Option<Date>,
    /// Its last day of paid extended updates.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::domain::dates::iso_date_opt"
    )]
    pub extended_end: Option<Date>,
    /// The OS upgrade its hardware allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<crate::policy::support::OsUpgrade>,
}

impl RunSupport {
    /// What `asset` of `snapshot` runs.
    pub fn of(snapshot: &Snapshot, asset: &super::snapshot::SnapshotAsset) -> Self {
        RunSupport {
            support_end: asset.support_end,
            release: asset.release.map(|i| {
                let r = &snapshot.releases()[i as usize];
                RunRelease {
                    name: r.name.clone(),
                    recorded: r.recorded.clone(),
                    security_end: r.security_end,
                    extended_end: r.extended_end,
                    upgrade: r.upgrade.clone(),
                }
            }),
        }
    }

    /// In words: "Windows 10 22H2 (security to 2025-10-14; upgrade to
    /// Windows 11)", "recorded support end 2030-07-31", "nothing known".
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(d) = self.support_end {
            parts.push(format!("recorded support end {}", iso(d)));
        }
        if let Some(r) = &self.release {
            let extended = r
                .extended_end
                .map(|e| format!(", extended to {}", iso(e)))
                .unwrap_or_default();
            let upgrade = r
                .upgrade
                .as_ref()
                .map(|u| format!("; upgrade to {}", u.to))
                .unwrap_or_default();
            parts.push(format!(
                "{} (security to {}{extended}{upgrade})",
                r.name,
                opt_date(r.security_end)
            ));
        }
        if parts.is_empty() {
            "nothing known".to_string()
        } else {
            parts.join(", ")
        }
    }
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

/// A cause of movement between two runs, in the fixed order movement is
/// attributed in (the order of the variants): the register first, then
/// the support data, lives, prices, the price base, inflation, the caps and
/// the horizon.
///
/// Each cause's part is the programme with that cause and every cause
/// before it changed to the newer run's, minus the programme with only the
/// causes before it changed. The register's part is split by what happened
/// to each asset; the parts together are exactly the difference in funded
/// totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiffCause {
    /// Register: in the newer run only (added, or brought into scope).
    NewAsset,
    /// Register: in the older run only (disposed of, retired, lost or removed).
    LeftRegister,
    /// Register: its record changed (class, funding, status, dates, model,
    /// or its own life).
    RecordChanged,
    /// Register: an unchanged asset moved because others changed under a
    /// cap (levelling funds the oldest first).
    RegisterKnockOn,
    /// The support data: an asset's support dates, what it runs (its
    /// operating system, version, model or processor, or a recorded support
    /// end), and the end-of-support rule's settings.
    Support,
    /// The lives the policy gives (per class and per model).
    Lives,
    /// The price book.
    Prices,
    /// The year the prices are quoted at.
    PriceBase,
    /// The inflation rate.
    Inflation,
    /// The spending caps.
    Caps,
    /// The years the programme covers.
    Horizon,
    /// What replaying the saved inputs with today's engine does not give:
    /// the engine's rules changed between the runs. Zero when they did not.
    NotReproduced,
}

impl DiffCause {
    /// Every cause, in the order movement is attributed.
    pub const ORDER: [DiffCause; 12] = [
        DiffCause::NewAsset,
        DiffCause::LeftRegister,
        DiffCause::RecordChanged,
        DiffCause::RegisterKnockOn,
        DiffCause::Support,
        DiffCause::Lives,
        DiffCause::Prices,
        DiffCause::PriceBase,
        DiffCause::Inflation,
        DiffCause::Caps,
        DiffCause::Horizon,
        DiffCause::NotReproduced,
    ];

    /// The words shown.
    pub fn label(self) -> &'static str {
        match self {
            DiffCause::NewAsset => "new assets",
            DiffCause::LeftRegister => "assets no longer in the register",
            DiffCause::RecordChanged => "changed asset records",
            DiffCause::RegisterKnockOn => "other assets moved by register changes under the caps",
            DiffCause::Support => "changed support data (support dates or what an asset runs)",
            DiffCause::Lives => "changed lives",
            DiffCause::Prices => "changed prices",
            DiffCause::PriceBase => "changed price base",
            DiffCause::Inflation => "changed inflation",
            DiffCause::Caps => "changed caps",
            DiffCause::Horizon => "changed horizon",
            DiffCause::NotReproduced => "not reproduced by this version's rules",
        }
    }
}

/// One cause's part of one asset's movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CausePart {
    /// The cause.
    pub cause: DiffCause,
    /// Its part of the movement.
    pub change: Money,
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
    /// Each cause's part of its movement (non-zero parts, in the
    /// attribution order); they sum to `new_value - old_value`.
    pub parts: Vec<CausePart>,
    /// What changed about it, in words.
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
    /// How many assets its part moved.
    pub assets: u64,
    /// Its part: newer − older funded value.
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
    push(
        "capital threshold".into(),
        a.capitalisation.to_string(),
        b.capitalisation.to_string(),
    );
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

/// Why two runs could not be replayed to explain their difference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiffError {
    /// A saved asset the snapshot refuses.
    #[error(transparent)]
    Snapshot(#[from] super::snapshot::SnapshotError),
    /// The engine refused the mixed assumptions.
    #[error(transparent)]
    Forecast(#[from] ForecastError),
}

/// The assets a run saw, as a snapshot: an asset whose saved life differs
/// from the one its run's rules give had its own life (an override), which
/// is part of its record. (An override equal to the rule's life cannot be
/// told apart from none; it then follows the rule.)
fn replay_snapshot<'s>(
    assets: &'s [RunAsset],
    support: impl Fn(&'s RunAsset) -> Option<&'s RunSupport>,
    assumptions: &Assumptions,
    horizon: Horizon,
) -> Result<Snapshot, DiffError> {
    fn input<'a>(
        a: &'a RunAsset,
        life: Option<u32>,
        support: Option<&'a RunSupport>,
    ) -> AssetInput<'a> {
        let release = support.and_then(|s| s.release.as_ref());
        AssetInput {
            organisation: &a.organisation,
            tag: &a.asset_tag,
            class: a.class,
            status: a.status,
            funding: a.funding,
            in_service: a.in_service,
            lease_end: a.lease_end,
            life_years: life,
            manufacturer: a.manufacturer.as_deref(),
            model: a.model.as_deref(),
            site: a.site.as_deref(),
            department: a.department.as_deref(),
            // What it ran, as saved (runs saved before V16 kept none: their
            // replay has no end of support unless the caller lends it).
            support_end: support.and_then(|s| s.support_end),
            release: release.map(|r| ReleaseInput {
                name: &r.name,
                recorded: &r.recorded,
                security_end: r.security_end,
                extended_end: r.extended_end,
                upgrade: r.upgrade.as_ref(),
            }),
            // A replay forecasts capital only.
            energy: None,
        }
    }
    let mut plain = Snapshot::new();
    for a in assets {
        plain.push(&input(a, None, None))?;
    }
    let rules = resolved_rules(&plain, assumptions, horizon)?;
    let mut snapshot = Snapshot::new();
    for (a, (life, _)) in assets.iter().zip(&rules) {
        let own = (a.life_years != *life).then_some(a.life_years);
        snapshot.push(&input(a, own, support(a)))?;
    }
    Ok(snapshot)
}

/// Funded value per (organisation, tag) of a programme.
type Values = BTreeMap<(String, String), Money>;

fn funded_values(
    snapshot: &Snapshot,
    assumptions: &Assumptions,
    horizon: Horizon,
) -> Result<Values, DiffError> {
    let result = forecast(snapshot, assumptions, horizon)?;
    let mut v = Values::new();
    for r in result.replacements.iter().filter(|r| r.funded.is_some()) {
        let a = &snapshot.assets()[r.asset as usize];
        *v.entry((
            snapshot.organisation_code(a.organisation).to_string(),
            snapshot.tag(a).to_string(),
        ))
        .or_default() += r.cost();
    }
    Ok(v)
}

fn saved_values(items: &[RunItem]) -> Values {
    let mut v = Values::new();
    for i in items.iter().filter(|i| i.year.is_some()) {
        *v.entry((i.organisation.clone(), i.asset_tag.clone()))
            .or_default() += i.cost;
    }
    v
}

/// What changed about an asset between runs, in words, and which register
/// cause it falls under.
fn asset_story(o: Option<&RunAsset>, n: Option<&RunAsset>) -> (DiffCause, String) {
    match (o, n) {
        (None, _) => (DiffCause::NewAsset, "new in the register".to_string()),
        (Some(_), None) => (
            DiffCause::LeftRegister,
            "no longer in scope (disposed, retired, lost or removed)".to_string(),
        ),
        (Some(o), Some(n)) => {
            let mut record = record_changes(o, n);
            let register = if record.is_empty() {
                DiffCause::RegisterKnockOn
            } else {
                DiffCause::RecordChanged
            };
            if let (Some(a), Some(b)) = (&o.support, &n.support)
                && a != b
            {
                record.push(format!("runs {} → {}", a.describe(), b.describe()));
            }
            if o.life_years != n.life_years {
                record.push(format!("life {} → {} years", o.life_years, n.life_years));
            }
            if o.unit_cost != n.unit_cost {
                record.push(format!("unit price {} → {}", o.unit_cost, n.unit_cost));
            }
            if record.is_empty() {
                record.push("same asset, life and price".to_string());
            }
            (register, record.join("; "))
        }
    }
}

/// Explains the difference between two saved runs by replaying them.
///
/// Movement is attributed one cause at a time in a fixed order — the
/// register (its assets and their records), the support data (what each
/// asset runs and its dates, and the end-of-support rule), lives, prices,
/// the price base, inflation, caps, the horizon — each part being the programme with that
/// cause and every cause before it taken from the newer run, minus the
/// programme with only the causes before it taken from the newer run. The
/// first programme replays the older run and the last the newer one; what
/// a replay does not reproduce of the saved figures (rules changed in
/// between) is its own part, so the parts sum exactly to the difference in
/// funded totals. Each asset's movement is split the same way.
///
/// # Errors
/// A saved asset or assumption that today's engine refuses.
pub fn diff(
    old: &SavedRun,
    old_assets: &[RunAsset],
    old_items: &[RunItem],
    new: &SavedRun,
    new_assets: &[RunAsset],
    new_items: &[RunItem],
) -> Result<RunDiff, DiffError> {
    let key = |a: &RunAsset| (a.organisation.clone(), a.asset_tag.clone());
    let old_by_key: BTreeMap<_, &RunAsset> = old_assets.iter().map(|a| (key(a), a)).collect();
    let new_by_key: BTreeMap<_, &RunAsset> = new_assets.iter().map(|a| (key(a), a)).collect();
    // An older run saved before V16 kept no support: it is replayed with
    // what the newer run saw, so support is taken as unchanged and what the
    // old figures owed to it falls to "not reproduced".
    let old_snapshot = replay_snapshot(
        old_assets,
        |a| {
            a.support
                .as_ref()
                .or_else(|| new_by_key.get(&key(a)).and_then(|n| n.support.as_ref()))
        },
        &old.assumptions,
        old.horizon,
    )?;
    // The newer register with each kept asset's support as the older run
    // saw it: the register's part, before the support data's.
    let new_with_old_support = replay_snapshot(
        new_assets,
        |a| {
            old_by_key
                .get(&key(a))
                .and_then(|o| o.support.as_ref())
                .or(a.support.as_ref())
        },
        &new.assumptions,
        new.horizon,
    )?;
    let new_snapshot = replay_snapshot(
        new_assets,
        |a| a.support.as_ref(),
        &new.assumptions,
        new.horizon,
    )?;
    // The programmes of the chain: saved old, then one per cause.
    let mut a = old.assumptions.clone();
    let mut steps: Vec<(DiffCause, Values)> = Vec::new();
    let replayed_old = funded_values(&old_snapshot, &a, old.horizon)?;
    steps.push((
        DiffCause::RegisterKnockOn,
        funded_values(&new_with_old_support, &a, old.horizon)?,
    ));
    a.support.clone_from(&new.assumptions.support);
    steps.push((
        DiffCause::Support,
        funded_values(&new_snapshot, &a, old.horizon)?,
    ));
    a.lives.clone_from(&new.assumptions.lives);
    a.model_lives.clone_from(&new.assumptions.model_lives);
    steps.push((
        DiffCause::Lives,
        funded_values(&new_snapshot, &a, old.horizon)?,
    ));
    a.prices.clone_from(&new.assumptions.prices);
    steps.push((
        DiffCause::Prices,
        funded_values(&new_snapshot, &a, old.horizon)?,
    ));
    a.price_base = new.assumptions.price_base;
    steps.push((
        DiffCause::PriceBase,
        funded_values(&new_snapshot, &a, old.horizon)?,
    ));
    a.inflation = new.assumptions.inflation;
    steps.push((
        DiffCause::Inflation,
        funded_values(&new_snapshot, &a, old.horizon)?,
    ));
    a.caps.clone_from(&new.assumptions.caps);
    steps.push((
        DiffCause::Caps,
        funded_values(&new_snapshot, &a, old.horizon)?,
    ));
    steps.push((
        DiffCause::Horizon,
        funded_values(&new_snapshot, &a, new.horizon)?,
    ));
    steps.push((DiffCause::NotReproduced, saved_values(new_items)));

    let index = |assets: &'_ [RunAsset]| -> BTreeMap<(String, String), usize> {
        assets
            .iter()
            .enumerate()
            .map(|(i, a)| ((a.organisation.clone(), a.asset_tag.clone()), i))
            .collect()
    };
    let (old_index, new_index) = (index(old_assets), index(new_assets));
    let saved_old = saved_values(old_items);
    let mut keys: Vec<&(String, String)> = old_index
        .keys()
        .chain(new_index.keys())
        .chain(saved_old.keys())
        .chain(steps.iter().flat_map(|(_, v)| v.keys()))
        .collect();
    keys.sort();
    keys.dedup();
    let mut changes = Vec::new();
    let mut totals: BTreeMap<DiffCause, (u64, Money)> = BTreeMap::new();
    for key in keys {
        let value = |v: &Values| v.get(key).copied().unwrap_or_default();
        let (o, n) = (
            old_index.get(key).map(|i| &old_assets[*i]),
            new_index.get(key).map(|i| &new_assets[*i]),
        );
        let (register, detail) = asset_story(o, n);
        let before = value(&saved_old);
        let after = value(&steps[steps.len() - 1].1);
        let mut parts = Vec::new();
        // What a replay of the older run does not reproduce is counted
        // with the newer run's, so the chain starts at the saved figure.
        let mut previous = value(&replayed_old);
        let mut unreproduced = previous - before;
        for (cause, values) in &steps {
            let now = value(values);
            let mut change = now - previous;
            let cause = match cause {
                DiffCause::RegisterKnockOn => register,
                DiffCause::NotReproduced => {
                    change += unreproduced;
                    unreproduced = Money::default();
                    DiffCause::NotReproduced
                }
                c => *c,
            };
            previous = now;
            if change != Money::default() {
                parts.push(CausePart { cause, change });
            }
        }
        if before == after && parts.is_empty() {
            continue;
        }
        for p in &parts {
            let t = totals.entry(p.cause).or_default();
            t.0 += 1;
            t.1 += p.change;
        }
        let (org, tag) = key;
        changes.push(AssetChange {
            organisation: org.clone(),
            asset_tag: tag.clone(),
            class: n.or(o).map_or(AssetClass::Other, |a| a.class),
            parts,
            detail,
            old_value: before,
            new_value: after,
        });
    }
    Ok(RunDiff {
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
    })
}

//! The capital programme as people read it: tables of funded spending by
//! programme line, class, organisation, site or department against
//! financial years, the year-by-year risk figures, approval flags, and the
//! per-asset detail — built from a [`CapitalForecast`].
//!
//! Pure, like the engine. [`CapitalProgramme`] is the result type: it
//! serialises to JSON for `--format json` and saved runs, and deserialises
//! so a saved run shows exactly as it was saved. It knows nothing of
//! terminals or file formats; `report` and the CLI turn it into text.
//!
//! Two rounding rules apply here, and only these: a shared service's figure
//! for each year is split among its member councils by largest remainder
//! (parts sum exactly to the whole), and `Units::Thousands` rounds a figure
//! for display only.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::Date;

use super::assumptions::Assumptions;
use super::capital::{CapitalForecast, LeaseRenewals, Reason, Scope, Tally, YearSummary};
use super::snapshot::Snapshot;
use crate::domain::{AssetClass, FinancialYear, Money, UnknownValue};

/// What the rows of a programme table are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Cabinet programme lines.
    Line,
    /// Asset classes.
    Class,
    /// Organisations, with shared services apportioned to their members.
    Org,
    /// Sites.
    Site,
    /// Departments (cost centres).
    Department,
}

impl Dimension {
    /// Every dimension, in the order tables are listed.
    pub const ALL: &'static [Dimension] = &[
        Dimension::Line,
        Dimension::Class,
        Dimension::Org,
        Dimension::Site,
        Dimension::Department,
    ];

    /// The word used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Line => "line",
            Dimension::Class => "class",
            Dimension::Org => "org",
            Dimension::Site => "site",
            Dimension::Department => "department",
        }
    }

    /// The heading of the row-label column.
    pub fn heading(self) -> &'static str {
        match self {
            Dimension::Line => "Programme line",
            Dimension::Class => "Class",
            Dimension::Org => "Organisation",
            Dimension::Site => "Site",
            Dimension::Department => "Department",
        }
    }
}

impl FromStr for Dimension {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match crate::domain::enums::normalise_word(s).as_str() {
            "line" | "lines" | "programme_line" => Ok(Dimension::Line),
            "class" | "classes" => Ok(Dimension::Class),
            "org" | "organisation" | "organization" | "council" => Ok(Dimension::Org),
            "site" | "sites" => Ok(Dimension::Site),
            "department" | "dept" | "cost_centre" => Ok(Dimension::Department),
            _ => Err(UnknownValue {
                what: "a breakdown",
                value: s.trim().to_string(),
                valid: "line, class, org, site, department".into(),
            }),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How money is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Units {
    /// Pounds and pence.
    #[default]
    Pounds,
    /// Thousands of pounds (£000), as Cabinet tables often are.
    Thousands,
}

impl Units {
    /// `money` in these units: pounds exactly, or thousands rounded to the
    /// nearest whole £000 (half away from zero) for display.
    pub fn scale(self, money: Money) -> Decimal {
        match self {
            Units::Pounds => money.amount(),
            Units::Thousands => (money.amount() / Decimal::ONE_THOUSAND)
                .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
        }
    }

    /// A column-heading suffix: "" or " (£000)".
    pub fn suffix(self) -> &'static str {
        match self {
            Units::Pounds => "",
            Units::Thousands => " (£000)",
        }
    }
}

impl FromStr for Units {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match crate::domain::enums::normalise_word(s).as_str() {
            "pounds" | "pound" | "gbp" | "£" => Ok(Units::Pounds),
            "thousands" | "thousand" | "000" | "£000" | "k" => Ok(Units::Thousands),
            _ => Err(UnknownValue {
                what: "a unit",
                value: s.trim().to_string(),
                valid: "pounds, thousands".into(),
            }),
        }
    }
}

/// One row of a programme table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    /// The row's label (a line name, class, organisation code, site …).
    pub label: String,
    /// Funded spending per year.
    pub amounts: Vec<Money>,
    /// The row's total over the horizon.
    pub total: Money,
}

/// Funded spending by some dimension (rows) and financial year (columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// What the rows are.
    pub dimension: Dimension,
    /// The column years.
    pub years: Vec<FinancialYear>,
    /// The rows, in a fixed order.
    pub rows: Vec<TableRow>,
    /// Column totals.
    pub totals: Vec<Money>,
    /// The grand total.
    pub total: Money,
}

impl Table {
    fn from_pence(
        dimension: Dimension,
        years: &[FinancialYear],
        rows: Vec<(String, Vec<i64>)>,
    ) -> Table {
        let n = years.len();
        let mut totals = vec![0i64; n];
        let rows = rows
            .into_iter()
            .map(|(label, pence)| {
                for (t, p) in totals.iter_mut().zip(&pence) {
                    *t += p;
                }
                TableRow {
                    label,
                    total: Money::from_pence(pence.iter().sum()),
                    amounts: pence.into_iter().map(Money::from_pence).collect(),
                }
            })
            .collect();
        Table {
            dimension,
            years: years.to_vec(),
            rows,
            total: Money::from_pence(totals.iter().sum()),
            totals: totals.into_iter().map(Money::from_pence).collect(),
        }
    }
}

/// A body whose approval a programme line needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalBody {
    /// The shared service's joint board (purchases affecting both councils).
    JointBoard,
    /// The strategy group (major projects).
    StrategyGroup,
}

impl ApprovalBody {
    /// The name shown.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalBody::JointBoard => "joint board",
            ApprovalBody::StrategyGroup => "strategy group",
        }
    }
}

/// A programme line whose spending in a year, or over the whole horizon (a
/// scheme), is above an approval threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The programme line.
    pub line: String,
    /// The year; `None` for the scheme over the whole horizon.
    pub year: Option<FinancialYear>,
    /// The amount.
    pub amount: Money,
    /// Every body whose threshold it is above.
    pub bodies: Vec<ApprovalBody>,
}

/// A name many rows share (an organisation, programme line, site,
/// department, maker or model), held once however many rows name it: a
/// million-asset programme has over a million replacements.
pub type Name = std::sync::Arc<str>;

/// One replacement, for `--detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailRow {
    /// The owning organisation's code.
    pub organisation: Name,
    /// Asset tag.
    pub asset_tag: String,
    /// Class.
    pub class: AssetClass,
    /// Programme line.
    pub line: Name,
    /// Site name.
    pub site: Option<Name>,
    /// Department name.
    pub department: Option<Name>,
    /// Manufacturer.
    pub manufacturer: Option<Name>,
    /// Model.
    pub model: Option<Name>,
    /// The date it fell due (ISO).
    #[serde(with = "iso_date")]
    pub due_date: Date,
    /// The financial year it fell due in.
    pub due_year: FinancialYear,
    /// The year funded; `None` when unfunded at the end of the horizon.
    pub year: Option<FinancialYear>,
    /// Age, overdue, repeat cycle or deferred.
    pub reason: Reason,
    /// Its cost at the price of the year funded (or after the horizon).
    pub cost: Money,
}

mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` passes a reference"
    )]
    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::domain::iso(*date))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        crate::domain::parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// Replacements still unfunded when the horizon ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfunded {
    /// How many, and their value.
    #[serde(flatten)]
    pub tally: Tally,
    /// The year whose prices value them (the year after the horizon).
    pub priced_at: FinancialYear,
}

/// Purchased kit with no in-service date: not in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownAge {
    /// How many, and what replacing them would cost at price-book prices.
    #[serde(flatten)]
    pub tally: Tally,
    /// The price base those prices are quoted at ("today's prices").
    pub prices_at: FinancialYear,
}

/// A capital programme: everything `estate forecast` shows.
///
/// Saved runs store it as JSON and read it back, so a field added later
/// (running costs, say) must be `#[serde(default)]` for older runs to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapitalProgramme {
    /// The financial years, in order.
    pub years: Vec<FinancialYear>,
    /// What was in and out of scope.
    pub scope: Scope,
    /// Each year's due, funded and deferred figures.
    pub summary: Vec<YearSummary>,
    /// Overdue at the start (due before the first year).
    pub backlog: Tally,
    /// Still unfunded at the end.
    pub unfunded: Unfunded,
    /// Left out for want of an in-service date.
    pub unknown_age: UnknownAge,
    /// Leased kit's renewals.
    pub leases: LeaseRenewals,
    /// Funded spending by programme line.
    pub by_line: Table,
    /// … by class.
    pub by_class: Table,
    /// … by organisation, shared services apportioned.
    pub by_org: Table,
    /// … by site.
    pub by_site: Table,
    /// … by department.
    pub by_department: Table,
    /// Lines needing approval.
    pub approvals: Vec<Approval>,
    /// Every replacement, when asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detail: Vec<DetailRow>,
    /// Capital and revenue per year, when a capital threshold is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capitalisation: Option<super::capitalisation::CapitalSplit>,
    /// How many replacements are funded per class and year (what the
    /// embodied carbon counts); empty for runs saved before estate kept it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub funded_counts: Vec<ClassCount>,
}

/// How many replacements of one class are funded in each year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCount {
    /// The class.
    pub class: AssetClass,
    /// One count per year of the horizon.
    pub counts: Vec<u64>,
}

impl CapitalProgramme {
    /// The table for `dimension`.
    pub fn table(&self, dimension: Dimension) -> &Table {
        match dimension {
            Dimension::Line => &self.by_line,
            Dimension::Class => &self.by_class,
            Dimension::Org => &self.by_org,
            Dimension::Site => &self.by_site,
            Dimension::Department => &self.by_department,
        }
    }

    /// Total funded over the horizon.
    pub fn total(&self) -> Money {
        self.by_line.total
    }
}

/// Builds the programme from a forecast of `snapshot` under `assumptions`.
/// With `detail`, every replacement is listed too (in funded-year, then
/// levelling, order).
pub fn build(
    forecast: &CapitalForecast,
    snapshot: &Snapshot,
    assumptions: &Assumptions,
    detail: bool,
) -> CapitalProgramme {
    let years = forecast.horizon.years();
    let n = years.len();
    let first = forecast.horizon.first;
    let assets = snapshot.assets();

    // Pence per (row key, year) for each dimension, keyed by snapshot index.
    let mut by_class = vec![vec![0i64; n]; AssetClass::ALL.len()];
    let mut counts = vec![vec![0u64; n]; AssetClass::ALL.len()];
    let mut by_org = vec![vec![0i64; n]; snapshot.organisations().len()];
    let mut by_site = vec![vec![0i64; n]; snapshot.sites().len() + 1];
    let mut by_department = vec![vec![0i64; n]; snapshot.departments().len() + 1];
    let no_site = snapshot.sites().len();
    let no_department = snapshot.departments().len();
    for r in &forecast.replacements {
        let Some(year) = r.funded else { continue };
        let y = usize::try_from(year.years_since(first)).expect("invariant: funded in the horizon");
        let a = &assets[r.asset as usize];
        by_class[a.class as usize][y] += r.cost_pence;
        counts[a.class as usize][y] += 1;
        by_org[a.organisation as usize][y] += r.cost_pence;
        by_site[a.site.map_or(no_site, |s| s as usize)][y] += r.cost_pence;
        by_department[a.department.map_or(no_department, |d| d as usize)][y] += r.cost_pence;
    }
    let nonzero = |p: &Vec<i64>| p.iter().any(|x| *x != 0);

    // Lines: every line in the mapping, in its order, even when empty.
    let mut lines: BTreeMap<(u32, String), Vec<i64>> = BTreeMap::new();
    for l in &assumptions.programme_lines {
        lines
            .entry((l.order, l.line.clone()))
            .or_insert_with(|| vec![0; n]);
    }
    for class in AssetClass::ALL {
        let (line, order) = assumptions.line_of(*class);
        let row = lines
            .entry((order, line.to_string()))
            .or_insert_with(|| vec![0; n]);
        for (t, p) in row.iter_mut().zip(&by_class[*class as usize]) {
            *t += p;
        }
    }
    let by_line = Table::from_pence(
        Dimension::Line,
        &years,
        lines.into_iter().map(|((_, name), p)| (name, p)).collect(),
    );

    let mut classes: Vec<AssetClass> = AssetClass::ALL.to_vec();
    classes.sort_by_key(|c| c.priority());
    let by_class_table = Table::from_pence(
        Dimension::Class,
        &years,
        classes
            .into_iter()
            .filter(|c| nonzero(&by_class[*c as usize]))
            .map(|c| (c.label().to_string(), by_class[c as usize].clone()))
            .collect(),
    );

    let by_org_table = Table::from_pence(
        Dimension::Org,
        &years,
        apportion(snapshot, &by_org)
            .into_iter()
            .filter(|(_, p)| nonzero(p))
            .collect(),
    );

    let place_rows = |places: &[super::snapshot::SnapshotPlace],
                      pence: &[Vec<i64>],
                      none: &str|
     -> Vec<(String, Vec<i64>)> {
        let mut keyed: Vec<((String, String), Vec<i64>)> = places
            .iter()
            .enumerate()
            .filter(|(i, _)| nonzero(&pence[*i]))
            .map(|(i, p)| {
                let org = snapshot.organisation_code(p.organisation).to_string();
                ((org, p.name.clone()), pence[i].clone())
            })
            .collect();
        keyed.sort();
        let mut rows: Vec<(String, Vec<i64>)> = keyed
            .into_iter()
            .map(|((org, name), p)| (format!("{name} ({org})"), p))
            .collect();
        if nonzero(&pence[places.len()]) {
            rows.push((none.to_string(), pence[places.len()].clone()));
        }
        rows
    };
    let by_site_table = Table::from_pence(
        Dimension::Site,
        &years,
        place_rows(snapshot.sites(), &by_site, "(no site)"),
    );
    let by_department_table = Table::from_pence(
        Dimension::Department,
        &years,
        place_rows(snapshot.departments(), &by_department, "(no department)"),
    );

    let approvals = approvals(&by_line, assumptions);
    let detail = if detail {
        detail_rows(forecast, snapshot, assumptions)
    } else {
        Vec::new()
    };
    CapitalProgramme {
        years,
        scope: forecast.scope,
        summary: forecast.summary.clone(),
        backlog: forecast
            .summary
            .first()
            .map(|s| s.overdue)
            .unwrap_or_default(),
        unfunded: Unfunded {
            tally: forecast.unfunded,
            priced_at: forecast.horizon.last().next(),
        },
        unknown_age: UnknownAge {
            tally: forecast.unknown_age,
            prices_at: assumptions.price_base,
        },
        leases: forecast.leases.clone(),
        by_line,
        by_class: by_class_table,
        by_org: by_org_table,
        by_site: by_site_table,
        by_department: by_department_table,
        approvals,
        detail,
        capitalisation: assumptions
            .capitalisation
            .is_on()
            .then(|| super::capitalisation::split(forecast, snapshot, assumptions)),
        funded_counts: AssetClass::ALL
            .iter()
            .filter(|c| counts[**c as usize].iter().any(|n| *n > 0))
            .map(|c| ClassCount {
                class: *c,
                counts: counts[*c as usize].clone(),
            })
            .collect(),
    }
}

/// Per-organisation pence with each shared service's figure for each year
/// split among its members by their ratios (largest remainder, so the parts
/// add up exactly). One level: a member that is itself shared is not split
/// again. A shared service with no members recorded keeps its own row.
/// Rows are by organisation code.
pub fn apportion(snapshot: &Snapshot, by_org: &[Vec<i64>]) -> Vec<(String, Vec<i64>)> {
    let orgs = snapshot.organisations();
    let n = by_org.first().map_or(0, Vec::len);
    let mut out: Vec<Vec<i64>> = by_org.iter().map(|_| vec![0; n]).collect();
    for (i, org) in orgs.iter().enumerate() {
        if org.shares.is_empty() {
            for (t, p) in out[i].iter_mut().zip(&by_org[i]) {
                *t += p;
            }
            continue;
        }
        let ratios: Vec<Decimal> = org.shares.iter().map(|(_, r)| *r).collect();
        for (y, pence) in by_org[i].iter().enumerate() {
            let parts = Money::from_pence(*pence)
                .split_by_ratios(&ratios)
                .expect("invariant: shares are positive (checked when set)");
            for ((member, _), part) in org.shares.iter().zip(parts) {
                out[*member as usize][y] += part
                    .to_pence()
                    .expect("invariant: parts of whole pence are whole pence");
            }
        }
    }
    let mut rows: Vec<(String, Vec<i64>)> = orgs
        .iter()
        .zip(out)
        .filter(|(o, _)| o.shares.is_empty())
        .map(|(o, p)| (o.code.clone(), p))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

/// The lines above an approval threshold in a year, or over the horizon.
fn approvals(by_line: &Table, assumptions: &Assumptions) -> Vec<Approval> {
    let t = assumptions.thresholds;
    let bodies = |amount: Money| {
        let mut b = Vec::new();
        if amount > t.joint_board {
            b.push(ApprovalBody::JointBoard);
        }
        if amount > t.strategy_group {
            b.push(ApprovalBody::StrategyGroup);
        }
        b
    };
    let mut out = Vec::new();
    for row in &by_line.rows {
        let periods = by_line
            .years
            .iter()
            .map(|y| Some(*y))
            .zip(row.amounts.iter().copied())
            .chain(std::iter::once((None, row.total)));
        for (year, amount) in periods {
            let b = bodies(amount);
            if !b.is_empty() {
                out.push(Approval {
                    line: row.label.clone(),
                    year,
                    amount,
                    bodies: b,
                });
            }
        }
    }
    out
}

/// Puts detail rows in the order they were decided: by year funded
/// (unfunded last), then the levelling order — due date, class priority,
/// asset tag, organisation.
pub fn sort_detail(rows: &mut [DetailRow]) {
    rows.sort_by(|a, b| detail_order(&a.view(), &b.view()));
}

/// The Detail's order of two replacements (see [`sort_detail`]).
fn detail_order(a: &DetailRef<'_>, b: &DetailRef<'_>) -> std::cmp::Ordering {
    let year = |d: &DetailRef<'_>| d.year.map_or(i32::MAX, FinancialYear::start_year);
    year(a)
        .cmp(&year(b))
        .then(a.due_date.cmp(&b.due_date))
        .then(a.class.priority().cmp(&b.class.priority()))
        .then_with(|| a.asset_tag.cmp(b.asset_tag))
        .then_with(|| a.organisation.cmp(b.organisation))
}

/// One replacement as the Detail lists it, its names borrowed: what a
/// writer needs of a row, whether the row is held ([`DetailRow`]) or made
/// from the forecast as it is written ([`Replacements`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailRef<'a> {
    /// The owning organisation's code.
    pub organisation: &'a str,
    /// Asset tag.
    pub asset_tag: &'a str,
    /// Class.
    pub class: AssetClass,
    /// Programme line.
    pub line: &'a str,
    /// Site name.
    pub site: Option<&'a str>,
    /// Department name.
    pub department: Option<&'a str>,
    /// Manufacturer.
    pub manufacturer: Option<&'a str>,
    /// Model.
    pub model: Option<&'a str>,
    /// The date it fell due.
    pub due_date: Date,
    /// The financial year it fell due in.
    pub due_year: FinancialYear,
    /// The year funded; `None` when unfunded at the end of the horizon.
    pub year: Option<FinancialYear>,
    /// Age, overdue, repeat cycle or deferred.
    pub reason: Reason,
    /// Its cost at the price of the year funded (or after the horizon).
    pub cost: Money,
}

impl DetailRow {
    /// The row with its names borrowed.
    pub fn view(&self) -> DetailRef<'_> {
        DetailRef {
            organisation: &self.organisation,
            asset_tag: &self.asset_tag,
            class: self.class,
            line: &self.line,
            site: self.site.as_deref(),
            department: self.department.as_deref(),
            manufacturer: self.manufacturer.as_deref(),
            model: self.model.as_deref(),
            due_date: self.due_date,
            due_year: self.due_year,
            year: self.year,
            reason: self.reason,
            cost: self.cost,
        }
    }
}

/// Replacements in the Detail's order, one at a time: the rows a
/// programme holds, or a forecast's replacements made into rows as they
/// are read ([`Replacements`]), so a writer can list a million of them
/// without a million rows in memory.
pub trait DetailList {
    /// How many.
    fn len(&self) -> usize;
    /// True when there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The `i`th, in the Detail's order (`i < len()`).
    fn row(&self, i: usize) -> DetailRef<'_>;
}

impl DetailList for [DetailRow] {
    fn len(&self) -> usize {
        <[DetailRow]>::len(self)
    }

    fn row(&self, i: usize) -> DetailRef<'_> {
        self[i].view()
    }
}

/// A forecast's replacements as the Detail lists them, made one at a time
/// from the forecast and its snapshot: the only thing held per replacement
/// is its place in the Detail's order (4 bytes), where a held
/// [`DetailRow`] is some 200. The rows, their values and their order are
/// those [`build`] lists with `detail` (which is made from this).
pub struct Replacements<'a> {
    forecast: &'a CapitalForecast,
    snapshot: &'a Snapshot,
    /// Each class's programme line.
    lines: crate::domain::asset_class::ByClass<&'a str>,
    /// Indexes into `forecast.replacements`, in the Detail's order.
    order: Vec<u32>,
}

impl<'a> Replacements<'a> {
    /// The replacements of `forecast` (of `snapshot` under `assumptions`),
    /// put in the Detail's order ([`sort_detail`]'s, the forecast's order
    /// kept between equals).
    pub fn new(
        forecast: &'a CapitalForecast,
        snapshot: &'a Snapshot,
        assumptions: &'a Assumptions,
    ) -> Self {
        let mut list = Replacements {
            forecast,
            snapshot,
            lines: crate::domain::asset_class::ByClass::from_fn(|c| assumptions.line_of(c).0),
            order: Vec::new(),
        };
        // Replacements are indexed by u32 like the snapshot's assets; a
        // forecast has fewer than four billion.
        let mut order: Vec<u32> = (0..forecast.replacements.len())
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect();
        // `detail_order`, read straight from the forecast and its snapshot
        // (a comparison need not make two whole rows).
        let (replacements, assets) = (&forecast.replacements, snapshot.assets());
        let key = |i: u32| {
            let r = &replacements[i as usize];
            let a = &assets[r.asset as usize];
            (
                r.funded.map_or(i32::MAX, FinancialYear::start_year),
                r.due_date,
                a,
            )
        };
        order.sort_by(|x, y| {
            let ((year_x, due_x, a), (year_y, due_y, b)) = (key(*x), key(*y));
            year_x
                .cmp(&year_y)
                .then(due_x.cmp(&due_y))
                .then(a.class.priority().cmp(&b.class.priority()))
                .then_with(|| snapshot.tag(a).cmp(snapshot.tag(b)))
                .then_with(|| {
                    snapshot
                        .organisation_code(a.organisation)
                        .cmp(snapshot.organisation_code(b.organisation))
                })
        });
        list.order = order;
        list
    }

    /// The replacement at `i` of the forecast's own order, as a row.
    fn made(&self, i: usize) -> DetailRef<'a> {
        let r = &self.forecast.replacements[i];
        let s = self.snapshot;
        let a = &s.assets()[r.asset as usize];
        let given = |t: &'a str| (!t.is_empty()).then_some(t);
        let model = a.model.map(|m| &s.models()[m as usize]);
        DetailRef {
            organisation: s.organisation_code(a.organisation),
            asset_tag: s.tag(a),
            class: a.class,
            line: self.lines[a.class],
            site: a.site.map(|i| s.sites()[i as usize].name.as_str()),
            department: a
                .department
                .map(|i| s.departments()[i as usize].name.as_str()),
            manufacturer: model.and_then(|m| given(&m.manufacturer)),
            model: model.and_then(|m| given(&m.model)),
            due_date: r.due_date,
            due_year: r.due_year(),
            year: r.funded,
            reason: r.reason(self.forecast.horizon),
            cost: r.cost(),
        }
    }

    /// Every row, in the Detail's order.
    pub fn iter(&self) -> impl Iterator<Item = DetailRef<'a>> + '_ {
        self.order.iter().map(|i| self.made(*i as usize))
    }
}

impl DetailList for Replacements<'_> {
    fn len(&self) -> usize {
        self.order.len()
    }

    fn row(&self, i: usize) -> DetailRef<'_> {
        self.made(self.order[i] as usize)
    }
}

fn detail_rows(
    forecast: &CapitalForecast,
    snapshot: &Snapshot,
    assumptions: &Assumptions,
) -> Vec<DetailRow> {
    // Every name once, shared by the rows that carry it.
    let names = |places: &[super::snapshot::SnapshotPlace]| -> Vec<Name> {
        places.iter().map(|p| Name::from(p.name.as_str())).collect()
    };
    let sites = names(snapshot.sites());
    let departments = names(snapshot.departments());
    let given = |s: &str| (!s.is_empty()).then(|| Name::from(s));
    let models: Vec<(Option<Name>, Option<Name>)> = snapshot
        .models()
        .iter()
        .map(|m| (given(&m.manufacturer), given(&m.model)))
        .collect();
    let organisations: Vec<Name> = snapshot
        .organisations()
        .iter()
        .map(|o| Name::from(o.code.as_str()))
        .collect();
    let lines =
        crate::domain::asset_class::ByClass::from_fn(|c| Name::from(assumptions.line_of(c).0));
    // The rows the streamed list makes, in its order, held.
    let list = Replacements::new(forecast, snapshot, assumptions);
    list.order
        .iter()
        .map(|i| {
            let d = list.made(*i as usize);
            let a = &snapshot.assets()[forecast.replacements[*i as usize].asset as usize];
            let (manufacturer, model) = a
                .model
                .and_then(|m| models.get(m as usize).cloned())
                .unwrap_or_default();
            DetailRow {
                organisation: organisations[a.organisation as usize].clone(),
                asset_tag: d.asset_tag.to_string(),
                class: d.class,
                line: lines[d.class].clone(),
                site: a.site.and_then(|s| sites.get(s as usize).cloned()),
                department: a
                    .department
                    .and_then(|d| departments.get(d as usize).cloned()),
                manufacturer,
                model,
                due_date: d.due_date,
                due_year: d.due_year,
                year: d.year,
                reason: d.reason,
                cost: d.cost,
            }
        })
        .collect()
}

/// A row of a comparison: the two programmes' figures per year and their
/// difference (other − base; negative is a saving).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The row's label.
    pub label: String,
    /// Base per year.
    pub base: Vec<Money>,
    /// Other per year.
    pub other: Vec<Money>,
    /// Other − base per year.
    pub difference: Vec<Money>,
    /// Base over the horizon.
    pub base_total: Money,
    /// Other over the horizon.
    pub other_total: Money,
    /// Other − base over the horizon.
    pub difference_total: Money,
}

/// Assets running past their life at each year's end, in both programmes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastLifeRow {
    /// Base per year: past their life under the base's rules and unfunded.
    pub base: Vec<u64>,
    /// Other per year, under the other's rules.
    pub other: Vec<u64>,
    /// Other − base per year.
    pub difference: Vec<i64>,
    /// Per year: assets the base would have replaced by the year's end that
    /// the other has not — kit kept past the base's life (a longer life or
    /// a cap). Empty unless both programmes carry their detail.
    pub kept_past_base_life: Vec<u64>,
}

/// Two programmes side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// What the base is (a scenario or run name).
    pub base_name: String,
    /// What the other is.
    pub other_name: String,
    /// Every year either covers, in order.
    pub years: Vec<FinancialYear>,
    /// Funded spending per programme line.
    pub lines: Vec<ComparisonRow>,
    /// The totals.
    pub total: ComparisonRow,
    /// Assets running past their life.
    pub past_life: PastLifeRow,
    /// Unfunded at the end: base, other.
    pub unfunded: (Tally, Tally),
}

fn amounts_by_year(table: &Table, label: &str, years: &[FinancialYear]) -> Vec<Money> {
    let row = table.rows.iter().find(|r| r.label == label);
    years
        .iter()
        .map(|y| {
            row.and_then(|r| {
                table
                    .years
                    .iter()
                    .position(|t| t == y)
                    .map(|i| r.amounts[i])
            })
            .unwrap_or(Money::ZERO)
        })
        .collect()
}

fn comparison_row(label: &str, base: Vec<Money>, other: Vec<Money>) -> ComparisonRow {
    let difference: Vec<Money> = base.iter().zip(&other).map(|(b, o)| *o - *b).collect();
    ComparisonRow {
        label: label.to_string(),
        base_total: base.iter().sum(),
        other_total: other.iter().sum(),
        difference_total: difference.iter().sum(),
        base,
        other,
        difference,
    }
}

/// Per year, how many assets `other` has replaced fewer times than `base`
/// by the year's end.
fn kept_longer(
    base: &CapitalProgramme,
    other: &CapitalProgramme,
    years: &[FinancialYear],
) -> Vec<u64> {
    // (organisation, tag) -> funded years in base, in other.
    type Funded<'a> = BTreeMap<(&'a str, &'a str), (Vec<FinancialYear>, Vec<FinancialYear>)>;
    let mut funded: Funded<'_> = BTreeMap::new();
    for (rows, is_base) in [(&base.detail, true), (&other.detail, false)] {
        for d in rows {
            let entry = funded
                .entry((&*d.organisation, d.asset_tag.as_str()))
                .or_default();
            if let Some(y) = d.year {
                if is_base {
                    entry.0.push(y);
                } else {
                    entry.1.push(y);
                }
            }
        }
    }
    years
        .iter()
        .map(|y| {
            funded
                .values()
                .filter(|(b, o)| {
                    o.iter().filter(|x| *x <= y).count() < b.iter().filter(|x| *x <= y).count()
                })
                .count() as u64
        })
        .collect()
}

/// Compares two programmes line by line and year by year (over the union of
/// their years; a year one does not cover counts as zero).
pub fn compare(
    base_name: &str,
    base: &CapitalProgramme,
    other_name: &str,
    other: &CapitalProgramme,
) -> Comparison {
    let mut years: Vec<FinancialYear> = base.years.iter().chain(&other.years).copied().collect();
    years.sort();
    years.dedup();
    let mut labels: Vec<&str> = Vec::new();
    for row in base.by_line.rows.iter().chain(&other.by_line.rows) {
        if !labels.contains(&row.label.as_str()) {
            labels.push(&row.label);
        }
    }
    let lines: Vec<ComparisonRow> = labels
        .iter()
        .map(|l| {
            comparison_row(
                l,
                amounts_by_year(&base.by_line, l, &years),
                amounts_by_year(&other.by_line, l, &years),
            )
        })
        .collect();
    let column = |p: &CapitalProgramme| -> Vec<Money> {
        years
            .iter()
            .map(|y| {
                p.by_line
                    .years
                    .iter()
                    .position(|t| t == y)
                    .map_or(Money::ZERO, |i| p.by_line.totals[i])
            })
            .collect()
    };
    let past = |p: &CapitalProgramme| -> Vec<u64> {
        years
            .iter()
            .map(|y| {
                p.summary
                    .iter()
                    .find(|s| s.year == *y)
                    .map_or(0, |s| s.past_life_at_year_end)
            })
            .collect()
    };
    let (base_past, other_past) = (past(base), past(other));
    let signed = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    let kept_past_base_life = if base.detail.is_empty() || other.detail.is_empty() {
        Vec::new()
    } else {
        kept_longer(base, other, &years)
    };
    Comparison {
        base_name: base_name.to_string(),
        other_name: other_name.to_string(),
        total: comparison_row("Total", column(base), column(other)),
        lines,
        past_life: PastLifeRow {
            difference: base_past
                .iter()
                .zip(&other_past)
                .map(|(b, o)| signed(*o) - signed(*b))
                .collect(),
            base: base_past,
            other: other_past,
            kept_past_base_life,
        },
        unfunded: (base.unfunded.tally, other.unfunded.tally),
        years,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::capital::{Horizon, forecast};
    use crate::forecast::snapshot::AssetInput;
    use crate::policy::Defaults;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn pounds(pence: &[i64]) -> Vec<Money> {
        pence.iter().map(|p| Money::from_pence(*p)).collect()
    }

    fn programme(s: &Snapshot, a: &Assumptions, detail: bool) -> CapitalProgramme {
        let h = Horizon::new(fy("2026/27"), 5).unwrap();
        build(&forecast(s, a, h).unwrap(), s, a, detail)
    }

    #[test]
    fn a_shared_services_spending_is_split_by_largest_remainder() {
        // ABS (shared: BCW 40%, CDC 60%) owns a server priced £10,000.01.
        // 40% = £4,000.004 and 60% = £6,000.006: floors £4,000.00 and
        // £6,000.00, the spare penny to the larger remainder (CDC).
        let mut a = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        a.set_price(
            AssetClass::Server,
            "HPE",
            "DL380",
            Money::from_pence(1_000_001),
            "t",
        );
        let mut s = Snapshot::new();
        for code in ["ABS", "BCW", "CDC"] {
            s.add_organisation(code).unwrap();
        }
        s.set_shares(
            "ABS",
            &[("BCW", Decimal::new(4, 1)), ("CDC", Decimal::new(6, 1))],
        )
        .unwrap();
        let mut srv = AssetInput::new("ABS", "SRV1", AssetClass::Server);
        srv.in_service = Some(date!(2023 - 05 - 01));
        srv.manufacturer = Some("HPE");
        srv.model = Some("DL380");
        s.push(&srv).unwrap();
        let mut pc = AssetInput::new("BCW", "PC1", AssetClass::Desktop);
        pc.in_service = Some(date!(2021 - 05 - 01));
        s.push(&pc).unwrap();
        let p = programme(&s, &a, false);
        let labels: Vec<&str> = p.by_org.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            ["BCW", "CDC"],
            "the shared service itself has no row"
        );
        // 2026/27: BCW £4,000.00 + its desktop £600.00; CDC £6,000.01.
        assert_eq!(p.by_org.rows[0].amounts[0], Money::from_pence(460_000));
        assert_eq!(p.by_org.rows[1].amounts[0], Money::from_pence(600_001));
        // 2029/30 repeat: £10,000.01 x 1.02^3 = £10,612.0906... -> 1,061,209p.
        // 40% = 424,483.6p, 60% = 636,725.4p: floors sum to 1,061,208p, and
        // the spare penny goes to the larger remainder (.6, BCW):
        // £4,244.84 and £6,367.25.
        assert_eq!(p.by_org.rows[0].amounts[3], Money::from_pence(424_484));
        assert_eq!(p.by_org.rows[1].amounts[3], Money::from_pence(636_725));
        assert_eq!(p.by_org.total, p.by_line.total, "parts add up to the whole");
    }

    #[test]
    fn lines_above_a_threshold_are_flagged_per_year_and_per_scheme() {
        // 2026/27: three servers (£30,000) and two storage arrays (£80,000)
        // on "Server and storage replacement": £110,000, above both £25,000
        // and £100,000. 2029/30: the servers again, 3 x £10,612.08 =
        // £31,836.24, above £25,000 only. Scheme total £141,836.24.
        // Ten laptops in 2026/27: £8,500, below both.
        let a = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        let mut s = Snapshot::new();
        let tags: Vec<String> = (0..15).map(|i| format!("A{i:02}")).collect();
        for (i, tag) in tags.iter().enumerate() {
            let (class, date) = match i {
                0..=2 => (AssetClass::Server, date!(2023 - 05 - 01)),
                3..=4 => (AssetClass::Storage, date!(2021 - 05 - 01)),
                _ => (AssetClass::Laptop, date!(2022 - 05 - 01)),
            };
            let mut x = AssetInput::new("BCW", tag, class);
            x.in_service = Some(date);
            s.push(&x).unwrap();
        }
        let p = programme(&s, &a, false);
        let server_line = "Server and storage replacement";
        assert_eq!(
            p.by_line.rows[0],
            TableRow {
                label: server_line.into(),
                amounts: pounds(&[11_000_000, 0, 0, 3_183_624, 0]),
                total: Money::from_pence(14_183_624),
            }
        );
        let both = vec![ApprovalBody::JointBoard, ApprovalBody::StrategyGroup];
        assert_eq!(
            p.approvals,
            [
                Approval {
                    line: server_line.into(),
                    year: Some(fy("2026/27")),
                    amount: Money::from_pence(11_000_000),
                    bodies: both.clone(),
                },
                Approval {
                    line: server_line.into(),
                    year: Some(fy("2029/30")),
                    amount: Money::from_pence(3_183_624),
                    bodies: vec![ApprovalBody::JointBoard],
                },
                Approval {
                    line: server_line.into(),
                    year: None,
                    amount: Money::from_pence(14_183_624),
                    bodies: both,
                },
            ]
        );
        // Every line is shown, in the mapping's order, even when empty.
        let labels: Vec<&str> = p.by_line.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Server and storage replacement",
                "Network replacement",
                "Desktop and laptop refresh",
                "Print and MFD replacement",
                "Mobile devices",
                "Other equipment"
            ]
        );
    }

    #[test]
    fn detail_lists_every_replacement_with_its_reason() {
        let a = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        let mut s = Snapshot::new();
        let mut x = AssetInput::new("BCW", "SRV1", AssetClass::Server);
        x.in_service = Some(date!(2022 - 05 - 01));
        x.site = Some("Civic Centre");
        s.push(&x).unwrap();
        let p = programme(&s, &a, true);
        let got: Vec<(String, String, &str, Money)> = p
            .detail
            .iter()
            .map(|d| {
                (
                    d.asset_tag.clone(),
                    d.year.unwrap().to_string(),
                    d.reason.as_str(),
                    d.cost,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "SRV1".into(),
                    "2026/27".into(),
                    "overdue",
                    Money::from_pence(1_000_000)
                ),
                (
                    "SRV1".into(),
                    "2029/30".into(),
                    "repeat cycle",
                    Money::from_pence(1_061_208)
                ),
            ]
        );
        assert_eq!(p.detail[0].due_year, fy("2025/26"));
        assert_eq!(p.by_site.rows[0].label, "Civic Centre (BCW)");
        let json = serde_json::to_string(&p).unwrap();
        assert!(json.contains("\"due_date\":\"2025-05-01\""), "{json}");
        let back: CapitalProgramme = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn thousands_round_half_away_from_zero_for_display() {
        assert_eq!(
            Units::Thousands.scale(Money::from_pence(149_999)),
            Decimal::from(1)
        );
        assert_eq!(
            Units::Thousands.scale(Money::from_pence(150_000)),
            Decimal::from(2)
        );
        assert_eq!(
            Units::Thousands.scale(Money::from_pence(-150_000)),
            Decimal::from(-2)
        );
        assert_eq!(
            Units::Pounds.scale(Money::from_pence(150_001)),
            Decimal::new(150_001, 2)
        );
        assert_eq!("£000".parse::<Units>(), Ok(Units::Thousands));
        assert_eq!("dept".parse::<Dimension>(), Ok(Dimension::Department));
        assert!("colour".parse::<Dimension>().is_err());
    }

    proptest::proptest! {
        #[test]
        fn apportioned_organisations_always_add_up_to_the_programme(
            weights in proptest::collection::vec(1u32..1000, 1..5),
            estate in proptest::collection::vec((0usize..12, 0i64..4000, 0usize..3), 1..30),
        ) {
            let a = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
            let mut s = Snapshot::new();
            let members: Vec<String> = (0..weights.len()).map(|i| format!("M{i}")).collect();
            for code in ["SHR", "OWN"].iter().copied().chain(members.iter().map(String::as_str)) {
                s.add_organisation(code).unwrap();
            }
            let shares: Vec<(&str, Decimal)> = members
                .iter()
                .zip(&weights)
                .map(|(m, w)| (m.as_str(), Decimal::from(*w) / Decimal::from(1000)))
                .collect();
            s.set_shares("SHR", &shares).unwrap();
            let tags: Vec<String> = (0..estate.len()).map(|i| format!("T{i}")).collect();
            for (i, (class, days, owner)) in estate.iter().enumerate() {
                let org = ["SHR", "OWN", "M0"][*owner];
                let mut x = AssetInput::new(org, &tags[i], AssetClass::ALL[*class]);
                x.in_service = Some(date!(2016 - 01 - 01) + time::Duration::days(*days));
                s.push(&x).unwrap();
            }
            let p = programme(&s, &a, false);
            proptest::prop_assert_eq!(p.by_org.total, p.by_line.total);
            proptest::prop_assert_eq!(&p.by_org.totals, &p.by_line.totals);
            proptest::prop_assert!(p.by_org.rows.iter().all(|r| r.label != "SHR"));
            for r in &p.by_org.rows {
                proptest::prop_assert!(r.amounts.iter().all(|m| m.to_pence().is_some()));
            }
        }
    }

    #[test]
    fn a_comparison_shows_the_difference_per_year() {
        let base_a = Assumptions::from_defaults(&Defaults::builtin()).unwrap();
        let mut longer = base_a.clone();
        longer.set_class_life(AssetClass::Desktop, 6, "scenario");
        let mut s = Snapshot::new();
        let mut x = AssetInput::new("BCW", "PC1", AssetClass::Desktop);
        x.in_service = Some(date!(2021 - 06 - 01));
        s.push(&x).unwrap();
        let c = compare(
            "base",
            &programme(&s, &base_a, false),
            "extend",
            &programme(&s, &longer, false),
        );
        // Base: £600 in 2026/27. Six years: due June 2027, £612 in 2027/28.
        assert_eq!(c.total.base, pounds(&[60_000, 0, 0, 0, 0]));
        assert_eq!(c.total.other, pounds(&[0, 61_200, 0, 0, 0]));
        assert_eq!(c.total.difference, pounds(&[-60_000, 61_200, 0, 0, 0]));
        assert_eq!(c.total.difference_total, Money::from_pence(1_200));
        assert!(
            c.past_life.kept_past_base_life.is_empty(),
            "no detail, no count"
        );
        let c = compare(
            "base",
            &programme(&s, &base_a, true),
            "extend",
            &programme(&s, &longer, true),
        );
        // The desktop runs a year past the base's 5-year life in 2026/27.
        assert_eq!(c.past_life.kept_past_base_life, [1, 0, 0, 0, 0]);
        assert_eq!(c.past_life.difference, [0, 0, 0, 0, 0]);
    }
}

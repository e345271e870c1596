//! What a Cabinet report says, gathered in one record: the capital
//! programme (a fresh forecast, or a saved run exactly as saved) with every
//! replacement, the change against an earlier saved run, the running costs
//! (revenue, power and carbon, licences), every assumption with its source,
//! and the register state it was made from.
//!
//! Pure, like the engines: the CLI reads the register and runs them; this
//! module only puts their results together and derives two small tables
//! (the revenue position and the change against a run). It knows nothing of
//! file formats: `report` writes a [`CabinetReport`] as a workbook, an HTML
//! page, Markdown, CSV or JSON (JSON is this record through serde).

use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::capital::Horizon;
use super::licences::LicencesForecast;
use super::lines::{LineAssumptions, LinesForecast};
use super::power::{PowerAssumptions, PowerForecast};
use super::programme::{CapitalProgramme, TableRow, Units};
use super::runs::{RegisterState, RunSummary};
use crate::domain::{FinancialYear, Money};
use crate::policy::Setting;

/// An organisation the report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportOrganisation {
    /// Its code, as the tables show it.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// Where the capital figures come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(
    clippy::large_enum_variant,
    reason = "one per report; boxing the run would only complicate its JSON and its readers"
)]
pub enum Basis {
    /// A forecast made now from the register.
    Forecast,
    /// A saved run, reported exactly as it was saved.
    SavedRun {
        /// The run.
        run: RunSummary,
        /// The command that saved it.
        command: String,
    },
}

/// The running costs over the report's horizon, with what they assume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunningCosts {
    /// Energy, cost and carbon, as the estate stands and after replacements.
    pub power: PowerForecast,
    /// Profiles, PUE, tariffs and carbon factors.
    pub power_assumptions: PowerAssumptions,
    /// Line rentals and switch-off migrations.
    pub lines: LinesForecast,
    /// The switch-off date, rental uplift and migration costs.
    pub line_assumptions: LineAssumptions,
    /// Licence renewals, compliance, consolidation and standardisation.
    pub licences: LicencesForecast,
    /// The revenue position built from the three.
    pub revenue: Revenue,
}

/// The revenue budget each year: licences, line rentals, switch-off
/// migrations and electricity, with their total; licences paid from the
/// capital budget are shown apart, not in the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revenue {
    /// The years.
    pub years: Vec<FinancialYear>,
    /// One row per kind of spending.
    pub rows: Vec<TableRow>,
    /// Column totals of `rows`.
    pub totals: Vec<Money>,
    /// The total over the horizon.
    pub total: Money,
    /// Licences on the capital budget (not in the revenue total).
    pub capital_licences: TableRow,
}

/// Builds the revenue position from the three running-cost forecasts (all
/// over the same years). Electricity is the estate after the capital
/// programme's replacements, as it will be paid.
pub fn revenue(
    power: &PowerForecast,
    lines: &LinesForecast,
    licences: &LicencesForecast,
) -> Revenue {
    let years = licences.years.clone();
    let row = |label: &str, amounts: Vec<Money>| TableRow {
        label: label.to_string(),
        total: amounts.iter().copied().sum(),
        amounts,
    };
    let rows = vec![
        row(
            "Licences (revenue budget)",
            licences.totals.iter().map(|t| t.revenue).collect(),
        ),
        row(
            "Phone line rentals",
            lines.totals.iter().map(|t| t.rental).collect(),
        ),
        row(
            "Line migrations before the PSTN/ISDN switch-off",
            lines.totals.iter().map(|t| t.migration_cost).collect(),
        ),
        row(
            "Electricity (after replacements)",
            power.totals.iter().map(|t| t.figures.after.cost).collect(),
        ),
    ];
    let totals: Vec<Money> = (0..years.len())
        .map(|i| rows.iter().map(|r| r.amounts[i]).sum())
        .collect();
    Revenue {
        total: totals.iter().copied().sum(),
        totals,
        rows,
        years,
        capital_licences: row(
            "Licences on the capital budget (not in the total)",
            licences.totals.iter().map(|t| t.capital).collect(),
        ),
    }
}

impl Revenue {
    /// Adds a row of revenue (its amounts one per year, in the table's
    /// years) to the table and its totals, unless every amount is zero: a
    /// register that buys no extended updates keeps the table it had.
    pub fn add_row(&mut self, label: &str, amounts: Vec<Money>) {
        if amounts.len() != self.years.len() || amounts.iter().all(|m| m.is_zero()) {
            return;
        }
        for (t, a) in self.totals.iter_mut().zip(&amounts) {
            *t += *a;
        }
        self.total = self.totals.iter().copied().sum();
        self.rows.push(TableRow {
            label: label.to_string(),
            total: amounts.iter().copied().sum(),
            amounts,
        });
    }

    /// Adds the end-of-support rule's revenue: extended security updates
    /// bought, and OS upgrades taken instead of replacements.
    pub fn add_support(
        &mut self,
        snapshot: &super::Snapshot,
        rules: &crate::policy::support::SupportRules,
        forecast: &super::capital::CapitalForecast,
    ) {
        let esu = super::support::extended_support_costs(snapshot, rules, forecast);
        self.add_row(
            "Extended security updates (end of support)",
            esu.into_iter().map(|(_, m)| m).collect(),
        );
        let upgrades = super::support::os_upgrades(snapshot, rules, forecast);
        self.add_row(
            "Operating system upgrades instead of replacement",
            upgrades.costs(),
        );
    }
}

/// One row of the change against an earlier run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeRow {
    /// The programme line.
    pub label: String,
    /// The earlier run's figure for each of the report's years (zero for a
    /// year it did not cover).
    pub previous: Vec<Money>,
    /// This report's figure minus the earlier run's, per year.
    pub change: Vec<Money>,
    /// The change over the report's years.
    pub change_total: Money,
}

/// The change in each programme line against an earlier saved run (last
/// year's approved programme), over the report's years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The earlier run.
    pub against: RunSummary,
    /// The report's lines in their order, then any line only the earlier
    /// run has.
    pub rows: Vec<ChangeRow>,
    /// The totals.
    pub total: ChangeRow,
}

/// The change from `previous` (an earlier run's programme) to `current`,
/// line by line, for `current`'s years. Years `previous` covered that
/// `current` does not are left out.
pub fn change(
    against: RunSummary,
    previous: &CapitalProgramme,
    current: &CapitalProgramme,
) -> Change {
    let years = &current.years;
    let amounts = |p: &CapitalProgramme, label: &str| -> Vec<Money> {
        let row = p.by_line.rows.iter().find(|r| r.label == label);
        years
            .iter()
            .map(|y| {
                row.and_then(|r| {
                    let i = p.by_line.years.iter().position(|t| t == y)?;
                    r.amounts.get(i).copied()
                })
                .unwrap_or(Money::ZERO)
            })
            .collect()
    };
    let row = |label: &str, before: Vec<Money>, now: &[Money]| {
        let change: Vec<Money> = now.iter().zip(&before).map(|(n, b)| *n - *b).collect();
        ChangeRow {
            label: label.to_string(),
            change_total: change.iter().copied().sum(),
            previous: before,
            change,
        }
    };
    let mut rows: Vec<ChangeRow> = current
        .by_line
        .rows
        .iter()
        .map(|r| row(&r.label, amounts(previous, &r.label), &r.amounts))
        .collect();
    for r in &previous.by_line.rows {
        if !current.by_line.rows.iter().any(|c| c.label == r.label) {
            rows.push(row(
                &r.label,
                amounts(previous, &r.label),
                &vec![Money::ZERO; years.len()],
            ));
        }
    }
    let previous_totals: Vec<Money> = (0..years.len())
        .map(|i| rows.iter().map(|r| r.previous[i]).sum())
        .collect();
    let total = row("Total", previous_totals, &current.by_line.totals);
    Change {
        against,
        rows,
        total,
    }
}

/// What a scenario's levers (thin clients, virtualisation, MFD
/// consolidation) do to the capital programme, which is before them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverEffect {
    /// The scenario's name.
    pub scenario: String,
    /// The levers, in words.
    pub levers: String,
    /// Capital per year with the levers.
    pub capital: Vec<Money>,
    /// Capital over the horizon with the levers.
    pub total: Money,
    /// `total` less the programme's total (negative is a saving).
    pub change: Money,
    /// What the levers change on each programme line, per year (only the
    /// lines they touch); `capital` less the programme's totals is their sum.
    #[serde(default)]
    pub lines: Vec<LeverLine>,
}

/// What a scenario's levers change on one programme line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeverLine {
    /// The programme line.
    pub label: String,
    /// The change per year (negative is a saving).
    pub change: Vec<Money>,
}

impl LeverEffect {
    /// The effect in one sentence, for the notes under a programme table.
    pub fn sentence(&self) -> String {
        let name = &self.scenario;
        format!(
            "the table above is before {name}'s levers ({}); with them the capital is {} over the \
             horizon ({} {}); `estate forecast compare base {name}` shows them year by year with \
             energy and carbon",
            self.levers,
            self.total,
            if self.change.is_negative() {
                "saving"
            } else {
                "adding"
            },
            if self.change.is_negative() {
                -self.change
            } else {
                self.change
            },
        )
    }
}

/// Everything a Cabinet report says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CabinetReport {
    /// The report's title.
    pub title: String,
    /// The day it was prepared (ISO).
    pub prepared: String,
    /// The organisations it covers.
    pub organisations: Vec<ReportOrganisation>,
    /// The financial years.
    pub horizon: Horizon,
    /// Pounds or thousands of pounds, for the capital tables.
    pub units: Units,
    /// A fresh forecast or a saved run.
    pub basis: Basis,
    /// Every capital assumption, as used.
    pub assumptions: Assumptions,
    /// The policy settings with their sources (a fresh forecast only: a
    /// saved run keeps the values it used, in `assumptions`, not their
    /// sources).
    pub settings: Vec<Setting>,
    /// The register's state: assets and import batches.
    pub register: RegisterState,
    /// The capital programme; every replacement is in `detail` when the
    /// document lists them (the workbook and the JSON), else `detail` is empty.
    pub programme: CapitalProgramme,
    /// The change against an earlier run, when asked for.
    pub change: Option<Change>,
    /// The running costs: a fresh forecast's, or a saved run's as forecast
    /// when it was saved (`None` for a run saved before estate kept them).
    pub running: Option<RunningCosts>,
    /// What the scenario's levers do to the capital (a fresh forecast of a
    /// scenario with levers; the programme is before them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levers: Option<LeverEffect>,
    /// A saved run against the approved programme in force for its scope
    /// (per line and year: approved, proposed, variance, slippage, and the
    /// reasons), when another run of its scope is approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against_approved: Option<super::approved::ApprovedComparison>,
    /// How the programme is paid for, per year, when any funding is set
    /// (`estate funding`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<super::funding::FundingTable>,
    /// The revenue cost of the programme's borrowing (MRP and interest), when
    /// any of it is funded by borrowing; its rows are also in the revenue
    /// position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub borrowing: Option<super::funding::BorrowingCosts>,
    /// Embodied carbon of the new kit beside operational carbon, per year
    /// (`None` for a run saved before estate counted replacements by class).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carbon: Option<super::embodied::Carbon>,
}

/// The money as finance sees it, added to `report` (of one `organisation`,
/// or the whole register): the funding table from `entries` (when any are
/// set), the borrowing's MRP and interest at `rate`
/// (with its source; `None`: not set), their rows in the revenue position,
/// and embodied beside operational carbon from `factors`.
pub fn add_finance(
    report: &mut CabinetReport,
    organisation: Option<&str>,
    entries: &[super::funding::FundingEntry],
    rate: Option<(crate::domain::Rate, String)>,
    factors: &[crate::policy::running::EmbodiedFactor],
) {
    use super::funding::{borrowing_costs, fund, programme_to_fund};
    if !entries.is_empty() {
        let (whole, by_org) = programme_to_fund(&report.programme);
        let table = fund(
            &report.programme.years,
            &whole,
            &by_org,
            entries,
            organisation,
        );
        let costs = borrowing_costs(
            &table.years,
            &table.borrowing(),
            &report.programme.by_class,
            &report.assumptions.lives,
            rate,
        );
        if !costs.is_empty() {
            if let Some(running) = report.running.as_mut() {
                add_borrowing_rows(&mut running.revenue, &costs);
            }
            report.borrowing = Some(costs);
        }
        report.funding = Some(table);
    }
    if !report.programme.funded_counts.is_empty() || report.programme.total().is_zero() {
        report.carbon = Some(super::embodied::carbon(
            &report.programme,
            report.running.as_ref().map(|r| &r.power),
            factors,
        ));
    }
}

/// Adds MRP and interest to the revenue position (and its totals).
fn add_borrowing_rows(revenue: &mut Revenue, costs: &super::funding::BorrowingCosts) {
    let pick = |amounts: &[Money]| -> Vec<Money> {
        revenue
            .years
            .iter()
            .map(|y| {
                costs
                    .years
                    .iter()
                    .position(|t| t == y)
                    .and_then(|i| amounts.get(i).copied())
                    .unwrap_or_default()
            })
            .collect()
    };
    let mrp = pick(&costs.mrp);
    let interest = pick(&costs.interest);
    let row = |label: String, amounts: Vec<Money>| TableRow {
        total: amounts.iter().copied().sum(),
        label,
        amounts,
    };
    revenue.rows.push(row(
        "Minimum revenue provision on borrowing".to_string(),
        mrp,
    ));
    revenue.rows.push(row(
        match costs.rate {
            Some(r) => format!("Interest on borrowing at {r}"),
            None => "Interest on borrowing: rate not set".to_string(),
        },
        interest,
    ));
    revenue.totals = (0..revenue.years.len())
        .map(|i| revenue.rows.iter().map(|r| r.amounts[i]).sum())
        .collect();
    revenue.total = revenue.totals.iter().copied().sum();
}

impl CabinetReport {
    /// The years of the programme.
    pub fn years(&self) -> &[FinancialYear] {
        &self.programme.years
    }

    /// The organisations as words: "Avonmere District Council (AVN) and …".
    pub fn organisation_names(&self) -> String {
        let names: Vec<String> = self
            .organisations
            .iter()
            .map(|o| format!("{} ({})", o.name, o.code))
            .collect();
        match names.as_slice() {
            [] => "no organisations".to_string(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }

    /// Where the figures come from, in words.
    pub fn basis_words(&self) -> String {
        match &self.basis {
            Basis::Forecast => format!(
                "a forecast from the register as it stood ({} assets)",
                self.register.assets
            ),
            Basis::SavedRun { run, .. } => format!(
                "saved run {} \"{}\", saved {}, reported as saved",
                run.id, run.name, run.created_at
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RunId;
    use crate::forecast::capital::{LeaseRenewals, Scope, Tally};
    use crate::forecast::programme::{Dimension, Table, Unfunded, UnknownAge};

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn table(years: &[&str], rows: &[(&str, &[i64])]) -> Table {
        let years: Vec<FinancialYear> = years.iter().map(|y| fy(y)).collect();
        let rows: Vec<TableRow> = rows
            .iter()
            .map(|(label, pence)| TableRow {
                label: (*label).to_string(),
                amounts: pence.iter().map(|p| Money::from_pence(*p)).collect(),
                total: Money::from_pence(pence.iter().sum()),
            })
            .collect();
        let totals: Vec<Money> = (0..years.len())
            .map(|i| rows.iter().map(|r| r.amounts[i]).sum())
            .collect();
        Table {
            dimension: Dimension::Line,
            total: totals.iter().copied().sum(),
            totals,
            years,
            rows,
        }
    }

    fn programme(by_line: Table) -> CapitalProgramme {
        let empty = Table {
            rows: Vec::new(),
            ..by_line.clone()
        };
        CapitalProgramme {
            years: by_line.years.clone(),
            scope: Scope::default(),
            summary: Vec::new(),
            backlog: Tally::default(),
            unfunded: Unfunded {
                tally: Tally::default(),
                priced_at: fy("2031/32"),
            },
            unknown_age: UnknownAge {
                tally: Tally::default(),
                prices_at: fy("2026/27"),
            },
            leases: LeaseRenewals::default(),
            by_class: empty.clone(),
            by_org: empty.clone(),
            by_site: empty.clone(),
            by_department: empty,
            by_line,
            approvals: Vec::new(),
            detail: Vec::new(),
            capitalisation: None,
            funded_counts: Vec::new(),
        }
    }

    fn summary() -> RunSummary {
        RunSummary {
            id: RunId(1),
            name: "last year".into(),
            created_at: "2026-02-01 10:00:00".into(),
            first_year: fy("2025/26"),
            years: 2,
            scenario: None,
            organisation: None,
            capped: false,
            assets_in_scope: 0,
            funded: Money::ZERO,
            unfunded: Money::ZERO,
            approved: None,
        }
    }

    #[test]
    fn the_change_is_this_report_less_the_earlier_run_for_this_reports_years() {
        // Last year's run covered 2025/26 and 2026/27; this report covers
        // 2026/27 and 2027/28. Servers: 2026/27 £1,000.00 → £1,500.50
        // (+£500.50); 2027/28 nothing → £200.00 (+£200.00). 2025/26 is not
        // in this report, so its £9,999.00 is left out. "Old line" is only
        // in the earlier run: −£300.00 in 2026/27.
        let previous = programme(table(
            &["2025/26", "2026/27"],
            &[("Servers", &[999_900, 100_000]), ("Old line", &[0, 30_000])],
        ));
        let current = programme(table(
            &["2026/27", "2027/28"],
            &[("Servers", &[150_050, 20_000]), ("Desktops", &[0, 0])],
        ));
        let c = change(summary(), &previous, &current);
        let show = |r: &ChangeRow| {
            (
                r.label.clone(),
                r.change.iter().map(ToString::to_string).collect::<Vec<_>>(),
                r.change_total.to_string(),
            )
        };
        let rows: Vec<_> = c.rows.iter().map(show).collect();
        assert_eq!(
            rows,
            [
                (
                    "Servers".to_string(),
                    vec!["£500.50".to_string(), "£200.00".to_string()],
                    "£700.50".to_string()
                ),
                (
                    "Desktops".to_string(),
                    vec!["£0.00".to_string(), "£0.00".to_string()],
                    "£0.00".to_string()
                ),
                (
                    "Old line".to_string(),
                    vec!["-£300.00".to_string(), "£0.00".to_string()],
                    "-£300.00".to_string()
                ),
            ]
        );
        assert_eq!(show(&c.total).2, "£400.50");
        assert_eq!(c.total.previous, [Money::from_pence(130_000), Money::ZERO]);
    }
}

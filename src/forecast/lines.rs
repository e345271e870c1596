//! The phone-line forecast: line rentals per year, contracts ending, and
//! the migrations the national PSTN/ISDN switch-off forces — critical-care
//! lines first.
//!
//! Pure: the lines, their organisations' shares, the [`LineAssumptions`]
//! and a [`Horizon`] in; a [`LinesForecast`] out. The rules:
//!
//! - **Which lines.** Active lines; ceased lines are left out.
//! - **Rental.** A line's rental in the `k`-th year of the horizon (the
//!   first is `k = 0`) is `monthly × 12 × (1 + uplift)^k`, rounded to the
//!   penny (half away from zero) per line per year; totals are sums of
//!   those pennies. Migrating a line does not change its rental here.
//! - **Switch-off.** A line whose type the switch-off ends (analogue PSTN,
//!   ISDN, and ADSL/FTTC riding on a WLR line; `data/lines/line-costs.csv`)
//!   must be migrated before the switch-off date, so it is due for
//!   migration in the financial year containing the **last day before the
//!   switch-off** (for 31 January 2027: 30 January 2027, in 2026/27; for 1
//!   April 2027 it would be 31 March 2027, still 2026/27; for 2 April 2027,
//!   1 April 2027, in 2027/28). If that year is before the horizon's first
//!   year the line is **past due** — the switch-off has passed and it still
//!   needs moving — and is scheduled in the first year. Each migration
//!   costs its type's one-off migration cost.
//! - **Counting by type.** A line counts under its own type up to and
//!   including its migration year and under the type it migrates to after
//!   it. "Critical care still on legacy" counts critical-care lines on a
//!   type the switch-off ends that are not yet migrated during the year.
//! - **Contracts.** A contract ending inside the horizon is flagged for
//!   renewal in the year containing its end date; no end date, or one
//!   before the horizon, is out of contract.
//! - **Organisations.** A shared service's rentals and migration costs are
//!   apportioned to its members by largest remainder.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use super::capital::Horizon;
use super::programme::apportion;
use super::snapshot::Snapshot;
use crate::domain::{FinancialYear, LineType, Money, Rate, parse_date};
use crate::policy::{Defaults, LineCost};
use crate::register::{Line, LineFields};

/// Why a lines forecast cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinesError {
    /// A setting the forecast needs is missing or malformed.
    #[error(
        "policy setting `{key}` = `{value}`: {reason}; reload the defaults with `estate policy load`"
    )]
    BadSetting {
        /// The key.
        key: &'static str,
        /// The stored value.
        value: String,
        /// Why it is wrong.
        reason: String,
    },
    /// A line type has no row in the line costs.
    #[error(
        "the policy has no line costs for `{0}`; reload the defaults with `estate policy load`"
    )]
    MissingLineCost(LineType),
    /// A shared service names an organisation that is not there.
    #[error("no organisation `{0}` among the shares")]
    UnknownOrganisation(String),
    /// A figure too large to hold.
    #[error("a line rental is too large to compute")]
    Overflow,
}

/// A shared service's members and their ratios, by shared-service code.
pub type Shares = BTreeMap<String, Vec<(String, Decimal)>>;

/// Everything the lines forecast assumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineAssumptions {
    /// The national switch-off date.
    #[serde(with = "crate::domain::dates::iso_date")]
    pub switch_off: Date,
    /// Where the date comes from.
    pub switch_off_source: String,
    /// Annual rise in rentals.
    pub uplift: Rate,
    /// Per line type: ended by the switch-off? migrates to? at what cost?
    pub costs: Vec<LineCost>,
}

impl LineAssumptions {
    /// The assumptions the policy gives: the `switch_off_date` and
    /// `line_rental_uplift` settings and the line costs.
    ///
    /// # Errors
    /// A missing or malformed setting, or a line type without costs.
    pub fn from_defaults(defaults: &Defaults) -> Result<Self, LinesError> {
        let setting = |key: &'static str| {
            defaults
                .settings
                .iter()
                .find(|s| s.key == key)
                .ok_or_else(|| LinesError::BadSetting {
                    key,
                    value: String::new(),
                    reason: "missing".into(),
                })
        };
        let date = setting("switch_off_date")?;
        let switch_off = parse_date(&date.value).map_err(|e| LinesError::BadSetting {
            key: "switch_off_date",
            value: date.value.clone(),
            reason: e.to_string(),
        })?;
        let uplift = setting("line_rental_uplift")?;
        let uplift_rate = uplift
            .value
            .parse::<Rate>()
            .map_err(|e| LinesError::BadSetting {
                key: "line_rental_uplift",
                value: uplift.value.clone(),
                reason: e.to_string(),
            })?;
        let a = LineAssumptions {
            switch_off,
            switch_off_source: date.source.clone(),
            uplift: uplift_rate,
            costs: defaults.line_costs.clone(),
        };
        for t in LineType::ALL {
            a.cost(*t)?;
        }
        Ok(a)
    }

    fn cost(&self, t: LineType) -> Result<&LineCost, LinesError> {
        self.costs
            .iter()
            .find(|c| c.line_type == t)
            .ok_or(LinesError::MissingLineCost(t))
    }

    /// The last day a line can still be migrated on: the day before the
    /// switch-off.
    pub fn last_day(&self) -> Date {
        self.switch_off.previous_day().unwrap_or(self.switch_off)
    }

    /// The financial year migrations fall due in: the one containing the
    /// last day before the switch-off.
    pub fn due_year(&self) -> FinancialYear {
        FinancialYear::containing(self.last_day())
    }
}

/// One year of lines (of one type, or all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LineYear {
    /// Lines counted under the type this year.
    pub count: u64,
    /// Their rental this year.
    pub rental: Money,
    /// Migrations due this year.
    pub migrations: u64,
    /// Their one-off cost.
    pub migration_cost: Money,
    /// Critical-care lines still on a type the switch-off ends.
    pub critical_care_on_legacy: u64,
    /// Contracts ending this year.
    pub contracts_ending: u64,
}

impl LineYear {
    fn add(&mut self, o: &LineYear) {
        self.count += o.count;
        self.rental += o.rental;
        self.migrations += o.migrations;
        self.migration_cost += o.migration_cost;
        self.critical_care_on_legacy += o.critical_care_on_legacy;
        self.contracts_ending += o.contracts_ending;
    }
}

/// One line type over the years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTypeRow {
    /// The type.
    pub line_type: LineType,
    /// One entry per year.
    pub years: Vec<LineYear>,
}

/// A line that must migrate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    /// Organisation code.
    pub organisation: String,
    /// Number or service id.
    pub number: String,
    /// Its type now.
    pub line_type: LineType,
    /// The type it moves to.
    pub migrate_to: LineType,
    /// Its site.
    pub site: Option<String>,
    /// What it is used for.
    pub line_use: Option<String>,
    /// A critical-care line.
    pub critical_care: bool,
    /// The year it is scheduled in.
    pub year: FinancialYear,
    /// True when the switch-off had passed before the horizon began.
    pub past_due: bool,
    /// True when the scheduled year is inside the horizon.
    pub in_horizon: bool,
    /// The one-off cost.
    pub cost: Money,
}

/// A line whose contract ends inside the horizon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContractEnding {
    /// Organisation code.
    pub organisation: String,
    /// Number or service id.
    pub number: String,
    /// Its type.
    pub line_type: LineType,
    /// The contract end date.
    #[serde(with = "crate::domain::dates::iso_date")]
    pub contract_end: Date,
    /// The year it ends in.
    pub year: FinancialYear,
    /// Its rental in that year.
    pub rental: Money,
}

/// Money per year for one organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgLines {
    /// Organisation code.
    pub organisation: String,
    /// Rental per year.
    pub rental: Vec<Money>,
    /// Migration cost per year.
    pub migration_cost: Vec<Money>,
}

/// The switch-off as the forecast applied it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SwitchOff {
    /// The switch-off date.
    #[serde(with = "crate::domain::dates::iso_date")]
    pub date: Date,
    /// Its source.
    pub source: String,
    /// The last day a line can be migrated on.
    #[serde(with = "crate::domain::dates::iso_date")]
    pub last_day: Date,
    /// The year migrations fall due in.
    pub due_year: FinancialYear,
}

/// The lines forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinesForecast {
    /// The years.
    pub years: Vec<FinancialYear>,
    /// The rental uplift applied.
    pub uplift: Rate,
    /// The switch-off.
    pub switch_off: SwitchOff,
    /// Every line type held, in the order of [`LineType::ALL`].
    pub by_type: Vec<LineTypeRow>,
    /// All types together.
    pub totals: Vec<LineYear>,
    /// By organisation, shared services apportioned.
    pub by_org: Vec<OrgLines>,
    /// Every migration: critical-care lines first, then by year,
    /// organisation and number.
    pub migrations: Vec<Migration>,
    /// Contracts ending inside the horizon, by date.
    pub contracts_ending: Vec<ContractEnding>,
    /// Active lines with no contract end, or one before the horizon.
    pub out_of_contract: u64,
    /// Active lines counted.
    pub lines: u64,
}

/// Runs the lines forecast.
///
/// # Errors
/// A line type without costs, a share naming an unknown organisation, or a
/// rental too large to hold.
pub fn forecast(
    lines: &[Line],
    shares: &Shares,
    assumptions: &LineAssumptions,
    horizon: Horizon,
) -> Result<LinesForecast, LinesError> {
    let years = horizon.years();
    let n = years.len();
    let due_year = assumptions.due_year();
    let past_due = due_year < horizon.first;
    let scheduled = due_year.max(horizon.first);
    let slot = |y: FinancialYear| {
        usize::try_from(y.years_since(horizon.first))
            .ok()
            .filter(|i| *i < n)
    };
    let growth: Vec<Decimal> = (0..n)
        .map(|k| {
            assumptions
                .uplift
                .compound(i32::try_from(k).expect("invariant: at most 50 years"))
                .ok_or(LinesError::Overflow)
        })
        .collect::<Result<_, _>>()?;

    // The organisations, interned (a snapshot with no assets is the
    // engines' organisation table).
    let mut orgs = Snapshot::new();
    let intern = |orgs: &mut Snapshot, code: &str| {
        orgs.add_organisation(code)
            .map_err(|_| LinesError::Overflow)
    };
    for l in lines {
        intern(&mut orgs, &l.organisation)?;
    }
    for (shared, members) in shares {
        intern(&mut orgs, shared)?;
        for (m, _) in members {
            intern(&mut orgs, m)?;
        }
        let members: Vec<(&str, Decimal)> = members.iter().map(|(m, r)| (m.as_str(), *r)).collect();
        orgs.set_shares(shared, &members)
            .map_err(|e| LinesError::UnknownOrganisation(e.to_string()))?;
    }
    let mut rental_by_org = vec![vec![0i64; n]; orgs.organisations().len()];
    let mut migration_by_org = vec![vec![0i64; n]; orgs.organisations().len()];

    let mut by_type: Vec<Vec<LineYear>> = vec![vec![LineYear::default(); n]; LineType::ALL.len()];
    let mut migrations = Vec::new();
    let mut contracts_ending = Vec::new();
    let mut out_of_contract = 0u64;
    let mut counted = 0u64;
    for held in lines.iter().filter(|l| l.fields.active) {
        counted += 1;
        let org = intern(&mut orgs, &held.organisation)? as usize;
        let line: &LineFields = &held.fields;
        let cost = assumptions.cost(line.line_type)?;
        let migration = cost.switch_off.then(|| {
            (
                cost.migrate_to.unwrap_or(LineType::Sogea),
                cost.migration_cost,
            )
        });
        let annual = line.monthly_rental.times(12).ok_or(LinesError::Overflow)?;
        let mut rentals = Vec::with_capacity(n);
        for (y, year) in years.iter().enumerate() {
            let rental = annual
                .checked_mul(growth[y])
                .ok_or(LinesError::Overflow)?
                .round_to_penny();
            rentals.push(rental);
            let migrated_before = migration.is_some() && scheduled < *year;
            let counts_as = match migration {
                Some((to, _)) if migrated_before => to,
                _ => line.line_type,
            };
            let cell = &mut by_type[type_index(counts_as)][y];
            cell.count += 1;
            cell.rental += rental;
            if line.critical_care && migration.is_some() && !migrated_before {
                cell.critical_care_on_legacy += 1;
            }
            rental_by_org[org][y] += pence(rental)?;
        }
        if let Some((to, cost)) = migration {
            if let Some(y) = slot(scheduled) {
                let cell = &mut by_type[type_index(line.line_type)][y];
                cell.migrations += 1;
                cell.migration_cost += cost;
                migration_by_org[org][y] += pence(cost)?;
            }
            migrations.push(Migration {
                organisation: held.organisation.clone(),
                number: line.number.clone(),
                line_type: line.line_type,
                migrate_to: to,
                site: line.site.clone(),
                line_use: line.line_use.clone(),
                critical_care: line.critical_care,
                year: scheduled,
                past_due,
                in_horizon: slot(scheduled).is_some(),
                cost,
            });
        }
        match line.contract_end.map(|d| (d, FinancialYear::containing(d))) {
            Some((end, year)) if year >= horizon.first => {
                if let Some(y) = slot(year) {
                    by_type[type_index(line.line_type)][y].contracts_ending += 1;
                    contracts_ending.push(ContractEnding {
                        organisation: held.organisation.clone(),
                        number: line.number.clone(),
                        line_type: line.line_type,
                        contract_end: end,
                        year,
                        rental: rentals[y],
                    });
                }
            }
            _ => out_of_contract += 1,
        }
    }
    migrations.sort_by(|a, b| {
        (!a.critical_care, a.year, &a.organisation, &a.number).cmp(&(
            !b.critical_care,
            b.year,
            &b.organisation,
            &b.number,
        ))
    });
    contracts_ending.sort_by(|a, b| {
        (a.contract_end, &a.organisation, &a.number).cmp(&(
            b.contract_end,
            &b.organisation,
            &b.number,
        ))
    });

    let mut totals = vec![LineYear::default(); n];
    for row in &by_type {
        for (t, c) in totals.iter_mut().zip(row) {
            t.add(c);
        }
    }
    let by_type = LineType::ALL
        .iter()
        .zip(by_type)
        .filter(|(_, row)| row.iter().any(|c| c.count > 0))
        .map(|(t, years)| LineTypeRow {
            line_type: *t,
            years,
        })
        .collect();
    let rental = apportion(&orgs, &rental_by_org);
    let migration = apportion(&orgs, &migration_by_org);
    let by_org = rental
        .into_iter()
        .zip(migration)
        .filter(|((_, r), (_, m))| r.iter().chain(m).any(|p| *p != 0))
        .map(|((organisation, r), (_, m))| OrgLines {
            organisation,
            rental: r.into_iter().map(Money::from_pence).collect(),
            migration_cost: m.into_iter().map(Money::from_pence).collect(),
        })
        .collect();
    Ok(LinesForecast {
        years,
        uplift: assumptions.uplift,
        switch_off: SwitchOff {
            date: assumptions.switch_off,
            source: assumptions.switch_off_source.clone(),
            last_day: assumptions.last_day(),
            due_year,
        },
        by_type,
        totals,
        by_org,
        migrations,
        contracts_ending,
        out_of_contract,
        lines: counted,
    })
}

fn type_index(t: LineType) -> usize {
    LineType::ALL
        .iter()
        .position(|x| *x == t)
        .expect("invariant: ALL holds every line type")
}

fn pence(m: Money) -> Result<i64, LinesError> {
    m.to_pence().ok_or(LinesError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn assumptions() -> LineAssumptions {
        LineAssumptions::from_defaults(&Defaults::builtin()).unwrap()
    }

    pub(crate) fn line(org: &str, number: &str, t: LineType, pence: i64) -> Line {
        Line {
            id: crate::domain::LineId(0),
            organisation: org.into(),
            fields: LineFields {
                number: number.into(),
                line_type: t,
                supplier: None,
                site: None,
                monthly_rental: Money::from_pence(pence),
                contract_end: None,
                critical_care: false,
                line_use: None,
                active: true,
                notes: None,
            },
            batch_id: None,
        }
    }

    fn estate() -> Vec<Line> {
        let mut telecare = line("BCW", "01632960058", LineType::Pstn, 2_000);
        telecare.fields.critical_care = true;
        telecare.fields.line_use = Some("Telecare".into());
        let mut isdn = line("BCW", "01632960100", LineType::Isdn2, 4_200);
        isdn.fields.contract_end = Some(date!(2028 - 01 - 31));
        let mut ceased = line("BCW", "01632960999", LineType::Pstn, 9_999);
        ceased.fields.active = false;
        vec![
            isdn,
            telecare,
            line("BCW", "BBEU15476776", LineType::Sogea, 2_950),
            ceased,
        ]
    }

    fn five_years() -> Horizon {
        Horizon::new(fy("2026/27"), 5).unwrap()
    }

    #[test]
    fn rentals_rise_by_the_uplift_and_round_per_line() {
        let f = forecast(&estate(), &Shares::new(), &assumptions(), five_years()).unwrap();
        // 2026/27: £20.00 × 12 + £42.00 × 12 + £29.50 × 12 = 240 + 504 + 354
        // = £1,098.00. 2027/28 at 3%: 247.20 + 519.12 + 364.62 = £1,130.94.
        // 2028/29 at 1.03² = 1.0609: 254.616 → 254.62, 534.6936 → 534.69,
        // 375.5586 → 375.56: £1,164.87. The ceased line is left out.
        let rental: Vec<Money> = f.totals.iter().map(|t| t.rental).collect();
        assert_eq!(rental[0], Money::from_pence(109_800));
        assert_eq!(rental[1], Money::from_pence(113_094));
        assert_eq!(rental[2], Money::from_pence(116_487));
        assert_eq!(f.lines, 3);
    }

    #[test]
    fn analogue_and_isdn_lines_migrate_in_the_year_before_the_switch_off() {
        let f = forecast(&estate(), &Shares::new(), &assumptions(), five_years()).unwrap();
        // Switch-off 31 Jan 2027: last day 30 Jan 2027, in 2026/27.
        assert_eq!(f.switch_off.last_day, date!(2027 - 01 - 30));
        assert_eq!(f.switch_off.due_year, fy("2026/27"));
        // Critical care first: the telecare PSTN line (£150.00), then the
        // ISDN2 line (£250.00); SoGEA is not affected.
        let got: Vec<(&str, &str, bool, FinancialYear, Money)> = f
            .migrations
            .iter()
            .map(|m| {
                (
                    m.number.as_str(),
                    m.migrate_to.as_str(),
                    m.past_due,
                    m.year,
                    m.cost,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "01632960058",
                    "sogea",
                    false,
                    fy("2026/27"),
                    Money::from_pence(15_000)
                ),
                (
                    "01632960100",
                    "sip",
                    false,
                    fy("2026/27"),
                    Money::from_pence(25_000)
                ),
            ]
        );
        assert_eq!(f.totals[0].migrations, 2);
        assert_eq!(f.totals[0].migration_cost, Money::from_pence(40_000));
        assert_eq!(f.totals[0].critical_care_on_legacy, 1);
        assert_eq!(f.totals[1].critical_care_on_legacy, 0);
        // After migrating, the telecare line counts as SoGEA.
        let count = |t: LineType, y: usize| {
            f.by_type
                .iter()
                .find(|r| r.line_type == t)
                .map_or(0, |r| r.years[y].count)
        };
        assert_eq!((count(LineType::Pstn, 0), count(LineType::Pstn, 1)), (1, 0));
        assert_eq!(
            (count(LineType::Sogea, 0), count(LineType::Sogea, 1)),
            (1, 2)
        );
        // The ISDN contract ends 31 Jan 2028, in 2027/28; the others have no end.
        assert_eq!(f.totals[1].contracts_ending, 1);
        assert_eq!(f.contracts_ending[0].rental, Money::from_pence(51_912));
        assert_eq!(f.out_of_contract, 2);
    }

    #[test]
    fn the_migration_year_turns_at_a_switch_off_on_2_april() {
        let mut a = assumptions();
        // Switch-off 1 April 2027: the last day is 31 March 2027, 2026/27.
        a.switch_off = date!(2027 - 04 - 01);
        assert_eq!(a.due_year(), fy("2026/27"));
        // Switch-off 2 April 2027: the last day is 1 April 2027, 2027/28.
        a.switch_off = date!(2027 - 04 - 02);
        assert_eq!(a.due_year(), fy("2027/28"));
        let f = forecast(&estate(), &Shares::new(), &a, five_years()).unwrap();
        assert!(
            f.migrations
                .iter()
                .all(|m| m.year == fy("2027/28") && !m.past_due)
        );
        assert_eq!(f.totals[1].migrations, 2);
        // The telecare line is still on analogue through 2027/28.
        assert_eq!(f.totals[1].critical_care_on_legacy, 1);
    }

    #[test]
    fn after_the_switch_off_a_line_is_past_due_in_the_first_year() {
        let horizon = Horizon::new(fy("2027/28"), 3).unwrap();
        let f = forecast(&estate(), &Shares::new(), &assumptions(), horizon).unwrap();
        assert!(
            f.migrations
                .iter()
                .all(|m| m.past_due && m.year == fy("2027/28"))
        );
        assert_eq!(f.totals[0].migrations, 2);
    }

    #[test]
    fn a_shared_service_s_lines_are_apportioned() {
        let lines = vec![line("ABS", "01632000001", LineType::Isdn30, 49_500)];
        let shares = Shares::from([(
            "ABS".to_string(),
            vec![
                ("AVN".to_string(), Decimal::new(4, 1)),
                ("BRK".to_string(), Decimal::new(6, 1)),
            ],
        )]);
        let f = forecast(&lines, &shares, &assumptions(), five_years()).unwrap();
        // £495.00 × 12 = £5,940.00: AVN £2,376.00, BRK £3,564.00; the
        // £1,500.00 migration: £600.00 and £900.00.
        let rows: Vec<(&str, Money, Money)> = f
            .by_org
            .iter()
            .map(|o| (o.organisation.as_str(), o.rental[0], o.migration_cost[0]))
            .collect();
        assert_eq!(
            rows,
            [
                ("AVN", Money::from_pence(237_600), Money::from_pence(60_000)),
                ("BRK", Money::from_pence(356_400), Money::from_pence(90_000)),
            ]
        );
    }
}

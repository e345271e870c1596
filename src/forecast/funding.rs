//! How the capital programme is paid for, and what its borrowing costs the
//! revenue budget.
//!
//! - [`fund`] lays the funding sources set with `estate funding` (capital
//!   receipts, prudential borrowing, revenue contributions to capital,
//!   reserves, grants, external contributions; each an amount or a share of
//!   a year's programme) against the programme year by year, with the over-
//!   or under-funding. A year's shares are one largest-remainder split of its
//!   programme, so when they add up to 100% the parts add up to the
//!   programme to the penny.
//! - [`borrowing_costs`] turns the borrowing-funded part of each year into
//!   minimum revenue provision (MRP) by the asset-life method, straight line,
//!   and interest at the policy rate (`borrowing_rate`).
//!
//! The MRP convention, as councils' MRP statements write it: the
//! borrowing-funded part of a year's spend is charged in equal instalments
//! over the lives of what it buys, starting in the financial year after the
//! spend (the statutory guidance lets MRP start the year after an asset
//! becomes operational: DLUHC, *Capital finance: guidance on minimum revenue
//! provision*, 5th edition, 2024, asset-life method; e.g. Preston City
//! Council's MRP statement: "the expected life of the asset in equal annual
//! instalments"). The borrowing is split over the classes it buys in
//! proportion to their cost that year, and each class's part over its
//! replacement life (`policy_lives`); each part's instalments are one
//! largest-remainder split, so they add up to the part exactly. Interest is
//! charged on the borrowing outstanding at the start of each year (borrowed
//! at the end of the year of spend, less the MRP set aside since), at the
//! rate, rounded to the penny half away from zero. Borrowing before the
//! horizon is not known here: these are the costs of this programme's new
//! borrowing.
//!
//! Pure: no database, no clock. Knows nothing of formats.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::programme::{CapitalProgramme, Table};
use crate::domain::{AssetClass, FinancialYear, Money, Rate, UnknownValue};
use crate::policy::LifeRule;

/// Where money for the capital programme comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingSource {
    /// Capital receipts (proceeds of selling assets).
    CapitalReceipts,
    /// Prudential borrowing: it costs the revenue budget MRP and interest.
    Borrowing,
    /// Revenue contributions to capital (RCCO, direct revenue financing).
    RevenueContribution,
    /// Earmarked reserves.
    Reserves,
    /// Government and other grants.
    Grants,
    /// External contributions (partners, S106).
    External,
}

impl FundingSource {
    /// Every source, in the order the funding table lists them.
    pub const ALL: &'static [FundingSource] = &[
        FundingSource::CapitalReceipts,
        FundingSource::Borrowing,
        FundingSource::RevenueContribution,
        FundingSource::Reserves,
        FundingSource::Grants,
        FundingSource::External,
    ];

    /// The stable word stored in the register.
    pub fn as_str(self) -> &'static str {
        match self {
            FundingSource::CapitalReceipts => "capital_receipts",
            FundingSource::Borrowing => "borrowing",
            FundingSource::RevenueContribution => "revenue_contribution",
            FundingSource::Reserves => "reserves",
            FundingSource::Grants => "grants",
            FundingSource::External => "external",
        }
    }

    /// How a funding table names it.
    pub fn label(self) -> &'static str {
        match self {
            FundingSource::CapitalReceipts => "Capital receipts",
            FundingSource::Borrowing => "Prudential borrowing",
            FundingSource::RevenueContribution => "Revenue contributions to capital (RCCO)",
            FundingSource::Reserves => "Reserves",
            FundingSource::Grants => "Grants",
            FundingSource::External => "External contributions",
        }
    }
}

impl fmt::Display for FundingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FundingSource {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Ok(match word.as_str() {
            "capital_receipts" | "receipts" => FundingSource::CapitalReceipts,
            "borrowing" | "prudential_borrowing" => FundingSource::Borrowing,
            "revenue_contribution" | "revenue_contributions" | "rcco" | "revenue" => {
                FundingSource::RevenueContribution
            }
            "reserves" | "reserve" => FundingSource::Reserves,
            "grants" | "grant" => FundingSource::Grants,
            "external" | "external_contributions" | "contributions" => FundingSource::External,
            _ => {
                return Err(UnknownValue {
                    what: "a funding source",
                    value: s.trim().to_string(),
                    valid: "capital-receipts, borrowing, rcco, reserves, grants, external".into(),
                });
            }
        })
    }
}

/// How much a source gives in a year: an amount, or a share of the year's
/// programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Funding {
    /// A fixed amount.
    Amount(Money),
    /// A share of the year's programme (0.6 for 60%).
    Share(Rate),
}

impl fmt::Display for Funding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Funding::Amount(m) => write!(f, "{m}"),
            Funding::Share(r) => write!(f, "{r} of the programme"),
        }
    }
}

/// One source of funding for one year, for one organisation or all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingEntry {
    /// The organisation's code; `None` for the whole register.
    pub organisation: Option<String>,
    /// The financial year.
    pub year: FinancialYear,
    /// The source.
    pub source: FundingSource,
    /// What it gives.
    pub funding: Funding,
}

/// One source's row of the funding table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingRow {
    /// The source.
    pub source: FundingSource,
    /// Per year.
    pub amounts: Vec<Money>,
    /// Over the horizon.
    pub total: Money,
}

/// The programme's funding, year by year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingTable {
    /// The years.
    pub years: Vec<FinancialYear>,
    /// The capital programme to fund, per year (the capital part when a
    /// capital threshold moves items to revenue).
    pub programme: Vec<Money>,
    /// The sources that give anything, in [`FundingSource::ALL`] order.
    pub rows: Vec<FundingRow>,
    /// All sources, per year.
    pub funded: Vec<Money>,
    /// `funded − programme` per year: above zero over-funded, below zero
    /// under-funded.
    pub balance: Vec<Money>,
    /// Totals over the horizon: programme, funded, balance.
    pub programme_total: Money,
    /// All sources over the horizon.
    pub funded_total: Money,
    /// `funded_total − programme_total`.
    pub balance_total: Money,
}

impl FundingTable {
    /// The borrowing row's amounts (zeros when nothing is borrowed).
    pub fn borrowing(&self) -> Vec<Money> {
        self.rows
            .iter()
            .find(|r| r.source == FundingSource::Borrowing)
            .map_or_else(
                || vec![Money::ZERO; self.years.len()],
                |r| r.amounts.clone(),
            )
    }
}

/// The programme to fund per year, for the whole scope and per organisation
/// (code, amounts): the capital part of each year when a capital threshold
/// is on, else the whole of it; each organisation's row of the programme by
/// organisation (before any capital threshold).
pub fn programme_to_fund(programme: &CapitalProgramme) -> (Vec<Money>, Vec<(String, Vec<Money>)>) {
    let whole = match &programme.capitalisation {
        Some(split) if split.rule.is_on() => split.years.iter().map(|y| y.capital).collect(),
        _ => programme.by_line.totals.clone(),
    };
    let by_org = programme
        .by_org
        .rows
        .iter()
        .map(|r| (r.label.clone(), r.amounts.clone()))
        .collect();
    (whole, by_org)
}

/// Lays `entries` against the programme over `years`.
///
/// For a report of one organisation (`organisation` is its code), that
/// organisation's sources fund `whole` (its programme). For the whole
/// register (`None`), sources set for no organisation fund `whole`, and each
/// organisation's own sources fund its row of `by_org` (a share is of that
/// organisation's programme); all are added up per source.
///
/// A scope's shares in a year are one largest-remainder split: of the
/// programme by the shares and what they leave (when they add up to 100% or
/// less), or of the programme times their sum by the shares (above 100%), so
/// they never lose or invent a penny.
pub fn fund(
    years: &[FinancialYear],
    whole: &[Money],
    by_org: &[(String, Vec<Money>)],
    entries: &[FundingEntry],
    organisation: Option<&str>,
) -> FundingTable {
    let n = years.len();
    let mut amounts: Vec<Vec<Money>> = vec![vec![Money::ZERO; n]; FundingSource::ALL.len()];
    let mut used = [false; 6];
    // The scopes: (which entries, the programme they fund).
    let zeros = vec![Money::ZERO; n];
    let mut scopes: Vec<(Option<&str>, &[Money])> = vec![(organisation, whole)];
    if organisation.is_none() {
        let mut orgs: Vec<&str> = entries
            .iter()
            .filter_map(|e| e.organisation.as_deref())
            .collect();
        orgs.sort_unstable();
        orgs.dedup();
        for code in orgs {
            let row = by_org
                .iter()
                .find(|(c, _)| c == code)
                .map_or(zeros.as_slice(), |(_, a)| a.as_slice());
            scopes.push((Some(code), row));
        }
    }
    for (scope, programme) in scopes {
        for (y, year) in years.iter().enumerate() {
            let here: Vec<&FundingEntry> = entries
                .iter()
                .filter(|e| e.organisation.as_deref() == scope && e.year == *year)
                .collect();
            let base = programme.get(y).copied().unwrap_or_default();
            let mut shares: Vec<(FundingSource, Decimal)> = Vec::new();
            for e in &here {
                let i = source_index(e.source);
                used[i] = true;
                match e.funding {
                    Funding::Amount(m) => amounts[i][y] += m,
                    Funding::Share(r) => shares.push((e.source, r.fraction())),
                }
            }
            for (source, part) in split_shares(base, &shares) {
                amounts[source_index(source)][y] += part;
            }
        }
    }
    let rows: Vec<FundingRow> = FundingSource::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| used[*i])
        .map(|(i, s)| FundingRow {
            source: *s,
            total: amounts[i].iter().copied().sum(),
            amounts: amounts[i].clone(),
        })
        .collect();
    let programme: Vec<Money> = (0..n)
        .map(|y| whole.get(y).copied().unwrap_or_default())
        .collect();
    let funded: Vec<Money> = (0..n)
        .map(|y| rows.iter().map(|r| r.amounts[y]).sum())
        .collect();
    let balance: Vec<Money> = funded
        .iter()
        .zip(&programme)
        .map(|(f, p)| *f - *p)
        .collect();
    FundingTable {
        years: years.to_vec(),
        programme_total: programme.iter().copied().sum(),
        funded_total: funded.iter().copied().sum(),
        balance_total: balance.iter().copied().sum(),
        programme,
        rows,
        funded,
        balance,
    }
}

fn source_index(source: FundingSource) -> usize {
    FundingSource::ALL
        .iter()
        .position(|s| *s == source)
        .unwrap_or(0)
}

/// One year's shares of `programme`, split by largest remainder.
fn split_shares(
    programme: Money,
    shares: &[(FundingSource, Decimal)],
) -> Vec<(FundingSource, Money)> {
    if shares.is_empty() {
        return Vec::new();
    }
    let sum: Decimal = shares.iter().map(|(_, s)| *s).sum();
    let weights: Vec<Decimal> = shares.iter().map(|(_, s)| *s).collect();
    let parts = if sum <= Decimal::ONE {
        let mut with_rest = weights.clone();
        with_rest.push(Decimal::ONE - sum);
        programme.split_by_ratios(&with_rest)
    } else {
        programme
            .checked_mul(sum)
            .and_then(|whole| whole.split_by_ratios(&weights))
    };
    let parts = parts.unwrap_or_else(|| vec![Money::ZERO; shares.len()]);
    shares
        .iter()
        .zip(parts)
        .map(|((source, _), part)| (*source, part))
        .collect()
}

/// The revenue cost of the programme's borrowing, per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BorrowingCosts {
    /// The years.
    pub years: Vec<FinancialYear>,
    /// The borrowing-funded part of each year's programme.
    pub borrowing: Vec<Money>,
    /// Minimum revenue provision charged in each year.
    pub mrp: Vec<Money>,
    /// The interest rate (`borrowing_rate`), when set.
    pub rate: Option<Rate>,
    /// Where the rate comes from (the setting's source).
    pub rate_source: Option<String>,
    /// Interest charged in each year (zeros when no rate is set).
    pub interest: Vec<Money>,
    /// Borrowing outstanding at the end of each year.
    pub outstanding: Vec<Money>,
    /// Years whose borrowing bought nothing to spread over (no programme
    /// that year): no MRP is charged for it.
    pub unspread: Vec<FinancialYear>,
}

impl BorrowingCosts {
    /// True when nothing is borrowed.
    pub fn is_empty(&self) -> bool {
        self.borrowing.iter().all(|b| b.is_zero())
    }
}

/// MRP (asset-life method, straight line, from the year after the spend)
/// and interest at `rate` on `borrowing` (per year of `years`), spread over
/// the classes `by_class` says each year bought, at their `lives`. See the
/// module notes for the convention.
pub fn borrowing_costs(
    years: &[FinancialYear],
    borrowing: &[Money],
    by_class: &Table,
    lives: &[LifeRule],
    rate: Option<(Rate, String)>,
) -> BorrowingCosts {
    let n = years.len();
    let mut mrp = vec![Money::ZERO; n];
    let mut unspread = Vec::new();
    let life_of = |class: AssetClass| -> u32 {
        lives
            .iter()
            .find(|l| l.class == class)
            .map_or(1, |l| l.life_years.max(1))
    };
    for (y, year) in years.iter().enumerate() {
        let borrowed = borrowing.get(y).copied().unwrap_or_default();
        if borrowed.is_zero() {
            continue;
        }
        // What the year bought, by class (the by-class table's rows, whose
        // labels are the classes' labels).
        let bought: Vec<(AssetClass, Money)> = by_class
            .rows
            .iter()
            .filter_map(|r| {
                let class = AssetClass::ALL
                    .iter()
                    .find(|c| c.label() == r.label)
                    .copied()?;
                let i = by_class.years.iter().position(|t| t == year)?;
                let spent = r.amounts.get(i).copied()?;
                (!spent.is_zero()).then_some((class, spent))
            })
            .collect();
        let weights: Vec<Decimal> = bought.iter().map(|(_, m)| m.amount()).collect();
        let Some(parts) = borrowed.split_by_ratios(&weights) else {
            unspread.push(*year);
            continue;
        };
        for ((class, _), part) in bought.iter().zip(parts) {
            let life = life_of(*class);
            let equal = vec![Decimal::ONE; life as usize];
            let instalments = part.split_by_ratios(&equal).unwrap_or_default();
            // The first instalment falls in the year after the spend.
            for (k, instalment) in instalments.into_iter().enumerate() {
                if let Some(slot) = mrp.get_mut(y + 1 + k) {
                    *slot += instalment;
                }
            }
        }
    }
    // Interest on what is outstanding at the start of each year.
    let mut interest = vec![Money::ZERO; n];
    let mut outstanding = vec![Money::ZERO; n];
    let mut balance = Money::ZERO;
    for y in 0..n {
        if let Some((r, _)) = &rate {
            interest[y] = round_penny(balance.checked_mul(r.fraction()).unwrap_or_default());
        }
        balance = balance - mrp[y] + borrowing.get(y).copied().unwrap_or_default();
        outstanding[y] = balance;
    }
    BorrowingCosts {
        years: years.to_vec(),
        borrowing: (0..n)
            .map(|y| borrowing.get(y).copied().unwrap_or_default())
            .collect(),
        mrp,
        rate: rate.as_ref().map(|(r, _)| *r),
        rate_source: rate.map(|(_, s)| s),
        interest,
        outstanding,
        unspread,
    }
}

fn round_penny(m: Money) -> Money {
    Money::from_decimal(
        m.amount()
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::programme::{Dimension, TableRow};

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    fn pounds(p: i64) -> Money {
        Money::from_pence(p * 100)
    }

    fn share(entries: &mut Vec<FundingEntry>, year: &str, source: FundingSource, pct: i64) {
        entries.push(FundingEntry {
            organisation: None,
            year: fy(year),
            source,
            funding: Funding::Share(Rate::from_percent(Decimal::from(pct))),
        });
    }

    #[test]
    fn thirds_of_a_programme_add_up_to_it_exactly() {
        // £100.00 in three shares of 33%, 33% and 34%: 33.00 + 33.00 +
        // 34.00. £100.01 by a third each (33⅓%, written as three equal
        // shares of 1/3): 3,334 + 3,334 + 3,333 pence = 10,001 (the penny
        // left goes to the earliest largest remainder).
        let years = [fy("2026/27")];
        let third = Rate::from_fraction(Decimal::ONE / Decimal::from(3));
        let entries: Vec<FundingEntry> = [
            FundingSource::CapitalReceipts,
            FundingSource::Borrowing,
            FundingSource::Reserves,
        ]
        .iter()
        .map(|s| FundingEntry {
            organisation: None,
            year: years[0],
            source: *s,
            funding: Funding::Share(third),
        })
        .collect();
        let t = fund(&years, &[Money::from_pence(10_001)], &[], &entries, None);
        let parts: Vec<i64> = t
            .rows
            .iter()
            .map(|r| r.amounts[0].to_pence().unwrap())
            .collect();
        assert_eq!(parts, [3_334, 3_334, 3_333]);
        assert_eq!(t.funded[0], Money::from_pence(10_001));
        assert_eq!(t.balance[0], Money::ZERO);
    }

    #[test]
    fn shares_under_and_over_a_whole_leave_a_gap_or_a_surplus() {
        // 2026/27: £1,000 programme, 60% borrowing = £600, under-funded by
        // £400. 2027/28: £1,000, 70% grants + 50% reserves = £700 + £500 =
        // £1,200, over-funded by £200.
        let years = [fy("2026/27"), fy("2027/28")];
        let mut e = Vec::new();
        share(&mut e, "2026/27", FundingSource::Borrowing, 60);
        share(&mut e, "2027/28", FundingSource::Grants, 70);
        share(&mut e, "2027/28", FundingSource::Reserves, 50);
        let t = fund(&years, &[pounds(1_000), pounds(1_000)], &[], &e, None);
        assert_eq!(t.balance, [pounds(-400), pounds(200)]);
        assert_eq!(t.borrowing(), [pounds(600), Money::ZERO]);
    }

    #[test]
    fn one_borrowed_year_is_charged_from_the_next_year_with_interest_on_what_is_left() {
        // £12,000 of desktops (life 5) in 2026/27, all borrowed, at 4.50%:
        // MRP £2,400 a year from 2027/28; interest on what is outstanding at
        // the start of each year: 2027/28 £12,000 × 4.5% = £540; 2028/29
        // (£12,000 − £2,400) × 4.5% = £432.
        let years = [fy("2026/27"), fy("2027/28"), fy("2028/29")];
        let by_class = Table {
            dimension: Dimension::Class,
            years: years.to_vec(),
            rows: vec![TableRow {
                label: "desktop".into(),
                amounts: vec![pounds(12_000), Money::ZERO, Money::ZERO],
                total: pounds(12_000),
            }],
            totals: vec![pounds(12_000), Money::ZERO, Money::ZERO],
            total: pounds(12_000),
        };
        let lives = [LifeRule {
            class: AssetClass::Desktop,
            life_years: 5,
            source: String::new(),
        }];
        let rate = Rate::from_percent(Decimal::new(45, 1));
        let c = borrowing_costs(
            &years,
            &[pounds(12_000), Money::ZERO, Money::ZERO],
            &by_class,
            &lives,
            Some((rate, "test".into())),
        );
        assert_eq!(c.mrp, [Money::ZERO, pounds(2_400), pounds(2_400)]);
        assert_eq!(c.interest, [Money::ZERO, pounds(540), pounds(432)]);
        assert_eq!(
            c.outstanding,
            [pounds(12_000), pounds(9_600), pounds(7_200)]
        );
    }
}

//! Carbon both sides: the embodied carbon of the new kit a programme buys
//! (its replacements per class and year × the class's figure from a
//! manufacturer's product carbon footprint, `data/power/embodied-carbon.csv`)
//! beside the operational carbon of running the estate (the power forecast,
//! after the replacements). A life-extension scenario buys less (less
//! embodied) and keeps older kit running (more operational): this shows both.
//!
//! Pure: the counts come from the programme, the operational figures from
//! the power forecast, the factors from the caller. kgCO2e stay exact.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::power::PowerForecast;
use super::programme::CapitalProgramme;
use crate::domain::{AssetClass, FinancialYear};
use crate::policy::running::EmbodiedFactor;

/// One year's carbon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarbonYear {
    /// The year.
    pub year: FinancialYear,
    /// Replacements funded in it (every class).
    pub replacements: u64,
    /// Embodied kgCO2e of the new kit (classes with a figure).
    pub embodied_kg: Decimal,
    /// Operational kgCO2e of the estate after the replacements (`None`
    /// without a power forecast).
    pub operational_kg: Option<Decimal>,
}

/// Replacements of a class with no embodied figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfigured {
    /// The class.
    pub class: AssetClass,
    /// How many replacements over the horizon.
    pub replacements: u64,
}

/// Embodied beside operational carbon, per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carbon {
    /// Per year.
    pub years: Vec<CarbonYear>,
    /// Embodied over the horizon.
    pub embodied_total: Decimal,
    /// Operational over the horizon (`None` without a power forecast).
    pub operational_total: Option<Decimal>,
    /// Classes replaced that have no figure (not in the embodied totals).
    pub unfigured: Vec<Unfigured>,
    /// The figures used, with their sources.
    pub factors: Vec<EmbodiedFactor>,
}

/// The programme's embodied carbon per year beside `power`'s operational
/// carbon after replacements (same years), from `factors`.
pub fn carbon(
    programme: &CapitalProgramme,
    power: Option<&PowerForecast>,
    factors: &[EmbodiedFactor],
) -> Carbon {
    let n = programme.years.len();
    let mut embodied = vec![Decimal::ZERO; n];
    let mut replacements = vec![0u64; n];
    let mut unfigured = Vec::new();
    let mut used = Vec::new();
    for row in &programme.funded_counts {
        let factor = factors.iter().find(|f| f.class == row.class);
        for (y, count) in row.counts.iter().enumerate().take(n) {
            replacements[y] += count;
            if let Some(f) = factor {
                embodied[y] += f.kg_co2e * Decimal::from(*count);
            }
        }
        match factor {
            Some(f) => used.push(f.clone()),
            None => unfigured.push(Unfigured {
                class: row.class,
                replacements: row.counts.iter().sum(),
            }),
        }
    }
    let operational: Option<Vec<Decimal>> = power.map(|p| {
        programme
            .years
            .iter()
            .map(|y| {
                p.totals
                    .iter()
                    .find(|t| t.year == *y)
                    .map_or(Decimal::ZERO, |t| t.figures.after.kg_co2e)
            })
            .collect()
    });
    let years: Vec<CarbonYear> = programme
        .years
        .iter()
        .enumerate()
        .map(|(y, year)| CarbonYear {
            year: *year,
            replacements: replacements[y],
            embodied_kg: embodied[y].normalize(),
            operational_kg: operational.as_ref().map(|o| o[y].normalize()),
        })
        .collect();
    Carbon {
        embodied_total: embodied.iter().copied().sum::<Decimal>().normalize(),
        operational_total: operational.map(|o| o.iter().copied().sum::<Decimal>().normalize()),
        years,
        unfigured,
        factors: used,
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::running::builtin_embodied_carbon;

    #[test]
    fn the_shipped_figures_read_and_each_has_a_source() {
        let factors = builtin_embodied_carbon().unwrap();
        assert!(!factors.is_empty());
        assert!(factors.iter().all(|f| !f.source.trim().is_empty()));
    }
}

//! Running costs: the glue between the register and the power, phone-line
//! and licence engines in `forecast` — turning register records into the
//! engines' inputs, reading ENERGY STAR lists into model power profiles —
//! and their SQL (`store.rs`).
//!
//! Nothing here forecasts; the rules are in `forecast::power`,
//! `forecast::lines`, `forecast::licences` and `forecast::levers`.

pub mod energystar;
pub mod store;

use std::collections::BTreeMap;

use crate::forecast::levers::StaffCounts;
use crate::forecast::lines::Shares;
use crate::forecast::power::{EnergyOverride, Overrides};
use crate::forecast::snapshot::{AssetInput, Snapshot, SnapshotError};
use crate::register::{Asset, Organisation, Place, Share};

/// The shares of each shared service, by its code.
pub fn shares(shares: &[Share]) -> Shares {
    let mut out = Shares::new();
    for s in shares {
        out.entry(s.shared.clone())
            .or_default()
            .push((s.member.clone(), s.ratio));
    }
    out
}

/// Staff counts by organisation and by site, where the register has them.
pub fn staff_counts(organisations: &[Organisation], sites: &[Place]) -> StaffCounts {
    StaffCounts {
        organisations: organisations
            .iter()
            .filter_map(|o| o.staff_count.map(|n| (o.code.clone(), n)))
            .collect(),
        sites: sites
            .iter()
            .filter_map(|s| {
                s.staff_count
                    .map(|n| ((s.organisation.clone(), s.name.clone()), n))
            })
            .collect(),
    }
}

/// A snapshot of `assets` (every organisation and share included, so
/// shared services apportion) and the assets' own energy overrides.
///
/// # Errors
/// An asset the snapshot refuses (a life outside 1-50 years).
pub fn snapshot(
    assets: &[Asset],
    organisations: &[Organisation],
    shares: &Shares,
) -> Result<(Snapshot, Overrides), SnapshotError> {
    let mut s = Snapshot::new();
    for o in organisations {
        s.add_organisation(&o.code)?;
    }
    for (shared, members) in shares {
        let members: Vec<(&str, rust_decimal::Decimal)> =
            members.iter().map(|(m, r)| (m.as_str(), *r)).collect();
        s.set_shares(shared, &members)?;
    }
    let mut overrides = BTreeMap::new();
    for a in assets {
        let f = &a.fields;
        s.push(&AssetInput {
            organisation: &a.organisation,
            tag: &f.asset_tag,
            class: f.class,
            status: f.status,
            funding: f.funding,
            in_service: f.in_service_date,
            lease_end: f.lease_end,
            life_years: f.life_years,
            manufacturer: f.manufacturer.as_deref(),
            model: f.model.as_deref(),
            site: f.site.as_deref(),
            department: f.department.as_deref(),
        })?;
        if f.power_kwh_per_year.is_some() || f.power_watts.is_some() {
            overrides.insert(
                (a.organisation.clone(), f.asset_tag.clone()),
                EnergyOverride {
                    kwh_per_year: f.power_kwh_per_year,
                    watts: f.power_watts,
                    hours_per_year: f.power_hours_per_year,
                },
            );
        }
    }
    Ok((s, overrides))
}

//! Running costs: the glue between the register and the power, phone-line
//! and licence engines in `forecast` — turning register records into the
//! engines' inputs, reading ENERGY STAR lists into model power profiles —
//! and their SQL (`store.rs`).
//!
//! Nothing here forecasts; the rules are in `forecast::power`,
//! `forecast::lines`, `forecast::licences` and `forecast::levers`.

pub mod energystar;
pub mod store;

use crate::forecast::levers::StaffCounts;
use crate::forecast::lines::Shares;
use crate::register::{Organisation, Place, Share};

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

//! The register as the forecast engines see it: a compact, read-only copy of
//! the assets in scope, with organisations, sites, departments and models
//! interned so the engines index arrays instead of comparing strings.
//!
//! A snapshot is plain data. It is filled by `store::load_snapshot` from the
//! database, or by hand in tests; it never reads anything itself.

use std::collections::HashMap;

use rust_decimal::Decimal;
use time::Date;

use crate::domain::{AssetClass, AssetStatus, Funding, enums::normalise_word};

/// An organisation in the snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotOrganisation {
    /// Its code, e.g. `BCW`.
    pub code: String,
    /// Members that share its costs, as (organisation index, ratio); empty
    /// for a council that bears its own costs.
    pub shares: Vec<(u32, Decimal)>,
}

/// A manufacturer + model pair as first written in the register, with its
/// matching key (case, spaces and hyphens folded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotModel {
    /// Manufacturer as written ("" when unknown).
    pub manufacturer: String,
    /// Model as written ("" when unknown).
    pub model: String,
    /// `normalise_word(manufacturer)`.
    pub manufacturer_key: String,
    /// `normalise_word(model)`.
    pub model_key: String,
}

/// One asset, compactly: indexes into the snapshot's tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotAsset {
    tag: (u32, u32),
    /// Index of the owning organisation.
    pub organisation: u32,
    /// Class.
    pub class: AssetClass,
    /// Status.
    pub status: AssetStatus,
    /// Purchased or leased.
    pub funding: Funding,
    /// In-service date; `None` when the register does not know it.
    pub in_service: Option<Date>,
    /// Lease end (leased kit).
    pub lease_end: Option<Date>,
    /// The asset's own life in years, overriding every rule.
    pub life_override: Option<u8>,
    /// Index of its manufacturer + model, when either is known.
    pub model: Option<u32>,
    /// Index of its site.
    pub site: Option<u32>,
    /// Index of its department.
    pub department: Option<u32>,
    /// Its last supported day as the register records it (beats `release`).
    pub support_end: Option<Date>,
    /// Index of the release it runs, in [`Snapshot::releases`], when the
    /// support data knows it.
    pub release: Option<u32>,
    /// Index of its own annual energy in [`Snapshot::energies`], when the
    /// register gives it one (the power forecast's override of every
    /// profile).
    pub energy: Option<u32>,
}

/// A release an asset runs, as the support data gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseInput<'a> {
    /// The support data's name for it, e.g. "Windows Server 2016".
    pub name: &'a str,
    /// What the register records, e.g. "Windows Server 2016" or "iPhone XR".
    pub recorded: &'a str,
    /// Its last day of security updates.
    pub security_end: Option<Date>,
    /// Its last day of paid extended updates, where sold.
    pub extended_end: Option<Date>,
    /// The OS upgrade its hardware allows instead of a replacement.
    pub upgrade: Option<&'a crate::policy::support::OsUpgrade>,
}

/// A release in the snapshot (interned: many assets run one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRelease {
    /// The support data's name for it.
    pub name: String,
    /// What the register records.
    pub recorded: String,
    /// Its last day of security updates.
    pub security_end: Option<Date>,
    /// Its last day of paid extended updates, where sold.
    pub extended_end: Option<Date>,
    /// The OS upgrade its hardware allows instead of a replacement.
    pub upgrade: Option<crate::policy::support::OsUpgrade>,
}

/// What a caller gives to add one asset; strings are borrowed and interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetInput<'a> {
    /// The owning organisation's code.
    pub organisation: &'a str,
    /// Asset tag (unique within the organisation).
    pub tag: &'a str,
    /// Class.
    pub class: AssetClass,
    /// Status.
    pub status: AssetStatus,
    /// Purchased or leased.
    pub funding: Funding,
    /// In-service date.
    pub in_service: Option<Date>,
    /// Lease end.
    pub lease_end: Option<Date>,
    /// Life override in years (1-50).
    pub life_years: Option<u32>,
    /// Manufacturer.
    pub manufacturer: Option<&'a str>,
    /// Model.
    pub model: Option<&'a str>,
    /// Site name.
    pub site: Option<&'a str>,
    /// Department name.
    pub department: Option<&'a str>,
    /// Last supported day, as recorded.
    pub support_end: Option<Date>,
    /// The release it runs, as the support data gives it.
    pub release: Option<ReleaseInput<'a>>,
    /// Its own energy in kWh a year, as the register gives it (kWh a year,
    /// or watts × hours): the power forecast takes it before any profile.
    pub energy: Option<Decimal>,
}

impl<'a> AssetInput<'a> {
    /// An in-use, purchased asset with nothing else known.
    pub fn new(organisation: &'a str, tag: &'a str, class: AssetClass) -> Self {
        AssetInput {
            organisation,
            tag,
            class,
            status: AssetStatus::InUse,
            funding: Funding::Purchased,
            in_service: None,
            lease_end: None,
            life_years: None,
            manufacturer: None,
            model: None,
            site: None,
            department: None,
            support_end: None,
            release: None,
            energy: None,
        }
    }
}

/// A named place (site or department) within an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotPlace {
    /// Index of the organisation it belongs to.
    pub organisation: u32,
    /// Its name.
    pub name: String,
}

/// The register's assets, as the forecast engines read them.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    organisations: Vec<SnapshotOrganisation>,
    sites: Vec<SnapshotPlace>,
    departments: Vec<SnapshotPlace>,
    models: Vec<SnapshotModel>,
    releases: Vec<SnapshotRelease>,
    release_index: HashMap<(String, String, String), u32>,
    // Assets' own annual energy, each distinct figure once (a register of
    // a million assets has a handful of wattages), keyed by its exact
    // representation so a figure comes back with the scale it was given.
    energies: Vec<Decimal>,
    energy_index: HashMap<[u8; 16], u32>,
    tags: String,
    assets: Vec<SnapshotAsset>,
    not_live: u64,
    // Interning maps: only looked up, never iterated, so their order never
    // reaches an output.
    org_index: HashMap<String, u32>,
    // Per organisation (by index): name -> place index.
    site_index: Vec<HashMap<String, u32>>,
    department_index: Vec<HashMap<String, u32>>,
    model_index: HashMap<String, u32>,
    key_buffer: String,
}

/// Why a snapshot could not take a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// A life override outside the rule (`domain::rules::LIFE_YEARS`).
    #[error("asset {tag}: {reason}")]
    BadLife {
        /// The asset's tag.
        tag: String,
        /// The rule it breaks, naming the life given.
        reason: crate::domain::rules::RuleError,
    },
    /// A share names an organisation not in the snapshot.
    #[error("no organisation `{0}` in the register")]
    UnknownOrganisation(String),
    /// More assets than the engine indexes.
    #[error("more than 4,294,967,295 assets or names")]
    TooLarge,
}

fn index(len: usize) -> Result<u32, SnapshotError> {
    u32::try_from(len).map_err(|_| SnapshotError::TooLarge)
}

impl Snapshot {
    /// An empty snapshot.
    pub fn new() -> Self {
        Snapshot::default()
    }

    /// Adds an organisation (if new) and returns its index.
    ///
    /// # Errors
    /// Only when there are more than `u32::MAX` organisations.
    pub fn add_organisation(&mut self, code: &str) -> Result<u32, SnapshotError> {
        if let Some(i) = self.org_index.get(code) {
            return Ok(*i);
        }
        let i = index(self.organisations.len())?;
        self.organisations.push(SnapshotOrganisation {
            code: code.to_string(),
            shares: Vec::new(),
        });
        self.org_index.insert(code.to_string(), i);
        Ok(i)
    }

    /// Records that `shared`'s costs are apportioned to `members` by ratio.
    ///
    /// # Errors
    /// When an organisation is not in the snapshot.
    pub fn set_shares(
        &mut self,
        service: &str,
        members: &[(&str, Decimal)],
    ) -> Result<(), SnapshotError> {
        let find = |code: &str| {
            self.org_index
                .get(code)
                .copied()
                .ok_or_else(|| SnapshotError::UnknownOrganisation(code.to_string()))
        };
        let service = find(service)?;
        let ratios = members
            .iter()
            .map(|(m, r)| Ok((find(m)?, *r)))
            .collect::<Result<Vec<_>, SnapshotError>>()?;
        self.organisations[service as usize].shares = ratios;
        Ok(())
    }

    fn place(
        places: &mut Vec<SnapshotPlace>,
        maps: &mut Vec<HashMap<String, u32>>,
        organisation: u32,
        name: Option<&str>,
    ) -> Result<Option<u32>, SnapshotError> {
        let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        let org = organisation as usize;
        if maps.len() <= org {
            maps.resize_with(org + 1, HashMap::new);
        }
        if let Some(i) = maps[org].get(name) {
            return Ok(Some(*i));
        }
        let i = index(places.len())?;
        places.push(SnapshotPlace {
            organisation,
            name: name.to_string(),
        });
        maps[org].insert(name.to_string(), i);
        Ok(Some(i))
    }

    fn model(
        &mut self,
        manufacturer: Option<&str>,
        model: Option<&str>,
    ) -> Result<Option<u32>, SnapshotError> {
        let manufacturer = manufacturer.map_or("", str::trim);
        let model = model.map_or("", str::trim);
        if manufacturer.is_empty() && model.is_empty() {
            return Ok(None);
        }
        self.key_buffer.clear();
        self.key_buffer.push_str(manufacturer);
        self.key_buffer.push('\u{1f}');
        self.key_buffer.push_str(model);
        if let Some(i) = self.model_index.get(self.key_buffer.as_str()) {
            return Ok(Some(*i));
        }
        let i = index(self.models.len())?;
        self.models.push(SnapshotModel {
            manufacturer: manufacturer.to_string(),
            model: model.to_string(),
            manufacturer_key: normalise_word(manufacturer),
            model_key: normalise_word(model),
        });
        self.model_index.insert(self.key_buffer.clone(), i);
        Ok(Some(i))
    }

    /// Adds an asset, interning its organisation, site, department and model.
    ///
    /// # Errors
    /// A life override outside 1-50 years, or more than `u32::MAX` assets.
    pub fn push(&mut self, input: &AssetInput<'_>) -> Result<(), SnapshotError> {
        let life_override =
            match input.life_years {
                None => None,
                Some(years) => Some(crate::domain::rules::life_override(years).map_err(
                    |reason| SnapshotError::BadLife {
                        tag: input.tag.to_string(),
                        reason,
                    },
                )?),
            };
        let organisation = self.add_organisation(input.organisation)?;
        let site = Snapshot::place(
            &mut self.sites,
            &mut self.site_index,
            organisation,
            input.site,
        )?;
        let department = Snapshot::place(
            &mut self.departments,
            &mut self.department_index,
            organisation,
            input.department,
        )?;
        let model = self.model(input.manufacturer, input.model)?;
        let release = match input.release {
            None => None,
            Some(r) => Some(self.release(&r)?),
        };
        let energy = match input.energy {
            None => None,
            Some(kwh) => Some(self.energy(kwh)?),
        };
        let start = index(self.tags.len())?;
        self.tags.push_str(input.tag);
        let end = index(self.tags.len())?;
        index(self.assets.len())?;
        self.assets.push(SnapshotAsset {
            tag: (start, end),
            organisation,
            class: input.class,
            status: input.status,
            funding: input.funding,
            in_service: input.in_service,
            lease_end: input.lease_end,
            life_override,
            model,
            site,
            department,
            support_end: input.support_end,
            release,
            energy,
        });
        Ok(())
    }

    fn energy(&mut self, kwh: Decimal) -> Result<u32, SnapshotError> {
        let key = kwh.serialize();
        if let Some(i) = self.energy_index.get(&key) {
            return Ok(*i);
        }
        let i = index(self.energies.len())?;
        self.energies.push(kwh);
        self.energy_index.insert(key, i);
        Ok(i)
    }

    /// The distinct annual energy figures assets carry themselves, by index.
    pub fn energies(&self) -> &[Decimal] {
        &self.energies
    }

    /// The asset's own energy in kWh a year, when the register gives it one.
    pub fn own_energy(&self, asset: &SnapshotAsset) -> Option<Decimal> {
        asset.energy.map(|i| self.energies[i as usize])
    }

    fn release(&mut self, r: &ReleaseInput<'_>) -> Result<u32, SnapshotError> {
        let key = (
            r.name.to_string(),
            r.recorded.to_string(),
            r.upgrade.map(|u| format!("{u:?}")).unwrap_or_default(),
        );
        if let Some(i) = self.release_index.get(&key) {
            return Ok(*i);
        }
        let i = index(self.releases.len())?;
        self.releases.push(SnapshotRelease {
            name: key.0.clone(),
            recorded: key.1.clone(),
            security_end: r.security_end,
            extended_end: r.extended_end,
            upgrade: r.upgrade.cloned(),
        });
        self.release_index.insert(key, i);
        Ok(i)
    }

    /// The releases assets run, by index.
    pub fn releases(&self) -> &[SnapshotRelease] {
        &self.releases
    }

    /// Records that `count` retired, disposed or lost assets were left out
    /// when the snapshot was read (so the forecast can say so).
    pub fn set_not_live_left_out(&mut self, count: u64) {
        self.not_live = count;
    }

    /// Retired, disposed or lost assets left out when reading.
    pub fn not_live_left_out(&self) -> u64 {
        self.not_live
    }

    /// The assets, in the order they were added.
    pub fn assets(&self) -> &[SnapshotAsset] {
        &self.assets
    }

    /// The tag of the asset at `index`.
    pub fn tag(&self, asset: &SnapshotAsset) -> &str {
        &self.tags[asset.tag.0 as usize..asset.tag.1 as usize]
    }

    /// The organisations, in the order first seen.
    pub fn organisations(&self) -> &[SnapshotOrganisation] {
        &self.organisations
    }

    /// The organisation code at `index`.
    pub fn organisation_code(&self, index: u32) -> &str {
        &self.organisations[index as usize].code
    }

    /// The sites.
    pub fn sites(&self) -> &[SnapshotPlace] {
        &self.sites
    }

    /// The departments.
    pub fn departments(&self) -> &[SnapshotPlace] {
        &self.departments
    }

    /// The distinct manufacturer + model pairs.
    pub fn models(&self) -> &[SnapshotModel] {
        &self.models
    }

    /// The number of assets.
    pub fn len(&self) -> usize {
        self.assets.len()
    }

    /// True when there are no assets.
    pub fn is_empty(&self) -> bool {
        self.assets.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn names_are_interned_once() {
        let mut s = Snapshot::new();
        for (tag, site) in [("A", "Civic"), ("B", "Civic"), ("C", "Depot")] {
            let mut a = AssetInput::new("BCW", tag, AssetClass::Desktop);
            a.site = Some(site);
            a.manufacturer = Some("Dell");
            a.model = Some("OptiPlex 7010");
            a.in_service = Some(date!(2021 - 04 - 01));
            s.push(&a).unwrap();
        }
        assert_eq!(s.len(), 3);
        assert_eq!(s.sites().len(), 2);
        assert_eq!(s.models().len(), 1);
        assert_eq!(s.models()[0].model_key, "optiplex_7010");
        assert_eq!(s.organisations().len(), 1);
        let tags: Vec<&str> = s.assets().iter().map(|a| s.tag(a)).collect();
        assert_eq!(tags, ["A", "B", "C"]);
    }

    #[test]
    fn an_assets_own_energy_is_held_once_per_figure_as_given() {
        let mut s = Snapshot::new();
        for (tag, kwh) in [
            ("A", Some("87.6")),
            ("B", None),
            ("C", Some("87.6")),
            ("D", Some("87.60")),
        ] {
            let mut a = AssetInput::new("BCW", tag, AssetClass::Laptop);
            a.energy = kwh.map(|k| k.parse().unwrap());
            s.push(&a).unwrap();
        }
        let own: Vec<Option<String>> = s
            .assets()
            .iter()
            .map(|a| s.own_energy(a).map(|k| k.to_string()))
            .collect();
        assert_eq!(
            own,
            [
                Some("87.6".into()),
                None,
                Some("87.6".into()),
                Some("87.60".into())
            ]
        );
        // 87.6 once; 87.60 is the same amount written otherwise, kept as given.
        assert_eq!(s.energies().len(), 2);
    }

    #[test]
    fn a_life_override_out_of_range_is_refused() {
        let mut s = Snapshot::new();
        let mut a = AssetInput::new("BCW", "A", AssetClass::Desktop);
        a.life_years = Some(0);
        assert_eq!(
            s.push(&a).unwrap_err().to_string(),
            "asset A: a life must be 1 to 50 years, not 0"
        );
    }
}

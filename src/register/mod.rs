//! The register's records — organisations, sites, departments, hardware
//! assets, phone lines, licence entitlements, disposals and the audit trail
//! — and the rules that keep them consistent. SQL is in `store.rs`.
//!
//! Every write goes through `store` inside the caller's transaction and
//! leaves an audit row naming the command (and import batch) that made it.

pub mod forget;
pub mod store;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::db::DbError;
use crate::domain::{
    AgreementType, AssetClass, AssetId, AssetStatus, BatchId, BudgetType, CostBasis,
    DisposalMethod, Funding, LicenceId, LicenceMetric, LineId, LineType, Money, OrgId, iso, rules,
};

/// Who is writing: the person, the command (e.g. `estate add`) and, for
/// imports, the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The command line that made the change, e.g. `estate update`.
    pub command: String,
    /// The import batch, when the change is part of one.
    pub batch: Option<BatchId>,
    /// The person who ran it (the operating-system user, or `--as NAME`);
    /// [`UNKNOWN_WHO`] when no one is named.
    pub who: String,
}

/// A command line alone: a change by no one named.
impl From<&str> for Actor {
    fn from(command: &str) -> Self {
        Actor::command(command)
    }
}

impl From<&Actor> for Actor {
    fn from(actor: &Actor) -> Self {
        actor.clone()
    }
}

/// What the audit trail says when it does not know who made a change (rows
/// written before estate recorded it).
pub const UNKNOWN_WHO: &str = "unknown";

impl Actor {
    /// A change made by a command outside any import, by no one named.
    pub fn command(command: impl Into<String>) -> Self {
        Actor {
            command: command.into(),
            batch: None,
            who: UNKNOWN_WHO.into(),
        }
    }

    /// The same actor, made by `who`.
    #[must_use]
    pub fn by(mut self, who: impl Into<String>) -> Self {
        self.who = who.into();
        self
    }
}

/// What went wrong in a register operation. Messages name the record and,
/// where there is one, the command that helps.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// No organisation with that code.
    #[error("no organisation `{code}` in the register; `estate orgs` lists them")]
    UnknownOrganisation {
        /// The code given.
        code: String,
    },
    /// The register has no organisations yet.
    #[error("the register has no organisations yet; add one with `estate orgs add CODE \"Name\"`")]
    NoOrganisations,
    /// Several organisations and none chosen.
    #[error("the register holds several organisations ({codes}); say which with --org")]
    OrganisationRequired {
        /// The codes, comma separated.
        codes: String,
    },
    /// An organisation code is already taken.
    #[error("organisation `{code}` already exists")]
    DuplicateOrganisation {
        /// The code.
        code: String,
    },
    /// An organisation code is not of the accepted form.
    #[error(
        "`{code}` is not an organisation code: use 2 to 12 capital letters, digits, - or _ (e.g. BCW)"
    )]
    BadOrganisationCode {
        /// The code given.
        code: String,
    },
    /// No site with that name.
    #[error(
        "no site `{name}` in organisation {org}; `estate sites --org {org}` lists them, `estate sites add` adds one"
    )]
    UnknownSite {
        /// The organisation code.
        org: String,
        /// The site name.
        name: String,
    },
    /// No department with that name.
    #[error(
        "no department `{name}` in organisation {org}; `estate departments --org {org}` lists them, `estate departments add` adds one"
    )]
    UnknownDepartment {
        /// The organisation code.
        org: String,
        /// The department name.
        name: String,
    },
    /// A site or department name is already taken.
    #[error("{what} `{name}` already exists in organisation {org}")]
    DuplicateName {
        /// "site" or "department".
        what: &'static str,
        /// The organisation code.
        org: String,
        /// The name.
        name: String,
    },
    /// An asset tag is already used in the organisation.
    #[error(
        "asset tag `{tag}` is already used in organisation {org}{}; `estate show {existing} --org {org}` shows it",
        written_as(tag, existing)
    )]
    DuplicateTag {
        /// The organisation code.
        org: String,
        /// The tag.
        tag: String,
        /// The tag as the register holds it (the same under the identity rule).
        existing: String,
    },
    /// A serial number is already recorded in the organisation.
    #[error(
        "serial `{serial}` is already recorded in organisation {org} (asset {tag}); `estate show {tag} --org {org}` shows it"
    )]
    DuplicateSerial {
        /// The organisation code.
        org: String,
        /// The serial.
        serial: String,
        /// The tag of the asset holding it.
        tag: String,
    },
    /// No asset with that tag or serial.
    #[error(
        "no asset with tag or serial `{key}` in organisation {org}; `estate list --org {org}` lists them"
    )]
    NoSuchAsset {
        /// The organisation code.
        org: String,
        /// The tag or serial given.
        key: String,
    },
    /// The asset has already been disposed of.
    #[error("asset {tag} in organisation {org} was already disposed of on {date}")]
    AlreadyDisposed {
        /// The organisation code.
        org: String,
        /// The tag.
        tag: String,
        /// When.
        date: String,
    },
    /// `disposed` set other than by recording the disposal.
    #[error(
        "asset {tag} in organisation {org} is not given the status disposed by an update: a \
         disposal is recorded with its method and certificate"
    )]
    DisposedOnlyByDispose {
        /// The organisation code.
        org: String,
        /// The tag.
        tag: String,
    },
    /// A disposed asset's status changed other than by reversing the disposal.
    #[error(
        "asset {tag} in organisation {org} is disposed of; its status stays disposed unless the \
         disposal is reversed"
    )]
    DisposedUntilReversed {
        /// The organisation code.
        org: String,
        /// The tag.
        tag: String,
    },
    /// A reversal of a disposal that was never recorded.
    #[error("asset {tag} in organisation {org} has no disposal to reverse")]
    NotDisposed {
        /// The organisation code.
        org: String,
        /// The tag.
        tag: String,
    },
    /// Shares set on an organisation that is not a shared service.
    #[error("organisation {code} is not a shared service, so its costs have no shares to set")]
    NotSharedService {
        /// The code.
        code: String,
    },
    /// A phone number is already recorded.
    #[error("line `{number}` is already recorded in organisation {org}")]
    DuplicateLine {
        /// The organisation code.
        org: String,
        /// The number.
        number: String,
    },
    /// A record breaks a rule.
    #[error("{0}")]
    Invalid(String),
    /// `forget-user` found the name (and addresses) nowhere.
    #[error("no record holds that name (nor any address given); nothing was changed")]
    NothingToForget,
    /// A database failure.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for RegisterError {
    fn from(e: rusqlite::Error) -> Self {
        RegisterError::Db(DbError::from(e))
    }
}

/// ` (as `PC-1`)` when the register holds a tag or serial written
/// differently from the one given (the same under the identity rule).
fn written_as(given: &str, held: &str) -> String {
    if given == held {
        String::new()
    } else {
        format!(" (as `{}`)", held.escape_debug())
    }
}

/// An organisation: a council, or a shared ICT service running several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Row id.
    pub id: OrgId,
    /// Short code, e.g. `BCW`.
    pub code: String,
    /// Full name.
    pub name: String,
    /// True for a shared service whose costs are apportioned to members.
    pub is_shared_service: bool,
    /// Staff count (for per-user licence compliance and MFD ratios).
    pub staff_count: Option<u32>,
}

/// One member's share of a shared service's costs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The shared service's code.
    pub shared: String,
    /// The member council's code.
    pub member: String,
    /// The fraction of costs the member bears (0 < ratio ≤ 1).
    pub ratio: Decimal,
}

/// A site or a department (cost centre) of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Row id.
    pub id: i64,
    /// The organisation's code.
    pub organisation: String,
    /// Name.
    pub name: String,
    /// Cost-centre code (departments only).
    pub cost_centre: Option<String>,
    /// Staff count (sites only).
    pub staff_count: Option<u32>,
}

/// The editable fields of a hardware asset: what `add`, `update` and
/// `import` set. Site and department are by name within the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetFields {
    /// Asset tag, unique within the organisation.
    pub asset_tag: String,
    /// Manufacturer's serial number (or service tag, IMEI), unique within the organisation.
    pub serial: Option<String>,
    /// Class.
    pub class: AssetClass,
    /// Manufacturer.
    pub manufacturer: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Department / cost centre name.
    pub department: Option<String>,
    /// The person it is assigned to (personal data).
    pub assigned_user: Option<String>,
    /// In-service (or purchase) date.
    #[serde(with = "crate::domain::dates::iso_date_opt")]
    pub in_service_date: Option<Date>,
    /// Purchase cost ex VAT.
    pub purchase_cost: Option<Money>,
    /// Supplier.
    pub supplier: Option<String>,
    /// Purchase order reference.
    pub order_ref: Option<String>,
    /// Warranty end date.
    #[serde(with = "crate::domain::dates::iso_date_opt")]
    pub warranty_end: Option<Date>,
    /// Purchased (capital) or leased (revenue).
    pub funding: Funding,
    /// Lease end date (leased kit only).
    #[serde(with = "crate::domain::dates::iso_date_opt")]
    pub lease_end: Option<Date>,
    /// Status.
    pub status: AssetStatus,
    /// Replacement life in years, overriding the policy.
    pub life_years: Option<u32>,
    /// Average draw in watts, overriding the power profile.
    pub power_watts: Option<Decimal>,
    /// Hours a year at that draw.
    pub power_hours_per_year: Option<u32>,
    /// Annual energy in kWh, overriding the power profile.
    pub power_kwh_per_year: Option<Decimal>,
    /// Free-text notes.
    pub notes: Option<String>,
    /// Operating system, e.g. "Windows Server" (matched to the support data).
    #[serde(default)]
    pub os: Option<String>,
    /// Its version or release, e.g. "2016".
    #[serde(default)]
    pub os_version: Option<String>,
    /// Firmware version (network and storage kit).
    #[serde(default)]
    pub firmware: Option<String>,
    /// Processor, e.g. "Intel Core i5-8350U" (decides a Windows 11 upgrade).
    #[serde(default)]
    pub cpu: Option<String>,
    /// The last supported day, when known from elsewhere (a supplier's
    /// end-of-life notice); beats the support data.
    #[serde(default, with = "crate::domain::dates::iso_date_opt")]
    pub support_end: Option<Date>,
}

impl AssetFields {
    /// A new in-use, purchased asset of `class` with only a tag.
    pub fn new(asset_tag: impl Into<String>, class: AssetClass) -> Self {
        AssetFields {
            asset_tag: asset_tag.into(),
            serial: None,
            class,
            manufacturer: None,
            model: None,
            site: None,
            department: None,
            assigned_user: None,
            in_service_date: None,
            purchase_cost: None,
            supplier: None,
            order_ref: None,
            warranty_end: None,
            funding: Funding::Purchased,
            lease_end: None,
            status: AssetStatus::InUse,
            life_years: None,
            power_watts: None,
            power_hours_per_year: None,
            power_kwh_per_year: None,
            notes: None,
            os: None,
            os_version: None,
            firmware: None,
            cpu: None,
            support_end: None,
        }
    }

    /// The fields with the tag and serial as the register stores them
    /// ([`crate::domain::identity::tidy`]: trimmed, NFC, zero-width
    /// characters removed), borrowed when they are so already.
    pub fn tidied(&self) -> std::borrow::Cow<'_, AssetFields> {
        use crate::domain::identity::tidy;
        let tag = tidy(&self.asset_tag);
        let serial = self.serial.as_deref().map(tidy);
        if *tag == *self.asset_tag && serial.as_deref() == self.serial.as_deref() {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut f = self.clone();
        f.asset_tag = tag.into_owned();
        f.serial = serial
            .map(std::borrow::Cow::into_owned)
            .filter(|s| !s.is_empty());
        std::borrow::Cow::Owned(f)
    }

    /// Every field as `(name, text)`, in a fixed order, for diffs and the
    /// audit trail. Money is in pounds (`612.34`), dates ISO.
    pub fn field_values(&self) -> Vec<(&'static str, Option<String>)> {
        let date = |d: Option<Date>| d.map(iso);
        vec![
            ("asset_tag", Some(self.asset_tag.clone())),
            ("serial", self.serial.clone()),
            ("class", Some(self.class.as_str().to_string())),
            ("manufacturer", self.manufacturer.clone()),
            ("model", self.model.clone()),
            ("site", self.site.clone()),
            ("department", self.department.clone()),
            ("assigned_user", self.assigned_user.clone()),
            ("in_service_date", date(self.in_service_date)),
            ("purchase_cost", self.purchase_cost.map(money_text)),
            ("supplier", self.supplier.clone()),
            ("order_ref", self.order_ref.clone()),
            ("warranty_end", date(self.warranty_end)),
            ("funding", Some(self.funding.as_str().to_string())),
            ("lease_end", date(self.lease_end)),
            ("status", Some(self.status.as_str().to_string())),
            ("life_years", self.life_years.map(|y| y.to_string())),
            (
                "power_watts",
                self.power_watts.map(|d| d.normalize().to_string()),
            ),
            (
                "power_hours_per_year",
                self.power_hours_per_year.map(|h| h.to_string()),
            ),
            (
                "power_kwh_per_year",
                self.power_kwh_per_year.map(|d| d.normalize().to_string()),
            ),
            ("notes", self.notes.clone()),
            ("os", self.os.clone()),
            ("os_version", self.os_version.clone()),
            ("firmware", self.firmware.clone()),
            ("cpu", self.cpu.clone()),
            ("support_end", date(self.support_end)),
        ]
    }

    /// Checks the rules a database constraint would otherwise report less
    /// clearly: non-negative money, lease end only on leased kit, power
    /// given one way.
    ///
    /// # Errors
    /// [`RegisterError::Invalid`] saying what to change.
    pub fn validate(&self) -> Result<(), RegisterError> {
        let invalid = |m: String| Err(RegisterError::Invalid(m));
        if self.asset_tag.trim().is_empty() {
            return invalid("an asset needs an asset tag".into());
        }
        if let Some(problem) = crate::domain::identity::tag_problem(&self.asset_tag) {
            return invalid(format!(
                "asset tag `{}`: {problem}",
                self.asset_tag.escape_debug()
            ));
        }
        if let Some(cost) = self.purchase_cost {
            if cost.is_negative() {
                return invalid(format!("a cost cannot be negative ({cost})"));
            }
            if cost.to_pence().is_none() {
                return invalid(format!("a cost must be whole pence ({cost})"));
            }
        }
        if self.lease_end.is_some() && self.funding != Funding::Leased {
            return invalid("a lease end date needs --funding leased".into());
        }
        if self.power_kwh_per_year.is_some() && self.power_watts.is_some() {
            return invalid("give power as kWh a year or as watts, not both".into());
        }
        if let Some(y) = self.life_years {
            rules::life_years(y).map_err(|e| RegisterError::Invalid(e.0))?;
        }
        if let Some(h) = self.power_hours_per_year {
            rules::hours_per_year(h).map_err(|e| RegisterError::Invalid(e.0))?;
        }
        if self.power_watts.is_some_and(|w| w.is_sign_negative())
            || self
                .power_kwh_per_year
                .is_some_and(|w| w.is_sign_negative())
        {
            return invalid("power cannot be negative".into());
        }
        Ok(())
    }
}

/// Money as stored in the audit trail: pounds with two decimals.
pub fn money_text(m: Money) -> String {
    let mut d = m.amount();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

impl RegisterError {
    /// The command that puts it right, where there is one (the CLI prints
    /// it as a `help:` line).
    pub fn help(&self) -> Option<String> {
        match self {
            RegisterError::DisposedOnlyByDispose { org, tag } => Some(format!(
                "record the disposal: estate dispose {tag} --org {org} --method METHOD \
                 --date YYYY-MM-DD --certificate REF"
            )),
            RegisterError::DisposedUntilReversed { org, tag, .. } => Some(format!(
                "if the disposal was a mistake, reverse it: estate dispose --undo {tag} --org {org} \
                 --reason \"why\""
            )),
            RegisterError::NotSharedService { .. } => Some(
                "shares belong to a shared service (`estate orgs add CODE \"Name\" --shared`); \
                 `estate orgs` shows which organisations are"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// A hardware asset as held in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// Row id.
    pub id: AssetId,
    /// The owning organisation's code.
    pub organisation: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: AssetFields,
    /// The import batch that created it, if any.
    pub batch_id: Option<BatchId>,
    /// When it was added (UTC).
    pub created_at: String,
    /// When it last changed (UTC).
    pub updated_at: String,
}

/// How an asset left the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposal {
    /// The date it left.
    #[serde(with = "crate::domain::dates::iso_date")]
    pub date: Date,
    /// Resale, recycling, destruction …
    pub method: DisposalMethod,
    /// The disposal contractor's certificate reference (e.g. an ADISA data-destruction certificate).
    pub certificate: Option<String>,
    /// The contractor.
    pub contractor: Option<String>,
    /// Money received, if sold.
    pub proceeds: Option<Money>,
    /// Notes.
    pub notes: Option<String>,
}

/// The editable fields of a phone line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineFields {
    /// The number (CLI), as written.
    pub number: String,
    /// Technology.
    pub line_type: LineType,
    /// Supplier.
    pub supplier: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Monthly rental ex VAT.
    pub monthly_rental: Money,
    /// Contract end date.
    #[serde(with = "crate::domain::dates::iso_date_opt")]
    pub contract_end: Option<Date>,
    /// Carries telecare, alarm, lift or sheltered-housing traffic.
    pub critical_care: bool,
    /// What it is used for (e.g. "Telecare", "Lift line").
    pub line_use: Option<String>,
    /// False once ceased.
    pub active: bool,
    /// Notes.
    pub notes: Option<String>,
}

impl LineFields {
    /// Checks the rules the register's constraints hold a line to: a number.
    ///
    /// # Errors
    /// [`RegisterError::Invalid`].
    pub fn validate(&self) -> Result<(), RegisterError> {
        rules::not_blank("a line's number", &self.number)
            .map(|_| ())
            .map_err(|e| RegisterError::Invalid(e.0))
    }

    /// Every field as `(name, text)`, for diffs and the audit trail.
    pub fn field_values(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("number", Some(self.number.clone())),
            ("line_type", Some(self.line_type.as_str().to_string())),
            ("supplier", self.supplier.clone()),
            ("site", self.site.clone()),
            ("monthly_rental", Some(money_text(self.monthly_rental))),
            ("contract_end", self.contract_end.map(iso)),
            ("critical_care", Some(self.critical_care.to_string())),
            ("line_use", self.line_use.clone()),
            (
                "status",
                Some(if self.active { "active" } else { "ceased" }.to_string()),
            ),
            ("notes", self.notes.clone()),
        ]
    }
}

/// A phone line as held in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// Row id.
    pub id: LineId,
    /// The owning organisation's code.
    pub organisation: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: LineFields,
    /// The import batch that created it, if any.
    pub batch_id: Option<BatchId>,
}

/// The editable fields of a licence entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceFields {
    /// Product, e.g. "Microsoft 365 E3".
    pub product: String,
    /// Vendor.
    pub vendor: Option<String>,
    /// The agreement it is held under (name or number; '' if none).
    pub agreement: String,
    /// Kind of agreement.
    pub agreement_type: AgreementType,
    /// What one licence counts.
    pub metric: LicenceMetric,
    /// How many are held.
    pub quantity: u32,
    /// Cost per licence per `cost_basis`.
    pub unit_cost: Money,
    /// Monthly, annual or one-off.
    pub cost_basis: CostBasis,
    /// Start date.
    #[serde(with = "crate::domain::dates::iso_date_opt")]
    pub start_date: Option<Date>,
    /// End or renewal date.
    #[serde(with = "crate::domain::dates::iso_date_opt")]
    pub end_date: Option<Date>,
    /// Capital or revenue.
    pub budget: BudgetType,
    /// For per-device licences: the classes of device it covers (comma separated).
    pub covers_classes: Option<String>,
    /// Category, e.g. "antivirus", for standardisation.
    pub category: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl LicenceFields {
    /// Checks the rules the register's constraints hold an entitlement to:
    /// a product name, and a term that does not end before it starts.
    ///
    /// # Errors
    /// [`RegisterError::Invalid`] naming the product.
    pub fn validate(&self) -> Result<(), RegisterError> {
        rules::not_blank("a licence's product", &self.product)
            .map_err(|e| RegisterError::Invalid(e.0))?;
        rules::dates_in_order(self.start_date, self.end_date)
            .map_err(|e| RegisterError::Invalid(format!("licence {}: {e}", self.product.trim())))
    }

    /// Every field as `(name, text)`, for diffs and the audit trail.
    pub fn field_values(&self) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("product", Some(self.product.clone())),
            ("vendor", self.vendor.clone()),
            ("agreement", Some(self.agreement.clone())),
            (
                "agreement_type",
                Some(self.agreement_type.as_str().to_string()),
            ),
            ("metric", Some(self.metric.as_str().to_string())),
            ("quantity", Some(self.quantity.to_string())),
            ("unit_cost", Some(money_text(self.unit_cost))),
            ("cost_basis", Some(self.cost_basis.as_str().to_string())),
            ("start_date", self.start_date.map(iso)),
            ("end_date", self.end_date.map(iso)),
            ("budget", Some(self.budget.as_str().to_string())),
            ("covers_classes", self.covers_classes.clone()),
            ("category", self.category.clone()),
            ("notes", self.notes.clone()),
        ]
    }
}

/// A licence entitlement as held in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    /// Row id.
    pub id: LicenceId,
    /// The owning organisation's code.
    pub organisation: String,
    /// The editable fields.
    #[serde(flatten)]
    pub fields: LicenceFields,
    /// The import batch that created it, if any.
    pub batch_id: Option<BatchId>,
}

/// One field that changed: name, old text, new text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field.
    pub field: &'static str,
    /// Before.
    pub old: Option<String>,
    /// After.
    pub new: Option<String>,
}

/// The fields that differ between two field lists (same order).
pub fn diff_fields(
    old: &[(&'static str, Option<String>)],
    new: &[(&'static str, Option<String>)],
) -> Vec<FieldChange> {
    old.iter()
        .zip(new)
        .filter(|(o, n)| o.1 != n.1)
        .map(|(o, n)| FieldChange {
            field: o.0,
            old: o.1.clone(),
            new: n.1.clone(),
        })
        .collect()
}

/// One row of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Row id (its order).
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// insert, update, dispose, delete, undo, redact.
    pub action: String,
    /// The field changed (updates only).
    pub field: Option<String>,
    /// Before.
    pub old_value: Option<String>,
    /// After (for an insert, the whole record as JSON).
    pub new_value: Option<String>,
    /// The command that did it.
    pub command: String,
    /// The import batch, if any.
    pub batch_id: Option<BatchId>,
    /// Who ran the command (`unknown` for changes made before estate
    /// recorded it).
    pub who: String,
    /// For a record an import created, the file it came from: the entry is
    /// its batch, not a row of the audit trail (V18).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// Filters for `estate list`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    /// Only this organisation (code).
    pub organisation: Option<String>,
    /// Only this class.
    pub class: Option<AssetClass>,
    /// Only this site (name).
    pub site: Option<String>,
    /// Only this status.
    pub status: Option<AssetStatus>,
}

/// Checks an organisation code: 2–12 capitals, digits, `-` or `_`.
///
/// # Errors
/// [`RegisterError::BadOrganisationCode`].
pub fn check_org_code(code: &str) -> Result<(), RegisterError> {
    let ok = (2..=12).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(RegisterError::BadOrganisationCode { code: code.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_codes_are_short_capitals() {
        assert!(check_org_code("BCW").is_ok());
        assert!(check_org_code("ABS-2").is_ok());
        assert!(check_org_code("b").is_err());
        assert!(check_org_code("bcw").is_err());
        assert!(check_org_code("TOO_LONG_A_CODE").is_err());
    }

    #[test]
    fn a_diff_lists_only_changed_fields() {
        let mut a = AssetFields::new("PC-1", AssetClass::Desktop);
        let mut b = a.clone();
        b.model = Some("OptiPlex 7010".into());
        b.purchase_cost = Some(Money::from_pence(61_234));
        let changes = diff_fields(&a.field_values(), &b.field_values());
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].field, "model");
        assert_eq!(changes[1].new.as_deref(), Some("612.34"));
        a.model = Some("OptiPlex 7010".into());
        assert_eq!(diff_fields(&a.field_values(), &b.field_values()).len(), 1);
    }

    #[test]
    fn validation_names_the_rule() {
        let mut a = AssetFields::new("PC-1", AssetClass::Desktop);
        a.purchase_cost = Some(Money::from_pence(-1));
        assert_eq!(
            a.validate().unwrap_err().to_string(),
            "a cost cannot be negative (-£0.01)"
        );
        let mut a = AssetFields::new("PC-1", AssetClass::Desktop);
        a.lease_end = Some(time::macros::date!(2027 - 01 - 01));
        assert!(
            a.validate()
                .unwrap_err()
                .to_string()
                .contains("--funding leased")
        );
    }
}

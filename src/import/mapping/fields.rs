//! What a sheet holds (`Kind`) and the fields a column can be (`Field`, `FieldSet`).

use super::{FromStr, Serialize, fmt, normalise_heading};

/// What a sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Hardware assets.
    Hardware,
    /// External phone lines.
    Lines,
    /// Licence entitlements.
    Licences,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 3] = [Kind::Hardware, Kind::Lines, Kind::Licences];

    /// The stable name (`hardware`, `lines`, `licences`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Hardware => "hardware",
            Kind::Lines => "lines",
            Kind::Licences => "licences",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match normalise_heading(s).as_str() {
            "hardware" | "assets" | "asset" | "devices" => Ok(Kind::Hardware),
            "lines" | "line" | "phone lines" | "telecoms" => Ok(Kind::Lines),
            "licences" | "licence" | "licenses" | "license" | "software" => Ok(Kind::Licences),
            _ => Err(format!(
                "`{}` is not a kind of record; use hardware, lines or licences",
                s.trim()
            )),
        }
    }
}

macro_rules! fields {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// A register field a column can fill.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Field {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant
            ),+
        }

        impl Field {
            /// Every field, in the order the dictionary documents them.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The name used in `columns.csv`, profiles and `--map`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $name),+
                }
            }
        }
    };
}

fields! {
    Organisation => "organisation",
    AssetTag => "asset_tag",
    Serial => "serial",
    Class => "class",
    Manufacturer => "manufacturer",
    Model => "model",
    Site => "site",
    Department => "department",
    AssignedUser => "assigned_user",
    InServiceDate => "in_service_date",
    Cost => "cost",
    CostIncVat => "cost_inc_vat",
    Supplier => "supplier",
    OrderRef => "order_ref",
    WarrantyEnd => "warranty_end",
    WarrantyMonths => "warranty_months",
    Funding => "funding",
    LeaseEnd => "lease_end",
    Status => "status",
    LifeYears => "life_years",
    PowerWatts => "power_watts",
    PowerKwh => "power_kwh_per_year",
    Os => "os",
    OsVersion => "os_version",
    Cpu => "cpu",
    Notes => "notes",
    Quantity => "quantity",
    Number => "number",
    LineType => "line_type",
    ContractEnd => "contract_end",
    CriticalCare => "critical_care",
    LineUse => "line_use",
    Product => "product",
    Vendor => "vendor",
    Agreement => "agreement",
    AgreementType => "agreement_type",
    Metric => "metric",
    CostBasis => "cost_basis",
    StartDate => "start_date",
    EndDate => "end_date",
    Budget => "budget",
    CoversClasses => "covers_classes",
    Category => "category",
    Ignore => "ignore",
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Field {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let want = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Field::ALL
            .iter()
            .copied()
            .find(|f| f.as_str() == want)
            .ok_or_else(|| {
                format!(
                    "`{}` is not a field; use one of: {}",
                    s.trim(),
                    Field::ALL
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
    }
}

impl Field {
    /// Whether a column of this field means something on a sheet of `kind`
    /// (others are kept in notes). Some fields stand in for another on
    /// another kind: a licence's manufacturer is its vendor, a line's
    /// "Type" column its line type, a licence's purchase date its start.
    pub fn applies_to(self, kind: Kind) -> bool {
        use Field as F;
        match self {
            F::Organisation | F::Notes | F::Cost | F::CostIncVat | F::Ignore | F::Class => true,
            F::AssetTag
            | F::Serial
            | F::Model
            | F::Department
            | F::AssignedUser
            | F::OrderRef
            | F::WarrantyEnd
            | F::WarrantyMonths
            | F::Funding
            | F::LeaseEnd
            | F::LifeYears
            | F::PowerWatts
            | F::PowerKwh
            | F::Os
            | F::OsVersion
            | F::Cpu => kind == Kind::Hardware,
            F::Manufacturer | F::InServiceDate | F::Quantity => kind != Kind::Lines,
            F::Site | F::Supplier | F::Status => kind != Kind::Licences,
            F::Number | F::LineType | F::ContractEnd | F::CriticalCare | F::LineUse => {
                kind == Kind::Lines
            }
            F::Product
            | F::Vendor
            | F::Agreement
            | F::AgreementType
            | F::Metric
            | F::CostBasis
            | F::StartDate
            | F::EndDate
            | F::Budget
            | F::CoversClasses
            | F::Category => kind == Kind::Licences,
        }
    }

    /// How strongly a column of this field says the sheet is of `kind`.
    pub(super) fn weight(self, kind: Kind) -> u32 {
        use Field as F;
        match (kind, self) {
            (Kind::Hardware, F::Serial | F::AssetTag)
            | (Kind::Lines, F::Number)
            | (Kind::Licences, F::Product) => 3,
            (Kind::Hardware, F::Model | F::Class)
            | (Kind::Lines, F::LineType | F::CriticalCare)
            | (Kind::Licences, F::Metric | F::Agreement) => 2,
            (Kind::Hardware, F::Manufacturer | F::WarrantyEnd | F::InServiceDate)
            | (Kind::Lines, F::ContractEnd | F::LineUse)
            | (Kind::Licences, F::AgreementType | F::CostBasis | F::EndDate | F::Vendor) => 1,
            _ => 0,
        }
    }
}

/// A set of fields (a row's non-blank fields).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldSet(u64);

impl FieldSet {
    /// Adds a field.
    pub fn insert(&mut self, f: Field) {
        self.0 |= 1 << (f as u32);
    }

    /// Removes a field.
    pub fn remove(&mut self, f: Field) {
        self.0 &= !(1 << (f as u32));
    }

    /// True when the field is in the set.
    pub fn has(self, f: Field) -> bool {
        self.0 & (1 << (f as u32)) != 0
    }
}

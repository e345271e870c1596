//! The register's small enumerations (status, funding, line types …), each
//! with a stable lowercase name that is stored in the database and shown to
//! users, and a forgiving `FromStr` for what people type.

/// Why a word is not one of an enumeration's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not {what}; use one of: {valid}")]
pub struct UnknownValue {
    /// What was being parsed, e.g. "status".
    pub what: &'static str,
    /// The text given.
    pub value: String,
    /// The accepted names, comma separated.
    pub valid: String,
}

/// Lowercases and folds spaces, hyphens and slashes to underscores, so
/// "In Use", "in-use" and "`IN_USE`" compare equal.
pub fn normalise_word(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_us = false;
    for c in text.trim().chars() {
        let c = c.to_ascii_lowercase();
        if c == ' ' || c == '-' || c == '_' || c == '/' {
            if !last_us && !out.is_empty() {
                out.push('_');
            }
            last_us = true;
        } else {
            out.push(c);
            last_us = false;
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Declares a string-backed enum with `as_str`, `ALL`, `Display`, `FromStr`
/// (through [`normalise_word`], canonical names plus listed aliases) and
/// serde as its canonical name.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name stored in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::enums::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let word = $crate::domain::enums::normalise_word(s);
                $(
                    if word == $text $(|| word == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::domain::enums::UnknownValue {
                    what: $what,
                    value: s.trim().to_string(),
                    valid: [$($text),+].join(", "),
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use string_enum;

string_enum! {
    /// Where an asset is in its life.
    AssetStatus, "a status" {
        /// Deployed and working.
        InUse => "in_use" | "active" | "deployed" | "live",
        /// Held in stock, not deployed.
        InStore => "in_store" | "stock" | "in_stock" | "spare" | "storage",
        /// Taken out of service, not yet disposed of.
        Retired => "retired" | "decommissioned",
        /// Left the organisation (a disposal record says how).
        Disposed => "disposed" | "disposed_of",
        /// Lost or stolen.
        Lost => "lost" | "stolen" | "lost_stolen",
    }
}

impl AssetStatus {
    /// True for the statuses the refresh forecast plans to replace.
    pub fn is_live(self) -> bool {
        matches!(self, AssetStatus::InUse | AssetStatus::InStore)
    }
}

string_enum! {
    /// How an asset was paid for: bought (capital) or leased (revenue).
    Funding, "a funding type (purchased or leased)" {
        /// Bought outright from the capital budget.
        Purchased => "purchased" | "purchase" | "capital" | "owned" | "bought",
        /// Leased or rented from the revenue budget; has a lease end date.
        Leased => "leased" | "lease" | "revenue" | "rental" | "rented",
    }
}

string_enum! {
    /// How an asset left the organisation.
    DisposalMethod, "a disposal method" {
        /// Sold on (after data sanitisation).
        Resale => "resale" | "sold" | "resold" | "sale",
        /// Recycled through a WEEE-permitted facility.
        Recycling => "recycling" | "recycled" | "weee",
        /// Physically destroyed (shredded, crushed).
        Destruction => "destruction" | "destroyed" | "shredded",
        /// Returned to the lessor at lease end.
        ReturnedToLessor => "returned_to_lessor" | "returned" | "lease_return",
        /// Given away, e.g. to a charity.
        Donation => "donation" | "donated",
    }
}

string_enum! {
    /// The technology of an external phone line.
    LineType, "a line type" {
        /// An analogue PSTN line (WLR), single or multiline.
        Pstn => "pstn" | "analogue" | "analogue_pstn" | "analog" | "analogue_line" | "psn" | "wlr",
        /// Basic-rate ISDN (2 channels).
        Isdn2 => "isdn2" | "isdn_2" | "isdn2e" | "basic_rate_isdn",
        /// Primary-rate ISDN (up to 30 channels).
        Isdn30 => "isdn30" | "isdn_30" | "isdn30e" | "primary_rate_isdn",
        /// ADSL broadband on a PSTN line.
        Adsl => "adsl" | "adsl2" | "adsl2+",
        /// Fibre to the cabinet, voice on a PSTN line.
        Fttc => "fttc",
        /// Single order generic Ethernet access (data only, no PSTN).
        Sogea => "sogea" | "sogfast",
        /// Fibre to the premises.
        Fttp => "fttp" | "full_fibre",
        /// SIP trunk or `VoIP` service.
        Sip => "sip" | "voip" | "sip_trunk" | "sip_voip",
        /// A mobile data SIM (e.g. in an alarm or a router).
        MobileData => "mobile_data" | "data_sim" | "mobile_data_sim" | "m2m" | "sim",
    }
}

string_enum! {
    /// The kind of agreement a licence entitlement is held under.
    AgreementType, "an agreement type" {
        /// A (Microsoft-style) Enterprise Agreement or Enterprise Subscription.
        EnterpriseAgreement => "enterprise_agreement" | "ea" | "eas" | "enterprise_subscription",
        /// Cloud Solution Provider (monthly or annual through a reseller).
        Csp => "csp" | "nce",
        /// A perpetual licence bought once.
        Perpetual => "perpetual",
        /// Any other subscription.
        Subscription => "subscription" | "saas",
        /// A support or maintenance contract.
        Maintenance => "maintenance" | "support",
        /// Anything else.
        Other => "other",
    }
}

string_enum! {
    /// What one licence counts.
    LicenceMetric, "a licensing metric" {
        /// One per named user.
        PerUser => "per_user" | "user" | "users" | "named_user",
        /// One per device.
        PerDevice => "per_device" | "device" | "devices",
        /// One per processor core.
        PerCore => "per_core" | "core" | "cores",
        /// A site or unlimited licence.
        Site => "site" | "unlimited" | "enterprise" | "site_licence",
    }
}

string_enum! {
    /// How a licence's unit cost recurs.
    CostBasis, "a cost basis" {
        /// Per unit per month.
        Monthly => "monthly" | "per_month" | "month",
        /// Per unit per year.
        Annual => "annual" | "per_year" | "yearly" | "per_annum" | "year",
        /// Paid once.
        OneOff => "one_off" | "once" | "perpetual" | "one_time",
    }
}

string_enum! {
    /// Which budget a cost falls on.
    BudgetType, "a budget type" {
        /// The capital programme.
        Capital => "capital" | "capex",
        /// The revenue budget.
        Revenue => "revenue" | "opex",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised() {
        assert_eq!(normalise_word("  In Use "), "in_use");
        assert_eq!(normalise_word("thin-client"), "thin_client");
        assert_eq!(normalise_word("Per  User"), "per_user");
        assert_eq!(normalise_word("a / b"), "a_b");
    }

    #[test]
    fn every_canonical_name_parses_back() {
        for s in AssetStatus::ALL {
            assert_eq!(s.as_str().parse::<AssetStatus>().unwrap(), *s);
        }
        for t in LineType::ALL {
            assert_eq!(t.as_str().parse::<LineType>().unwrap(), *t);
        }
        for m in DisposalMethod::ALL {
            assert_eq!(m.as_str().parse::<DisposalMethod>().unwrap(), *m);
        }
    }

    #[test]
    fn unknown_words_list_the_valid_ones() {
        let err = "broken".parse::<AssetStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "`broken` is not a status; use one of: in_use, in_store, retired, disposed, lost"
        );
    }

    #[test]
    fn people_words_parse() {
        assert_eq!("In Use".parse::<AssetStatus>().unwrap(), AssetStatus::InUse);
        assert_eq!("Lease".parse::<Funding>().unwrap(), Funding::Leased);
        assert_eq!("Analogue PSTN".parse::<LineType>().unwrap(), LineType::Pstn);
        assert_eq!(
            "Per Device".parse::<LicenceMetric>().unwrap(),
            LicenceMetric::PerDevice
        );
    }
}

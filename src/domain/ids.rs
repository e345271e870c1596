//! Id newtypes, so ids of different kinds of record are never mixed up.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// An organisation's row id.
    OrgId
);
id_type!(
    /// A site's row id.
    SiteId
);
id_type!(
    /// A department's (cost centre's) row id.
    DepartmentId
);
id_type!(
    /// A hardware asset's row id.
    AssetId
);
id_type!(
    /// A phone line's row id.
    LineId
);
id_type!(
    /// A licence entitlement's row id.
    LicenceId
);
id_type!(
    /// An import batch's id.
    BatchId
);
id_type!(
    /// A saved forecast run's id.
    RunId
);

//! The forecasts: pure engines over a snapshot of the register, and the
//! SQL that loads snapshots and saves runs.
//!
//! The engines (`capital`, and the tables built from it in `programme`)
//! take a [`snapshot::Snapshot`], the [`assumptions::Assumptions`] and a
//! [`capital::Horizon`] and return data. They never touch the database,
//! files, environment or clock: the CLI resolves "today" and passes the
//! first year in. SQL is only in `store.rs`.

pub mod assumptions;
pub mod capital;
pub mod levers;
pub mod licences;
pub mod lines;
pub mod power;
pub mod programme;
pub mod scenario;
pub mod snapshot;

pub use assumptions::{Assumptions, Caps, Thresholds};
pub use capital::{CapitalForecast, ForecastError, Horizon, Reason, Replacement, forecast};
pub use snapshot::{AssetInput, Snapshot};

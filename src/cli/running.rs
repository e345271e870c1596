//! What `estate power`, `estate lines` and `estate licences` share: the
//! horizon and organisation flags, the capital scenario flags, loading the
//! request types these flags make.

use anyhow::Result;
use clap::Args;
use estate::domain::{FinancialYear, Rate};
use estate::forecast::levers::{Levers, Virtualise};
use estate::forecast::{Caps, Horizon, Request};
use estate::ops::running::{PowerRequest, RunningRequest};
use rust_decimal::Decimal;

use super::Ctx;

/// The years and organisation a running-cost forecast covers.
#[derive(Debug, Args, Clone)]
pub struct HorizonFlags {
    /// First financial year (default: the year containing today), e.g. 2026/27.
    #[arg(long, value_name = "YEAR")]
    pub from: Option<FinancialYear>,
    /// How many financial years.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub years: u32,
    /// Only what this organisation holds (a shared service's figures are
    /// still apportioned to its members in the by-organisation view).
    #[arg(long, value_name = "CODE")]
    pub org: Option<String>,
}

impl HorizonFlags {
    /// The horizon.
    pub fn horizon(&self, ctx: &Ctx) -> Result<Horizon> {
        let first = self
            .from
            .unwrap_or_else(|| FinancialYear::containing(ctx.today));
        Ok(Horizon::new(first, self.years)?)
    }

    /// The request of a line or licence forecast.
    pub fn request(&self, ctx: &Ctx) -> Result<RunningRequest> {
        Ok(RunningRequest {
            horizon: self.horizon(ctx)?,
            organisation: self.org.clone(),
        })
    }
}

/// The capital programme's scenario, and the levers that change capital,
/// power and carbon together.
#[derive(Debug, Args, Clone, Default)]
pub struct ScenarioFlags {
    /// A capital scenario: a shipped name (base, capped-250k,
    /// extend-desktop-life, green-refresh) or the path of a .toml file.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
    /// Capital budget cap: 250000 for every year, or 2026/27=250000,2027/28=200000.
    #[arg(long, value_name = "CAPS")]
    pub cap: Option<Caps>,
    /// Buy this share of each year's desktop replacements as thin clients, e.g. 50%.
    #[arg(long, value_name = "SHARE")]
    pub thin_clients: Option<Rate>,
    /// Virtualise the N oldest servers onto M hosts: N:M, or N:M@YEAR.
    #[arg(long, value_name = "N:M")]
    pub virtualise: Option<Virtualise>,
    /// Cut MFDs and printers to one per this many staff at refresh, e.g. 14.
    #[arg(long, value_name = "STAFF")]
    pub mfd_ratio: Option<Decimal>,
}

impl ScenarioFlags {
    /// The levers asked for: each flag given, else the scenario's own lever.
    pub fn levers(&self, scenario: Option<&estate::forecast::scenario::Scenario>) -> Levers {
        let from = scenario.map(|s| s.levers.clone()).unwrap_or_default();
        Levers {
            thin_clients: self.thin_clients.or(from.thin_clients),
            virtualise: self.virtualise.or(from.virtualise),
            mfd_users_per_device: self.mfd_ratio.or(from.mfd_users_per_device),
        }
    }

    /// The power forecast request these flags make over `horizon` (for the
    /// organisation `org` names, when given).
    pub fn request(&self, ctx: &Ctx, horizon: Horizon, org: Option<&str>) -> Result<PowerRequest> {
        let scenario = self
            .scenario
            .as_deref()
            .map(|s| ctx.scenario(s))
            .transpose()?;
        let levers = self.levers(scenario.as_ref());
        Ok(PowerRequest {
            capital: Request {
                horizon,
                scenario,
                caps: self.cap.clone(),
                organisation: org.map(str::to_string),
                detail: false,
            },
            levers,
        })
    }
}

//! What `estate power`, `estate lines` and `estate licences` share: the
//! horizon and organisation flags, the capital scenario flags, loading the
//! register into the engines' inputs.

use anyhow::{Context, Result};
use clap::Args;
use estate::domain::{FinancialYear, Rate};
use estate::forecast::levers::{Levers, StaffCounts, Virtualise};
use estate::forecast::lines::Shares;
use estate::forecast::{Caps, Horizon, Request};
use estate::policy::{self, Defaults};
use estate::register::Organisation;
use estate::register::store::{self, PlaceKind};
use rusqlite::Connection;
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

    /// The organisation asked for, checked against the register.
    pub fn organisation(&self, conn: &Connection) -> Result<Option<Organisation>> {
        organisation(conn, self.org.as_deref())
    }
}

/// The organisation `code` names, checked against the register; `None` for none.
pub fn organisation(conn: &Connection, code: Option<&str>) -> Result<Option<Organisation>> {
    code.map(|code| store::resolve_organisation(conn, Some(code)))
        .transpose()
        .map_err(Into::into)
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

    /// The capital forecast request these flags make over `horizon`.
    pub fn request(
        &self,
        ctx: &super::Ctx,
        horizon: Horizon,
        org: Option<&Organisation>,
    ) -> Result<Request> {
        Ok(Request {
            horizon,
            scenario: self
                .scenario
                .as_deref()
                .map(|s| super::forecast::scenario(ctx, s))
                .transpose()?,
            caps: self.cap.clone(),
            organisation: org.map(|o| o.code.clone()),
            detail: false,
        })
    }
}

/// The register read for the engines.
pub struct Estate {
    /// The reference data.
    pub defaults: Defaults,
    /// Shared services' members.
    pub shares: Shares,
    /// Staff per organisation and site.
    pub staff: StaffCounts,
}

impl Estate {
    /// Reads the policy, organisations, shares and staff counts.
    pub fn read(conn: &Connection) -> Result<Self> {
        let organisations = store::list_organisations(conn)?;
        let sites = store::list_places(conn, PlaceKind::Site, None)?;
        Ok(Estate {
            defaults: policy::store::read(conn).context("failed to read the policy")?,
            shares: estate::running::shares(&store::list_shares(conn)?),
            staff: estate::running::staff_counts(&organisations, &sites),
        })
    }
}

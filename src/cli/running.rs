//! What `estate power`, `estate lines` and `estate licences` share: the
//! horizon and organisation flags, the capital scenario flags, loading the
//! register into the engines' inputs, and cells for quantities.

use anyhow::{Context, Result};
use clap::Args;
use estate::domain::{FinancialYear, Rate};
use estate::forecast::levers::{Levers, StaffCounts, Virtualise};
use estate::forecast::lines::Shares;
use estate::forecast::{Caps, Horizon, Request};
use estate::policy::{self, Defaults};
use estate::register::Organisation;
use estate::register::store::{self, PlaceKind};
use estate::report::{Cell, View};
use rusqlite::Connection;
use rust_decimal::{Decimal, RoundingStrategy};

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
    /// extend-desktop-life) or the path of a .toml file.
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
    /// The levers asked for.
    pub fn levers(&self) -> Levers {
        Levers {
            thin_clients: self.thin_clients,
            virtualise: self.virtualise,
            mfd_users_per_device: self.mfd_ratio,
        }
    }

    /// The capital forecast request these flags make over `horizon`.
    pub fn request(&self, horizon: Horizon, org: Option<&Organisation>) -> Result<Request> {
        Ok(Request {
            horizon,
            scenario: self
                .scenario
                .as_deref()
                .map(super::forecast::scenario)
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

/// The running-cost reference data as rows of `estate policy show` (item,
/// class, value, source): tariffs, carbon factors, line costs, synonyms.
pub fn policy_rows(d: &Defaults, view: &mut View) {
    for t in &d.tariffs {
        view.push(vec![
            Cell::text("electricity (£/kWh)"),
            Cell::text(t.year.to_string()),
            Cell::money(t.gbp_per_kwh),
            Cell::text(&t.source),
        ]);
    }
    for f in &d.carbon_factors {
        view.push(vec![
            Cell::text("carbon (kgCO2e/kWh)"),
            Cell::text(format!("edition {}", f.edition)),
            quantity(f.total(), 5),
            Cell::text(&f.source),
        ]);
    }
    for c in &d.line_costs {
        view.push(vec![
            Cell::text("line migration"),
            Cell::text(match c.migrate_to {
                Some(to) if c.switch_off => format!("{} → {to}", c.line_type),
                _ => format!("{} (not affected)", c.line_type),
            }),
            Cell::money(c.migration_cost),
            Cell::text(&c.source),
        ]);
    }
    for s in &d.product_synonyms {
        view.push(vec![
            Cell::text("licence product"),
            Cell::text(&s.alias),
            Cell::text(&s.product),
            Cell::text(&s.source),
        ]);
    }
}

/// Groups the digits of a whole number in threes.
fn grouped(digits: &str) -> String {
    let (sign, digits) = digits.strip_prefix('-').map_or(("", digits), |d| ("-", d));
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    out.push_str(sign);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A quantity shown to `dp` decimal places with thousands separators
/// (rounded half away from zero, for display only); CSV gets it exact.
pub fn quantity(value: Decimal, dp: u32) -> Cell {
    let shown = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let mut text = format!("{shown:.prec$}", prec = dp as usize);
    let (whole, frac) = match text.split_once('.') {
        Some((w, f)) => (w.to_string(), format!(".{f}")),
        None => (text.clone(), String::new()),
    };
    text = grouped(&whole) + &frac;
    Cell {
        text,
        numeric: true,
        plain: Some(value.normalize().to_string()),
    }
}

/// A count.
pub fn count(n: u64) -> Cell {
    Cell {
        text: grouped(&n.to_string()),
        numeric: true,
        plain: Some(n.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_grouped_and_rounded_for_display_only() {
        let c = quantity("12549.5".parse().unwrap(), 0);
        assert_eq!(
            (c.text.as_str(), c.plain.as_deref()),
            ("12,550", Some("12549.5"))
        );
        let c = quantity("-2.45370597".parse().unwrap(), 3);
        assert_eq!(c.text, "-2.454");
        assert_eq!(count(1_234_567).text, "1,234,567");
    }
}

//! The read views of what the programme rests on: the policy (lives,
//! prices, inflation, thresholds, each with its source; an admin may change
//! a figure, through `ops::policy::set`, audited under their name), the
//! phone lines, the licences, and power and carbon (`ops::running`).

use std::str::FromStr;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::AppState;
use super::auth::Signed;
use super::error::PageError;
use super::templates::{Layout, Table, render};
use crate::accounts::Role;
use crate::domain::{AssetClass, FinancialYear, Money, Rate};
use crate::error::{Error, ErrorKind, Result};
use crate::forecast::levers::Levers;
use crate::forecast::{Horizon, Request};
use crate::ops;
use crate::ops::forecast::Slips;
use crate::policy::store::PolicyChange;
use crate::report::running::{power_breakdown_view, power_year_view};

/// A page of tables with a line of text above them (lines, licences,
/// power and carbon).
#[derive(Template)]
#[template(path = "tables.html")]
pub struct TablesPage {
    /// The layout.
    pub layout: Layout,
    /// What the page shows, in a sentence or two.
    pub intro: Vec<String>,
    /// The tables.
    pub tables: Vec<Table>,
    /// Said when there is nothing to show.
    pub empty: String,
}

/// The policy page.
#[derive(Template)]
#[template(path = "policy.html")]
pub struct PolicyPage {
    /// The layout.
    pub layout: Layout,
    /// Every figure with its source.
    pub policy: Table,
    /// The classes, for the forms.
    pub classes: Vec<&'static str>,
    /// What was just changed.
    pub done: Option<String>,
}

/// `GET /policy` query: what was just changed.
#[derive(Debug, Default, Deserialize)]
pub struct PolicyQuery {
    /// The setting changed.
    #[serde(default)]
    pub changed: Option<String>,
}

/// `GET /policy`.
pub async fn policy(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<PolicyQuery>,
) -> Result<Response, PageError> {
    let defaults = state.run(|r| ops::policy::show(r)).await?;
    let page = PolicyPage {
        layout: signed.layout("Policy", "policy"),
        policy: Table::new(
            "The policy: lives, prices, lines, settings and their sources",
            crate::views::policy_view(&defaults),
        ),
        classes: AssetClass::ALL.iter().map(|c| c.as_str()).collect(),
        done: q.changed,
    };
    Ok(render(&page))
}

/// The policy form: which figure, for which class, the new value.
#[derive(Debug, Deserialize)]
pub struct PolicyForm {
    /// `life`, `price`, `inflation` or `threshold`.
    pub what: String,
    /// The class (life and price).
    #[serde(default)]
    pub class: String,
    /// The new value: years, pounds or a percentage.
    #[serde(default)]
    pub value: String,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::Invalid, message)
}

fn decimal(text: &str, what: &str) -> Result<Decimal> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('£')
        .trim_end_matches('%')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    Decimal::from_str(cleaned.trim())
        .map_err(|_| invalid(format!("{what}: `{}` is not a number", text.trim())))
}

impl PolicyForm {
    fn change(&self) -> Result<PolicyChange> {
        let class = || AssetClass::from_str(self.class.trim()).map_err(Error::from);
        Ok(match self.what.as_str() {
            "life" => PolicyChange::Life {
                class: class()?,
                years: self.value.trim().parse().map_err(|_| {
                    invalid(format!(
                        "life: `{}` is not a whole number of years",
                        self.value.trim()
                    ))
                })?,
            },
            "price" => PolicyChange::Price {
                class: class()?,
                manufacturer: String::new(),
                model: String::new(),
                amount: Money::from_decimal(decimal(&self.value, "unit price")?),
            },
            "inflation" => {
                PolicyChange::Inflation(Rate::from_percent(decimal(&self.value, "inflation")?))
            }
            "threshold" => PolicyChange::CapitalThreshold {
                amount: Money::from_decimal(decimal(&self.value, "capital threshold")?),
                grouped: false,
            },
            other => {
                return Err(invalid(format!(
                    "`{other}` is not a policy figure estate sets here"
                )));
            }
        })
    }
}

/// `POST /policy`: an admin changes one figure.
pub async fn policy_set(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<PolicyForm>,
) -> Result<Response, PageError> {
    signed.require(Role::Admin)?;
    let change = form.change()?;
    let actor = signed.actor();
    let today = state.today();
    let changed = state
        .run(move |r| ops::policy::set(r, &change, (today, Slips::Refuse), &actor))
        .await?;
    let words = format!(
        "{} is now {} (was {}).",
        changed.field,
        changed.new,
        changed.old.as_deref().unwrap_or("not set")
    );
    Ok(Redirect::to(&format!(
        "/policy?changed={}",
        super::templates::url_encode(&words)
    ))
    .into_response())
}

/// `GET /lines`: the phone and data lines held.
pub async fn lines(State(state): State<AppState>, signed: Signed) -> Result<Response, PageError> {
    let held = state.run(|r| ops::running::list_lines(r, None)).await?;
    let page = TablesPage {
        layout: signed.layout("Lines", "lines"),
        intro: vec![
            "Every phone and data line in the register, with its contract and monthly rental."
                .into(),
        ],
        tables: if held.is_empty() {
            Vec::new()
        } else {
            vec![Table::new(
                format!("{} lines", held.len()),
                crate::views::lines_view(&held),
            )]
        },
        empty: "No line is in the register yet: import a line schedule.".into(),
    };
    Ok(render(&page))
}

/// `GET /licences`: the software licences held.
pub async fn licences(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, PageError> {
    let held = state.run(|r| ops::running::list_licences(r, None)).await?;
    let page = TablesPage {
        layout: signed.layout("Licences", "licences"),
        intro: vec!["Every software licence in the register, with its term and price.".into()],
        tables: if held.is_empty() {
            Vec::new()
        } else {
            vec![Table::new(
                format!("{} licences", held.len()),
                crate::views::licences_view(&held),
            )]
        },
        empty: "No licence is in the register yet: import a licensing statement.".into(),
    };
    Ok(render(&page))
}

/// `GET /power`: energy, cost and carbon of the live kit over the next
/// five years, after the programme's replacements.
pub async fn power(State(state): State<AppState>, signed: Signed) -> Result<Response, PageError> {
    let first = FinancialYear::containing(state.today());
    let horizon = Horizon::new(first, 5).map_err(Error::from)?;
    let run = state
        .run(move |r| {
            ops::running::power(
                r,
                &ops::running::PowerRequest {
                    capital: Request::new(horizon),
                    levers: Levers::default(),
                },
            )
        })
        .await?;
    let f = run.shown();
    let s = f.sources;
    let page = TablesPage {
        layout: signed.layout("Power and carbon", "power"),
        intro: vec![
            format!(
                "Energy, electricity cost and carbon of the {} live assets, {} to {}, after the \
                 programme's replacements.",
                s.assets,
                horizon.first,
                horizon.last()
            ),
            format!(
                "Energy from the asset's own figure for {}, a certified model profile for {}, the \
                 class profile for {}; servers and storage × PUE {}.",
                s.from_override, s.from_model, s.from_class, f.pue
            ),
        ],
        tables: vec![
            Table::new("Energy, cost and carbon by year", power_year_view(f)),
            Table::new(
                "By class",
                power_breakdown_view(&f.years, &f.by_class, "class"),
            ),
            Table::new(
                "By organisation",
                power_breakdown_view(&f.years, &f.by_org, "organisation"),
            ),
        ],
        empty: String::new(),
    };
    Ok(render(&page))
}

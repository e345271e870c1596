//! The forecast pages: the capital programme for a horizon, a cap per year,
//! a scenario and a grouping; two scenarios side by side; saving a run;
//! the saved runs, two of them compared, and approving one with the
//! decision's minute. The same use cases as `estate forecast`, `estate
//! forecast compare` and `estate runs`.

use std::str::FromStr;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::auth::Signed;
use super::error::PageError;
use super::templates::{Layout, Table, render};
use crate::accounts::Role;
use crate::domain::{FinancialYear, RunId};
use crate::error::{Error, ErrorKind, Result};
use crate::forecast::programme::{Dimension, Units};
use crate::forecast::scenario::{BUILTIN, Scenario};
use crate::forecast::{Caps, Horizon, Request};
use crate::report::forecast::{
    Section, comparison_view, diff_sections, programme_sections, runs_view,
};

/// The forecast form, as the query string of `GET /forecast` (and the
/// hidden fields of the save form).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ForecastQuery {
    /// The first year (`2026/27`); empty for the current one.
    #[serde(default)]
    pub from: String,
    /// How many years; empty for five.
    #[serde(default)]
    pub years: String,
    /// A cap per year (`250000`, or `2026/27=250000,2027/28=200000`).
    #[serde(default)]
    pub cap: String,
    /// A shipped scenario; empty for none.
    #[serde(default)]
    pub scenario: String,
    /// Rows by: line, class, org, site, department.
    #[serde(default)]
    pub by: String,
    /// A second scenario to compare against the first.
    #[serde(default)]
    pub compare: String,
    /// The name to save the run under (the save form only).
    #[serde(default)]
    pub name: String,
}

/// A forecast form checked: what to run.
struct Asked {
    horizon: Horizon,
    caps: Option<Caps>,
    scenario: Option<Scenario>,
    by: Dimension,
    compare: Option<Scenario>,
}

fn invalid(message: String) -> Error {
    Error::new(ErrorKind::Invalid, message)
}

/// A shipped scenario by name (never a file: no name from a request
/// reaches the file system).
fn shipped(name: &str) -> Result<Option<Scenario>> {
    let name = name.trim();
    if name.is_empty() || name == "none" {
        return Ok(None);
    }
    Ok(Some(Scenario::builtin(name)?))
}

impl ForecastQuery {
    fn asked(&self, today: time::Date) -> Result<Asked> {
        let first = if self.from.trim().is_empty() {
            FinancialYear::containing(today)
        } else {
            FinancialYear::from_str(self.from.trim())?
        };
        let years = if self.years.trim().is_empty() {
            5
        } else {
            self.years.trim().parse::<u32>().map_err(|_| {
                invalid(format!(
                    "years `{}` is not a whole number of years",
                    self.years.trim()
                ))
            })?
        };
        let caps = if self.cap.trim().is_empty() {
            None
        } else {
            Some(
                Caps::from_str(self.cap.trim())
                    .map_err(|e| invalid(format!("cap per year: {e}")))?,
            )
        };
        let by = if self.by.trim().is_empty() {
            Dimension::Line
        } else {
            Dimension::from_str(&self.by)?
        };
        Ok(Asked {
            horizon: Horizon::new(first, years)?,
            caps,
            scenario: shipped(&self.scenario)?,
            by,
            compare: shipped(&self.compare)?,
        })
    }

    /// The query string that asks for this forecast again.
    fn link(&self) -> String {
        let enc = super::templates::url_encode;
        format!(
            "/forecast?from={}&years={}&cap={}&scenario={}&by={}",
            enc(&self.from),
            enc(&self.years),
            enc(&self.cap),
            enc(&self.scenario),
            enc(&self.by)
        )
    }
}

/// A choice in a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// Chosen now.
    pub selected: bool,
}

fn choices(options: &[(&str, &str)], chosen: &str) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, label)| Choice {
            value: (*value).to_string(),
            label: (*label).to_string(),
            selected: *value == chosen,
        })
        .collect()
}

/// The forecast page.
#[derive(Template)]
#[template(path = "forecast.html")]
pub struct ForecastPage {
    /// The layout.
    pub layout: Layout,
    /// The form as filled in.
    pub q: ForecastQuery,
    /// The scenarios to choose from (the first is "none").
    pub scenarios: Vec<Choice>,
    /// The second scenario's choices.
    pub compare_with: Vec<Choice>,
    /// The groupings.
    pub groupings: Vec<Choice>,
    /// Why the form could not be run, when it could not.
    pub problem: Option<String>,
    /// The programme's tables.
    pub tables: Vec<Table>,
    /// The two scenarios side by side, when asked.
    pub comparison: Option<Table>,
    /// Notes under the tables.
    pub notes: Vec<String>,
    /// A run just saved: its id.
    pub saved: Option<i64>,
}

fn scenario_options() -> Vec<(&'static str, &'static str)> {
    let mut out = vec![("", "none (the policy as held)")];
    out.extend(BUILTIN.iter().map(|(name, _)| (*name, *name)));
    out
}

const GROUPINGS: [(&str, &str); 5] = [
    ("line", "programme line"),
    ("class", "class"),
    ("org", "organisation"),
    ("site", "site"),
    ("department", "department"),
];

fn tables(sections: Vec<Section>) -> Vec<Table> {
    sections
        .into_iter()
        .map(|s| Table::new(s.title, s.view))
        .collect()
}

/// `GET /forecast`.
pub async fn page(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<ForecastQuery>,
) -> Result<Response, PageError> {
    forecast_page(&state, &signed, q, None).await
}

async fn forecast_page(
    state: &AppState,
    signed: &Signed,
    q: ForecastQuery,
    saved: Option<i64>,
) -> Result<Response, PageError> {
    let scenario_opts = scenario_options();
    let mut page = ForecastPage {
        layout: signed.layout("Forecast", "forecast"),
        scenarios: choices(&scenario_opts, q.scenario.trim()),
        compare_with: choices(&scenario_opts, q.compare.trim()),
        groupings: choices(
            &GROUPINGS,
            if q.by.trim().is_empty() {
                "line"
            } else {
                q.by.trim()
            },
        ),
        q,
        problem: None,
        tables: Vec::new(),
        comparison: None,
        notes: Vec::new(),
        saved,
    };
    let asked = match page.q.asked(state.today()) {
        Ok(a) => a,
        Err(e) => {
            page.problem = Some(super::error::public_message(&e));
            return Ok(render(&page));
        }
    };
    let Asked {
        horizon,
        caps,
        scenario,
        by,
        compare,
    } = asked;
    let request = Request {
        horizon,
        scenario: scenario.clone(),
        caps: caps.clone(),
        organisation: None,
        detail: false,
    };
    let result = state
        .run(move |r| {
            let f = crate::ops::forecast::forecast(r, &request, None)?;
            let compared = match &compare {
                Some(other) => {
                    let base = match scenario {
                        Some(s) => s,
                        None => Scenario::builtin("base")?,
                    };
                    Some(crate::ops::forecast::compare(
                        r,
                        horizon,
                        None,
                        caps.as_ref(),
                        (&base, other),
                    )?)
                }
                None => None,
            };
            Ok((f, compared))
        })
        .await;
    let (forecast, compared) = match result {
        Ok(x) => x,
        Err(e) if e.kind() != ErrorKind::Internal && e.kind() != ErrorKind::Database => {
            page.problem = Some(super::error::public_message(&e));
            return Ok(render(&page));
        }
        Err(e) => return Err(e.into()),
    };
    let p = &forecast.run.programme;
    let by_words = match by {
        Dimension::Line => "programme line",
        Dimension::Class => "class",
        Dimension::Org => "organisation",
        Dimension::Site => "site",
        Dimension::Department => "department",
    };
    let scenario_words = forecast
        .run
        .assumptions
        .scenario
        .as_ref()
        .map(|s| format!(", scenario {}", s.name))
        .unwrap_or_default();
    let title = format!(
        "Capital programme {} to {} by {by_words}{scenario_words} (£)",
        horizon.first,
        horizon.last()
    );
    page.tables = tables(programme_sections(&title, p, by, Units::Pounds));
    page.notes = crate::report::forecast::notes(p, Units::Pounds);
    if let Some(effect) = &forecast.with_levers {
        page.notes.push(effect.sentence());
    }
    if let Some(c) = compared {
        page.comparison = Some(Table::new(
            format!(
                "{} against {}, {} to {} (£)",
                c.capital.other_name,
                c.capital.base_name,
                horizon.first,
                horizon.last()
            ),
            comparison_view(&c.capital, Units::Pounds),
        ));
    }
    Ok(render(&page))
}

/// `POST /forecast/save`: runs the forecast of the form and saves it.
pub async fn save(
    State(state): State<AppState>,
    signed: Signed,
    Form(q): Form<ForecastQuery>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let name = q.name.trim().to_string();
    if name.is_empty() {
        return Err(PageError::BadRequest(
            "Give the run a name to save it under.".into(),
        ));
    }
    let asked = q.asked(state.today())?;
    let request = Request {
        horizon: asked.horizon,
        scenario: asked.scenario,
        caps: asked.caps,
        organisation: None,
        detail: true,
    };
    let save = crate::ops::forecast::Save {
        name,
        command: format!(
            "estate serve: {} by {} ({})",
            signed.request,
            signed.user().name,
            q.link()
        ),
    };
    let forecast = state
        .run(move |r| crate::ops::forecast::forecast(r, &request, Some(&save)))
        .await?;
    let id = forecast.saved.map_or(0, |id| id.0);
    Ok(Redirect::to(&format!("/runs?saved={id}")).into_response())
}

/// The saved runs page.
#[derive(Template)]
#[template(path = "runs.html")]
pub struct RunsPage {
    /// The layout.
    pub layout: Layout,
    /// Every run, newest first.
    pub runs: Table,
    /// The runs' ids and names, for the compare and approve forms.
    pub ids: Vec<(i64, String)>,
    /// What was just done.
    pub done: Option<String>,
    /// Two runs compared, when asked.
    pub compared: Vec<Table>,
    /// The first run compared.
    pub a: i64,
    /// The second.
    pub b: i64,
}

/// `GET /runs` query.
#[derive(Debug, Default, Deserialize)]
pub struct RunsQuery {
    /// A run just saved.
    #[serde(default)]
    pub saved: Option<i64>,
    /// A run just approved.
    #[serde(default)]
    pub approved: Option<i64>,
    /// Compare this run…
    #[serde(default)]
    pub a: Option<i64>,
    /// …with this one.
    #[serde(default)]
    pub b: Option<i64>,
}

/// `GET /runs`: the saved runs, two compared, approve forms.
pub async fn runs(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<RunsQuery>,
) -> Result<Response, PageError> {
    let pair = q.a.zip(q.b);
    let (all, diff) = state
        .run(move |r| {
            let all = crate::ops::runs::list(r)?;
            let diff = match pair {
                Some((a, b)) => Some(crate::ops::runs::diff(r, RunId(a), RunId(b))?),
                None => None,
            };
            Ok((all, diff))
        })
        .await?;
    let mut newest = all.clone();
    newest.reverse();
    let done = match (q.saved, q.approved) {
        (Some(id), _) => Some(format!("Saved as run {id}.")),
        (None, Some(id)) => Some(format!("Run {id} is now the approved programme.")),
        _ => None,
    };
    let mut compared = Vec::new();
    if let (Some(d), Some((a, b))) = (diff, pair) {
        let pick: Vec<_> = all
            .iter()
            .filter(|r| r.id.0 == a || r.id.0 == b)
            .cloned()
            .collect();
        compared.push(Table::new(
            format!("Runs {a} and {b} side by side"),
            runs_view(&pick),
        ));
        compared.extend(tables(diff_sections(&d, Units::Pounds)));
    }
    let page = RunsPage {
        layout: signed.layout("Saved runs", "forecast"),
        runs: Table::new("Saved runs, newest first", runs_view(&newest)),
        ids: newest.iter().map(|r| (r.id.0, r.name.clone())).collect(),
        done,
        compared,
        a: q.a.unwrap_or(0),
        b: q.b.unwrap_or(0),
    };
    Ok(render(&page))
}

/// The approve form.
#[derive(Debug, Deserialize)]
pub struct ApproveForm {
    /// The run.
    pub run: i64,
    /// The decision's minute (e.g. "Cabinet 12 March 2026, minute 7").
    #[serde(default)]
    pub minute: String,
}

/// `POST /runs/approve`.
pub async fn approve(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<ApproveForm>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let id = form.run;
    let actor = signed.actor();
    state
        .run(move |r| crate::ops::runs::approve(r, RunId(id), &form.minute, &actor))
        .await?;
    Ok(Redirect::to(&format!("/runs?approved={id}")).into_response())
}

//! The page handlers: sign-in, dashboard, register, asset (with its edit
//! and dispose forms), accounts, the chart and the stylesheet. Each reads
//! its request, runs one or two use cases of `crate::ops` with
//! [`State::run`](super::State::run), and renders a template.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::accounts::{Role, new_secret, same_secret};
use crate::domain::{
    AssetClass, AssetStatus, DisposalMethod, FinancialYear, Money, iso, parse_date,
};
use crate::error::{Error, ErrorKind};
use crate::forecast::programme::{Dimension, Units};
use crate::forecast::{Horizon, Request};
use crate::ops::accounts::{self, SignIn};
use crate::ops::assets::{self, AssetChanges, Checks, UpdateAsset};
use crate::ops::forecast::Slips;
use crate::register::Disposal;
use crate::register::store::{AssetOrder, AssetQuery};
use crate::report::forecast::{approvals_view, notes, programme_view, runs_view};
use crate::views::{asset_record_view, history_view};

use super::AppState;
use super::auth::{self, LOGIN_COOKIE, SESSION_COOKIE, Signed};
use super::error::PageError;
use super::templates::{
    AssetPage, AssetRow, Choice, DashboardPage, Figure, FormField, Layout, LoginPage, PasswordPage,
    RegisterPage, Table, UsersPage, render, url_encode,
};

/// The stylesheet, embedded in the binary.
const STYLESHEET: &str = include_str!("static/estate.css");

/// Assets on one page of the register.
pub const PAGE_SIZE: u32 = 50;

/// Anything not routed: 404.
pub async fn not_found() -> PageError {
    PageError::NotFound
}

/// `/static/{file}`: only the files estate ships, by name; any other name
/// (a path, `..`) is 404. No path from a request reaches the file system.
pub async fn static_file(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "estate.css" => (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            STYLESHEET,
        )
            .into_response(),
        _ => PageError::NotFound.into_response(),
    }
}

// ---------------------------------------------------------------- sign-in

/// The query of `/login`.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    /// Where to go after signing in.
    #[serde(default)]
    pub next: Option<String>,
}

/// Only a path on this server: `/…`, never `//host` or a backslash.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

fn login_page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    name: String,
    error: Option<String>,
) -> Result<Response, PageError> {
    let token = new_secret()?;
    let cookie = auth::set_cookie(LOGIN_COOKIE, &token, auth::over_tls(state, headers), None);
    let page = LoginPage {
        layout: Layout {
            title: "Sign in".into(),
            csrf: token,
            ..Layout::default()
        },
        next,
        name,
        error,
    };
    Ok((status, [(header::SET_COOKIE, cookie)], render(&page)).into_response())
}

/// `GET /login`: the sign-in form, with its own CSRF token (a cookie and
/// the same value in the form).
pub async fn login_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    login_page(
        &state,
        &headers,
        StatusCode::OK,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct LoginForm {
    /// The account name.
    #[serde(default)]
    pub name: String,
    /// The password.
    #[serde(default)]
    pub password: String,
    /// The form's CSRF token.
    #[serde(default)]
    pub csrf: String,
    /// Where to go after.
    #[serde(default)]
    pub next: Option<String>,
}

/// `POST /login`: checks the form's token against its cookie, the rate
/// limit, then the password; on success sets the session cookie and goes
/// to `next`.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, PageError> {
    let peer = auth::peer(request.extensions());
    let Form(form): Form<LoginForm> = Form::from_request_simple(request).await?;
    let cookie_token = auth::cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if cookie_token.is_empty() || !same_secret(cookie_token, &form.csrf) {
        return Err(PageError::Forbidden(
            "The sign-in form has expired or did not come from estate. Reload the sign-in page \
             and try again."
                .into(),
        ));
    }
    let next = safe_next(form.next.as_deref());
    let address = auth::client_address(&state, &headers, peer);
    let limits = state.config.limits;
    let name = form.name.trim().to_string();
    let password = form.password;
    let who = name.clone();
    let outcome = state
        .run(move |r| accounts::sign_in(r, &who, &password, &address, auth::now(), limits))
        .await?;
    match outcome {
        SignIn::Signed(session) => {
            let secure = auth::over_tls(&state, &headers);
            let to = if session.user.one_time {
                "/account/password".to_string()
            } else {
                next
            };
            let mut response = Redirect::to(&to).into_response();
            let h = response.headers_mut();
            for c in [
                auth::set_cookie(SESSION_COOKIE, &session.id, secure, None),
                auth::set_cookie(LOGIN_COOKIE, "", secure, Some(0)),
            ] {
                if let Ok(v) = c.parse() {
                    h.append(header::SET_COOKIE, v);
                }
            }
            Ok(response)
        }
        SignIn::Refused => login_page(
            &state,
            &headers,
            StatusCode::UNAUTHORIZED,
            next,
            name,
            Some("The account name or password is wrong, or the account is disabled.".into()),
        ),
        SignIn::TooMany { retry_after } => {
            let minutes = (retry_after + 59) / 60;
            let mut response = login_page(
                &state,
                &headers,
                StatusCode::TOO_MANY_REQUESTS,
                next,
                name,
                Some(format!(
                    "Too many failed sign-ins for this account or from this address. Try again \
                     in {minutes} {}.",
                    if minutes == 1 { "minute" } else { "minutes" }
                )),
            )?;
            if let Ok(v) = retry_after.to_string().parse() {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Ok(response)
        }
    }
}

trait FromRequestSimple: Sized {
    async fn from_request_simple(request: axum::extract::Request) -> Result<Self, PageError>;
}

impl<T: serde::de::DeserializeOwned> FromRequestSimple for Form<T> {
    async fn from_request_simple(request: axum::extract::Request) -> Result<Self, PageError> {
        use axum::extract::FromRequest;
        Form::<T>::from_request(request, &())
            .await
            .map_err(|e| PageError::BadRequest(e.body_text()))
    }
}

/// `POST /logout`: ends the session and removes its cookie.
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    signed: Signed,
) -> Result<Response, PageError> {
    let id = signed.session.id.clone();
    state.run(move |r| accounts::sign_out(r, &id)).await?;
    let cookie = auth::set_cookie(
        SESSION_COOKIE,
        "",
        auth::over_tls(&state, &headers),
        Some(0),
    );
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// `GET /account/password`.
pub async fn password_form(signed: Signed) -> Response {
    render(&PasswordPage {
        layout: signed.layout("Choose your password", ""),
        error: None,
    })
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    /// The new password.
    #[serde(default)]
    pub password: String,
    /// Again.
    #[serde(default)]
    pub again: String,
}

/// `POST /account/password`: sets the signed-in person's own password
/// (their other sessions end; this one signs in again).
pub async fn password(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let refuse = |error: String| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&PasswordPage {
                layout: signed.layout("Choose your password", ""),
                error: Some(error),
            }),
        )
            .into_response()
    };
    if form.password != form.again {
        return Ok(refuse("The two passwords differ.".into()));
    }
    let user = signed.user().clone();
    let actor = signed.actor();
    let password = form.password;
    match state
        .run(move |r| accounts::set_password(r, &user, &password, &actor))
        .await
    {
        Ok(()) => Ok(Redirect::to("/login").into_response()),
        Err(e) if e.kind() == ErrorKind::Invalid => Ok(refuse(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

// -------------------------------------------------------------- dashboard

fn dashboard_request(state: &AppState) -> Result<Request, Error> {
    let first = FinancialYear::containing(state.today());
    Ok(Request::new(Horizon::new(first, 5)?))
}

/// What the dashboard shows, computed once per register version and day.
pub struct Dashboard {
    heading: String,
    programme: Table,
    chart_alt: String,
    chart_svg: String,
    figures: Vec<Figure>,
    approvals: Table,
    notes: Vec<String>,
    runs: Table,
    changed: Option<Table>,
    running: Table,
}

fn build_dashboard(r: &mut crate::Register, request: &Request) -> Result<Dashboard, Error> {
    let f = crate::ops::forecast::forecast(r, request, None)?;
    let runs = crate::ops::runs::list(r)?;
    let running = crate::ops::running::running_costs(r.reader(), None, request.horizon, &f.run)?;
    // What changed since the approved programme: the newest saved run
    // against the approval in force for its scope, when the newest is not
    // itself the approved one.
    let changed = match runs.first() {
        Some(newest) if newest.approved.is_none() && runs.iter().any(|s| s.approved.is_some()) => {
            crate::ops::runs::compare(r, None, newest.id)
                .ok()
                .map(|c| (newest.id, c))
        }
        _ => None,
    };
    let p = &f.run.programme;
    let units = Units::Pounds;
    let horizon = f.run.forecast.horizon;
    let heading = format!(
        "Capital programme {} to {}, by programme line",
        horizon.first,
        horizon.last()
    );
    let series: Vec<(String, Vec<Money>)> = p
        .by_line
        .rows
        .iter()
        .map(|row| (row.label.clone(), row.amounts.clone()))
        .collect();
    let chart_svg = crate::report::chart::stacked_bars(
        "programme",
        "Capital programme by programme line",
        &p.years,
        &series,
        units,
    )
    .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))?;
    let mut runs_table = runs_view(&runs);
    runs_table.rows.truncate(10);
    let figures = vec![
        Figure {
            label: format!("Overdue at the start of {}", horizon.first),
            value: format!("{} assets, {}", p.backlog.count, p.backlog.value),
        },
        Figure {
            label: format!("Still unfunded after {}", horizon.last()),
            value: format!(
                "{} assets, {}",
                p.unfunded.tally.count, p.unfunded.tally.value
            ),
        },
        Figure {
            label: "Left out: no in-service date".into(),
            value: format!(
                "{} assets, {}",
                p.unknown_age.tally.count, p.unknown_age.tally.value
            ),
        },
    ];
    Ok(Dashboard {
        chart_alt: format!(
            "Stacked bar chart of the capital programme by programme line, {} to {}",
            horizon.first,
            horizon.last()
        ),
        chart_svg,
        programme: Table::new(
            format!("{heading} (£)"),
            programme_view(p.table(Dimension::Line), units),
        ),
        heading,
        figures,
        approvals: Table::new("Lines needing approval", approvals_view(p, units)),
        notes: notes(p, units),
        runs: Table::new("Saved runs, newest first (the latest ten)", runs_table),
        changed: changed.map(|(id, c)| {
            Table::new(
                format!("Saved run {} against the approved programme (£)", id.0),
                crate::report::approved::approved_view(&c, units),
            )
        }),
        running: Table::new(
            "Revenue: licences, line rentals, switch-off migrations and electricity (£)",
            crate::report::cabinet::MoneyTable::revenue(&running.revenue).view(units),
        ),
    })
}

/// The dashboard's figures: from the cache while the register has not
/// changed (its version, [`State::version`](super::State::version)) and the
/// day is the same, else worked out afresh and kept.
async fn dashboard_data(state: &AppState) -> Result<std::sync::Arc<Dashboard>, Error> {
    let request = dashboard_request(state)?;
    let today = state.today();
    let version = state.version().await?;
    if let Some(hit) = state.cached_dashboard(version, today) {
        return Ok(hit);
    }
    let built = state.run(move |r| build_dashboard(r, &request)).await?;
    Ok(state.keep_dashboard(version, today, built))
}

/// `GET /`: the five-year programme by line and year (table and chart),
/// backlog and scope, approvals needed, what changed since the approved
/// programme, running costs, saved runs.
pub async fn dashboard(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Response, PageError> {
    let d = dashboard_data(&state).await?;
    let page = DashboardPage {
        layout: signed.layout("Dashboard", "dashboard"),
        heading: d.heading.clone(),
        programme: d.programme.clone(),
        chart_alt: d.chart_alt.clone(),
        figures: d.figures.clone(),
        approvals: d.approvals.clone(),
        notes: d.notes.clone(),
        runs: d.runs.clone(),
        changed: d.changed.clone(),
        running: d.running.clone(),
    };
    Ok(render(&page))
}

/// `GET /chart/programme.svg`: the dashboard's chart (the same SVG as the
/// HTML report's), drawn by `report::chart`.
pub async fn programme_chart(
    State(state): State<AppState>,
    _signed: Signed,
) -> Result<Response, PageError> {
    let d = dashboard_data(&state).await?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        d.chart_svg.clone(),
    )
        .into_response())
}

// --------------------------------------------------------------- register

/// The register page's query string (and the CSV's, and the API's).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegisterQuery {
    /// Search text.
    #[serde(default)]
    pub q: Option<String>,
    /// Organisation code.
    #[serde(default)]
    pub org: Option<String>,
    /// Class.
    #[serde(default)]
    pub class: Option<String>,
    /// Site name.
    #[serde(default)]
    pub site: Option<String>,
    /// Department name.
    #[serde(default)]
    pub department: Option<String>,
    /// Status.
    #[serde(default)]
    pub status: Option<String>,
    /// `tag`, `in_service`, `model`, `class` or `cost`.
    #[serde(default)]
    pub sort: Option<String>,
    /// The cursor of the page to show.
    #[serde(default)]
    pub after: Option<String>,
    /// How many (API only; the page shows [`PAGE_SIZE`]).
    #[serde(default)]
    pub limit: Option<u32>,
}

fn given(v: Option<&String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

impl RegisterQuery {
    /// The library's query for these parameters.
    ///
    /// # Errors
    /// A class, status, order or cursor that is not one.
    pub fn to_query(&self, limit: u32) -> Result<AssetQuery, Error> {
        Ok(AssetQuery {
            organisation: given(self.org.as_ref()),
            class: given(self.class.as_ref())
                .map(|c| assets::class(&c))
                .transpose()?,
            site: given(self.site.as_ref()),
            department: given(self.department.as_ref()),
            status: given(self.status.as_ref())
                .map(|s| s.parse::<AssetStatus>())
                .transpose()?,
            search: given(self.q.as_ref()),
            order: match given(self.sort.as_ref()) {
                None => AssetOrder::Tag,
                Some(word) => AssetOrder::from_word(&word).ok_or_else(|| {
                    Error::new(
                        ErrorKind::Invalid,
                        format!(
                            "`{word}` is not an order; sort by tag, in_service, model, class or cost"
                        ),
                    )
                })?,
            },
            after: given(self.after.as_ref())
                .map(|c| assets::cursor(&c))
                .transpose()?,
            limit,
        })
    }

    /// The query string of these filters, with `after` as the cursor.
    pub fn link(&self, path: &str, after: Option<&str>) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("q", &self.q),
            ("org", &self.org),
            ("class", &self.class),
            ("site", &self.site),
            ("department", &self.department),
            ("status", &self.status),
            ("sort", &self.sort),
        ] {
            if let Some(v) = given(v.as_ref()) {
                parts.push(format!("{k}={}", url_encode(&v)));
            }
        }
        if let Some(a) = after {
            parts.push(format!("after={}", url_encode(a)));
        }
        if parts.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }
}

fn choices<T: Copy>(
    all: &[T],
    word: impl Fn(T) -> &'static str,
    chosen: Option<&str>,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: word(*v).to_string(),
            label: word(*v).replace('_', " "),
            selected: chosen == Some(word(*v)),
        })
        .collect()
}

/// The link to an asset's page.
pub fn asset_href(org: &str, tag: &str) -> String {
    format!("/assets/{}/{}", url_encode(org), url_encode(tag))
}

/// `GET /register`: one page of the register, filtered and sorted, with
/// links to the next page (keyset: as fast at page 5,000 as at page 1).
pub async fn register(
    State(state): State<AppState>,
    signed: Signed,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let query = q.to_query(PAGE_SIZE)?;
    let (page, orgs) = state
        .run(move |r| {
            let page = assets::page(r, &query)?;
            let orgs = crate::ops::orgs::organisations(r)?;
            Ok((page, orgs))
        })
        .await?;
    let chosen_org = given(q.org.as_ref()).map(|o| o.to_ascii_uppercase());
    let chosen_class = given(q.class.as_ref())
        .and_then(|c| assets::class(&c).ok())
        .map(AssetClass::as_str);
    let chosen_status = given(q.status.as_ref())
        .and_then(|s| s.parse::<AssetStatus>().ok())
        .map(AssetStatus::as_str);
    let sort = given(q.sort.as_ref()).unwrap_or_else(|| "tag".into());
    let rows = page
        .assets
        .iter()
        .map(|a| {
            let f = &a.fields;
            AssetRow {
                href: asset_href(&a.organisation, &f.asset_tag),
                org: a.organisation.clone(),
                tag: f.asset_tag.clone(),
                class: f.class.as_str().replace('_', " "),
                model: [f.manufacturer.as_deref(), f.model.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                serial: f.serial.clone().unwrap_or_default(),
                site: f.site.clone().unwrap_or_default(),
                department: f.department.clone().unwrap_or_default(),
                user: f.assigned_user.clone().unwrap_or_default(),
                in_service: f.in_service_date.map(iso).unwrap_or_default(),
                cost: f.purchase_cost.map(|m| m.to_string()).unwrap_or_default(),
                status: f.status.as_str().replace('_', " "),
            }
        })
        .collect();
    let page = RegisterPage {
        layout: signed.layout("Register", "register"),
        q: q.q.clone().unwrap_or_default(),
        orgs: orgs
            .organisations
            .iter()
            .map(|o| Choice {
                value: o.code.clone(),
                label: format!("{} ({})", o.name, o.code),
                selected: chosen_org.as_deref() == Some(o.code.as_str()),
            })
            .collect(),
        classes: choices(AssetClass::ALL, AssetClass::as_str, chosen_class),
        statuses: choices(AssetStatus::ALL, AssetStatus::as_str, chosen_status),
        sorts: AssetOrder::ALL
            .iter()
            .map(|(_, word)| Choice {
                value: (*word).to_string(),
                label: match *word {
                    "tag" => "asset tag",
                    "in_service" => "in-service date",
                    "cost" => "purchase cost",
                    other => other,
                }
                .to_string(),
                selected: sort == *word,
            })
            .collect(),
        site: q.site.clone().unwrap_or_default(),
        department: q.department.clone().unwrap_or_default(),
        rows,
        next: page.next.as_deref().map(|n| q.link("/register", Some(n))),
        first: given(q.after.as_ref()).map(|_| q.link("/register", None)),
        csv: q.link("/register.csv", None),
    };
    Ok(render(&page))
}

/// `GET /register.csv`: every asset of the filtered view, as `estate list
/// --format csv` writes them (text neutralised against formulas).
pub async fn register_csv(
    State(state): State<AppState>,
    _signed: Signed,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let mut query = q.to_query(1000)?;
    let csv = state
        .run(move |r| {
            let mut all = Vec::new();
            loop {
                let page = assets::page(r, &query)?;
                all.extend(page.assets);
                match page.next {
                    Some(n) => query.after = Some(assets::cursor(&n)?),
                    None => break,
                }
            }
            crate::report::to_csv(&crate::views::asset_view(&all))
                .map_err(|e| Error::new(ErrorKind::Internal, e.to_string()))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"register.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}

// ------------------------------------------------------------------ asset

const EDIT_FIELDS: [(&str, &str, &str); 20] = [
    ("tag", "Asset tag", ""),
    ("serial", "Serial number", ""),
    ("manufacturer", "Manufacturer", ""),
    ("model", "Model", ""),
    ("site", "Site", "A site the organisation already has"),
    (
        "department",
        "Department",
        "A department the organisation already has",
    ),
    ("user", "Assigned user", ""),
    (
        "purchase_date",
        "In-service date",
        "For example 2021-04-01 or 01/04/2021",
    ),
    ("cost", "Purchase cost", "In pounds, for example 612.34"),
    ("supplier", "Supplier", ""),
    ("order_ref", "Order reference", ""),
    ("warranty_end", "Warranty end", "A date"),
    ("lease_end", "Lease end", "A date"),
    (
        "life",
        "Life in years",
        "Overrides the policy's life for its class (1 to 50)",
    ),
    ("notes", "Notes", ""),
    ("os", "Operating system", ""),
    ("os_version", "Operating system version", ""),
    ("firmware", "Firmware", ""),
    (
        "cpu",
        "Processor",
        "For example Intel Core i5-8350U (decides a Windows 11 upgrade)",
    ),
    ("support_end", "Last supported day", "A date"),
];

fn field_value(shown: &assets::Shown, name: &str) -> String {
    let f = &shown.asset.fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let date = |d: Option<time::Date>| d.map(iso).unwrap_or_default();
    match name {
        "tag" => f.asset_tag.clone(),
        "serial" => text(&f.serial),
        "manufacturer" => text(&f.manufacturer),
        "model" => text(&f.model),
        "site" => text(&f.site),
        "department" => text(&f.department),
        "user" => text(&f.assigned_user),
        "purchase_date" => date(f.in_service_date),
        "cost" => f
            .purchase_cost
            .map(crate::register::money_text)
            .unwrap_or_default(),
        "supplier" => text(&f.supplier),
        "order_ref" => text(&f.order_ref),
        "warranty_end" => date(f.warranty_end),
        "lease_end" => date(f.lease_end),
        "life" => f.life_years.map(|l| l.to_string()).unwrap_or_default(),
        "notes" => text(&f.notes),
        "os" => text(&f.os),
        "os_version" => text(&f.os_version),
        "firmware" => text(&f.firmware),
        "cpu" => text(&f.cpu),
        "support_end" => date(f.support_end),
        _ => String::new(),
    }
}

async fn asset_page(
    state: &AppState,
    signed: &Signed,
    org: String,
    tag: String,
    message: Option<(String, bool)>,
) -> Result<Response, PageError> {
    let (o, t) = (org.clone(), tag.clone());
    let shown = state
        .run(move |r| assets::show(r, Some(&o), &t))
        .await
        .map_err(|e| {
            if e.kind() == ErrorKind::NotFound {
                PageError::NotFound
            } else {
                e.into()
            }
        })?;
    let f = &shown.asset.fields;
    let refused = message.as_ref().is_some_and(|(_, r)| *r);
    let page = AssetPage {
        layout: signed.layout(
            format!("Asset {} ({})", f.asset_tag, shown.asset.organisation),
            "register",
        ),
        base: asset_href(&shown.asset.organisation, &f.asset_tag),
        record: Table::new("Every field", asset_record_view(&shown)),
        history: Table::new(
            "Changes, oldest first, with who made them",
            history_view(&shown.history, false),
        ),
        fields: EDIT_FIELDS
            .iter()
            .map(|(name, label, hint)| FormField {
                name,
                label,
                value: field_value(&shown, name),
                hint,
            })
            .collect(),
        statuses: choices(
            &AssetStatus::ALL
                .iter()
                .copied()
                .filter(|s| *s != AssetStatus::Disposed)
                .collect::<Vec<_>>(),
            AssetStatus::as_str,
            Some(f.status.as_str()),
        ),
        classes: choices(AssetClass::ALL, AssetClass::as_str, Some(f.class.as_str())),
        methods: choices(DisposalMethod::ALL, DisposalMethod::as_str, None),
        disposed: f.status == AssetStatus::Disposed,
        message: message.map(|(m, _)| m),
        refused,
        today: iso(state.today()),
    };
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /assets/{org}/{tag}`: every field, the history with who and when,
/// and (for editors) the edit and dispose forms.
pub async fn asset(
    State(state): State<AppState>,
    signed: Signed,
    Path((org, tag)): Path<(String, String)>,
) -> Result<Response, PageError> {
    asset_page(&state, &signed, org, tag, None).await
}

/// The edit form: every field as text (an empty one clears the field).
pub type EditForm = std::collections::BTreeMap<String, String>;

/// Reads the edit form into the update `estate update` would make: a field
/// whose text is unchanged is left alone; an emptied one is cleared.
fn update_from_form(
    org: &str,
    tag: &str,
    shown: &assets::Shown,
    form: &EditForm,
) -> Result<UpdateAsset, Error> {
    let mut update = UpdateAsset {
        organisation: Some(org.to_string()),
        key: tag.to_string(),
        ..UpdateAsset::default()
    };
    let changes: &mut AssetChanges = &mut update.fields;
    let invalid = |field: &str, e: String| Error::new(ErrorKind::Invalid, format!("{field}: {e}"));
    for (name, _, _) in EDIT_FIELDS {
        let Some(given) = form.get(name) else {
            continue;
        };
        let given = given.trim();
        if given == field_value(shown, name).trim() {
            continue;
        }
        if given.is_empty() {
            if name == "tag" {
                return Err(Error::new(
                    ErrorKind::Invalid,
                    "an asset tag cannot be blank",
                ));
            }
            update.clear.push(name.to_string());
            continue;
        }
        let date = || parse_date(given).map_err(|e| invalid(name, e.to_string()));
        match name {
            "tag" => update.tag = Some(given.to_string()),
            "serial" => changes.serial = Some(given.into()),
            "manufacturer" => changes.manufacturer = Some(given.into()),
            "model" => changes.model = Some(given.into()),
            "site" => changes.site = Some(given.into()),
            "department" => changes.department = Some(given.into()),
            "user" => changes.user = Some(given.into()),
            "purchase_date" => changes.purchase_date = Some(date()?),
            "cost" => {
                changes.cost =
                    Some(Money::parse_gbp(given).map_err(|e| invalid("cost", e.to_string()))?);
            }
            "supplier" => changes.supplier = Some(given.into()),
            "order_ref" => changes.order_ref = Some(given.into()),
            "warranty_end" => changes.warranty_end = Some(date()?),
            "lease_end" => changes.lease_end = Some(date()?),
            "life" => {
                changes.life = Some(given.parse().map_err(|_| {
                    invalid("life", format!("`{given}` is not a whole number of years"))
                })?);
            }
            "notes" => changes.notes = Some(given.into()),
            "os" => changes.os = Some(given.into()),
            "os_version" => changes.os_version = Some(given.into()),
            "firmware" => changes.firmware = Some(given.into()),
            "cpu" => changes.cpu = Some(given.into()),
            "support_end" => changes.support_end = Some(date()?),
            _ => {}
        }
    }
    if let Some(class) = form
        .get("class")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        let class = assets::class(class)?;
        if class != shown.asset.fields.class {
            update.class = Some(class);
        }
    }
    if let Some(status) = form
        .get("status")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        let status: AssetStatus = status.parse()?;
        if status != shown.asset.fields.status {
            changes.status = Some(status);
        }
    }
    Ok(update)
}

/// `POST /assets/{org}/{tag}/edit` (editors): the update, with the CLI's
/// validation and messages, audited under the person's name.
pub async fn asset_edit(
    State(state): State<AppState>,
    signed: Signed,
    Path((org, tag)): Path<(String, String)>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let actor = signed.actor();
    let today = state.today();
    let (o, t) = (org.clone(), tag.clone());
    let outcome = state
        .run(move |r| {
            let shown = assets::show(r, Some(&o), &t)?;
            let update = update_from_form(&o, &t, &shown, &form)?;
            let checks = Checks {
                today,
                slips: Slips::Refuse,
            };
            assets::update(r, &update, checks, &actor)
        })
        .await;
    match outcome {
        Ok(done) => {
            let message = crate::views::updated_message(&done);
            asset_page(
                &state,
                &signed,
                done.organisation.clone(),
                done.tag.clone(),
                Some((message, false)),
            )
            .await
        }
        Err(e) if is_refusal(&e) => {
            asset_page(
                &state,
                &signed,
                org,
                tag,
                Some((super::error::public_message(&e), true)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

fn is_refusal(e: &Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::Invalid | ErrorKind::Conflict | ErrorKind::Refused
    )
}

/// The dispose form.
#[derive(Deserialize)]
pub struct DisposeForm {
    /// resale, recycling, …
    #[serde(default)]
    pub method: String,
    /// The date it left.
    #[serde(default)]
    pub date: String,
    /// Certificate.
    #[serde(default)]
    pub certificate: String,
    /// Contractor.
    #[serde(default)]
    pub contractor: String,
    /// Proceeds.
    #[serde(default)]
    pub proceeds: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
}

fn disposal_from_form(form: &DisposeForm) -> Result<Disposal, Error> {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Disposal {
        date: parse_date(form.date.trim())
            .map_err(|e| Error::new(ErrorKind::Invalid, format!("date: {e}")))?,
        method: form.method.parse()?,
        certificate: opt(&form.certificate),
        contractor: opt(&form.contractor),
        proceeds: opt(&form.proceeds)
            .map(|p| Money::parse_gbp(&p))
            .transpose()
            .map_err(|e| Error::new(ErrorKind::Invalid, format!("proceeds: {e}")))?,
        notes: opt(&form.notes),
    })
}

/// `POST /assets/{org}/{tag}/dispose` (editors): records the disposal as
/// `estate dispose` does.
pub async fn asset_dispose(
    State(state): State<AppState>,
    signed: Signed,
    Path((org, tag)): Path<(String, String)>,
    Form(form): Form<DisposeForm>,
) -> Result<Response, PageError> {
    signed.require(Role::Editor)?;
    let actor = signed.actor();
    let today = state.today();
    let (o, t) = (org.clone(), tag.clone());
    let outcome = state
        .run(move |r| {
            let disposal = disposal_from_form(&form)?;
            let checks = Checks {
                today,
                slips: Slips::Refuse,
            };
            let done = assets::dispose(r, Some(&o), &t, &disposal, checks, &actor)?;
            Ok((done, disposal))
        })
        .await;
    match outcome {
        Ok(((org, tag), d)) => {
            let message = format!(
                "disposed of {tag} ({org}) on {} by {}{}",
                iso(d.date),
                d.method,
                d.certificate
                    .as_ref()
                    .map(|c| format!(", certificate {c}"))
                    .unwrap_or_default()
            );
            asset_page(&state, &signed, org, tag, Some((message, false))).await
        }
        Err(e) if is_refusal(&e) => {
            asset_page(
                &state,
                &signed,
                org,
                tag,
                Some((super::error::public_message(&e), true)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ users

async fn users_page(
    state: &AppState,
    signed: &Signed,
    message: Option<String>,
    secret: Option<String>,
    refused: bool,
) -> Result<Response, PageError> {
    let (users, mut history) = state
        .run(|r| Ok((accounts::list(r)?, accounts::history(r)?)))
        .await?;
    history.reverse();
    history.truncate(50);
    let page = UsersPage {
        layout: signed.layout("Users", "users"),
        users,
        history,
        message,
        secret,
        refused,
    };
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /users` (admins): the accounts.
pub async fn users(State(state): State<AppState>, signed: Signed) -> Result<Response, PageError> {
    signed.require(Role::Admin)?;
    users_page(&state, &signed, None, None, false).await
}

/// The add-account form.
#[derive(Deserialize)]
pub struct AddUserForm {
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The role.
    #[serde(default)]
    pub role: String,
}

/// `POST /users` (admins): adds an account with a one-time password,
/// shown once.
pub async fn user_add(
    State(state): State<AppState>,
    signed: Signed,
    Form(form): Form<AddUserForm>,
) -> Result<Response, PageError> {
    signed.require(Role::Admin)?;
    let actor = signed.actor();
    let outcome = state
        .run(move |r| {
            let role: Role = form.role.parse()?;
            accounts::add(r, form.name.trim(), role, None, &actor)
        })
        .await;
    match outcome {
        Ok(added) => {
            let message = format!("added {} ({})", added.user.name, added.user.role);
            users_page(
                &state,
                &signed,
                Some(message),
                added.one_time_password,
                false,
            )
            .await
        }
        Err(e) if is_refusal(&e) => {
            users_page(
                &state,
                &signed,
                Some(super::error::public_message(&e)),
                None,
                true,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /users/{name}/{reset|token|disable}` (admins).
pub async fn user_action(
    State(state): State<AppState>,
    signed: Signed,
    Path((name, action)): Path<(String, String)>,
) -> Result<Response, PageError> {
    signed.require(Role::Admin)?;
    let actor = signed.actor();
    let n = name.clone();
    let act = action.clone();
    let outcome = state
        .run(move |r| match act.as_str() {
            "reset" => accounts::reset(r, &n, &actor)
                .map(|p| (format!("{n} has a new one-time password"), Some(p))),
            "token" => accounts::new_token(r, &n, &actor)
                .map(|t| (format!("a new API token for {n}"), Some(t))),
            "disable" => accounts::disable(r, &n, &actor).map(|_| {
                (
                    format!("disabled {n}: their sessions and tokens have ended"),
                    None,
                )
            }),
            _ => Err(Error::new(ErrorKind::NotFound, "no such action")),
        })
        .await;
    match outcome {
        Ok((message, secret)) => users_page(&state, &signed, Some(message), secret, false).await,
        Err(e) if e.kind() == ErrorKind::NotFound => Err(PageError::NotFound),
        Err(e) if is_refusal(&e) => {
            users_page(
                &state,
                &signed,
                Some(super::error::public_message(&e)),
                None,
                true,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

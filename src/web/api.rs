//! The JSON API under `/api/v1/`, for other systems: the same use cases and
//! the same records as `--format json`, with a per-account API token
//! (`Authorization: Bearer TOKEN`, from `estate users token NAME`). The
//! `OpenAPI` document is generated from these handlers by utoipa and served
//! at `/api/v1/openapi.json`.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::OpenApi;

use crate::accounts::Role;
use crate::domain::{FinancialYear, Money, RunId, parse_date};
use crate::error::{Error, ErrorKind};
use crate::forecast::{Caps, Horizon, Request};
use crate::ops::assets::{self, Checks, UpdateAsset};
use crate::ops::forecast::Slips;

use super::AppState;
use super::auth::Bearer;
use super::error::ApiError;
use super::pages::RegisterQuery;

/// The API's routes (nested under `/api/v1`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/assets", get(list_assets))
        .route("/assets/{tag}", get(show_asset).patch(patch_asset))
        .route("/forecast", get(forecast))
        .route("/runs", get(list_runs))
        .route("/runs/{id}", get(show_run))
        .fallback(|| async { ApiError::NotFound })
}

/// The `OpenAPI` document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "estate",
        description = "The ICT asset register and its five-year capital programme. Every request \
                       needs `Authorization: Bearer TOKEN` (`estate users token NAME`)."
    ),
    paths(list_assets, show_asset, patch_asset, forecast, list_runs, show_run),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        openapi.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "token",
            Vec::<String>::new(),
        )]);
    }
}

/// `GET /api/v1/openapi.json` (no token needed: it holds no data).
pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// A page of assets and the cursor of the next.
#[utoipa::path(
    get,
    path = "/api/v1/assets",
    params(
        ("q" = Option<String>, Query, description = "text in the tag, serial, model or user"),
        ("org" = Option<String>, Query, description = "organisation code"),
        ("class" = Option<String>, Query, description = "class"),
        ("site" = Option<String>, Query, description = "site name"),
        ("department" = Option<String>, Query, description = "department name"),
        ("status" = Option<String>, Query, description = "in_use, in_store, retired, disposed, lost"),
        ("sort" = Option<String>, Query, description = "tag (default), in_service, model, class or cost"),
        ("after" = Option<String>, Query, description = "the `next` cursor of the page before"),
        ("limit" = Option<u32>, Query, description = "1 to 1000 (default 100)"),
    ),
    responses(
        (status = 200, description = "`{\"assets\": [...], \"next\": cursor or null}`: assets as `estate list --format json` gives them"),
        (status = 401, description = "no token or an unknown one"),
    )
)]
pub async fn list_assets(
    State(state): State<AppState>,
    _who: Bearer,
    Query(q): Query<RegisterQuery>,
) -> Result<Json<assets::Page>, ApiError> {
    let query = q.to_query(q.limit.unwrap_or(100))?;
    Ok(Json(state.run(move |r| assets::page(r, &query)).await?))
}

/// The query of one asset.
#[derive(Debug, Default, Deserialize)]
pub struct OrgQuery {
    /// The organisation (may be left out when the register holds one).
    #[serde(default)]
    pub org: Option<String>,
}

/// One asset (by tag or serial) with its disposal and history, as `estate
/// show --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/assets/{tag}",
    params(
        ("tag" = String, Path, description = "asset tag or serial"),
        ("org" = Option<String>, Query, description = "organisation code"),
    ),
    responses(
        (status = 200, description = "`{\"asset\", \"disposal\", \"history\"}`"),
        (status = 404, description = "no such asset"),
    )
)]
pub async fn show_asset(
    State(state): State<AppState>,
    _who: Bearer,
    Path(tag): Path<String>,
    Query(q): Query<OrgQuery>,
) -> Result<Json<assets::Shown>, ApiError> {
    Ok(Json(
        state
            .run(move |r| assets::show(r, q.org.as_deref(), &tag))
            .await?,
    ))
}

/// A change to an asset: each field given is set (`null` or `""` clears
/// it, as `--clear` does).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(
    missing_docs,
    reason = "each is the `estate update` flag of the same name"
)]
pub struct AssetPatch {
    pub tag: Option<String>,
    pub class: Option<String>,
    pub status: Option<String>,
    #[serde(default, with = "nullable")]
    pub serial: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub manufacturer: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub model: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub site: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub department: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub user: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub purchase_date: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub cost: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub supplier: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub order_ref: Option<Option<String>>,
    #[serde(default, with = "nullable")]
    pub notes: Option<Option<String>>,
}

mod nullable {
    use serde::{Deserialize, Deserializer};
    #[allow(clippy::option_option, reason = "as in `AssetPatch`")]
    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<String>>, D::Error> {
        Ok(Some(Option::<String>::deserialize(d)?))
    }
}

/// A text field of a patch: its name, what was given, where it goes.
#[allow(clippy::option_option, reason = "as in `AssetPatch`")]
type TextField<'a> = (&'static str, Option<Option<String>>, &'a mut Option<String>);

fn patch_to_update(org: Option<String>, key: String, p: AssetPatch) -> Result<UpdateAsset, Error> {
    let mut u = UpdateAsset {
        organisation: org,
        key,
        tag: p.tag,
        class: p.class.as_deref().map(assets::class).transpose()?,
        ..UpdateAsset::default()
    };
    u.fields.status = p.status.as_deref().map(str::parse).transpose()?;
    let text_fields: [TextField<'_>; 9] = [
        ("serial", p.serial, &mut u.fields.serial),
        ("manufacturer", p.manufacturer, &mut u.fields.manufacturer),
        ("model", p.model, &mut u.fields.model),
        ("site", p.site, &mut u.fields.site),
        ("department", p.department, &mut u.fields.department),
        ("user", p.user, &mut u.fields.user),
        ("supplier", p.supplier, &mut u.fields.supplier),
        ("order_ref", p.order_ref, &mut u.fields.order_ref),
        ("notes", p.notes, &mut u.fields.notes),
    ];
    for (name, given, slot) in text_fields {
        match given {
            Some(Some(v)) if !v.trim().is_empty() => *slot = Some(v),
            Some(_) => u.clear.push(name.to_string()),
            None => {}
        }
    }
    match p.purchase_date {
        Some(Some(d)) if !d.trim().is_empty() => {
            u.fields.purchase_date = Some(
                parse_date(&d)
                    .map_err(|e| Error::new(ErrorKind::Invalid, format!("purchase_date: {e}")))?,
            );
        }
        Some(_) => u.clear.push("purchase_date".into()),
        None => {}
    }
    match p.cost {
        Some(Some(c)) if !c.trim().is_empty() => {
            u.fields.cost = Some(
                Money::parse_gbp(&c)
                    .map_err(|e| Error::new(ErrorKind::Invalid, format!("cost: {e}")))?,
            );
        }
        Some(_) => u.clear.push("cost".into()),
        None => {}
    }
    Ok(u)
}

/// Changes an asset (editors and admins), as `estate update`; audited under
/// the token's account.
#[utoipa::path(
    patch,
    path = "/api/v1/assets/{tag}",
    params(
        ("tag" = String, Path, description = "asset tag or serial"),
        ("org" = Option<String>, Query, description = "organisation code"),
    ),
    request_body(content = Object, description = "fields to set: tag, class, status, serial, manufacturer, model, site, department, user, purchase_date, cost, supplier, order_ref, notes; null clears one"),
    responses(
        (status = 200, description = "`{\"organisation\", \"tag_before\", \"tag\", \"changes\"}`"),
        (status = 403, description = "a viewer's token"),
        (status = 422, description = "a value refused, with estate's message"),
    )
)]
pub async fn patch_asset(
    State(state): State<AppState>,
    who: Bearer,
    Path(tag): Path<String>,
    Query(q): Query<OrgQuery>,
    body: axum::body::Bytes,
) -> Result<Json<assets::Updated>, ApiError> {
    who.require(Role::Editor)?;
    let patch: AssetPatch =
        serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let update = patch_to_update(q.org, tag, patch)?;
    let actor = who.actor();
    let today = state.today();
    let done = state
        .run(move |r| {
            let checks = Checks {
                today,
                slips: Slips::Refuse,
            };
            assets::update(r, &update, checks, &actor)
        })
        .await?;
    Ok(Json(done))
}

/// The forecast's query.
#[derive(Debug, Default, Deserialize)]
pub struct ForecastQuery {
    /// The first year (default: the one containing today).
    #[serde(default)]
    pub from: Option<String>,
    /// How many years (default 5).
    #[serde(default)]
    pub years: Option<u32>,
    /// Only this organisation.
    #[serde(default)]
    pub org: Option<String>,
    /// A cap: one amount, or YEAR=AMOUNT pairs.
    #[serde(default)]
    pub cap: Option<String>,
    /// A shipped scenario.
    #[serde(default)]
    pub scenario: Option<String>,
    /// With every replacement.
    #[serde(default)]
    pub detail: Option<bool>,
}

/// The capital programme, as `estate forecast --format json` prints it.
#[utoipa::path(
    get,
    path = "/api/v1/forecast",
    params(
        ("from" = Option<String>, Query, description = "first financial year, e.g. 2026/27"),
        ("years" = Option<u32>, Query, description = "1 to 50 (default 5)"),
        ("org" = Option<String>, Query, description = "organisation code"),
        ("cap" = Option<String>, Query, description = "AMOUNT or YEAR=AMOUNT,…"),
        ("scenario" = Option<String>, Query, description = "a shipped scenario: base, capped-250k, extend-desktop-life, green-refresh"),
        ("detail" = Option<bool>, Query, description = "list every replacement"),
    ),
    responses((status = 200, description = "the same JSON as `estate forecast --format json`"))
)]
pub async fn forecast(
    State(state): State<AppState>,
    _who: Bearer,
    Query(q): Query<ForecastQuery>,
) -> Result<Json<crate::ops::forecast::ForecastRecord>, ApiError> {
    let today = state.today();
    let first = match q.from.as_deref() {
        Some(f) => f.parse::<FinancialYear>().map_err(Error::from)?,
        None => FinancialYear::containing(today),
    };
    let horizon = Horizon::new(first, q.years.unwrap_or(5)).map_err(Error::from)?;
    let scenario = match q.scenario.as_deref() {
        // Only shipped scenarios: a request names no file on the server.
        Some(name) if name.contains(['/', '\\', '.']) => {
            return Err(ApiError::BadRequest(format!(
                "`{name}` is not a shipped scenario"
            )));
        }
        Some(name) => Some(crate::ops::forecast::scenario(name, today, Slips::Refuse)?),
        None => None,
    };
    let caps = q
        .cap
        .as_deref()
        .map(str::parse::<Caps>)
        .transpose()
        .map_err(|e| Error::new(ErrorKind::Invalid, e.to_string()))?;
    let record = state
        .run(move |r| {
            let organisation = crate::ops::forecast::organisation(r, q.org.as_deref())?;
            let request = Request {
                horizon,
                scenario,
                caps,
                organisation,
                detail: q.detail.unwrap_or(false),
            };
            let f = crate::ops::forecast::forecast(r, &request, None)?;
            Ok(crate::ops::forecast::record(f, &request, today))
        })
        .await?;
    Ok(Json(record))
}

/// The saved runs, newest first, as `estate runs --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/runs",
    responses((status = 200, description = "the saved runs, newest first"))
)]
pub async fn list_runs(
    State(state): State<AppState>,
    _who: Bearer,
) -> Result<Json<Vec<crate::forecast::runs::RunSummary>>, ApiError> {
    Ok(Json(state.run(|r| crate::ops::runs::list(r)).await?))
}

/// One saved run exactly as it was saved, as `estate runs show ID --format json`.
#[utoipa::path(
    get,
    path = "/api/v1/runs/{id}",
    params(("id" = i64, Path, description = "the run's number")),
    responses(
        (status = 200, description = "the run as saved"),
        (status = 404, description = "no such run"),
    )
)]
pub async fn show_run(
    State(state): State<AppState>,
    _who: Bearer,
    Path(id): Path<String>,
) -> Result<Json<crate::forecast::runs::SavedRun>, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        state
            .run(move |r| crate::ops::runs::show(r, RunId(id), false))
            .await?,
    ))
}

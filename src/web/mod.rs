//! `estate serve`: the register and the programme in a browser, and a JSON
//! API, for many people at once. axum on tokio; pages are askama templates
//! (`templates/`, checked when estate compiles) rendered on the server and
//! work without scripts.
//!
//! Handlers call the use cases in [`crate::ops`] (never `cli`), through a
//! [`Register`] taken from a small pool inside `spawn_blocking`
//! ([`State::run`]); no SQL is written here. Accounts, sessions, CSRF and
//! roles are in `auth.rs`; errors become plain pages or JSON in
//! `error.rs`; `pages.rs` and `api.rs` hold the handlers.
//!
//! To add a page: write a handler taking [`auth::Signed`] (the signed-in
//! person, their CSRF token and role check), run its register work with
//! [`State::run`], render a template whose struct holds a [`templates::Layout`]
//! (from [`auth::Signed::layout`]), and add its route in [`more::routes`]. Every
//! POST outside `/api/` and `/login` has its CSRF token checked before the
//! handler runs, and is refused to viewers unless listed in
//! `auth::VIEWER_POSTS`. A template `{% extends "base.html" %}` and fills
//! `{% block content %}`; a table is `{% import "macros.html" as m %}` and
//! `{% call m::table(t) %}` with a [`templates::Table`] (a `report::View`
//! and its caption). A form carries `<input type="hidden" name="csrf"
//! value="{{ layout.csrf }}">` (in a multipart upload too); the API takes no
//! CSRF token, only [`auth::Bearer`]. The largest body is
//! [`Config::body_limit`].

pub mod api;
pub mod auth;
pub mod downloads;
pub mod error;
pub mod import;
pub mod more;
pub mod pages;
pub mod plan;
pub mod reference;
pub mod templates;
pub mod uploads;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::{get, post};
use time::Date;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::accounts::Limits;
use crate::error::{Error, ErrorKind, Result};
use crate::ops::Register;

/// How the server is run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The register file.
    pub db: PathBuf,
    /// How long a write waits for another writer.
    pub busy_timeout: Duration,
    /// Session lifetimes and the sign-in rate limit.
    pub limits: Limits,
    /// Mark cookies `Secure` (served over TLS, directly or by a proxy).
    pub behind_tls: bool,
    /// Trust `X-Forwarded-For` and `X-Forwarded-Proto` from the proxy in
    /// front (only when one is, and only it can reach estate).
    pub trust_proxy: bool,
    /// The largest request body accepted, in bytes (uploads).
    pub body_limit: usize,
    /// Today, when pinned (`ESTATE_TODAY`); else the local date.
    pub today: Option<Date>,
}

impl Config {
    /// A configuration for the register at `db` with the defaults: 8 hours
    /// idle and 12 hours at most per session, 5 failed sign-ins in 15
    /// minutes, 50 MB bodies, no TLS.
    pub fn new(db: impl Into<PathBuf>) -> Self {
        Config {
            db: db.into(),
            busy_timeout: crate::db::BUSY_TIMEOUT,
            limits: Limits::default(),
            behind_tls: false,
            trust_proxy: false,
            body_limit: DEFAULT_BODY_LIMIT,
            today: None,
        }
    }
}

/// The default largest request body: 50 MB.
pub const DEFAULT_BODY_LIMIT: usize = 50 * 1024 * 1024;

/// What every handler shares: the configuration and a pool of open
/// registers.
pub struct State {
    /// How the server is run.
    pub config: Config,
    idle: Mutex<Vec<Register>>,
    /// Uploaded files waiting for their import to be confirmed.
    pub uploads: uploads::Uploads,
    /// A connection that never writes, to read the register's version.
    watcher: Mutex<Register>,
    dashboard: Mutex<Option<(i64, Date, Arc<pages::Dashboard>)>>,
}

/// The shared state as handlers receive it.
pub type AppState = Arc<State>;

/// Registers kept open between requests.
const POOL: usize = 8;

impl State {
    /// Opens the register once (running pending migrations, so the
    /// accounts tables are there) and keeps it for the first request.
    ///
    /// # Errors
    /// The register cannot be opened.
    pub fn new(config: Config) -> Result<AppState> {
        let first = Register::open(&config.db, config.busy_timeout)?;
        let watcher = Register::open(&config.db, config.busy_timeout)?;
        Ok(Arc::new(State {
            config,
            idle: Mutex::new(vec![first]),
            uploads: uploads::Uploads::new()?,
            watcher: Mutex::new(watcher),
            dashboard: Mutex::new(None),
        }))
    }

    /// The register's version: it changes whenever anyone (a request, the
    /// command line) commits a change, so what was worked out from an
    /// equal version still holds.
    ///
    /// # Errors
    /// The register cannot be read.
    pub async fn version(self: &Arc<Self>) -> Result<i64> {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let watcher = state
                .watcher
                .lock()
                .map_err(|_| Error::new(ErrorKind::Internal, "the version watcher failed"))?;
            Ok(crate::register::store::data_version(watcher.reader())?)
        })
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("a request's task failed: {e}")))?
    }

    fn cached_dashboard(&self, version: i64, today: Date) -> Option<Arc<pages::Dashboard>> {
        let cache = self.dashboard.lock().ok()?;
        match cache.as_ref() {
            Some((v, d, data)) if *v == version && *d == today => Some(Arc::clone(data)),
            _ => None,
        }
    }

    fn keep_dashboard(
        &self,
        version: i64,
        today: Date,
        data: pages::Dashboard,
    ) -> Arc<pages::Dashboard> {
        let data = Arc::new(data);
        if let Ok(mut cache) = self.dashboard.lock() {
            *cache = Some((version, today, Arc::clone(&data)));
        }
        data
    }

    /// Today's date (pinned or local).
    pub fn today(&self) -> Date {
        self.config.today.unwrap_or_else(|| {
            time::OffsetDateTime::now_local()
                .unwrap_or_else(|_| time::OffsetDateTime::now_utc())
                .date()
        })
    }

    fn take(&self) -> Result<Register> {
        let pooled = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        match pooled {
            Some(r) => Ok(r),
            None => Register::open(&self.config.db, self.config.busy_timeout),
        }
    }

    fn give_back(&self, register: Register) {
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < POOL {
                idle.push(register);
            }
        }
    }

    /// Runs `f` with a register from the pool on tokio's blocking threads
    /// (`SQLite` work is synchronous), and gives the register back.
    ///
    /// # Errors
    /// Whatever `f` returns, or the register cannot be opened.
    pub async fn run<T, F>(self: &Arc<Self>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Register) -> Result<T> + Send + 'static,
    {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut register = state.take()?;
            let out = f(&mut register);
            state.give_back(register);
            out
        })
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("a request's task failed: {e}")))?
    }
}

/// The Content-Security-Policy of every response: nothing inline, nothing
/// from elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// Every route of the server, with its layers: security headers on every
/// response, gzip, the body limit.
pub fn router(state: AppState) -> Router {
    let body_limit = state.config.body_limit;
    let pages = Router::new()
        .route("/", get(pages::dashboard))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route(
            "/account/password",
            get(pages::password_form).post(pages::password),
        )
        .route("/register", get(pages::register))
        .route("/register.csv", get(pages::register_csv))
        .route("/assets/{org}/{tag}", get(pages::asset))
        .route("/assets/{org}/{tag}/edit", post(pages::asset_edit))
        .route("/assets/{org}/{tag}/dispose", post(pages::asset_dispose))
        .route("/users", get(pages::users).post(pages::user_add))
        .route("/users/{name}/{action}", post(pages::user_action))
        .route("/chart/programme.svg", get(pages::programme_chart))
        .route("/static/{file}", get(pages::static_file))
        .merge(more::routes())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ));
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    Router::new()
        .merge(pages)
        .nest("/api/v1", api::router())
        .fallback(pages::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(CompressionLayer::new())
        .layer(header(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Serves `router(state)` on `listener` until `shutdown` completes, then
/// finishes the requests in flight.
///
/// # Errors
/// The listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

//! Pages added beside the foundation (import, forecast, policy, lines,
//! licences, power, reports): their routes, merged into the page router
//! by [`super::router`] so that they pass the same CSRF and role guard.

use axum::Router;
use axum::routing::{get, post};

use super::AppState;
use super::{downloads, import, plan, reference};

/// The routes of the further pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import", get(import::page).post(import::upload))
        .route("/import/{id}/confirm", post(import::confirm))
        .route("/import/{id}/cancel", post(import::cancel))
        .route("/imports/{batch}/undo", post(import::undo))
        .route("/forecast", get(plan::page))
        .route("/forecast/save", post(plan::save))
        .route("/runs", get(plan::runs))
        .route("/runs/approve", post(plan::approve))
        .route("/reports", get(downloads::page))
        .route("/reports/{name}", get(downloads::download))
        .route(
            "/policy",
            get(reference::policy).post(reference::policy_set),
        )
        .route("/lines", get(reference::lines))
        .route("/licences", get(reference::licences))
        .route("/power", get(reference::power))
}

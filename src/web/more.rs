//! Pages added beside the foundation (import, forecast, policy, lines,
//! licences, power, reports): their routes, merged into the page router
//! by [`super::router`] so that they pass the same CSRF and role guard.

use axum::Router;

use super::AppState;

/// The routes of the further pages.
pub fn routes() -> Router<AppState> {
    Router::new()
}

//! What a request that fails gets: a plain page (or, under `/api/`, a JSON
//! object) with the right status and estate's message, never a stack trace
//! or SQL. A failure of estate itself (a database or internal error) says
//! only that something went wrong; its detail is kept out of the response.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::{Error, ErrorKind};

use super::templates::{ErrorPage, render};

/// The HTTP status of an error kind.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Refused => StatusCode::BAD_REQUEST,
        ErrorKind::Busy | ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Io | ErrorKind::Damaged | ErrorKind::Database | ErrorKind::Internal => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The message a person may see for `err`: estate's own for what they can
/// fix, a plain sentence for a failure of estate or its database.
pub fn public_message(err: &Error) -> String {
    match err.kind() {
        ErrorKind::Io | ErrorKind::Damaged | ErrorKind::Database | ErrorKind::Internal => {
            "estate could not do that because of a fault on the server; the person who runs \
             estate can see the register with `estate check`"
                .to_string()
        }
        _ => {
            let text = format!("{err:#}");
            match err.help() {
                Some(help) => format!("{text} (help: {help})"),
                None => text,
            }
        }
    }
}

/// Why a page request failed.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in (or the session expired): to the sign-in page, then back.
    SignIn {
        /// Where to come back to.
        next: String,
    },
    /// A one-time password must be changed first.
    ChangePassword,
    /// Signed in, but the role does not allow it (or a CSRF token is missing
    /// or wrong).
    Forbidden(String),
    /// No such page or record.
    NotFound,
    /// A request that makes no sense (a bad form).
    BadRequest(String),
    /// estate refused or failed.
    Estate(Error),
}

impl From<Error> for PageError {
    fn from(e: Error) -> Self {
        PageError::Estate(e)
    }
}

impl PageError {
    fn page(status: StatusCode, title: &str, message: String) -> Response {
        let body = render(&ErrorPage {
            title: title.to_string(),
            message,
        });
        (status, body).into_response()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn { next } => {
                let to = format!("/login?next={}", super::templates::url_encode(&next));
                Redirect::to(&to).into_response()
            }
            PageError::ChangePassword => Redirect::to("/account/password").into_response(),
            PageError::Forbidden(message) => {
                PageError::page(StatusCode::FORBIDDEN, "Not allowed", message)
            }
            PageError::NotFound => PageError::page(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is no such page or record.".into(),
            ),
            PageError::BadRequest(message) => {
                PageError::page(StatusCode::BAD_REQUEST, "Not understood", message)
            }
            PageError::Estate(err) => {
                let status = status_of(err.kind());
                let title = if status.is_server_error() {
                    "Something went wrong"
                } else {
                    "Not done"
                };
                let mut response = PageError::page(status, title, public_message(&err));
                if err.kind() == ErrorKind::Busy {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
                }
                response
            }
        }
    }
}

/// Why an API request failed: a JSON object `{"error": …, "kind": …}`.
#[derive(Debug)]
pub enum ApiError {
    /// No token, or one that is unknown or of a disabled account.
    Unauthorized,
    /// The token's role does not allow it.
    Forbidden,
    /// No such record.
    NotFound,
    /// A request that makes no sense.
    BadRequest(String),
    /// estate refused or failed.
    Estate(Error),
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError::Estate(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, kind, message) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "give an API token: Authorization: Bearer TOKEN (`estate users token NAME`)"
                    .to_string(),
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "this account's role does not allow that".to_string(),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "no such record".to_string(),
            ),
            ApiError::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad_request", m),
            ApiError::Estate(err) => (
                status_of(err.kind()),
                kind_word(err.kind()),
                public_message(&err),
            ),
        };
        let mut response = (
            status,
            Json(serde_json::json!({ "error": message, "kind": kind })),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"estate\""),
            );
        }
        response
    }
}

fn kind_word(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NotFound => "not_found",
        ErrorKind::Invalid => "invalid",
        ErrorKind::Conflict => "conflict",
        ErrorKind::Refused => "refused",
        ErrorKind::Io => "io",
        ErrorKind::Busy => "busy",
        ErrorKind::Unavailable => "unavailable",
        ErrorKind::Damaged => "damaged",
        ErrorKind::Database => "database",
        ErrorKind::Internal => "internal",
    }
}

//! Who is asking, and whether they may: the session cookie and its
//! [`Signed`] extractor, the CSRF check on every form POST
//! ([`csrf_guard`]), roles, API tokens ([`Bearer`]), and the client's
//! address for the sign-in rate limit.
//!
//! Sessions live in the register (`ops::accounts`); the cookie holds a
//! 256-bit random id, `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when
//! served over TLS. Each session has its own CSRF token, which every form
//! carries as the hidden field `csrf` (or a request the header
//! `X-CSRF-Token`); a POST without it, or with another, is refused (403)
//! before its handler runs.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::accounts::{Role, User, same_secret};
use crate::ops::accounts::{self, Session};
use crate::register::Actor;

use super::AppState;
use super::error::{ApiError, PageError};
use super::templates::Layout;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "estate_session";
/// The sign-in form's own CSRF cookie (before there is a session).
pub const LOGIN_COOKIE: &str = "estate_login";

/// POSTs a viewer may make (everything else a viewer POSTs is refused).
pub const VIEWER_POSTS: [&str; 2] = ["/logout", "/account/password"];

/// Now, in Unix seconds.
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The value of cookie `name` in `headers`.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// True when the request reached estate over TLS: `--behind-tls`, or
/// `X-Forwarded-Proto: https` from a trusted proxy.
pub fn over_tls(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.behind_tls
        || (state.config.trust_proxy
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Strict`, `Path=/`, `Secure` over
/// TLS; `max_age` 0 removes it.
pub fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> String {
    let mut c = format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/");
    if let Some(age) = max_age {
        use std::fmt::Write;
        let _ = write!(c, "; Max-Age={age}");
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The client's address: the peer, or the last `X-Forwarded-For` entry
/// when a trusted proxy is in front.
pub fn client_address(
    state: &AppState,
    parts_headers: &HeaderMap,
    peer: Option<SocketAddr>,
) -> String {
    if state.config.trust_proxy {
        if let Some(forwarded) = parts_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            return forwarded.to_string();
        }
    }
    peer.map_or_else(|| "unknown".to_string(), |p| p.ip().to_string())
}

/// A signed-in person on a page request: their session (account, role and
/// CSRF token). Without a live session the request is sent to the sign-in
/// page and back; with a one-time password, to change it first.
#[derive(Debug, Clone)]
pub struct Signed {
    /// The session.
    pub session: Session,
    /// The method and path asked for (for the audit trail).
    pub request: String,
}

impl Signed {
    /// The account.
    pub fn user(&self) -> &User {
        &self.session.user
    }

    /// The CSRF token every form of this session carries as `csrf`.
    pub fn csrf(&self) -> &str {
        &self.session.csrf_token
    }

    /// Refuses (403) unless the account's role allows what `needed` may.
    ///
    /// # Errors
    /// As said.
    pub fn require(&self, needed: Role) -> Result<(), PageError> {
        if self.user().role.allows(needed) {
            Ok(())
        } else {
            Err(PageError::Forbidden(format!(
                "Your account ({}) is a {}; this needs an {}.",
                self.user().name,
                self.user().role,
                needed
            )))
        }
    }

    /// Who the audit trail names for a change made by this request.
    pub fn actor(&self) -> Actor {
        Actor::command(format!("estate serve: {}", self.request)).by(self.user().name.clone())
    }

    /// The layout of a page titled `title` with `nav` the current section.
    pub fn layout(&self, title: impl Into<String>, nav: &'static str) -> Layout {
        Layout {
            title: title.into(),
            nav,
            user: Some(self.user().clone()),
            csrf: self.csrf().to_string(),
        }
    }
}

/// The live session of a request's cookie, if any.
async fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, PageError> {
    let Some(id) = cookie(headers, SESSION_COOKIE).map(str::to_string) else {
        return Ok(None);
    };
    if id.len() != 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let limits = state.config.limits;
    Ok(state
        .run(move |r| accounts::session(r, &id, now(), limits))
        .await?)
}

fn path_and_query(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".to_string(), ToString::to_string)
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let session = match parts.extensions.get::<Session>() {
            Some(s) => Some(s.clone()),
            None => session_of(state, &parts.headers).await?,
        };
        let Some(session) = session else {
            let next = if parts.method == Method::GET {
                path_and_query(parts)
            } else {
                "/".to_string()
            };
            return Err(PageError::SignIn { next });
        };
        if session.user.one_time
            && parts.uri.path() != "/account/password"
            && parts.uri.path() != "/logout"
        {
            return Err(PageError::ChangePassword);
        }
        Ok(Signed {
            session,
            request: format!("{} {}", parts.method, parts.uri.path()),
        })
    }
}

/// Checks every state-changing page request before its handler: a live
/// session (else to the sign-in page), its CSRF token (else 403) and, for
/// a viewer, that the POST is one a viewer may make (else 403). The
/// session found is handed to the handler's [`Signed`].
pub async fn csrf_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path().to_string();
    if safe || path == "/login" {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let session = match session_of(&state, &parts.headers).await {
        Ok(Some(s)) => s,
        Ok(None) => return PageError::SignIn { next: "/".into() }.into_response(),
        Err(e) => return e.into_response(),
    };
    let limit = state.config.body_limit;
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "the request is larger than this server accepts",
        )
            .into_response();
    };
    let given = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| csrf_in_body(&parts.headers, &bytes));
    if !given.is_some_and(|t| same_secret(&t, &session.csrf_token)) {
        return PageError::Forbidden(
            "This form has expired or did not come from estate (its security token is missing \
             or wrong). Go back, reload the page and try again."
                .into(),
        )
        .into_response();
    }
    if session.user.role == Role::Viewer && !VIEWER_POSTS.contains(&path.as_str()) {
        return PageError::Forbidden(format!(
            "Your account ({}) is a viewer: it can read and download, not change anything.",
            session.user.name
        ))
        .into_response();
    }
    parts.extensions.insert(session);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// The `csrf` field of a form body: URL-encoded, or a multipart part named
/// `csrf`.
fn csrf_in_body(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded_field(body, "csrf");
    }
    if content_type.starts_with("multipart/form-data") {
        // The part `Content-Disposition: form-data; name="csrf"`, its value
        // after the blank line, up to the next CRLF.
        let marker = b"name=\"csrf\"";
        let at = body.windows(marker.len()).position(|w| w == marker)?;
        let rest = &body[at..];
        let start = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
        let value = &rest[start..];
        let end = value.windows(2).position(|w| w == b"\r\n")?;
        return std::str::from_utf8(&value[..end]).ok().map(str::to_string);
    }
    None
}

/// The first value of `name` in a URL-encoded form.
pub fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded_pairs(body);
    pairs.into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
}

fn serde_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((decode(k)?, decode(v)?))
        })
        .collect()
}

fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The account of an API request's `Authorization: Bearer TOKEN`; without
/// one (or with an unknown token, or a disabled account's) the request is
/// refused with 401.
#[derive(Debug, Clone)]
pub struct Bearer {
    /// The account.
    pub user: User,
    /// The method and path asked for (for the audit trail).
    pub request: String,
}

impl Bearer {
    /// Refuses (403) unless the account's role allows what `needed` may.
    ///
    /// # Errors
    /// As said.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.user.role.allows(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Who the audit trail names for a change made by this request.
    pub fn actor(&self) -> Actor {
        Actor::command(format!("estate serve: {}", self.request)).by(self.user.name.clone())
    }
}

impl FromRequestParts<AppState> for Bearer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or(ApiError::Unauthorized)?;
        let user = state
            .run(move |r| accounts::token_user(r, &token))
            .await?
            .ok_or(ApiError::Unauthorized)?;
        Ok(Bearer {
            user,
            request: format!("{} {}", parts.method, parts.uri.path()),
        })
    }
}

/// The peer address, when the server was started with connect info.
pub fn peer(parts_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

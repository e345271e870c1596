//! The pages' templates (askama, from `templates/`, checked when estate
//! compiles; every value is HTML-escaped unless a template says otherwise,
//! and none does) and what they are given.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::accounts::User;
use crate::report::View;

/// What every page's layout needs: its title, the section the navigation
/// marks as current, the signed-in person and their CSRF token (for the
/// sign-out form and every other form).
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// The page's title (`<title>` and `<h1>`).
    pub title: String,
    /// The current section: dashboard, register, users, … ("" for none).
    pub nav: &'static str,
    /// The signed-in person (none on the sign-in page).
    pub user: Option<User>,
    /// The session's CSRF token.
    pub csrf: String,
}

impl Layout {
    /// True when the signed-in person may edit (editor or admin).
    pub fn can_edit(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role.allows(crate::accounts::Role::Editor))
    }

    /// True when the signed-in person is an admin.
    pub fn is_admin(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role.allows(crate::accounts::Role::Admin))
    }

    /// `aria-current="page"` for the current section's link.
    pub fn current(&self, section: &str) -> &'static str {
        if self.nav == section { "page" } else { "false" }
    }
}

/// A table with its caption, for `{% call m::table(t) %}`: a `View` with
/// the column headings scoped and each row's first cell a row heading.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// The caption.
    pub caption: String,
    /// Headings and rows.
    pub view: View,
}

impl Table {
    /// A table of `view` captioned `caption`.
    pub fn new(caption: impl Into<String>, view: View) -> Self {
        Table {
            caption: caption.into(),
            view,
        }
    }
}

/// Renders `template` as an HTML response (500 with a plain page if it
/// fails, which a compiled template does not).
pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => Html(body).into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "estate could not draw this page",
        )
            .into_response(),
    }
}

/// Percent-encodes `text` for a URL's path segment or query value.
pub fn url_encode(text: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Its title.
    pub title: String,
    /// What went wrong, in words.
    pub message: String,
}

/// The sign-in page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    /// The layout (no one signed in).
    pub layout: Layout,
    /// Where to go after signing in.
    pub next: String,
    /// The name typed, kept after a refusal.
    pub name: String,
    /// Why the last try was refused.
    pub error: Option<String>,
}

/// The page to set one's own password.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    /// The layout.
    pub layout: Layout,
    /// Why the last try was refused.
    pub error: Option<String>,
}

/// A figure on the dashboard.
#[derive(Debug, Clone)]
pub struct Figure {
    /// What it is.
    pub label: String,
    /// Its value, in words or money.
    pub value: String,
}

/// The dashboard.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    /// The layout.
    pub layout: Layout,
    /// What the forecast covers, in words.
    pub heading: String,
    /// The programme by line and year.
    pub programme: Table,
    /// The chart's description (its text alternative is the table).
    pub chart_alt: String,
    /// Backlog, unfunded, out of scope.
    pub figures: Vec<Figure>,
    /// Lines needing approval.
    pub approvals: Table,
    /// The notes the command line prints under the table.
    pub notes: Vec<String>,
    /// The saved runs, newest first (a few).
    pub runs: Table,
    /// The newest saved run against the approved programme, when it is not
    /// the approved one.
    pub changed: Option<Table>,
    /// The running costs (revenue) per year.
    pub running: Table,
}

/// A choice in a filter's list.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// The words shown.
    pub label: String,
    /// True when chosen.
    pub selected: bool,
}

/// A row of the register page.
#[derive(Debug, Clone)]
pub struct AssetRow {
    /// The link to the asset's page.
    pub href: String,
    /// Organisation code.
    pub org: String,
    /// Tag.
    pub tag: String,
    /// Class.
    pub class: String,
    /// Manufacturer and model.
    pub model: String,
    /// Serial.
    pub serial: String,
    /// Site.
    pub site: String,
    /// Department.
    pub department: String,
    /// Assigned user.
    pub user: String,
    /// In service (ISO date).
    pub in_service: String,
    /// Cost.
    pub cost: String,
    /// Status (words).
    pub status: String,
}

/// The register page.
#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    /// The layout.
    pub layout: Layout,
    /// The search text.
    pub q: String,
    /// Organisation choices.
    pub orgs: Vec<Choice>,
    /// Class choices.
    pub classes: Vec<Choice>,
    /// Status choices.
    pub statuses: Vec<Choice>,
    /// Order choices.
    pub sorts: Vec<Choice>,
    /// The site filter typed.
    pub site: String,
    /// The department filter typed.
    pub department: String,
    /// The page's assets.
    pub rows: Vec<AssetRow>,
    /// The link to the next page.
    pub next: Option<String>,
    /// The link to the first page, when this is not it.
    pub first: Option<String>,
    /// The link to the CSV of the whole filtered view.
    pub csv: String,
}

/// A field of the edit form.
#[derive(Debug, Clone)]
pub struct FormField {
    /// The form name (and id).
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// The current value.
    pub value: String,
    /// A hint shown under the label.
    pub hint: &'static str,
}

/// An asset's page.
#[derive(Template)]
#[template(path = "asset.html")]
pub struct AssetPage {
    /// The layout.
    pub layout: Layout,
    /// The form actions' base (`/assets/ORG/TAG`).
    pub base: String,
    /// Every field.
    pub record: Table,
    /// Its history.
    pub history: Table,
    /// The edit form's fields.
    pub fields: Vec<FormField>,
    /// Status choices for the edit form.
    pub statuses: Vec<Choice>,
    /// Class choices for the edit form.
    pub classes: Vec<Choice>,
    /// Disposal method choices.
    pub methods: Vec<Choice>,
    /// True when already disposed of.
    pub disposed: bool,
    /// What the last change did (after a POST), or why it was refused.
    pub message: Option<String>,
    /// True when `message` is a refusal.
    pub refused: bool,
    /// Today (the disposal date's default).
    pub today: String,
}

/// The accounts page (admins).
#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    /// The layout.
    pub layout: Layout,
    /// The accounts.
    pub users: Vec<User>,
    /// The latest changes to accounts, newest first.
    pub history: Vec<crate::accounts::store::UserAuditEntry>,
    /// What the last action did: one-time password or token shown once.
    pub message: Option<String>,
    /// A secret shown once (one-time password or token).
    pub secret: Option<String>,
    /// True when `message` is a refusal.
    pub refused: bool,
}

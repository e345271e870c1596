//! The reports page: the Cabinet report of the current programme (the
//! next five years as the register stands) or of a saved run, as a
//! workbook, HTML page, Word document or CSV, generated in memory by
//! `ops::report` when asked. Only the names estate lists are served
//! (`programme.xlsx`, `run-3.docx`, …); anything else, a path included, is
//! 404: no name from the request reaches the file system.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::auth::Signed;
use super::error::PageError;
use super::templates::{Layout, render};
use crate::domain::{FinancialYear, RunId};
use crate::forecast::Horizon;
use crate::forecast::programme::Dimension;
use crate::ops;
use crate::ops::report::{ReportOf, ReportRequest};
use crate::report::Document;

/// The formats offered: extension, document, media type, in words.
const FORMATS: [(&str, Document, &str, &str); 4] = [
    (
        "xlsx",
        Document::Xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel workbook",
    ),
    (
        "html",
        Document::Html,
        "text/html; charset=utf-8",
        "web page",
    ),
    (
        "docx",
        Document::Docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word document",
    ),
    ("csv", Document::Csv, "text/csv; charset=utf-8", "CSV table"),
];

/// A report that can be downloaded.
#[derive(Debug, Clone)]
pub struct Offered {
    /// What it is of, in words.
    pub what: String,
    /// `(file name, format in words)` for each format.
    pub files: Vec<(String, String)>,
}

/// The reports page.
#[derive(Template)]
#[template(path = "reports.html")]
pub struct ReportsPage {
    /// The layout.
    pub layout: Layout,
    /// The current programme, then each saved run, newest first.
    pub offered: Vec<Offered>,
}

fn files(stem: &str) -> Vec<(String, String)> {
    FORMATS
        .iter()
        .map(|(ext, _, _, words)| (format!("{stem}.{ext}"), (*words).to_string()))
        .collect()
}

/// `GET /reports`.
pub async fn page(State(state): State<AppState>, signed: Signed) -> Result<Response, PageError> {
    let runs = state.run(|r| ops::runs::list(r)).await?;
    let first = FinancialYear::containing(state.today());
    let mut offered = vec![Offered {
        what: format!(
            "The current programme, {first} to {}, as the register stands now",
            first.offset(4)
        ),
        files: files("programme"),
    }];
    for r in runs.iter().rev() {
        offered.push(Offered {
            what: format!("Saved run {}: {} (saved {})", r.id, r.name, r.created_at),
            files: files(&format!("run-{}", r.id)),
        });
    }
    let page = ReportsPage {
        layout: signed.layout("Reports", "reports"),
        offered,
    };
    Ok(render(&page))
}

/// What a download name asks for: a saved run or the current programme,
/// and the format; `None` for any name estate does not offer.
fn parse(name: &str) -> Option<(Option<RunId>, usize)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let format = FORMATS.iter().position(|(e, ..)| *e == ext)?;
    if stem == "programme" {
        return Some((None, format));
    }
    let id = stem.strip_prefix("run-")?;
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((Some(RunId(id.parse().ok()?)), format))
}

/// `GET /reports/{name}`: the report, generated now.
pub async fn download(
    State(state): State<AppState>,
    _signed: Signed,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let Some((run, format)) = parse(&name) else {
        return Err(PageError::NotFound);
    };
    let (_, document, media, _) = FORMATS[format];
    let today = state.today();
    let bytes = state
        .run(move |r| {
            let first = FinancialYear::containing(today);
            let mut request = ReportRequest::forecast(Horizon::new(first, 5)?, today);
            if let Some(id) = run {
                request.of = ReportOf::SavedRun(id);
            }
            request.detail = document.needs_detail();
            let report = ops::report::cabinet(r, &request)?;
            ops::report::render(&report, document, Dimension::Line)
        })
        .await?;
    let mut response = (
        [(header::CONTENT_TYPE, HeaderValue::from_static(media))],
        bytes,
    )
        .into_response();
    // The name is one estate made (checked by `parse`): safe in the header.
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_estate_offers_are_reports() {
        assert_eq!(parse("programme.xlsx"), Some((None, 0)));
        assert_eq!(parse("run-12.docx"), Some((Some(RunId(12)), 2)));
        for bad in [
            "programme.exe",
            "../programme.xlsx",
            "run-.csv",
            "run-1a.csv",
            "run--1.csv",
            "estate.db",
            "programme",
            "run-99999999999999999999.xlsx",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}

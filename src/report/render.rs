//! The Cabinet report rendered as one [`Document`] into any writer: a file
//! being written whole or not at all, a buffer a web handler sends as a
//! download, standard output.

use std::io::Write;

use crate::forecast::cabinet::CabinetReport;
use crate::forecast::programme::{DetailList, Dimension};

use super::Document;
use super::chart::ChartError;
use super::docx::DocxError;

/// Why a report could not be rendered. Each says what its writer said, and
/// has that writer's cause behind it.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The workbook could not be written.
    #[error(transparent)]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// The Word document could not be put together.
    #[error(transparent)]
    Docx(#[from] DocxError),
    /// The CSV table could not be written.
    #[error(transparent)]
    Csv(#[from] ::csv::Error),
    /// The JSON could not be written.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The writer failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Writes `report` as `document` into `out`; `by` chooses the rows of the
/// Markdown and CSV table (the workbook, page and Word document show every
/// dimension).
///
/// # Errors
/// The writer fails, or the chart or a document cannot be put together.
pub fn render<W: Write + Send>(
    report: &CabinetReport,
    document: Document,
    by: Dimension,
    mut out: W,
) -> Result<(), RenderError> {
    match document {
        Document::Xlsx => super::xlsx::write(report, &mut out)?,
        Document::Html => out.write_all(super::html::write(report)?.as_bytes())?,
        Document::Docx => out.write_all(&super::docx::write(report)?)?,
        Document::Md => out.write_all(super::cabinet::markdown(report, by).as_bytes())?,
        Document::Csv => out.write_all(super::cabinet::csv(report, by)?.as_bytes())?,
        Document::Json => {
            serde_json::to_writer_pretty(&mut out, report)?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// [`render`] with the workbook's Detail sheet written from `detail` (a
/// fresh forecast's replacements, made into rows as they are written)
/// instead of the rows `report` holds; the other documents are as
/// [`render`] writes them (the JSON lists what `report` holds).
///
/// # Errors
/// As [`render`].
pub fn render_with_detail<W: Write + Send, D: DetailList + ?Sized>(
    report: &CabinetReport,
    detail: &D,
    document: Document,
    by: Dimension,
    mut out: W,
) -> Result<(), RenderError> {
    match document {
        Document::Xlsx => super::xlsx::write_with_detail(report, detail, &mut out)?,
        _ => render(report, document, by, out)?,
    }
    Ok(())
}

/// `report` as `document`, in memory (for a download).
///
/// # Errors
/// As [`render`].
pub fn render_bytes(
    report: &CabinetReport,
    document: Document,
    by: Dimension,
) -> Result<Vec<u8>, RenderError> {
    let mut bytes = Vec::new();
    render(report, document, by, &mut bytes)?;
    Ok(bytes)
}

impl Document {
    /// True when the document carries every replacement (the workbook's
    /// Detail sheet, the JSON), so the report must be assembled with them.
    pub fn needs_detail(self) -> bool {
        matches!(self, Document::Xlsx | Document::Json)
    }

    /// The media type a download of it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Document::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Document::Html => "text/html; charset=utf-8",
            Document::Md => "text/markdown; charset=utf-8",
            Document::Csv => "text/csv; charset=utf-8",
            Document::Json => "application/json",
            Document::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

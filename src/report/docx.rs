//! The Cabinet report as a Word document (`docx-rs`), for the committee
//! report template: the title and what the figures rest on, the capital
//! programme by line with its notes and the chart (as a PNG, the page's SVG
//! drawn by `resvg`), the programme lines that need approval, and every
//! assumption with its source.
//!
//! Figures are right-aligned, negatives in brackets, codes and dates in
//! words (the views the page and the workbook use). A programme of more
//! than five years goes in a landscape section of its own, in type small
//! enough for its Total column to fit; the rest is A4 portrait.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, LineSpacing, PageMargin, PageOrientationType, PageSize, Paragraph, Pic,
    Run, RunFonts, Section, Shading, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

use super::View;
use super::cabinet::{assumptions_view, basis_lines, capital_notes, chart_series, programme_table};
use super::chart::{self, ChartError};
use super::forecast::approvals_view;
use super::words::{for_people, long_dates_in};
use crate::forecast::cabinet::CabinetReport;
use crate::forecast::programme::Dimension;

/// Why the document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    /// The chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// The chart could not be drawn as an image.
    #[error("failed to draw the chart as an image: {0}")]
    Image(String),
    /// The document could not be put together.
    #[error("failed to write the Word document: {0}")]
    Pack(String),
}

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11_906;
const A4_LONG: u32 = 16_838;
/// The page margin all round (1.5 cm).
const MARGIN: u32 = 850;
/// English Metric Units in a twentieth of a point (for the image's size).
const EMU_PER_TWIP: u32 = 635;
/// The most years a programme table shows on a portrait page.
const PORTRAIT_YEARS: usize = 5;
/// The body text size, in half-points (10 pt).
const BODY: usize = 20;

fn page(landscape: bool) -> (PageSize, PageMargin, u32) {
    let (w, h, orient) = if landscape {
        (A4_LONG, A4_SHORT, PageOrientationType::Landscape)
    } else {
        (A4_SHORT, A4_LONG, PageOrientationType::Portrait)
    };
    let m = i32::try_from(MARGIN).unwrap_or(850);
    (
        PageSize::new().width(w).height(h).orient(orient),
        PageMargin::new()
            .top(m)
            .bottom(m)
            .left(m)
            .right(m)
            .header(m / 2)
            .footer(m / 2),
        w - 2 * MARGIN,
    )
}

fn text(t: &str, size: usize) -> Run {
    Run::new().add_text(t).size(size)
}

fn heading(t: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(text(t, size).bold())
        .line_spacing(LineSpacing::new().before(240).after(120))
}

fn para(t: &str) -> Paragraph {
    Paragraph::new()
        .add_run(text(&long_dates_in(t), BODY))
        .line_spacing(LineSpacing::new().after(80))
}

/// The widest text of each column (headings count by their longest word:
/// they wrap).
fn widest(view: &View) -> Vec<usize> {
    let mut w: Vec<usize> = view
        .headings
        .iter()
        .map(|h| h.split(' ').map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    for row in &view.rows {
        for (i, c) in row.iter().enumerate() {
            if let Some(x) = w.get_mut(i) {
                *x = (*x).max(c.text.chars().count());
            }
        }
    }
    w
}

/// The width of `chars` characters of `half_points` type, in twentieths of
/// a point, with the cell's padding (digits are about 0.64 em wide).
fn twips(chars: usize, half_points: usize) -> usize {
    chars * half_points * 64 / 10 + 220
}

/// `view` as a table `width` wide: headings shaded and bold, figures
/// right-aligned, a row labelled Total in bold. Text columns (`wrap`) share
/// what the figures leave; the type shrinks (to 6 pt at the least) until
/// the figures fit.
fn table(view: &View, width: u32, wrap: &[usize]) -> Table {
    let widths = widest(view);
    let numeric: Vec<bool> = (0..view.headings.len())
        .map(|i| {
            view.rows
                .iter()
                .any(|r| r.get(i).is_some_and(|c| c.numeric))
        })
        .collect();
    let width = width as usize;
    let mut size = 18; // 9 pt
    let fixed = |size: usize| -> usize {
        widths
            .iter()
            .enumerate()
            .filter(|(i, _)| !wrap.contains(i))
            .map(|(_, w)| twips(*w, size))
            .sum()
    };
    let text_min = wrap.len() * 1_700;
    while size > 12 && fixed(size) + text_min > width {
        size -= 1;
    }
    let left = width.saturating_sub(fixed(size)).max(text_min);
    let wanted: usize = wrap
        .iter()
        .map(|i| twips(widths.get(*i).copied().unwrap_or(10), size))
        .sum::<usize>()
        .max(1);
    let grid: Vec<usize> = (0..widths.len())
        .map(|i| {
            if wrap.contains(&i) {
                let want = twips(widths[i], size);
                (want * left / wanted).max(1_700).min(want.max(1_700))
            } else {
                twips(widths[i], size)
            }
        })
        .collect();
    let cell = |t: &str, col: usize, bold: bool, head: bool| {
        let mut run = text(t, size);
        if bold {
            run = run.bold();
        }
        let mut p = Paragraph::new().add_run(run);
        if numeric[col] && col > 0 {
            p = p.align(AlignmentType::Right);
        }
        let mut c = TableCell::new()
            .add_paragraph(p)
            .width(grid[col], WidthType::Dxa);
        if head {
            c = c.shading(Shading::new().fill("E8EEF4"));
        }
        c
    };
    let mut rows = vec![TableRow::new(
        view.headings
            .iter()
            .enumerate()
            .map(|(i, h)| cell(h, i, true, true))
            .collect(),
    )];
    for r in &view.rows {
        let bold = r.first().is_some_and(|c| c.text.starts_with("Total"));
        rows.push(
            TableRow::new(
                r.iter()
                    .enumerate()
                    .map(|(i, c)| cell(&c.text, i, bold, false))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(rows)
        .set_grid(grid.clone())
        .layout(TableLayoutType::Fixed)
        .width(grid.iter().sum(), WidthType::Dxa)
}

/// The chart drawn as a PNG twice its SVG size, with that size in pixels.
fn chart_png(svg: &str) -> Result<(Vec<u8>, u32, u32), DocxError> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options::default();
    let fonts = options.fontdb_mut();
    fonts.load_system_fonts();
    // The chart asks for sans-serif: take a sans face the machine has.
    for family in ["DejaVu Sans", "Liberation Sans", "Arial", "Carlito"] {
        if fonts
            .faces()
            .any(|f| f.families.iter().any(|(name, _)| name == family))
        {
            fonts.set_sans_serif_family(family);
            break;
        }
    }
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| DocxError::Image(e.to_string()))?;
    let size = tree.size().to_int_size();
    let (w, h) = (size.width() * 2, size.height() * 2);
    let mut pixmap = tiny_skia::Pixmap::new(w, h)
        .ok_or_else(|| DocxError::Image("the chart has no size".into()))?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(2.0, 2.0),
        &mut pixmap.as_mut(),
    );
    let png = pixmap
        .encode_png()
        .map_err(|e| DocxError::Image(e.to_string()))?;
    Ok((png, w, h))
}

/// `section` with the programme heading, table, notes and chart, `width`
/// wide, added.
fn programme(report: &CabinetReport, width: u32, section: Section) -> Result<Section, DocxError> {
    let units = report.units;
    let years = report.years();
    let span = format!(
        "{} to {}",
        years.first().map(ToString::to_string).unwrap_or_default(),
        years.last().map(ToString::to_string).unwrap_or_default()
    );
    let view = programme_table(report, Dimension::Line).view(units);
    let mut section = section
        .add_paragraph(heading("Capital programme", 28))
        .add_paragraph(heading(
            &format!(
                "Capital programme {span} by programme line{}",
                units.suffix()
            ),
            BODY,
        ))
        .add_table(table(&view, width, &[0]));
    for n in capital_notes(report) {
        section = section.add_paragraph(para(&n));
    }
    let title = format!("Capital by programme line and financial year, {span}");
    let svg = chart::stacked_bars("chart", &title, years, &chart_series(report), units)?;
    let (png, w, h) = chart_png(&svg)?;
    let emu_w = width * EMU_PER_TWIP;
    let emu_h =
        u32::try_from(u64::from(emu_w) * u64::from(h) / u64::from(w.max(1))).unwrap_or(emu_w / 2);
    Ok(section
        .add_paragraph(
            Paragraph::new().add_run(
                Run::new().add_image(Pic::new_with_dimensions(png, w, h).size(emu_w, emu_h)),
            ),
        )
        .add_paragraph(para(&format!(
            "Figure 1: {title}. The figures are in the capital programme table above."
        ))))
}

/// Writes the report as a Word document.
///
/// # Errors
/// The chart could not be drawn, or the document put together.
pub fn write(report: &CabinetReport) -> Result<Vec<u8>, DocxError> {
    let wide = report.years().len() > PORTRAIT_YEARS;
    let (portrait, margin, portrait_width) = page(false);
    let mut opening = Section::new()
        .page_size(portrait.clone())
        .page_margin(margin.clone())
        .add_paragraph(heading(&report.title, 36));
    for line in basis_lines(report) {
        opening = opening.add_paragraph(para(&line));
    }
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("DejaVu Sans").hi_ansi("DejaVu Sans"))
        .default_size(BODY);
    if wide {
        doc = doc.add_section(opening);
        let (landscape, margin, width) = page(true);
        doc = doc.add_section(
            programme(report, width, Section::new())?
                .page_size(landscape)
                .page_margin(margin),
        );
    } else {
        doc = doc.add_section(programme(report, portrait_width, opening)?);
    }
    let p = &report.programme;
    let parts: Vec<super::funding::Part> = super::funding::funding_parts(report)
        .into_iter()
        .chain(super::funding::approved_parts(report))
        .chain(super::funding::carbon_part(report))
        .collect();
    if !parts.is_empty() {
        doc = doc.add_paragraph(heading(
            "Funding, borrowing, the approved programme and carbon",
            28,
        ));
        for part in &parts {
            doc = doc.add_paragraph(para(&part.caption)).add_table(table(
                &for_people(&part.view),
                portrait_width,
                &[0],
            ));
            for note in &part.notes {
                doc = doc.add_paragraph(para(note));
            }
        }
    }
    doc = doc.add_paragraph(heading("Programme lines that need approval", 28));
    if p.approvals.is_empty() {
        doc = doc.add_paragraph(para(
            "No programme line needs approval above the thresholds.",
        ));
    } else {
        doc = doc.add_table(table(
            &for_people(&approvals_view(p, report.units)),
            portrait_width,
            &[0, 1, 3],
        ));
    }
    doc = doc
        .add_paragraph(heading("Assumptions and sources", 28))
        .add_table(table(
            &for_people(&assumptions_view(report)),
            portrait_width,
            &[0, 1, 2],
        ))
        .add_paragraph(para(&format!(
            "Made by estate from the register on {}. The workbook of the same report lists every replacement.",
            report.prepared
        )))
        .page_size(A4_SHORT, A4_LONG)
        .page_margin(margin)
        .page_orient(PageOrientationType::Portrait);
    let mut out = Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| DocxError::Pack(e.to_string()))?;
    Ok(out.into_inner())
}

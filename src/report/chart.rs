//! The Cabinet report's chart: capital by programme line per financial
//! year as stacked bars, drawn by `plotters` into an SVG string, with a
//! text alternative (`<title>`, `<desc>` and ARIA) for screen readers.
//!
//! Readable printed in black and white: each programme line's bars are
//! filled with its colour overlaid with a pattern of its own (solid,
//! diagonal, horizontal, cross-hatched, dotted …), outlined, and the legend
//! shows the same patterns. In £000 the value axis is in £000.
//!
//! Bar heights are whole pence (`i64` coordinates), so money never passes
//! through floating point here either. Text is laid out by the browser
//! (plotters' SVG backend without a font library), so nothing here needs
//! fonts or system libraries.

use std::fmt::Write as _;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use crate::domain::money::group_thousands;
use crate::domain::{FinancialYear, Money};
use crate::forecast::programme::Units;

/// Colour-blind-safe colours (Okabe and Ito), in the order lines are drawn.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(240, 228, 66),
    RGBColor(0, 0, 0),
];

/// The chart's size in pixels (it scales with the page: the SVG has a viewBox).
const WIDTH: u32 = 960;
const HEIGHT: u32 = 440;
/// The width of the plot; the legend takes the rest.
const PLOT_WIDTH: u32 = 680;

/// Why the chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("failed to draw the chart: {0}")]
pub struct ChartError(String);

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

fn pence(m: Money) -> i64 {
    // Figures in a programme are whole pence; anything else is drawn to the
    // nearest penny, which no eye can tell apart.
    m.round_to_penny().to_pence().unwrap_or(i64::MAX)
}

/// `£1,250,000` for an axis label (whole pounds).
fn pounds_label(pence: i64) -> String {
    let pounds = pence / 100;
    let sign = if pounds < 0 { "-" } else { "" };
    format!(
        "£{sign}{}",
        group_thousands(&pounds.unsigned_abs().to_string())
    )
}

/// `1,250` (£000) for an axis label in thousands.
fn thousands_label(pence: i64) -> String {
    let thousands = pence / 100_000;
    let sign = if thousands < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        group_thousands(&thousands.unsigned_abs().to_string())
    )
}

/// The marks laid over each colour, in the palette's order, so the series
/// differ in black and white too: none, diagonal lines, horizontal lines,
/// cross-hatching, dots, vertical lines, the other diagonal, white dots.
const PATTERNS: [&str; 8] = [
    "",
    "<path d=\"M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6\" stroke=\"#000\" stroke-width=\"1.6\"/>",
    "<path d=\"M0,4 H8\" stroke=\"#000\" stroke-width=\"1.6\"/>",
    "<path d=\"M0,4 H8 M4,0 V8\" stroke=\"#000\" stroke-width=\"1.2\"/>",
    "<circle cx=\"4\" cy=\"4\" r=\"1.7\" fill=\"#000\"/>",
    "<path d=\"M4,0 V8\" stroke=\"#fff\" stroke-width=\"2\"/>",
    "<path d=\"M-2,6 L2,10 M0,0 L8,8 M6,-2 L10,2\" stroke=\"#fff\" stroke-width=\"1.6\"/>",
    "<circle cx=\"4\" cy=\"4\" r=\"1.7\" fill=\"#fff\"/>",
];

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Fills every bar and legend key of palette colour k with the pattern
/// `{id}-pk` (its colour and its marks), outlined; returns the `<defs>`.
fn patterned(svg: &mut String, id: &str, used: usize) -> String {
    let mut defs = String::from("<defs>");
    for k in 0..used.min(PALETTE.len()) {
        let colour = hex(PALETTE[k]);
        let _ = write!(
            defs,
            "<pattern id=\"{id}-p{k}\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\"><rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{}</pattern>",
            PATTERNS[k]
        );
        *svg = svg.replace(
            &format!("fill=\"{colour}\" stroke=\"none\""),
            &format!("fill=\"url(#{id}-p{k})\" stroke=\"#1a1a1a\" stroke-width=\"0.8\""),
        );
    }
    defs.push_str("</defs>");
    defs
}

/// The top of the value axis: the tallest bar rounded up to a round figure
/// (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten pounds), at least
/// £1,000.
fn axis_top(max_pence: i64) -> i64 {
    let mut unit: i64 = 10_000; // a tenth of £1,000
    loop {
        for step in [10, 15, 20, 25, 30, 40, 50, 60, 80, 100] {
            let top = unit.saturating_mul(step);
            if top >= max_pence {
                return top;
            }
        }
        if unit > i64::MAX / 100 {
            return i64::MAX;
        }
        unit *= 10;
    }
}

/// Words for screen readers and the figure's `<desc>`: each year's total
/// and its parts.
pub fn describe(years: &[FinancialYear], series: &[(String, Vec<Money>)]) -> String {
    let mut parts = Vec::new();
    for (i, year) in years.iter().enumerate() {
        let total: Money = series.iter().map(|(_, a)| a[i]).sum();
        let lines: Vec<String> = series
            .iter()
            .filter(|(_, a)| !a[i].is_zero())
            .map(|(label, a)| format!("{label} {}", a[i]))
            .collect();
        if lines.is_empty() {
            parts.push(format!("{year}: nothing"));
        } else {
            parts.push(format!("{year}: {total} ({})", lines.join(", ")));
        }
    }
    format!(
        "Stacked bars of capital spending by programme line, one bar per financial year. {}.",
        parts.join("; ")
    )
}

fn escape(text: &str) -> String {
    super::html::escape(text)
}

/// Draws the stacked bar chart of `series` (label, amount per year) over
/// `years` as an SVG element whose `<title>` is `title` and whose `<desc>`
/// says every figure; `id` prefixes the ids its ARIA attributes and
/// patterns refer to. The value axis is in pounds or, in `Units::Thousands`,
/// in £000.
///
/// # Errors
/// Only if plotters fails to draw (it writes to memory).
pub fn stacked_bars(
    id: &str,
    title: &str,
    years: &[FinancialYear],
    series: &[(String, Vec<Money>)],
    units: Units,
) -> Result<String, ChartError> {
    let n = years.len();
    let mut tops = vec![0i64; n];
    for (_, amounts) in series {
        for (t, a) in tops.iter_mut().zip(amounts) {
            *t = t.saturating_add(pence(*a).max(0));
        }
    }
    let top = axis_top(tops.iter().copied().max().unwrap_or(0));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (plot, legend) = root.split_horizontally(PLOT_WIDTH);
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(100)
            .build_cartesian_2d((0..n.saturating_sub(1)).into_segmented(), 0i64..top)
            .map_err(err)?;
        let label: &dyn Fn(&i64) -> String = match units {
            Units::Pounds => &|p| pounds_label(*p),
            Units::Thousands => &|p| thousands_label(*p),
        };
        chart
            .configure_mesh()
            .y_desc(if units == Units::Thousands {
                "£000"
            } else {
                ""
            })
            .disable_x_mesh()
            .x_labels(n)
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    years.get(*i).map(ToString::to_string).unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .y_labels(6)
            .y_label_formatter(label)
            .label_style(("sans-serif", 14))
            .light_line_style(TRANSPARENT)
            .bold_line_style(RGBColor(215, 215, 215))
            .draw()
            .map_err(err)?;
        let mut base = vec![0i64; n];
        for (k, (_, amounts)) in series.iter().enumerate() {
            let colour = PALETTE[k % PALETTE.len()];
            let bars: Vec<Rectangle<(SegmentValue<usize>, i64)>> = amounts
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let from = base[i];
                    base[i] = from.saturating_add(pence(*a).max(0));
                    let mut bar = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), from),
                            (SegmentValue::Exact(i + 1), base[i]),
                        ],
                        colour.filled(),
                    );
                    bar.set_margin(0, 0, 14, 14);
                    bar
                })
                .collect();
            chart.draw_series(bars).map_err(err)?;
        }
        // The legend, top of the stack first, so it reads in the bars' order.
        let font = ("sans-serif", 15).into_font();
        for (row, (k, (label, _))) in series.iter().enumerate().rev().enumerate() {
            let y = 40 + i32::try_from(row).unwrap_or(0) * 28;
            let colour = PALETTE[k % PALETTE.len()];
            legend
                .draw(&Rectangle::new([(10, y - 8), (26, y + 8)], colour.filled()))
                .map_err(err)?;
            legend
                .draw(&Text::new(label.clone(), (34, y - 8), font.clone()))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    // The text alternative: the root element is an image labelled by its
    // title and described by its desc.
    let open_end = svg.find('>').ok_or_else(|| err("no <svg> element"))?;
    let defs = patterned(&mut svg, id, series.len());
    let alt = format!(
        "<title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>{defs}",
        escape(title),
        escape(&describe(years, series))
    );
    svg.insert_str(open_end + 1, &alt);
    let attrs =
        format!("<svg role=\"img\" aria-labelledby=\"{id}-title\" aria-describedby=\"{id}-desc\" ");
    Ok(svg.replacen("<svg ", &attrs, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(s: &str) -> FinancialYear {
        s.parse().unwrap()
    }

    #[test]
    fn the_axis_rounds_up_to_a_round_figure() {
        assert_eq!(axis_top(0), 100_000);
        assert_eq!(axis_top(100_001), 150_000);
        assert_eq!(axis_top(583_000), 600_000);
        assert_eq!(axis_top(63_595_000), 80_000_000);
        assert_eq!(axis_top(1_218_640), 1_500_000);
        assert_eq!(axis_top(45_000_000), 50_000_000);
        assert_eq!(pounds_label(123_456_789), "£1,234,567");
    }

    #[test]
    fn the_chart_is_an_svg_with_a_text_alternative_and_escaped_labels() {
        let years = [fy("2026/27"), fy("2027/28")];
        let series = vec![
            (
                "Servers <b>".to_string(),
                vec![Money::from_pence(0), Money::from_pence(440_000)],
            ),
            (
                "Desktops".to_string(),
                vec![Money::from_pence(50_000), Money::from_pence(143_000)],
            ),
        ];
        let svg = stacked_bars("c", "Capital", &years, &series, Units::Pounds).unwrap();
        assert!(
            svg.starts_with("<svg role=\"img\" aria-labelledby=\"c-title\""),
            "{svg}"
        );
        assert!(svg.contains("<title id=\"c-title\">Capital</title>"));
        assert!(svg.contains(
            "2026/27: £500.00 (Desktops £500.00); 2027/28: £5,830.00 (Servers &lt;b&gt; £4,400.00, Desktops £1,430.00)"
        ), "{svg}");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("2027/28"));
        assert!(svg.matches("<rect").count() >= 4);
    }
}

//! The one printer: data to stdout in the chosen format, messages to stderr.

use std::fmt::Write as _;
use std::io::Write;

use anyhow::{Context, Result};
use estate::report::{self, Format, View, forecast::Section};
use serde::Serialize;

/// Prints data and messages.
pub struct Printer {
    /// The format for listings.
    pub format: Format,
    /// Suppress messages (data is still printed).
    pub quiet: bool,
    /// The widest a table may be: the terminal's width (or $COLUMNS); none
    /// when stdout is not a terminal, so piped tables are never wrapped.
    pub width: Option<usize>,
}

/// How wide tables may be: $COLUMNS when set (as shells and `COLUMNS=100
/// estate …` do), else the width of the terminal stdout is, else no limit.
pub fn table_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
}

impl Printer {
    /// Prints a listing: `view` for table, CSV and Markdown, `records` for JSON.
    pub fn listing<T: Serialize + ?Sized>(&self, view: &View, records: &T) -> Result<()> {
        let text = match self.format {
            Format::Table => {
                if view.rows.is_empty() {
                    self.message("(none)");
                    return Ok(());
                }
                report::to_table_within(view, self.width) + "\n"
            }
            Format::Csv => report::to_csv(view).context("failed to write CSV")?,
            Format::Md => report::to_markdown(view),
            Format::Json => {
                serde_json::to_string_pretty(records).context("failed to write JSON")? + "\n"
            }
        };
        self.data(&text)
    }

    /// Prints a report of several titled tables and notes: each table under
    /// its title (table and Markdown), `csv` alone for CSV (one table, to
    /// paste into a spreadsheet), `records` for JSON.
    ///
    /// Only what the format needs is built: `sections` for table and
    /// Markdown, `csv` (which writes straight to stdout, so a long table is
    /// never held whole) for CSV, `records` (written straight to stdout)
    /// for JSON.
    pub fn sections<T: Serialize + ?Sized>(
        &self,
        sections: impl FnOnce() -> Vec<Section>,
        notes: &[String],
        csv: impl FnOnce(&mut dyn Write) -> Result<(), csv::Error>,
        records: &T,
    ) -> Result<()> {
        let mut text = String::new();
        match self.format {
            Format::Table => {
                for s in sections() {
                    writeln!(
                        text,
                        "{}\n{}\n",
                        s.title,
                        report::to_table_within(&s.view, self.width)
                    )?;
                }
                for n in notes {
                    writeln!(text, "{n}")?;
                }
            }
            Format::Md => {
                for s in sections() {
                    writeln!(text, "### {}\n\n{}", s.title, report::to_markdown(&s.view))?;
                }
                for n in notes {
                    writeln!(text, "- {n}")?;
                }
            }
            Format::Csv => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                csv(&mut out).context("failed to write CSV")?;
                out.flush()?;
                return Ok(());
            }
            Format::Json => {
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                serde_json::to_writer_pretty(&mut out, records).context("failed to write JSON")?;
                out.write_all(b"\n")?;
                out.flush()?;
                return Ok(());
            }
        }
        self.data(&text)
    }

    /// Writes text to stdout.
    #[allow(clippy::unused_self, reason = "all output goes through the printer")]
    pub fn data(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.flush()?;
        Ok(())
    }

    /// Writes a message line to stderr (unless quiet).
    pub fn message(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }

    /// A confirmation ("added …", "set …") on stderr like every other
    /// message (so `-q` silences it and stdout holds only data), or for JSON
    /// output a small JSON object on stdout, so scripts always get something
    /// parseable from a command that changes things.
    pub fn done<T: Serialize>(&self, text: &str, json: &T) -> Result<()> {
        if self.format == Format::Json {
            self.data(&(serde_json::to_string_pretty(json)? + "\n"))
        } else {
            self.message(text);
            Ok(())
        }
    }
}

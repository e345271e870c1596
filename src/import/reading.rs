//! The import's reading half: every table of a plan read and parsed into
//! record rows (or rejected rows) and sheet ends, in order, without touching
//! the register. [`super::store::commit`] runs it on its own thread and
//! writes what it hands over; the benches run it alone.

use std::ops::ControlFlow;

use super::header::{self, RowKind};
use super::mapping::{Field, Parsed, RowOutcome, RowReader, ValueRules};
use super::read::{Row, Value, Workbook};
use super::{ImportError, ImportOptions, ImportPlan, Table};
use crate::domain::Money;

/// How many parsed rows travel from the reader to the writer at a time,
/// and how many such batches may wait: bounds memory whatever the file's size.
pub(super) const ROWS_PER_BATCH: usize = 1_024;
pub(super) const QUEUE_BATCHES: usize = 4;

/// What the reading side hands the writing side.
#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "nearly every item is a row; boxing rows would cost an allocation each"
)]
pub enum Item {
    /// One record row (or a rejected one), with its cells for `--rejects`.
    Row {
        /// The sheet's index in the plan.
        sheet: usize,
        /// The row as read.
        row: Row,
        /// What it became.
        outcome: RowOutcome,
    },
    /// A sheet has been read to its end (or its totals row).
    SheetEnd {
        /// The sheet's index in the plan.
        sheet: usize,
        /// Record rows read.
        rows: u64,
        /// The totals row reading stopped at.
        totals_row: Option<u32>,
        /// Rows that were not records, as `row N: why`.
        skipped_rows: Vec<String>,
        /// Cells right of the last column read ([`super::read::MAX_COLUMNS`]), ignored.
        cells_ignored: u64,
        /// What the reader noticed across the sheet's rows (sites taken
        /// from before a comma, suspicious serials), for the summary.
        notes: Vec<String>,
    },
}

pub(super) fn table_at(plan: &ImportPlan, sheet: usize) -> Option<(&str, &Table)> {
    let s = plan.sheets.get(sheet)?;
    Some((s.name.as_str(), s.table.as_ref()?))
}

/// A table's headings by column ('' where a column has none).
pub(super) fn headings_of(table: &Table) -> Vec<String> {
    let width = table.columns.iter().map(|c| c.index + 1).max().unwrap_or(0);
    let mut h = vec![String::new(); width];
    for c in &table.columns {
        if let Some(slot) = h.get_mut(c.index) {
            slot.clone_from(&c.heading);
        }
    }
    h
}

/// Reads and parses every table of a plan, without touching the register:
/// each record row (or rejected row) and each sheet's end go to `emit`,
/// in order, until it breaks. This is the import's parsing half; `commit`
/// runs it on its own thread.
///
/// # Errors
/// The file cannot be read (damaged, too large).
pub fn read_tables(
    plan: &ImportPlan,
    opts: &ImportOptions,
    emit: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> Result<(), ImportError> {
    let mut book = match plan.take_book() {
        Some(book) => book,
        None => Workbook::open(&plan.path)?,
    };
    let mut value_rules = ValueRules::new(opts.vat_rate, opts.today, book.is_1904());
    value_rules.us_dates = opts.us_dates;
    value_rules.force = opts.force;
    value_rules.statuses = opts
        .taught
        .statuses
        .iter()
        .map(|(w, s)| (super::mapping::normalise_heading(w), *s))
        .collect();
    value_rules
        .placeholders
        .clone_from(&opts.taught.placeholders);
    value_rules.class_fallback = plan.class_fallback;
    let synonyms = opts.taught.synonyms();
    let models = opts.taught.model_rules();
    for (index, sheet) in plan.sheets.iter().enumerate() {
        let Some(table) = &sheet.table else {
            continue;
        };
        let headings = headings_of(table);
        let identity: Vec<usize> = table
            .columns
            .iter()
            .filter(|c| {
                matches!(
                    c.field,
                    Some(Field::Serial | Field::AssetTag | Field::Number | Field::Product)
                )
            })
            .map(|c| c.index)
            .collect();
        let sheet_rules = ValueRules {
            dates: table.dates.clone(),
            ..value_rules.clone()
        };
        let mut reader =
            RowReader::new(&table.columns, table.kind, &sheet_rules, &synonyms, &models);
        let cost_col = table
            .columns
            .iter()
            .find(|c| matches!(c.field, Some(Field::Cost | Field::CostIncVat)))
            .map(|c| c.index);
        let mut rows = 0u64;
        let mut totals_row = None;
        let mut skipped_rows = Vec::new();
        let mut stopped = false;
        let mut sections = Sections::new(cost_col);
        let age_col = table
            .columns
            .iter()
            .find(|c| c.source == super::mapping::Source::AgeFrom);
        // Assets whose age is estimated from enrolment: how many, their
        // recorded costs added up, and how many have no cost.
        let mut aged = (0u64, Money::ZERO, 0u64);
        let stats = book.for_each_row(&sheet.name, &mut |row| {
            if row.number <= table.header_row || row.is_blank() {
                return ControlFlow::Continue(());
            }
            let kind = header::classify(&row, &headings, &identity);
            let mut ready = Vec::new();
            match sections.take(row, kind, &mut ready) {
                Taken::Totals(number) => totals_row = Some(number),
                Taken::Skipped(number, kind) => {
                    skipped_rows.push(format!("row {number}: {}", kind.reason()));
                }
                Taken::Held => {}
                Taken::Resumed(number, kind) => {
                    totals_row = None;
                    skipped_rows.push(format!("row {number}: {}", kind.reason()));
                }
                Taken::TooFar => return ControlFlow::Break(()),
            }
            for row in ready {
                rows += 1;
                let outcome = reader.read(&row);
                if let (Some(c), Parsed::Assets(records)) = (age_col, &outcome.parsed) {
                    if row.cells.get(c.index).is_some_and(|v| !v.is_blank()) {
                        for r in records {
                            aged.0 += 1;
                            match r.fields.purchase_cost {
                                Some(cost) => aged.1 += cost,
                                None => aged.2 += 1,
                            }
                        }
                    }
                }
                let flow = emit(Item::Row {
                    sheet: index,
                    row,
                    outcome,
                });
                if flow.is_break() {
                    stopped = true;
                    return flow;
                }
            }
            ControlFlow::Continue(())
        })?;
        if stopped {
            return Ok(());
        }
        let mut notes = reader_notes(&sheet.name, table, &reader);
        notes.extend(sections.notes(&sheet.name, totals_row));
        if let Some(c) = age_col.filter(|_| aged.0 > 0) {
            let (count, cost, no_cost) = aged;
            let uncosted = if no_cost > 0 {
                format!(", {no_cost} of them with no cost (the forecast prices those by class)")
            } else {
                String::new()
            };
            notes.push(format!(
                "sheet `{}`: {count} asset(s) have an in-service date taken from `{}` \
                 (--age-from), marked \"{}\" in their notes; their recorded costs come to \
                 {cost}{uncosted}",
                sheet.name,
                c.heading,
                super::mapping::AGE_ESTIMATED
            ));
        }
        let end = Item::SheetEnd {
            sheet: index,
            rows,
            totals_row,
            skipped_rows,
            cells_ignored: stats.cells_beyond_last_column,
            notes,
        };
        if emit(end).is_break() {
            return Ok(());
        }
    }
    Ok(())
}

/// Rows below a totals row are held, not read, until it is clear whether
/// a new section begins: another totals row below them (the section's own
/// total), or a section heading or the header repeated before them. At
/// most this many are held; past it the sheet is taken to end at its
/// totals row.
pub const MAX_HELD_ROWS: usize = 10_000;

/// What [`Sections::take`] made of a row.
enum Taken {
    /// The row is a totals row (the sheet's last, so far).
    Totals(u32),
    /// The row is not a record (a subtotal, a section heading, the header again).
    Skipped(u32, RowKind),
    /// The row is held below a totals row, or handed on to be read.
    Held,
    /// A new section has begun below the totals row, at this row (not a record).
    Resumed(u32, RowKind),
    /// More rows below the totals row than are held: reading stops.
    TooFar,
}

/// A sheet's sections, each ended by a totals row: the rows of each (their
/// cost cells added up to check against its total), and the rows held
/// below the last totals row.
struct Sections {
    cost_col: Option<usize>,
    /// Sections ended by a totals row: (totals row, its rows' costs added up, its total).
    ended: Vec<(u32, Money, Option<Money>)>,
    /// The current section's cost so far.
    sum: Money,
    /// Below a totals row: the rows held, and whether a marker (a section
    /// heading, the header again) has begun a new section.
    held: Option<Vec<Row>>,
    /// Rows below the last totals row that were never read.
    unread: u64,
    /// A totals row right below another, of every section: (row, the
    /// sections' rows added up, its total).
    grand: Option<(u32, Money, Option<Money>)>,
    /// Below a totals row, a section heading or the header again: a new
    /// section begins if a record follows.
    marker: Option<(u32, RowKind)>,
}

/// True when the row is one text cell of words without digits.
fn is_lone_words(row: &Row) -> bool {
    let mut filled = row.cells.iter().filter(|c| !c.is_blank());
    match (filled.next(), filled.next()) {
        (Some(Value::Text(t)), None) => !t.chars().any(|c| c.is_ascii_digit()),
        _ => false,
    }
}

impl Sections {
    fn new(cost_col: Option<usize>) -> Self {
        Sections {
            cost_col,
            ended: Vec::new(),
            sum: Money::ZERO,
            held: None,
            unread: 0,
            grand: None,
            marker: None,
        }
    }

    fn cost(&self, row: &Row) -> Option<Money> {
        let cell = row.cells.get(self.cost_col?)?;
        match cell {
            Value::Number(x) if x.is_finite() && x.abs() < 1e13 => {
                #[allow(clippy::cast_possible_truncation, reason = "checked below 1e13 pounds")]
                let pence = (x * 100.0).round() as i64;
                Some(Money::from_pence(pence))
            }
            Value::Int(i) => Some(Money::from_decimal(rust_decimal::Decimal::from(*i))),
            Value::Text(t) => Money::parse_gbp(t.trim()).ok(),
            _ => None,
        }
    }

    fn add(&mut self, row: &Row) {
        if let Some(c) = self.cost(row) {
            self.sum += c;
        }
    }

    /// Takes one row below the header; rows to be read go to `ready`.
    fn take(&mut self, row: Row, kind: RowKind, ready: &mut Vec<Row>) -> Taken {
        let number = row.number;
        // Below a totals row, words alone in a row (`LAPTOPS`) head a
        // section even in an identity column.
        let kind = if kind == RowKind::Data && self.held.is_some() && is_lone_words(&row) {
            RowKind::Section
        } else {
            kind
        };
        match kind {
            RowKind::Totals => {
                let total = self.cost(&row);
                if self.held.as_ref().is_some_and(Vec::is_empty) && self.marker.is_none() {
                    // A totals row right below another: the grand total.
                    let all = self.ended.iter().fold(Money::ZERO, |a, e| a + e.1);
                    self.grand = Some((number, all, total));
                    return Taken::Totals(number);
                }
                if let Some(held) = self.held.take() {
                    // Rows between two totals rows: a section with its own total.
                    self.sum = Money::ZERO;
                    for r in &held {
                        self.add(r);
                    }
                    ready.extend(held);
                }
                self.ended.push((number, self.sum, total));
                self.sum = Money::ZERO;
                self.held = Some(Vec::new());
                self.marker = None;
                Taken::Totals(number)
            }
            RowKind::Data => match self.held.as_mut() {
                None => {
                    self.add(&row);
                    ready.push(row);
                    Taken::Held
                }
                Some(held) if held.len() >= MAX_HELD_ROWS => {
                    self.unread = held.len() as u64 + 1;
                    Taken::TooFar
                }
                Some(held) => {
                    held.push(row);
                    match self.marker.take() {
                        // A section heading (or the header again) and a
                        // record below it: a new section has begun.
                        Some((at, marker)) => {
                            let held = self.held.take().unwrap_or_default();
                            for r in &held {
                                self.add(r);
                            }
                            ready.extend(held);
                            Taken::Resumed(at, marker)
                        }
                        None => Taken::Held,
                    }
                }
            },
            RowKind::Section | RowKind::RepeatedHeader
                if self.held.is_some() && self.marker.is_none() =>
            {
                self.marker = Some((number, kind));
                Taken::Held
            }
            other => Taken::Skipped(number, other),
        }
    }

    /// What the summary says of the sheet's sections and the rows below
    /// its last totals row.
    fn notes(&self, sheet: &str, last_totals: Option<u32>) -> Vec<String> {
        let mut notes = Vec::new();
        let below = self.held.as_ref().map_or(0, Vec::len) as u64 + self.unread;
        let sections =
            self.ended.len() + usize::from(last_totals.is_none() && !self.ended.is_empty());
        if sections > 1 {
            let checked: Vec<String> = self
                .ended
                .iter()
                .chain(self.grand.iter())
                .filter_map(|(row, sum, total)| {
                    let total = (*total)?;
                    Some(if total == *sum {
                        format!("row {row}: {total} agrees with its rows")
                    } else {
                        format!("row {row}: {total}, but its rows add up to {sum} — check the file")
                    })
                })
                .collect();
            let mut note = format!(
                "sheet `{sheet}`: {sections} sections, each read; their totals rows were skipped"
            );
            if !checked.is_empty() {
                note = format!("{note} ({})", checked.join("; "));
            }
            notes.push(note);
        }
        if below > 0 {
            if let Some(row) = last_totals {
                notes.push(format!(
                    "sheet `{sheet}`: {below} row(s) below the totals row (row {row}) were not \
                     read: no section heading, repeated header or totals row of their own made \
                     them a section"
                ));
            }
        }
        notes
    }
}

/// What a sheet's reader noticed across its rows, as summary notes.
fn reader_notes(sheet: &str, table: &Table, reader: &RowReader<'_>) -> Vec<String> {
    let mut notes = Vec::new();
    let heading = |f: Field| {
        table
            .columns
            .iter()
            .find(|c| c.field == Some(f))
            .map(|c| c.heading.clone())
    };
    if let (n, Some((whole, site)), Some(c)) = (
        reader.derived_sites().0,
        reader.derived_sites().1,
        table.columns.iter().find(|c| c.field == Some(Field::Site)),
    ) {
        let how = if super::mapping::is_address_heading(&c.heading) {
            "it is an address"
        } else {
            "what follows the comma is a place inside a building"
        };
        notes.push(format!(
            "sheet `{sheet}`: {n} site(s) in column `{}` were taken as the part before the first \
             comma, because {how} (`{whole}` → site `{site}`); each whole value is kept in the \
             record's notes",
            c.heading
        ));
    }
    let (small, examples) = reader.small_serials();
    if let (true, Some(h)) = (small > 0, heading(Field::Serial)) {
        notes.push(format!(
            "sheet `{sheet}`: {small} serial(s) in column `{h}` are small whole numbers ({}), \
             which look like row numbers or counts rather than makers' serials; check them",
            examples
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    notes
}

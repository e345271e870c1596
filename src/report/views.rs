//! Views (headings and cells) of the use cases' records that the command
//! line used to build in its own files: forget-user's changes, and the
//! listings of `crate::ops`. Declared in `lib.rs` as `estate::views` (so
//! `report/mod.rs` is left as it is while the report writers change); it
//! belongs to `report` and moves under it with them.

use crate::register::forget::Forgotten;
use crate::report::{Cell, View};

/// What forget-user changed (or would change): a row per field.
pub fn forgotten_view(done: &Forgotten) -> View {
    let mut view = View::new(&["where", "record", "field", "count"]);
    for c in &done.changes {
        view.push(vec![
            Cell::text(&c.place),
            Cell::text(&c.record),
            Cell::text(&c.field),
            Cell::number(c.count.to_string()),
        ]);
    }
    view
}

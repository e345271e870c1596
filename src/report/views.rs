//! Views (headings and cells) of the use cases' records that the command
//! line used to build in its own files: forget-user's changes, and the
//! listings of `crate::ops`. Declared in `lib.rs` as `estate::views` (so
//! `report/mod.rs` is left as it is while the report writers change); it
//! belongs to `report` and moves under it with them.

use crate::domain::Rate;
use crate::domain::iso;
use crate::forecast::lines::LinesForecast;
use crate::forecast::power::ModelProfile;
use crate::ops::assets::{Shown, Updated};
use crate::ops::orgs::Organisations;
use crate::policy::Defaults;
use crate::register::forget::Forgotten;
use crate::register::store::PlaceKind;
use crate::register::{Asset, AuditEntry, Licence, Line, Place};
use crate::report::running::{count, quantity};
use crate::report::{Cell, View};
use crate::running::energystar::MatchReport;

/// What leaves security support in a horizon (`estate support`): a row
/// per asset, with whether the rule replaces it and why not.
pub fn leaving_support_view(rows: &[crate::forecast::support::Leaving]) -> View {
    let mut view = View::new(&[
        "year",
        "last supported day",
        "org",
        "tag",
        "class",
        "runs",
        "replaced for support",
    ]);
    for r in rows {
        let replaced = match (r.leased, r.replaced, &r.upgrade_to) {
            (true, _, _) => "no: leased, renewed at lease end".to_string(),
            (false, true, Some(to)) => format!("no: upgrade OS to {to}"),
            (false, true, None) => "yes".to_string(),
            (false, false, _) => "no: class replaced by age only".to_string(),
        };
        view.push(vec![
            Cell::text(r.year.to_string()),
            Cell::text(if r.last_day == crate::policy::support::ENDED_UNDATED {
                "ended (no date given)".to_string()
            } else {
                iso(r.last_day)
            }),
            Cell::text(&r.organisation),
            Cell::text(&r.tag),
            Cell::text(r.class.to_string()),
            Cell::text(&r.runs),
            Cell::text(replaced),
        ]);
    }
    view
}

/// What an update did, in the words `estate update` (and the web asset
/// page) says: each changed field with its old and new value.
pub fn updated_message(done: &Updated) -> String {
    if done.changes.is_empty() {
        return format!("asset {} unchanged", done.tag_before);
    }
    let list: Vec<String> = done
        .changes
        .iter()
        .map(|c| {
            format!(
                "{}: {} -> {}",
                c.field,
                c.old.as_deref().unwrap_or("(empty)"),
                c.new.as_deref().unwrap_or("(empty)")
            )
        })
        .collect();
    format!(
        "updated {} in {}: {}",
        done.tag,
        done.organisation,
        list.join("; ")
    )
}

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

/// The certified model profiles held.
pub fn model_profiles_view(profiles: &[ModelProfile]) -> View {
    let mut view = View::new(&["manufacturer", "model", "kWh a year", "source"]);
    for p in profiles {
        view.push(vec![
            Cell::text(&p.manufacturer),
            Cell::text(&p.model),
            quantity(p.kwh_per_year, 2),
            Cell::text(&p.source),
        ]);
    }
    view
}

/// The register's models an ENERGY STAR import matched, then those it did not.
pub fn model_matches_view(report: &MatchReport) -> View {
    let mut view = View::new(&[
        "manufacturer",
        "model",
        "class",
        "assets",
        "matched",
        "certified model",
        "kWh a year",
    ]);
    for m in &report.matched {
        view.push(vec![
            Cell::text(&m.manufacturer),
            Cell::text(&m.model),
            Cell::text(m.class.as_str()),
            count(m.assets),
            Cell::text("yes"),
            Cell::text(&m.certified_model),
            quantity(m.kwh_per_year, 2),
        ]);
    }
    for m in &report.unmatched {
        view.push(vec![
            Cell::text(&m.manufacturer),
            Cell::text(&m.model),
            Cell::text(m.class.as_str()),
            count(m.assets),
            Cell::text("no"),
            Cell::text(""),
            Cell::text(""),
        ]);
    }
    view
}

/// The register's licence entitlements.
pub fn licences_view(held: &[Licence]) -> View {
    let mut view = View::new(&[
        "org",
        "product",
        "agreement",
        "metric",
        "quantity",
        "unit cost",
        "basis",
        "start",
        "end",
        "budget",
        "category",
    ]);
    for l in held {
        let f = &l.fields;
        view.push(vec![
            Cell::text(&l.organisation),
            Cell::text(&f.product),
            Cell::text(&f.agreement),
            Cell::text(f.metric.as_str()),
            count(u64::from(f.quantity)),
            Cell::money(f.unit_cost),
            Cell::text(f.cost_basis.as_str()),
            Cell::opt(f.start_date.map(iso)),
            Cell::opt(f.end_date.map(iso)),
            Cell::text(f.budget.as_str()),
            Cell::opt(f.category.as_ref()),
        ]);
    }
    view
}

/// The register's phone lines.
pub fn lines_view(held: &[Line]) -> View {
    let mut view = View::new(&[
        "org",
        "number",
        "type",
        "use",
        "critical care",
        "site",
        "monthly rental",
        "contract end",
        "status",
    ]);
    for l in held {
        let f = &l.fields;
        view.push(vec![
            Cell::text(&l.organisation),
            Cell::text(&f.number),
            Cell::text(f.line_type.as_str()),
            Cell::opt(f.line_use.as_ref()),
            Cell::text(if f.critical_care { "yes" } else { "no" }),
            Cell::opt(f.site.as_ref()),
            Cell::money(f.monthly_rental),
            Cell::opt(f.contract_end.map(iso)),
            Cell::text(if f.active { "active" } else { "ceased" }),
        ]);
    }
    view
}

/// The line contracts ending inside a forecast's years.
pub fn contracts_ending_view(f: &LinesForecast) -> View {
    let mut view = View::new(&[
        "org",
        "number",
        "type",
        "contract end",
        "year",
        "rental that year",
    ]);
    for c in &f.contracts_ending {
        view.push(vec![
            Cell::text(&c.organisation),
            Cell::text(&c.number),
            Cell::text(c.line_type.as_str()),
            Cell::text(iso(c.contract_end)),
            Cell::text(c.year.to_string()),
            Cell::money(c.rental),
        ]);
    }
    view
}

/// The columns of `estate list`.
pub fn asset_view(assets: &[Asset]) -> View {
    let mut view = View::new(&[
        "org",
        "tag",
        "class",
        "manufacturer",
        "model",
        "serial",
        "site",
        "in service",
        "cost",
        "status",
    ]);
    for a in assets {
        let f = &a.fields;
        view.push(vec![
            Cell::text(&a.organisation),
            Cell::text(&f.asset_tag),
            Cell::text(f.class.as_str()),
            Cell::opt(f.manufacturer.as_ref()),
            Cell::opt(f.model.as_ref()),
            Cell::opt(f.serial.as_ref()),
            Cell::opt(f.site.as_ref()),
            Cell::opt(f.in_service_date.map(iso)),
            Cell::money_opt(f.purchase_cost),
            Cell::text(f.status.as_str()),
        ]);
    }
    view
}

/// One asset, a row per field, with its disposal when disposed of.
pub fn asset_record_view(shown: &Shown) -> View {
    let (asset, disposal) = (&shown.asset, &shown.disposal);
    let mut record = View::new(&["field", "value"]);
    record.push(vec![
        Cell::text("organisation"),
        Cell::text(&asset.organisation),
    ]);
    for (name, value) in asset.fields.field_values() {
        record.push(vec![
            Cell::text(name),
            Cell::text(value.unwrap_or_default()),
        ]);
    }
    if let Some(d) = disposal {
        record.push(vec![Cell::text("disposed on"), Cell::text(iso(d.date))]);
        record.push(vec![
            Cell::text("disposal method"),
            Cell::text(d.method.as_str()),
        ]);
        record.push(vec![
            Cell::text("certificate"),
            Cell::opt(d.certificate.as_ref()),
        ]);
        record.push(vec![
            Cell::text("contractor"),
            Cell::opt(d.contractor.as_ref()),
        ]);
        record.push(vec![Cell::text("proceeds"), Cell::money_opt(d.proceeds)]);
    }
    record
}

/// An audit trail, oldest first; an insert's new value (the whole record as
/// JSON) only when `whole_inserts`, else `(record created)`.
pub fn history_view(history: &[AuditEntry], whole_inserts: bool) -> View {
    let mut trail = View::new(&["when", "who", "action", "field", "old", "new", "by"]);
    for e in history {
        let by = match e.batch_id {
            Some(b) => format!("{} (batch {b})", e.command),
            None => e.command.clone(),
        };
        trail.push(vec![
            Cell::text(e.at.replace('T', " ").trim_end_matches('Z')),
            Cell::text(&e.who),
            Cell::text(&e.action),
            Cell::opt(e.field.as_ref()),
            Cell::opt(e.old_value.as_ref()),
            if e.action == "insert" && !whole_inserts {
                match (&e.source, e.batch_id) {
                    (Some(file), Some(b)) => {
                        Cell::text(format!("(created by import batch {} of {file})", b.0))
                    }
                    _ => Cell::text("(record created)"),
                }
            } else {
                Cell::opt(e.new_value.as_ref())
            },
            Cell::text(by),
        ]);
    }
    trail
}

/// The organisations, with each shared service's shares.
pub fn organisations_view(all: &Organisations) -> View {
    let mut view = View::new(&["code", "name", "shared service", "staff", "shares"]);
    for o in &all.organisations {
        let split: Vec<String> = all
            .shares
            .iter()
            .filter(|s| s.shared == o.code)
            .map(|s| format!("{} {}", s.member, Rate::from_fraction(s.ratio)))
            .collect();
        view.push(vec![
            Cell::text(&o.code),
            Cell::text(&o.name),
            Cell::text(if o.is_shared_service { "yes" } else { "no" }),
            Cell::number(o.staff_count.map(|s| s.to_string()).unwrap_or_default()),
            Cell::text(split.join(", ")),
        ]);
    }
    view
}

/// Sites (organisation, name) or departments (and their cost centres).
pub fn places_view(places: &[Place], kind: PlaceKind) -> View {
    let mut view = match kind {
        PlaceKind::Site => View::new(&["org", "site"]),
        PlaceKind::Department => View::new(&["org", "department", "cost centre"]),
    };
    for p in places {
        let mut row = vec![Cell::text(&p.organisation), Cell::text(&p.name)];
        if kind == PlaceKind::Department {
            row.push(Cell::opt(p.cost_centre.as_ref()));
        }
        view.push(row);
    }
    view
}

/// The policy: lives, prices, model lives, programme lines, settings and
/// the running-cost figures, each with its source as a plain citation
/// (the data files keep the maintainers' notes).
pub fn policy_view(d: &Defaults) -> View {
    let mut view = View::new(&["item", "class", "value", "source"]);
    for l in &d.lives {
        view.push(vec![
            Cell::text("life (years)"),
            Cell::text(l.class.as_str()),
            Cell::number(l.life_years.to_string()),
            Cell::text(&l.source),
        ]);
    }
    for p in &d.prices {
        let class = if p.manufacturer.is_empty() && p.model.is_empty() {
            p.class.as_str().to_string()
        } else {
            format!("{} ({} {})", p.class.as_str(), p.manufacturer, p.model)
        };
        view.push(vec![
            Cell::text("unit price"),
            Cell::text(class),
            Cell::money(p.unit_cost),
            Cell::text(&p.source),
        ]);
    }
    for m in &d.model_lives {
        view.push(vec![
            Cell::text("model life (years)"),
            Cell::text(format!("{} {}", m.manufacturer, m.model)),
            Cell::number(m.life_years.to_string()),
            Cell::text(&m.source),
        ]);
    }
    for l in &d.programme_lines {
        view.push(vec![
            Cell::text("programme line"),
            Cell::text(l.class.as_str()),
            Cell::text(&l.line),
            Cell::text(&l.source),
        ]);
    }
    for s in &d.settings {
        view.push(vec![
            Cell::text("setting"),
            Cell::text(&s.key),
            Cell::text(&s.value),
            Cell::text(&s.source),
        ]);
    }
    crate::report::running::policy_rows(d, &mut view);
    for row in &mut view.rows {
        if let Some(source) = row.get_mut(3) {
            *source = Cell::text(crate::policy::citation(&source.text));
        }
    }
    view
}

/// The accounts of `estate serve` (`estate users list`).
pub fn users_view(users: &[crate::accounts::User]) -> View {
    let mut view = View::new(&["name", "role", "state", "added", "changed"]);
    for u in users {
        let state = if u.disabled {
            "disabled"
        } else if u.one_time {
            "one-time password"
        } else {
            "active"
        };
        view.push(vec![
            Cell::text(&u.name),
            Cell::text(u.role.as_str()),
            Cell::text(state),
            Cell::text(&u.created_at),
            Cell::text(&u.updated_at),
        ]);
    }
    view
}

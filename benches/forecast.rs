//! Forecast benchmarks (issue 7, benches 4 and 5), each beside its baseline
//! in the same run: the five-year capital forecast over a register holding
//! the generated estate (`--by line`, and `--by org`, where the shared
//! service's costs are apportioned to its two member councils), and the
//! capped (levelled) forecast, against one `SELECT` reading every in-scope
//! asset row the forecast needs (the same query the forecast's snapshot
//! runs, values only looked at).
//!
//! The register is built once, outside the timed loops, by importing the
//! generated CSV. Throughput is in assets.

mod common;

use std::str::FromStr;

use criterion::{Throughput, criterion_group, criterion_main};
use estate::domain::{FinancialYear, Money};
use estate::forecast::programme::{CapitalProgramme, Dimension, Units};
use estate::forecast::{self, Caps, Horizon, Request};
use estate::register::{Actor, RegisterError};
use estate::report::forecast::programme_view;
use rusqlite::Connection;
use rust_decimal::Decimal;

use common::{Estate, ORG, connect, import};

/// The forecast the README shows: five years from 2026/27.
fn request(caps: Option<Caps>) -> Request {
    let first = FinancialYear::from_str("2026/27").expect("a year");
    let mut request = Request::new(Horizon::new(first, 5).expect("five years"));
    request.caps = caps;
    request
}

/// `estate forecast --by DIMENSION [--cap …]` without the printing: the
/// forecast from the register and the table the command shows.
fn forecast(conn: &Connection, request: &Request, by: Dimension) -> usize {
    let run = forecast::run(conn, request).expect("the forecast runs");
    programme_view(run.programme.table(by), Units::Pounds)
        .rows
        .len()
}

/// Baseline: the snapshot's query, every row stepped through and every
/// column looked at (borrowed), nothing built.
fn select_scan(conn: &Connection) -> u64 {
    let mut stmt = conn
        .prepare_cached(estate::forecast::store::SNAPSHOT_QUERY)
        .expect("the scan prepares");
    let mut rows = stmt.query([None::<&str>]).expect("the scan runs");
    let mut bytes = 0u64;
    while let Some(row) = rows.next().expect("a row") {
        for i in 0..12 {
            if let Ok(text) = row.get_ref(i).expect("a column").as_str() {
                bytes += text.len() as u64;
            }
        }
    }
    bytes
}

/// Makes the estate's organisation a shared service whose costs two member
/// councils share 40:60, so `--by org` apportions every pound.
fn share_the_service(conn: &mut Connection) {
    use estate::register::store::{add_organisation, organisation_by_code, set_shares};
    let actor = Actor::command("bench");
    estate::db::write(conn, |tx| -> Result<(), RegisterError> {
        tx.execute(
            "UPDATE organisations SET is_shared_service = 1 WHERE code = ?1",
            [ORG],
        )?;
        add_organisation(tx, "AVN", "Avonmere District Council", false, None, &actor)?;
        add_organisation(tx, "BRK", "Brookfield Borough Council", false, None, &actor)?;
        let org =
            |code| organisation_by_code(tx, code).map(|o| o.expect("the organisation was added"));
        set_shares(
            tx,
            &org(ORG)?,
            &[
                (org("AVN")?, Decimal::new(4, 1)),
                (org("BRK")?, Decimal::new(6, 1)),
            ],
            &actor,
        )
    })
    .expect("the shares are set");
}

/// Every table of the programme adds up to the same total, and each row's
/// years to its total: the forecast's parts sum to its whole.
fn check_parts_sum_to_the_whole(p: &CapitalProgramme) -> Money {
    let total = p.table(Dimension::Line).total;
    assert!(!total.is_zero(), "the forecast funds nothing");
    for d in Dimension::ALL {
        let t = p.table(*d);
        assert_eq!(t.total, total, "{d:?}");
        let rows: Money = t.rows.iter().map(|r| r.total).sum();
        assert_eq!(rows, total, "{d:?} rows");
        for r in &t.rows {
            assert_eq!(
                r.amounts.iter().copied().sum::<Money>(),
                r.total,
                "{}",
                r.label
            );
        }
    }
    total
}

fn benches(c: &mut criterion::Criterion) {
    let estate = common::timed("generate the estate", || Estate::generate(false));
    let n = estate.assets;
    let register = estate.fresh_register("forecast.db");
    share_the_service(&mut connect(&register));
    let imported = common::timed("import the estate", || import(&register, &estate.csv));
    assert_eq!(imported.total.new, n);
    let conn = connect(&register);

    // Setup checks, and the cap: 60% of an average year's spending, so the
    // levelling defers a good part of every year.
    let plain = forecast::run(&conn, &request(None)).expect("the forecast runs");
    let total = check_parts_sum_to_the_whole(&plain.programme);
    let members: Vec<&str> = plain
        .programme
        .table(Dimension::Org)
        .rows
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(members, ["AVN", "BRK"], "the shared service is apportioned");
    let pence = total.to_pence().expect("whole pence") * 6 / 10 / 5;
    let caps = Caps::from_str(&Money::from_pence(pence).amount().to_string()).expect("a cap");
    let levelled = forecast::run(&conn, &request(Some(caps.clone()))).expect("it levels");
    let funded = check_parts_sum_to_the_whole(&levelled.programme);
    assert!(funded < total, "the cap defers spending");

    let mut group = c.benchmark_group(format!("forecast/{n}"));
    group.throughput(Throughput::Elements(n));
    group.bench_function("select_scan", |b| b.iter(|| select_scan(&conn)));
    let plain = request(None);
    group.bench_function("by_line", |b| {
        b.iter(|| forecast(&conn, &plain, Dimension::Line));
    });
    group.bench_function("by_org", |b| {
        b.iter(|| forecast(&conn, &plain, Dimension::Org));
    });
    let capped = request(Some(caps));
    group.bench_function("levelled", |b| {
        b.iter(|| forecast(&conn, &capped, Dimension::Line));
    });
    group.finish();
}

criterion_group! {
    name = forecast_benches;
    config = common::criterion();
    targets = benches
}
criterion_main!(forecast_benches);

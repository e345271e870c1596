//! Import benchmarks (issue 7, benches 1–3), each beside its baseline in the
//! same run:
//! 1. `xlsx`: `estate import` of the generated workbook into an empty
//!    register, against calamine alone streaming the same file's cells (and
//!    estate's reading half alone, parsing without a register, to show
//!    where the time goes); the unchanged re-import of the same workbook;
//! 2. `csv`: `estate import` of the same assets as CSV, against the csv
//!    crate alone deserialising them and SQLite alone inserting them (and,
//!    a second floor, inserting them audited as estate audits what an
//!    import creates: one batch row, each asset naming it (V18); and
//!    estate's reading half alone; and the import keeping every index row by
//!    row, as before a bulk load built its secondary indexes after it);
//! 3. `reimport`: importing the CSV again into the register that already
//!    holds it (every row unchanged), beside the first import.
//!
//! Throughput is in rows (assets, plus lines and licences for the workbook).
//! Inputs are generated once, outside the timed loops; each timed import
//! gets a fresh copy of an empty register made in the untimed setup.

mod common;

use criterion::{BatchSize, Throughput, criterion_group, criterion_main};

use common::{
    Estate, asset_values, calamine_stream, csv_deserialise, estate_parse, import, import_with,
    sqlite_insert,
};

fn benches(c: &mut criterion::Criterion) {
    let estate = common::timed("generate the estate", || Estate::generate(true));
    let n = estate.assets;

    // Setup checks: what the timed imports do is right.
    let register = estate.fresh_register("check.db");
    let first = common::timed("check: first csv import", || import(&register, &estate.csv));
    assert_eq!((first.total.new, first.total.rejected), (n, 0));
    let again = common::timed("check: unchanged re-import", || {
        import(&register, &estate.csv)
    });
    assert_eq!((again.total.unchanged, again.total.new), (n, 0));
    let held = estate.fresh_register("check-xlsx.db");
    let book = common::timed("check: xlsx import", || import(&held, &estate.xlsx));
    assert_eq!(book.total.new, estate.xlsx_rows);
    let book_again = common::timed("check: unchanged xlsx re-import", || {
        import(&held, &estate.xlsx)
    });
    assert_eq!(
        (book_again.total.unchanged, book_again.total.new),
        (estate.xlsx_rows, 0)
    );
    assert_eq!(estate_parse(&estate.xlsx), estate.xlsx_rows);
    assert_eq!(estate_parse(&estate.csv), n);

    let mut xlsx = c.benchmark_group(format!("xlsx/{n}"));
    xlsx.throughput(Throughput::Elements(estate.xlsx_rows));
    xlsx.bench_function("calamine_stream", |b| {
        b.iter(|| calamine_stream(&estate.xlsx));
    });
    xlsx.bench_function("estate_parse_only", |b| {
        b.iter(|| estate_parse(&estate.xlsx));
    });
    xlsx.bench_function("estate_import", |b| {
        b.iter_batched(
            || estate.fresh_register("xlsx.db"),
            |register| import(&register, &estate.xlsx),
            BatchSize::PerIteration,
        );
    });
    xlsx.bench_function("unchanged_reimport", |b| {
        b.iter(|| import(&held, &estate.xlsx));
    });
    xlsx.finish();

    let values = asset_values(n);
    let mut csv = c.benchmark_group(format!("csv/{n}"));
    csv.throughput(Throughput::Elements(n));
    csv.bench_function("csv_deserialise", |b| {
        b.iter(|| csv_deserialise(&estate.csv));
    });
    csv.bench_function("estate_parse_only", |b| {
        b.iter(|| estate_parse(&estate.csv));
    });
    csv.bench_function("sqlite_insert", |b| {
        b.iter_batched(
            || estate.fresh_register("sqlite.db"),
            |register| sqlite_insert(&register, &values, false),
            BatchSize::PerIteration,
        );
    });
    csv.bench_function("sqlite_insert_with_audit", |b| {
        b.iter_batched(
            || estate.fresh_register("sqlite-audit.db"),
            |register| sqlite_insert(&register, &values, true),
            BatchSize::PerIteration,
        );
    });
    csv.bench_function("estate_import", |b| {
        b.iter_batched(
            || estate.fresh_register("csv.db"),
            |register| import(&register, &estate.csv),
            BatchSize::PerIteration,
        );
    });
    // The same import keeping every index up to date row by row, as
    // imports did before a bulk load built its secondary indexes after it
    // (issue 18): the change's before and after in one run.
    csv.bench_function("estate_import_indexes_kept", |b| {
        b.iter_batched(
            || estate.fresh_register("csv-kept.db"),
            |register| {
                let mut opts = common::import_options();
                opts.bulk_load_rows = u64::MAX;
                import_with(&register, &estate.csv, &opts)
            },
            BatchSize::PerIteration,
        );
    });
    csv.finish();
    drop(values);

    let mut reimport = c.benchmark_group(format!("reimport/{n}"));
    reimport.throughput(Throughput::Elements(n));
    reimport.bench_function("first_import", |b| {
        b.iter_batched(
            || estate.fresh_register("first.db"),
            |register| import(&register, &estate.csv),
            BatchSize::PerIteration,
        );
    });
    reimport.bench_function("unchanged_reimport", |b| {
        b.iter(|| import(&register, &estate.csv));
    });
    reimport.finish();
}

criterion_group! {
    name = import_benches;
    config = common::criterion();
    targets = benches
}
criterion_main!(import_benches);

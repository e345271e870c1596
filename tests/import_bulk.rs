//! A bulk load builds the register's secondary indexes after it (issue 18):
//! an import that adds at least `BULK_LOAD_ROWS` (10,000) new records to a
//! table, and at least as many as the table held before, drops the table's
//! non-unique indexes inside its transaction and creates each again, from
//! the SQL `sqlite_master` held, before the commit. These tests hold it to
//! leaving every index as it was, usable and consistent with the rows, and
//! to leaving small imports, dry runs and refused imports alone.

use std::fmt::Write as _;

use crate::util::Env;

/// The indexes on `assets` that are neither UNIQUE nor made by a
/// constraint, sorted by name, as the migrations create them: V1
/// (`assets_by_class`), V2 (`assets_by_batch`), V7 (`assets_by_tag_key`,
/// `assets_by_serial_key`), V13 (`assets_by_tag`, `assets_by_in_service`)
/// and V19's seven. The UNIQUE constraints' own indexes
/// (`sqlite_autoindex_assets_*`) are not among them.
const ASSET_SECONDARY_INDEXES: [&str; 13] = [
    "assets_by_batch",
    "assets_by_class",
    "assets_by_class_order",
    "assets_by_cost",
    "assets_by_department",
    "assets_by_in_service",
    "assets_by_model",
    "assets_by_serial_key",
    "assets_by_site",
    "assets_by_status",
    "assets_by_tag",
    "assets_by_tag_key",
    "assets_by_user",
];

/// A CSV of `n` desktops and laptops, numbered from `first`: tag
/// `{prefix}{i:05}`, serial `S{prefix}{i:05}`, a laptop when `i` is odd,
/// model `M{i % 7}`, cost £500.00, assigned to `User {i % 10}`, at site
/// `Site {i % 3}`.
fn kit(prefix: &str, first: u32, n: u32) -> String {
    let mut csv = String::from("Asset Tag,Serial Number,Type,Model,Cost,Assigned To,Location\n");
    for i in first..first + n {
        let class = if i % 2 == 1 { "Laptop" } else { "Desktop" };
        writeln!(
            csv,
            "{prefix}{i:05},S{prefix}{i:05},{class},M{},500.00,User {},Site {}",
            i % 7,
            i % 10,
            i % 3
        )
        .unwrap();
    }
    csv
}

/// A register with organisation AVN and `name` written beside it.
fn with_file(name: &str, csv: &str) -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "AVN", "Avonmere District Council"]);
    std::fs::write(env.path().join(name), csv).unwrap();
    env
}

/// Every index in the register, `(name, sql)`, sorted by name.
fn indexes(env: &Env) -> Vec<(String, Option<String>)> {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn count(env: &Env, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// The `indexes_rebuilt` an import's JSON summary lists (none when absent).
fn rebuilt(summary: &serde_json::Value) -> Vec<String> {
    summary
        .get("indexes_rebuilt")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

#[test]
fn a_bulk_load_into_an_empty_register_rebuilds_every_index_as_it_was() {
    let env = with_file("big.csv", &kit("T", 0, 10_000));
    let before = indexes(&env);
    let s = env.json(&["import", "big.csv", "--org", "AVN"]);
    assert_eq!(s["total"]["new"], 10_000, "{s}");
    // The 10,000th new asset reaches BULK_LOAD_ROWS in an empty table.
    assert_eq!(rebuilt(&s), ASSET_SECONDARY_INDEXES);
    assert_eq!(indexes(&env), before);
    // `check` runs SQLite's integrity check, which holds every index to
    // the table's rows.
    env.ok(&["check"]);
    assert_eq!(
        count(
            &env,
            "SELECT COUNT(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'"
        ),
        0
    );
    // Queries through the rebuilt indexes find the right rows. Users
    // cycle through 0..9, so 10,000 rows give each user 1,000; sites cycle
    // through 0..2, so `Site 0` holds i = 0, 3, …, 9999: 3,334; laptops are
    // the odd i: 5,000; models cycle through 0..6, so `M3` is i = 3, 10, …,
    // 9999 (9999 = 7 × 1428 + 3): (9999 - 3) / 7 + 1 = 1,429.
    let by = |index: &str, filter: &str| {
        count(
            &env,
            &format!("SELECT COUNT(*) FROM assets INDEXED BY {index} WHERE {filter}"),
        )
    };
    assert_eq!(
        by("assets_by_user", "assigned_user = 'user 3' COLLATE NOCASE"),
        1_000
    );
    assert_eq!(
        by(
            "assets_by_site",
            "site_id = (SELECT site_id FROM sites WHERE name = 'Site 0')"
        ),
        3_334
    );
    assert_eq!(by("assets_by_class_order", "class = 'laptop'"), 5_000);
    assert_eq!(
        by(
            "assets_by_model",
            "COALESCE(model, '') COLLATE NOCASE = 'M3'"
        ),
        1_429
    );
    assert_eq!(by("assets_by_tag", "asset_tag = 'T01234'"), 1);
    assert_eq!(by("assets_by_status", "status = 'in_use'"), 10_000);
    assert_eq!(by("assets_by_batch", "batch_id = 1"), 10_000);
    let shown = env.json(&["show", "T01234"]);
    assert_eq!(shown["asset"]["serial"], "ST01234", "{shown}");
}

#[test]
fn a_load_smaller_than_the_register_or_the_floor_drops_nothing() {
    // 9,999 new rows into an empty register: below BULK_LOAD_ROWS.
    let env = with_file("a.csv", &kit("A", 0, 9_999));
    std::fs::write(env.path().join("b.csv"), kit("B", 0, 10_000)).unwrap();
    std::fs::write(env.path().join("c.csv"), kit("C", 0, 10_000)).unwrap();
    let before = indexes(&env);
    let s = env.json(&["import", "a.csv", "--org", "AVN"]);
    assert_eq!(s["total"]["new"], 9_999, "{s}");
    assert_eq!(rebuilt(&s), Vec::<String>::new());
    // 10,000 new rows into a table holding 9,999: at the 10,000th the load
    // has reached both the floor and what the table held.
    let s = env.json(&["import", "b.csv", "--org", "AVN"]);
    assert_eq!(s["total"]["new"], 10_000, "{s}");
    assert_eq!(rebuilt(&s), ASSET_SECONDARY_INDEXES);
    // 10,000 more into a table holding 19,999: fewer than it held.
    let s = env.json(&["import", "c.csv", "--org", "AVN"]);
    assert_eq!(s["total"]["new"], 10_000, "{s}");
    assert_eq!(rebuilt(&s), Vec::<String>::new());
    assert_eq!(indexes(&env), before);
    assert_eq!(count(&env, "SELECT COUNT(*) FROM assets"), 29_999);
    env.ok(&["check"]);
}

#[test]
fn a_dry_run_and_a_refused_bulk_load_leave_the_indexes_as_they_were() {
    // 10,000 good rows, then one repeating the first row's serial: the
    // 10,001st row is rejected, after the 10,000th dropped the indexes.
    let mut csv = kit("T", 0, 10_000);
    csv.push_str("X00000,ST00000,Desktop,M0,500.00,,\n");
    let env = with_file("big.csv", &csv);
    let before = indexes(&env);
    let dump = env.dump();

    let s = env.json(&["import", "big.csv", "--org", "AVN", "--dry-run"]);
    assert_eq!(
        (s["total"]["new"].as_i64(), s["total"]["rejected"].as_i64()),
        (Some(10_000), Some(1)),
        "{s}"
    );
    assert_eq!(rebuilt(&s), Vec::<String>::new());
    assert_eq!(indexes(&env), before);
    assert_eq!(env.dump(), dump);

    // --strict refuses the whole file for its one reject: rolled back.
    let out = env
        .cmd()
        .args(["import", "big.csv", "--org", "AVN", "--strict"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(indexes(&env), before);
    assert_eq!(env.dump(), dump);
    env.ok(&["check"]);
}

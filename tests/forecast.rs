//! The capital forecast end to end through the register: hand-worked small
//! estates with exact pennies, the golden estate against figures worked out
//! independently by `tests/golden/forecast_check.py`, and saved runs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use estate::db;
use estate::domain::{AssetClass, AssetStatus, FinancialYear, Funding, Money, parse_date};
use estate::forecast::programme::{CapitalProgramme, Dimension};
use estate::forecast::scenario::Scenario;
use estate::forecast::store::{diff_runs, list_runs, load_run, run_detail};
use estate::forecast::{self, Horizon, Request};
use estate::policy::{
    Defaults,
    store::{PolicyChange, load as load_policy, set as set_policy},
};
use estate::register::store::{add_organisation, insert_asset, organisation_by_code, set_shares};
use estate::register::{Actor, AssetFields};
use rusqlite::Connection;
use rust_decimal::Decimal;

fn fy(s: &str) -> FinancialYear {
    s.parse().unwrap()
}

fn horizon() -> Horizon {
    Horizon::new(fy("2026/27"), 5).unwrap()
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/forecast-estate")
}

/// A register with the shipped policy and the given organisations.
fn register(orgs: &[&str]) -> Connection {
    let mut conn = db::open_in_memory().unwrap();
    let actor = Actor::command("test");
    db::write(&mut conn, |tx| {
        load_policy(tx, &Defaults::builtin(), "test", "builtin")?;
        for code in orgs {
            add_organisation(tx, code, &format!("{code} Council"), false, None, &actor).unwrap();
        }
        Ok::<_, rusqlite::Error>(())
    })
    .unwrap();
    conn
}

fn add(conn: &mut Connection, org: &str, fields: &AssetFields) {
    let o = organisation_by_code(conn, org).unwrap().unwrap();
    db::write(conn, |tx| {
        // A disposed asset is added in use and then disposed of: the only
        // way the register lets an asset become disposed.
        let mut f = fields.clone();
        let disposed = f.status == estate::domain::AssetStatus::Disposed;
        if disposed {
            f.status = estate::domain::AssetStatus::InUse;
        }
        let actor = Actor::command("test");
        let id = insert_asset(tx, &o, &f, true, &actor)?;
        if disposed {
            let asset = estate::register::store::asset_by_id(tx, id)?;
            let disposal = estate::register::Disposal {
                date: parse_date("2026-01-01").unwrap(),
                method: estate::domain::DisposalMethod::Recycling,
                certificate: None,
                contractor: None,
                proceeds: None,
                notes: None,
            };
            estate::register::store::dispose_asset(tx, &o, &asset, &disposal, &actor)?;
        }
        Ok::<_, estate::register::RegisterError>(())
    })
    .unwrap();
}

fn asset(tag: &str, class: AssetClass, in_service: &str) -> AssetFields {
    let mut f = AssetFields::new(tag, class);
    f.in_service_date = Some(parse_date(in_service).unwrap());
    f
}

fn pounds(money: Money) -> String {
    let mut d = money.amount();
    d.rescale(2);
    d.to_string()
}

fn line(p: &CapitalProgramme, label: &str) -> Vec<String> {
    p.by_line
        .rows
        .iter()
        .find(|r| r.label == label)
        .unwrap()
        .amounts
        .iter()
        .map(|m| pounds(*m))
        .collect()
}

// ---------------------------------------------------------------- hand-worked

#[test]
fn a_small_council_s_programme_is_exact_to_the_penny_per_year_and_line() {
    // Shipped policy: 2% inflation from 2026/27; desktop £600/5y, laptop
    // £850/4y, server £10,000/3y, mobile £250/3y.
    //
    //           in service   due           year     cost
    // PC1       2021-06-01   2026-06-01    2026/27  £600.00
    // PC2       2022-09-01   2027-09-01    2027/28  £600 x 1.02 = £612.00
    // LT1       2020-01-01   2024-01-01    overdue -> 2026/27 £850.00; again
    //                                      2030/31 £850 x 1.02^4 = £920.07
    // LT2       2025-02-01   2029-02-01    2028/29  £850 x 1.0404 = £884.34
    // SRV1      2024-07-01   2027-07-01    2027/28  £10,200.00; again 2030/31
    //                                      £10,000 x 1.02^4 = £10,824.32
    // MOB1      2024-05-01   2027-05-01    2027/28  £255.00; again 2030/31 £270.61
    let mut conn = register(&["BCW"]);
    for f in [
        asset("PC1", AssetClass::Desktop, "2021-06-01"),
        asset("PC2", AssetClass::Desktop, "2022-09-01"),
        asset("LT1", AssetClass::Laptop, "2020-01-01"),
        asset("LT2", AssetClass::Laptop, "2025-02-01"),
        asset("SRV1", AssetClass::Server, "2024-07-01"),
        asset("MOB1", AssetClass::Mobile, "2024-05-01"),
    ] {
        add(&mut conn, "BCW", &f);
    }
    let run = forecast::run(&conn, &Request::new(horizon())).unwrap();
    let p = &run.programme;
    assert_eq!(
        line(p, "Desktop and laptop refresh"),
        ["1450.00", "612.00", "884.34", "0.00", "920.07"]
    );
    assert_eq!(
        line(p, "Server and storage replacement"),
        ["0.00", "10200.00", "0.00", "0.00", "10824.32"]
    );
    assert_eq!(
        line(p, "Mobile devices"),
        ["0.00", "255.00", "0.00", "0.00", "270.61"]
    );
    let totals: Vec<String> = p.by_line.totals.iter().map(|m| pounds(*m)).collect();
    assert_eq!(
        totals,
        ["1450.00", "11067.00", "884.34", "0.00", "12015.00"]
    );
    assert_eq!(pounds(p.total()), "25416.34");
    assert_eq!(p.backlog.count, 1);
    assert_eq!(pounds(p.backlog.value), "850.00");
}

#[test]
fn a_shared_service_s_kit_is_apportioned_to_its_councils_to_the_penny() {
    // ABS (BCW 1/3, CDC 2/3) replaces a £10,000 server in 2026/27:
    // 1,000,000p / 3 = 333,333.33p and 666,666.67p: floors 333,333 and
    // 666,666, one penny to the larger remainder (CDC's .67).
    let mut conn = register(&["ABS", "BCW", "CDC"]);
    conn.execute(
        "UPDATE organisations SET is_shared_service = 1 WHERE code = 'ABS'",
        [],
    )
    .unwrap();
    let third = Decimal::ONE / Decimal::from(3);
    db::write(&mut conn, |tx| {
        let get = |c: &str| organisation_by_code(tx, c).unwrap().unwrap();
        set_shares(
            tx,
            &get("ABS"),
            &[(get("BCW"), third), (get("CDC"), Decimal::ONE - third)],
            &Actor::command("test"),
        )
    })
    .unwrap();
    add(
        &mut conn,
        "ABS",
        &asset("SRV1", AssetClass::Server, "2023-06-01"),
    );
    let run = forecast::run(&conn, &Request::new(horizon())).unwrap();
    let org = run.programme.table(Dimension::Org);
    let rows: Vec<(String, String)> = org
        .rows
        .iter()
        .map(|r| (r.label.clone(), pounds(r.amounts[0])))
        .collect();
    assert_eq!(
        rows,
        [
            ("BCW".to_string(), "3333.33".to_string()),
            ("CDC".to_string(), "6666.67".to_string())
        ]
    );
    assert_eq!(org.total, run.programme.total());
}

#[test]
fn one_organisation_can_be_forecast_on_its_own() {
    let mut conn = register(&["BCW", "CDC"]);
    add(
        &mut conn,
        "BCW",
        &asset("PC1", AssetClass::Desktop, "2021-06-01"),
    );
    add(
        &mut conn,
        "CDC",
        &asset("PC1", AssetClass::Desktop, "2021-06-01"),
    );
    let mut request = Request::new(horizon());
    request.organisation = Some("CDC".into());
    let run = forecast::run(&conn, &request).unwrap();
    assert_eq!(run.forecast.scope.scheduled, 1);
    assert_eq!(pounds(run.programme.total()), "600.00");
}

// ---------------------------------------------------------------- golden estate

/// Loads `tests/golden/forecast-estate/` into a fresh register: the shipped
/// policy with the changes in `policy.csv`, the organisations and shares,
/// and the assets.
fn golden_register() -> Connection {
    let dir = golden_dir();
    let mut conn = register(&[]);
    let actor = Actor::command("test");
    let mut orgs = csv::Reader::from_path(dir.join("organisations.csv")).unwrap();
    let orgs: Vec<csv::StringRecord> = orgs.records().map(Result::unwrap).collect();
    db::write(&mut conn, |tx| {
        for o in &orgs {
            add_organisation(tx, &o[0], &o[1], !o[2].is_empty(), None, &actor).unwrap();
        }
        for o in orgs.iter().filter(|o| !o[2].is_empty()) {
            let members: Vec<_> = o[2]
                .split(';')
                .map(|m| {
                    let (code, ratio) = m.split_once('=').unwrap();
                    (
                        organisation_by_code(tx, code).unwrap().unwrap(),
                        ratio.parse::<Decimal>().unwrap(),
                    )
                })
                .collect();
            let shared = organisation_by_code(tx, &o[0]).unwrap().unwrap();
            set_shares(tx, &shared, &members, &actor).unwrap();
        }
        Ok::<_, rusqlite::Error>(())
    })
    .unwrap();
    let mut policy = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(dir.join("policy.csv"))
        .unwrap();
    for r in policy.records().map(Result::unwrap) {
        let change = match &r[0] {
            "model_life" => PolicyChange::ModelLife {
                manufacturer: r[2].into(),
                model: r[3].into(),
                years: r[4].parse().unwrap(),
            },
            "price" => PolicyChange::Price {
                class: r[1].parse().unwrap(),
                manufacturer: r[2].into(),
                model: r[3].into(),
                amount: r[4].parse().unwrap(),
            },
            other => panic!("unknown policy change {other}"),
        };
        db::write(&mut conn, |tx| set_policy(tx, &change, "test")).unwrap();
    }
    let mut assets = csv::Reader::from_path(dir.join("assets.csv")).unwrap();
    for r in assets.records().map(Result::unwrap) {
        let opt = |i: usize| (!r[i].is_empty()).then(|| r[i].to_string());
        let mut f = AssetFields::new(&r[1], r[2].parse().unwrap());
        f.status = r[3].parse::<AssetStatus>().unwrap();
        f.funding = r[4].parse::<Funding>().unwrap();
        f.in_service_date = opt(5).map(|d| parse_date(&d).unwrap());
        f.lease_end = opt(6).map(|d| parse_date(&d).unwrap());
        f.life_years = opt(7).map(|y| y.parse().unwrap());
        f.manufacturer = opt(8);
        f.model = opt(9);
        f.site = opt(10);
        f.department = opt(11);
        add(&mut conn, &r[0], &f);
    }
    conn
}

/// The programme in the plain text form `forecast_check.py` writes.
fn canonical(p: &CapitalProgramme) -> String {
    let mut out = String::new();
    let years: Vec<String> = p.years.iter().map(ToString::to_string).collect();
    writeln!(out, "years,{}", years.join(",")).unwrap();
    for (kind, dim) in [
        ("line", Dimension::Line),
        ("class", Dimension::Class),
        ("org", Dimension::Org),
        ("site", Dimension::Site),
        ("department", Dimension::Department),
    ] {
        for row in &p.table(dim).rows {
            let amounts: Vec<String> = row.amounts.iter().map(|m| pounds(*m)).collect();
            writeln!(
                out,
                "{kind},{},{},{}",
                row.label,
                amounts.join(","),
                pounds(row.total)
            )
            .unwrap();
        }
    }
    let totals: Vec<String> = p.by_line.totals.iter().map(|m| pounds(*m)).collect();
    writeln!(out, "total,,{},{}", totals.join(","), pounds(p.total())).unwrap();
    for s in &p.summary {
        writeln!(
            out,
            "summary,{},{},{},{},{},{},{},{},{},{},{},{}",
            s.year,
            s.due.count,
            pounds(s.due.value),
            s.overdue.count,
            pounds(s.overdue.value),
            s.deferred_in.count,
            pounds(s.deferred_in.value),
            s.funded.count,
            pounds(s.funded.value),
            s.deferred_out.count,
            pounds(s.deferred_out.value),
            s.past_life_at_year_end
        )
        .unwrap();
    }
    writeln!(
        out,
        "unfunded,{},{},{}",
        p.unfunded.tally.count,
        pounds(p.unfunded.tally.value),
        p.unfunded.priced_at
    )
    .unwrap();
    writeln!(
        out,
        "unknown_age,{},{}",
        p.unknown_age.tally.count,
        pounds(p.unknown_age.tally.value)
    )
    .unwrap();
    let leases: Vec<String> = p
        .leases
        .by_year
        .iter()
        .map(|(_, n)| n.to_string())
        .collect();
    writeln!(
        out,
        "leases,{},{},{},{}",
        leases.join(","),
        p.leases.ended_before,
        p.leases.after,
        p.leases.end_unknown
    )
    .unwrap();
    for a in &p.approvals {
        let bodies: Vec<&str> = a.bodies.iter().map(|b| b.label()).collect();
        writeln!(
            out,
            "approval,{},{},{},{}",
            a.line,
            a.year.map_or("horizon".to_string(), |y| y.to_string()),
            pounds(a.amount),
            bodies.join(";")
        )
        .unwrap();
    }
    for d in &p.detail {
        writeln!(
            out,
            "detail,{},{},{},{},{},{}",
            d.organisation,
            d.asset_tag,
            estate::domain::iso(d.due_date),
            d.year.map_or("unfunded".to_string(), |y| y.to_string()),
            d.reason.as_key(),
            pounds(d.cost)
        )
        .unwrap();
    }
    out
}

/// Forecasts `conn` from 2026/27 for five years (with `scenario`) and checks
/// every figure against `dir/expected-{case}.txt`.
fn check_golden_in(conn: &Connection, dir: &Path, case: &str, scenario: Option<Scenario>) {
    let mut request = Request::new(horizon());
    request.scenario = scenario;
    request.detail = true;
    let run = forecast::run(conn, &request).unwrap();
    let got = canonical(&run.programme);
    let path = dir.join(format!("expected-{case}.txt"));
    let want = std::fs::read_to_string(&path).unwrap();
    // Line by line, so a failure names the first figure that differs.
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        assert_eq!(
            g,
            w,
            "{}: line {} differs (expected figures come from tests/golden/forecast_check.py)",
            path.display(),
            i + 1
        );
    }
    assert_eq!(
        got.lines().count(),
        want.lines().count(),
        "{}",
        path.display()
    );
}

fn check_golden(case: &str, scenario: Option<Scenario>) {
    check_golden_in(&golden_register(), &golden_dir(), case, scenario);
}

#[test]
fn the_golden_estate_s_base_programme_matches_the_independent_check() {
    check_golden("base", None);
}

#[test]
fn the_golden_estate_s_capped_programme_matches_the_independent_check() {
    let text = std::fs::read_to_string(golden_dir().join("capped.toml")).unwrap();
    check_golden(
        "capped",
        Some(Scenario::parse(&text, "capped.toml").unwrap()),
    );
}

#[test]
fn the_golden_estate_with_desktops_on_six_years_matches_the_independent_check() {
    check_golden(
        "extend",
        Some(Scenario::builtin("extend-desktop-life").unwrap()),
    );
}

/// The register's assets in the form of `tests/golden/sample-estate/assets.csv`.
fn assets_csv(conn: &Connection) -> String {
    let mut stmt = conn
        .prepare(
            "SELECT o.code, a.asset_tag, a.class, a.status, a.funding, a.in_service_date, \
             a.lease_end, a.life_years, a.manufacturer, a.model, s.name, d.name, \
             a.os, a.os_version, a.cpu, a.support_end \
             FROM assets a JOIN organisations o ON o.organisation_id = a.organisation_id \
             LEFT JOIN sites s ON s.site_id = a.site_id \
             LEFT JOIN departments d ON d.department_id = a.department_id \
             ORDER BY o.code, a.asset_tag",
        )
        .unwrap();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record([
        "organisation",
        "asset_tag",
        "class",
        "status",
        "funding",
        "in_service_date",
        "lease_end",
        "life_years",
        "manufacturer",
        "model",
        "site",
        "department",
        "os",
        "os_version",
        "cpu",
        "support_end",
    ])
    .unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let cells: Vec<String> = (0..16)
            .map(|i| match r.get::<_, rusqlite::types::Value>(i).unwrap() {
                rusqlite::types::Value::Null => String::new(),
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

#[test]
fn the_sample_estate_s_programmes_match_the_independent_check() {
    // The sample estate as the Quick start builds it: every supplier
    // spreadsheet in data/sample/ imported into a fresh register.
    let env = crate::util::Env::new();
    env.ok(&["demo", "--out", "sample"]);
    let conn = db::open(&env.path().join("sample/estate.db"), db::OpenMode::Existing).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/sample-estate");
    // The Python check reads assets.csv: it must be what the import gives.
    let committed = std::fs::read_to_string(dir.join("assets.csv")).unwrap();
    assert!(
        assets_csv(&conn) == committed,
        "the imported sample estate no longer matches tests/golden/sample-estate/assets.csv; \
         if the import changed on purpose, re-export it and rerun tests/golden/forecast_check.py"
    );
    check_golden_in(&conn, &dir, "base", None);
    check_golden_in(
        &conn,
        &dir,
        "capped",
        Some(Scenario::builtin("capped-250k").unwrap()),
    );
    check_golden_in(
        &conn,
        &dir,
        "extend",
        Some(Scenario::builtin("extend-desktop-life").unwrap()),
    );
}

// ---------------------------------------------------------------- saved runs

#[test]
fn a_saved_run_shows_its_original_figures_and_assumptions_after_the_policy_changes() {
    let mut conn = golden_register();
    // The register state a run records is its import batches.
    conn.execute(
        "INSERT INTO import_batches (file_name, file_sha256, kind, rows_read, rows_new, imported_at) \
         VALUES ('dell-asset-report.xlsx', ?1, 'hardware', 42, 42, '2027-01-10T09:00:00Z')",
        ["a".repeat(64)],
    )
    .unwrap();
    let run = forecast::run(&conn, &Request::new(horizon())).unwrap();
    let id = forecast::save(
        &mut conn,
        &run,
        "Capital programme Feb 2027",
        "estate forecast --save",
        None,
    )
    .unwrap();
    // Cabinet approved it; then the policy changed.
    db::write(&mut conn, |tx| {
        set_policy(
            tx,
            &PolicyChange::Life {
                class: AssetClass::Server,
                years: 5,
            },
            "estate policy set life server 5",
        )?;
        set_policy(
            tx,
            &PolicyChange::Inflation("3.5%".parse().unwrap()),
            "estate policy set inflation 3.5%",
        )
    })
    .unwrap();
    let now = forecast::run(&conn, &Request::new(horizon())).unwrap();
    assert_ne!(now.programme.total(), run.programme.total());

    let saved = load_run(&conn, id).unwrap();
    assert_eq!(saved.programme, run.programme, "figures exactly as saved");
    assert_eq!(saved.assumptions, run.assumptions, "assumptions as used");
    assert_eq!(saved.assumptions.class_life(AssetClass::Server), Some(3));
    assert_eq!(saved.assumptions.inflation.to_string(), "2%");
    assert_eq!(saved.summary.name, "Capital programme Feb 2027");
    assert_eq!(pounds(saved.summary.funded), "143917.16");
    assert_eq!(saved.register.assets, 42);
    assert_eq!(saved.register.batches.len(), 1);
    assert_eq!(
        saved.register.batches[0].file_name,
        "dell-asset-report.xlsx"
    );
    let detail = run_detail(&conn, &saved).unwrap();
    assert_eq!(detail.len(), run.forecast.replacements.len());
    assert_eq!(detail[0].asset_tag, "BCW-LT-0002");
    assert_eq!(list_runs(&conn).unwrap().len(), 1);
}

#[test]
fn runs_diff_says_what_moved_and_why() {
    let mut conn = golden_register();
    let first = forecast::run(&conn, &Request::new(horizon())).unwrap();
    let old = forecast::save(&mut conn, &first, "last year", "test", None).unwrap();
    // A new laptop, a disposal, a life change for mobiles.
    add(
        &mut conn,
        "BCW",
        &asset("BCW-LT-0099", AssetClass::Laptop, "2023-01-10"),
    );
    let bcw = organisation_by_code(&conn, "BCW").unwrap().unwrap();
    let printer = estate::register::store::find_asset(&conn, &bcw, "BCW-PRN-0001")
        .unwrap()
        .unwrap();
    let mut gone = printer.fields.clone();
    gone.status = AssetStatus::Retired;
    db::write(&mut conn, |tx| {
        estate::register::store::update_asset(
            tx,
            &bcw,
            &printer,
            &gone,
            false,
            &Actor::command("t"),
        )
    })
    .unwrap();
    db::write(&mut conn, |tx| {
        set_policy(
            tx,
            &PolicyChange::Life {
                class: AssetClass::Mobile,
                years: 4,
            },
            "t",
        )
    })
    .unwrap();
    let second = forecast::run(&conn, &Request::new(horizon())).unwrap();
    let new = forecast::save(&mut conn, &second, "this year", "test", None).unwrap();
    let d = diff_runs(&conn, old, new).unwrap();
    let causes: Vec<(&str, u64, String)> = d
        .causes
        .iter()
        .map(|c| (c.cause.label(), c.assets, pounds(c.change)))
        .collect();
    // New laptop: due 10 Jan 2027, £850.00, and again four years after
    // being bought, in 2030/31, £850 x 1.02^4 = £920.07: £1,770.07.
    // Printer: -£400.00. Mobiles on 4
    // years: BCW-MOB-0001 (2026/27 £250, 2029/30 £265.30 -> 2027/28 £255),
    // BCW-MOB-0002 (2027/28 £255, 2030/31 £270.61 -> 2028/29 £260.10),
    // CDC-MOB-0001 overdue (£250 and 2029/30 £265.30 -> £250 and 2030/31
    // £270.61): -£260.30, -£265.51, +£5.31.
    assert_eq!(
        causes,
        [
            ("new assets", 1, "1770.07".to_string()),
            ("assets no longer in the register", 1, "-400.00".to_string()),
            ("changed lives", 3, "-520.50".to_string()),
        ]
    );
    let total: Money = d.causes.iter().map(|c| c.change).sum();
    assert_eq!(total, d.new.funded - d.old.funded);
    assert!(
        d.assumptions
            .iter()
            .any(|c| c.what == "life of mobile" && c.old == "3 years" && c.new == "4 years")
    );
}

// ---------------------------------------------------------------- command line

mod cli {
    use crate::util::Env;

    /// BCW and CDC, and their shared service ABS (BCW 40%, CDC 60%), with:
    ///
    /// | asset | org | class   | in service | due        | cost                  |
    /// |-------|-----|---------|------------|------------|-----------------------|
    /// | PC1   | BCW | desktop | 2021-06-01 | 2026/27    | £600.00               |
    /// | LT1   | BCW | laptop  | 2020-01-01 | overdue    | £850.00; 2030/31 £920.07 (£850 x 1.02^4 = 920.0673) |
    /// | SRV1  | ABS | server  | 2024-07-01 | 2027/28    | £10,200.00; 2030/31 £10,824.32 |
    /// | SAN1  | ABS | storage | 2021-07-01 | 2026/27    | £40,000.00            |
    /// | MFD1  | CDC | MFD, leased to 2028-03-31: a renewal in 2027/28, costed in the notes |
    fn estate() -> Env {
        let env = Env::init();
        env.ok(&["orgs", "add", "BCW", "Brookfield Borough Council"]);
        env.ok(&["orgs", "add", "CDC", "Carrow District Council"]);
        env.ok(&["orgs", "add", "ABS", "Shared ICT Service", "--shared"]);
        env.ok(&["orgs", "shares", "ABS", "BCW=40%", "CDC=60%"]);
        for args in [
            &[
                "add",
                "desktop",
                "--org",
                "BCW",
                "--tag",
                "PC1",
                "--purchase-date",
                "2021-06-01",
            ][..],
            &[
                "add",
                "laptop",
                "--org",
                "BCW",
                "--tag",
                "LT1",
                "--purchase-date",
                "2020-01-01",
            ],
            &[
                "add",
                "server",
                "--org",
                "ABS",
                "--tag",
                "SRV1",
                "--purchase-date",
                "2024-07-01",
            ],
            &[
                "add",
                "storage",
                "--org",
                "ABS",
                "--tag",
                "SAN1",
                "--purchase-date",
                "2021-07-01",
            ],
            &[
                "add",
                "MFP",
                "--org",
                "CDC",
                "--tag",
                "MFD1",
                "--funding",
                "leased",
                "--lease-end",
                "2028-03-31",
            ],
        ] {
            env.ok(args);
        }
        env
    }

    fn lines(text: &str) -> Vec<&str> {
        text.lines().collect()
    }

    #[test]
    fn forecast_shows_programme_lines_against_financial_years_with_totals() {
        let env = estate();
        // 2026/27: SAN1 £40,000 + PC1 £600 + LT1 £850 (overdue) = £41,450.
        // 2027/28: SRV1 £10,000 x 1.02 = £10,200. 2030/31: SRV1 again
        // £10,824.32 and LT1 again £920.07 = £11,744.39.
        let out = env.ok(&["forecast", "--from", "2026/27", "--format", "csv"]);
        assert_eq!(
            lines(&out),
            [
                "Programme line,2026/27,2027/28,2028/29,2029/30,2030/31,Total",
                "Server and storage replacement,40000.00,10200.00,0.00,0.00,10824.32,61024.32",
                "Network replacement,0.00,0.00,0.00,0.00,0.00,0.00",
                "Desktop and laptop refresh,1450.00,0.00,0.00,0.00,920.07,2370.07",
                "Print and MFD replacement,0.00,0.00,0.00,0.00,0.00,0.00",
                "Mobile devices,0.00,0.00,0.00,0.00,0.00,0.00",
                "Other equipment,0.00,0.00,0.00,0.00,0.00,0.00",
                "Total,41450.00,10200.00,0.00,0.00,11744.39,63394.39",
            ]
        );
        let table = env.ok(&["forecast"]);
        assert!(
            table.starts_with("Capital programme 2026/27 to 2030/31, by programme line"),
            "the first year defaults to the one containing today (2026-11-28): {table}"
        );
        assert!(table.contains("backlog: 1 asset already past its life before 2026/27; £850.00"));
        assert!(table.contains(
            "lease renewals (leased kit, revenue, not in the capital figures): 2026/27 0, 2027/28 1"
        ));
        assert!(
            table.contains("Server and storage replacement │ 2026/27"),
            "{table}"
        );
    }

    #[test]
    fn forecast_by_org_apportions_the_shared_service_to_the_penny() {
        let env = estate();
        // ABS's £40,000 (2026/27) splits £16,000 / £24,000 and its £10,200
        // (2027/28) £4,080 / £6,120. Its £10,824.32 (2030/31): 40% is
        // 432,972.8p and 60% 649,459.2p; the spare penny goes to BCW (.8):
        // £4,329.73 + LT1 £920.07 = £5,249.80, and CDC £6,494.59.
        let out = env.ok(&["forecast", "--by", "org", "--format", "csv"]);
        assert_eq!(
            lines(&out),
            [
                "Organisation,2026/27,2027/28,2028/29,2029/30,2030/31,Total",
                "BCW,17450.00,4080.00,0.00,0.00,5249.80,26779.80",
                "CDC,24000.00,6120.00,0.00,0.00,6494.59,36614.59",
                "Total,41450.00,10200.00,0.00,0.00,11744.39,63394.39",
            ]
        );
    }

    #[test]
    fn a_cap_defers_what_does_not_fit_and_reports_it_unfunded() {
        let env = estate();
        // Cap £30,000: the £40,000 SAN never fits; deferred every year and
        // unfunded at 2031/32 prices, £40,000 x 1.02^5 = £44,163.23.
        let out = env.ok(&["forecast", "--cap", "30000", "--detail", "--format", "csv"]);
        assert_eq!(
            lines(&out),
            [
                "organisation,asset tag,class,programme line,site,department,due date,due year,funded in,reason,cost",
                "BCW,LT1,laptop,Desktop and laptop refresh,,,2024-01-01,2023/24,2026/27,overdue,850.00",
                "BCW,PC1,desktop,Desktop and laptop refresh,,,2026-06-01,2026/27,2026/27,age,600.00",
                "ABS,SRV1,server,Server and storage replacement,,,2027-07-01,2027/28,2027/28,age,10200.00",
                "ABS,SRV1,server,Server and storage replacement,,,2030-04-01,2030/31,2030/31,repeat cycle,10824.32",
                "BCW,LT1,laptop,Desktop and laptop refresh,,,2030-04-01,2030/31,2030/31,repeat cycle,920.07",
                "ABS,SAN1,storage,Server and storage replacement,,,2026-07-01,2026/27,unfunded,deferred,44163.23",
            ]
        );
        let json = env.json(&["forecast", "--cap", "2026/27=30000,2027/28=30000"]);
        let past: Vec<u64> = json["programme"]["summary"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["past_life_at_year_end"].as_u64().unwrap())
            .collect();
        // Only 2026/27 and 2027/28 capped: the SAN is funded in 2028/29.
        assert_eq!(past, [1, 1, 0, 0, 0]);
        let table = env.ok(&["forecast", "--cap", "30000"]);
        assert!(
            table.contains(
                "unfunded at the end of the horizon: 1 asset, £44,163.23 at 2031/32 prices"
            ),
            "{table}"
        );
    }

    #[test]
    fn thousands_are_for_cabinet_tables() {
        let env = estate();
        let out = env.ok(&["forecast", "--units", "thousands", "--format", "csv"]);
        assert_eq!(
            lines(&out).last().copied(),
            Some("Total,41,10,0,0,12,63"),
            "{out}"
        );
        assert!(out.starts_with("Programme line,2026/27 (£000),"), "{out}");
    }

    #[test]
    fn one_organisation_and_other_horizons() {
        let env = estate();
        let out = env.ok(&[
            "forecast", "--org", "BCW", "--from", "2027/28", "--years", "2", "--format", "csv",
        ]);
        // From 2027/28, PC1 (due 2026/27) and LT1 are overdue in 2027/28 at
        // 2027/28 prices: £612 + £867.
        assert_eq!(
            lines(&out).last().copied(),
            Some("Total,1479.00,0.00,1479.00")
        );
        let err = env.fails(&["forecast", "--org", "XYZ"], 1);
        assert!(
            err.contains("no organisation `XYZ` in the register"),
            "{err}"
        );
        env.fails(&["forecast", "--years", "0"], 2);
        env.fails(&["forecast", "--by", "colour"], 2);
        let err = env.fails(&["forecast", "--cap", "2026/27=lots"], 2);
        assert!(err.contains("is not a budget cap"), "{err}");
    }

    #[test]
    fn compare_shows_what_a_longer_desktop_life_saves_and_costs() {
        let env = estate();
        // PC1 moves from 2026/27 (£600) to 2027/28 (£612).
        let json = env.json(&["forecast", "compare", "base", "extend-desktop-life"]);
        let capital = &json["capital"];
        assert_eq!(capital["total"]["difference"][0], "-600.00");
        assert_eq!(capital["total"]["difference"][1], "612.00");
        assert_eq!(capital["total"]["difference_total"], "12.00");
        assert_eq!(capital["past_life"]["kept_past_base_life"][0], 1);
        // With no levers, capital in the running-cost block is the same programme.
        assert_eq!(json["running"]["capital_change"][0], "-600.00");
        assert_eq!(json["running"]["capital_change"][1], "612.00");
        let table = env.ok(&["forecast", "compare", "base", "extend-desktop-life"]);
        assert!(
            table.contains("extend-desktop-life costs £12.00 more than base over the horizon"),
            "{table}"
        );
        let err = env.fails(&["forecast", "compare", "base", "nope"], 1);
        assert!(
            err.contains("no scenario `nope`; the shipped ones are"),
            "{err}"
        );
    }

    #[test]
    fn a_scenario_file_can_be_given_by_path() {
        let env = estate();
        std::fs::write(
            env.path().join("cheap-storage.toml"),
            "name = \"cheap-storage\"\ndescription = \"storage at £20,000\"\n[prices]\nstorage = \"20000\"\n",
        )
        .unwrap();
        let out = env.ok(&[
            "forecast",
            "--scenario",
            "cheap-storage.toml",
            "--format",
            "csv",
        ]);
        assert!(
            out.contains("Server and storage replacement,20000.00,10200.00"),
            "{out}"
        );
    }

    #[test]
    fn a_saved_run_is_shown_as_saved_after_the_policy_changes() {
        let env = estate();
        let saved = env.json(&["forecast", "--save", "Capital programme Feb 2027"]);
        assert_eq!(saved["saved_run"], 1);
        env.ok(&["policy", "set", "life", "server", "5"]);
        env.said(&["policy", "set", "inflation", "3.5%"]);
        env.ok(&["policy", "set", "price", "desktop", "650"]);
        let now = env.json(&["forecast"]);
        assert_ne!(now["programme"]["by_line"]["total"], "63394.39");
        let run = env.json(&["runs", "show", "1"]);
        assert_eq!(run["programme"]["by_line"]["total"], "63394.39");
        assert_eq!(run["assumptions"]["inflation"], "2%");
        assert_eq!(run["summary"]["name"], "Capital programme Feb 2027");
        let table = env.ok(&["runs", "show", "1"]);
        assert!(
            table.contains("│ life of server                     │ 3 years"),
            "{table}"
        );
        assert!(table.contains("£63,394.39"), "{table}");
        let list = env.ok(&["runs", "--format", "csv"]);
        assert!(list.contains("1,Capital programme Feb 2027,"), "{list}");
        env.ok(&["forecast", "--save", "after the changes", "-q"]);
        let diff = env.json(&["runs", "diff", "1", "2"]);
        let causes: Vec<&str> = diff["causes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["cause"].as_str().unwrap())
            .collect();
        // Attributed in order (register, lives, prices, price base,
        // inflation, caps, horizon): each policy change has its own part.
        assert_eq!(causes, ["lives", "prices", "inflation"]);
        let err = env.fails(&["runs", "show", "7"], 1);
        assert!(
            err.contains("no saved run 7; `estate runs` lists them"),
            "{err}"
        );
    }

    #[test]
    fn policy_set_changes_one_figure_and_says_what_it_was() {
        let env = Env::init();
        assert_eq!(
            env.said(&["policy", "set", "life", "Desktop PC", "6"]),
            "set life.desktop to 6 (was 5)\n"
        );
        assert_eq!(
            env.said(&["policy", "set", "model-life", "Dell", "OptiPlex 7010", "7"]),
            "set life.Dell OptiPlex 7010 to 7\n"
        );
        assert_eq!(
            env.said(&["policy", "set", "price", "laptop", "£849.21"]),
            "set price.laptop to 849.21 (was 850.00)\n"
        );
        env.ok(&[
            "policy",
            "set",
            "price",
            "laptop",
            "1125",
            "--manufacturer",
            "Lenovo",
            "--model",
            "ThinkPad T14",
        ]);
        assert_eq!(
            env.said(&["policy", "set", "inflation", "3.5%"]),
            "set inflation to 3.5% (was 2.0%)\n"
        );
        assert_eq!(
            env.said(&["policy", "set", "price-base", "2027-28"]),
            "set price_base to 2027/28 (was 2026/27)\n"
        );
        let shown = env.ok(&["policy", "show", "--format", "csv"]);
        assert!(shown.contains("life (years),desktop,6,"), "{shown}");
        assert!(
            shown.contains("model life (years),Dell OptiPlex 7010,7,"),
            "{shown}"
        );
        assert!(
            shown.contains("programme line,mfd,Print and MFD replacement,"),
            "{shown}"
        );
        let err = env.fails(&["policy", "set", "life", "toaster", "3"], 1);
        assert!(
            err.contains("`toaster` is not a known asset class"),
            "{err}"
        );
        let err = env.fails(&["policy", "set", "life", "server", "0"], 1);
        assert!(err.contains("a life must be 1 to 50 years, not 0"), "{err}");
        env.fails(&["policy", "set", "inflation", "3.5"], 2);
        env.fails(
            &["policy", "set", "price", "laptop", "850", "--model", "T14"],
            2,
        );
    }
}

#[test]
fn a_generated_estate_imports_whole_again_unchanged_and_its_forecast_adds_up() {
    // At scale, cheaply: the benchmarks check the same at a million assets.
    const ASSETS: u64 = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("estate.xlsx");
    let g = estate::generate::write_xlsx(&path, ASSETS, 7).unwrap();
    let mut conn = register(&["GEN", "AVN", "BRK"]);
    conn.execute(
        "UPDATE organisations SET is_shared_service = 1 WHERE code = 'GEN'",
        [],
    )
    .unwrap();
    db::write(&mut conn, |tx| {
        let get = |c: &str| organisation_by_code(tx, c).unwrap().unwrap();
        set_shares(
            tx,
            &get("GEN"),
            &[
                (get("AVN"), Decimal::new(4, 1)),
                (get("BRK"), Decimal::new(6, 1)),
            ],
            &Actor::command("test"),
        )
    })
    .unwrap();
    let mut opts = estate::import::ImportOptions::new(time::macros::date!(2026 - 11 - 28));
    opts.organisation = Some("GEN".into());
    let import = |conn: &mut Connection| {
        let plan = estate::import::plan(&path, &opts).unwrap();
        estate::import::commit(conn, &plan, &opts, &mut |_| {}).unwrap()
    };
    let rows = g.assets + g.lines + g.licences;
    let first = import(&mut conn);
    assert_eq!((first.total.new, first.total.rejected), (rows, 0));
    let again = import(&mut conn);
    assert_eq!(
        (again.total.new, again.total.changed, again.total.unchanged),
        (0, 0, rows)
    );

    let run = forecast::run(&conn, &Request::new(horizon())).unwrap();
    let p = &run.programme;
    let total = p.table(Dimension::Line).total;
    assert!(total > Money::ZERO);
    for d in Dimension::ALL {
        let t = p.table(*d);
        assert_eq!(t.total, total, "{d:?}");
        assert_eq!(
            t.rows.iter().map(|r| r.total).sum::<Money>(),
            total,
            "{d:?}"
        );
    }
    let members: Vec<&str> = p
        .table(Dimension::Org)
        .rows
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(members, ["AVN", "BRK"]);
}

#[test]
fn a_listing_cut_short_by_its_reader_ends_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    // `estate forecast --detail --format csv | head -1`: the CSV and JSON
    // are written as they are made, so the reader going away reaches estate
    // inside the CSV or JSON writer; that is the end of the output, not an
    // error.
    let env = crate::util::Env::init();
    env.ok(&["orgs", "add", "GEN", "Generated Council"]);
    env.ok(&[
        "generate", "--assets", "3000", "--out", "gen.csv", "--seed", "3",
    ]);
    env.ok(&["import", "gen.csv", "--org", "GEN"]);
    for format in ["csv", "json"] {
        let mut child = env
            .std_cmd()
            .args([
                "forecast", "--from", "2026/27", "--detail", "--format", format,
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader is dropped here, with most of the output unread.
        let out = child.wait_with_output().unwrap();
        let expected_first = if format == "csv" {
            "organisation,asset tag,class,programme line,site,department,due date,due year,funded in,reason,cost\n"
        } else {
            "{\n"
        };
        assert_eq!(first, expected_first);
        assert!(out.status.success(), "{format}: {:?}", out.status);
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{format}");
    }
}

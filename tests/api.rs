//! The library as a second front end sees it: every error has a kind from
//! which the command line picks its exit code in one place (tested here
//! through the binary, one test per kind), and the use cases driven through
//! `estate::ops` without the command line give the figures the CLI tests
//! give.

use std::time::Duration;

use rusqlite::Connection;

use crate::util::Env;

/// The `help:` line of a busy register.
const BUSY: &str = "the register is busy (another estate command is writing to it); try again\n\
                    help: another estate command is writing; run this again when it has finished\n";

/// Holds the register's write lock until dropped (then rolls back).
struct HeldWrite(Connection);

impl HeldWrite {
    fn start(env: &Env) -> Self {
        let conn = Connection::open(env.db()).expect("open register");
        conn.busy_timeout(Duration::ZERO).expect("busy timeout");
        conn.execute_batch(
            "BEGIN IMMEDIATE; \
             INSERT INTO organisations (code, name, created_at) \
             VALUES ('HLD', 'Held write', '2026-11-29T00:00:00Z');",
        )
        .expect("take the write lock");
        HeldWrite(conn)
    }
}

impl Drop for HeldWrite {
    fn drop(&mut self) {
        self.0.execute_batch("ROLLBACK").expect("roll back");
    }
}

/// Runs `args` while another connection holds the write lock, waiting
/// only 0.2 s, and returns its exit code and stderr.
fn while_held(env: &Env, args: &[&str]) -> (Option<i32>, String) {
    let held = HeldWrite::start(env);
    let out = env
        .cmd()
        .env("ESTATE_BUSY_TIMEOUT", "0.2")
        .args(args)
        .output()
        .expect("run estate");
    drop(held);
    (
        out.status.code(),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn every_write_on_a_busy_register_exits_3_with_the_busy_help_line() {
    let env = Env::with_org();
    std::fs::write(
        env.path().join("kit.csv"),
        "Asset Tag,Serial Number,Type,Purchase Date,Cost\nPC-9,SN9,Desktop,2022-04-01,500.00\n",
    )
    .unwrap();
    for args in [
        &["import", "kit.csv", "--org", "BCW"][..],
        &["policy", "set", "life", "desktop", "6"],
        &["forecast", "--save", "busy run"],
        &[
            "licences",
            "add",
            "Office",
            "--org",
            "BCW",
            "--metric",
            "per_user",
            "--quantity",
            "10",
            "--unit-cost",
            "20.40",
            "--basis",
            "monthly",
        ],
        &[
            "lines",
            "add",
            "01632 960058",
            "--org",
            "BCW",
            "--type",
            "pstn",
            "--rental",
            "18.99",
        ],
        &["add", "desktop", "--tag", "PC-1", "--cost", "612.34"],
        &["orgs", "add", "AVN", "Avonmere District Council"],
    ] {
        let (code, stderr) = while_held(&env, args);
        assert_eq!(code, Some(3), "{args:?}: {stderr}");
        assert!(stderr.ends_with(BUSY), "{args:?}: {stderr}");
    }
    // Nothing was written by any of them.
    assert_eq!(env.ok(&["list", "--format", "csv"]).lines().count(), 1);
    assert_eq!(env.json(&["runs"]).as_array().unwrap().len(), 0);
}

#[test]
fn a_record_that_is_not_there_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["show", "PC-404"], 1);
    assert!(
        stderr.contains("no asset with tag or serial `PC-404` in organisation BCW"),
        "{stderr}"
    );
    let stderr = env.fails(&["runs", "show", "9"], 1);
    assert!(stderr.contains("no saved run 9"), "{stderr}");
}

#[test]
fn a_value_that_breaks_a_rule_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["policy", "set", "life", "desktop", "51"], 1);
    assert!(stderr.contains("50"), "{stderr}");
}

#[test]
fn a_clash_with_the_register_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["orgs", "add", "BCW", "Again"], 1);
    assert!(
        stderr.contains("organisation `BCW` already exists"),
        "{stderr}"
    );
}

#[test]
fn an_output_target_that_is_the_register_is_refused_with_exit_2_and_its_help() {
    let env = Env::with_org();
    let stderr = env.fails(&["backup", "estate.db"], 2);
    assert!(stderr.contains("refusing to write"), "{stderr}");
    assert!(stderr.contains("\nhelp: "), "{stderr}");
}

#[test]
fn a_missing_register_exits_3_with_the_init_help() {
    let env = Env::new();
    let stderr = env.fails(&["list"], 3);
    assert!(
        stderr.ends_with(
            "help: run `estate init` to create a register here, or point --db (or ESTATE_DB) at \
             yours\n"
        ),
        "{stderr}"
    );
}

#[test]
fn a_damaged_register_exits_3_with_the_restore_help_but_a_damaged_backup_without_it() {
    let env = Env::with_org();
    std::fs::write(env.path().join("bad.db"), vec![7u8; 8192]).unwrap();
    let stderr = env.fails(&["restore", "bad.db"], 3);
    assert!(!stderr.contains("help:"), "{stderr}");
    std::fs::write(env.db(), vec![7u8; 8192]).unwrap();
    let stderr = env.fails(&["list"], 3);
    assert!(
        stderr.contains("help: if this file was your register, put a backup in its place"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_cannot_be_read_exits_1() {
    let env = Env::with_org();
    let stderr = env.fails(&["import", "missing.csv"], 1);
    assert!(stderr.contains("missing.csv"), "{stderr}");
}

#[test]
fn each_kind_has_one_exit_code_and_one_http_status() {
    use estate::ErrorKind as K;
    let table = [
        (K::NotFound, 1, 404),
        (K::Invalid, 1, 422),
        (K::Conflict, 1, 409),
        (K::Refused, 2, 400),
        (K::Io, 1, 500),
        (K::Busy, 3, 503),
        (K::Unavailable, 3, 503),
        (K::Damaged, 3, 500),
        (K::Database, 3, 500),
        (K::Internal, 1, 500),
    ];
    for (kind, exit, status) in table {
        assert_eq!(
            (kind.exit_code(), kind.http_status()),
            (exit, status),
            "{kind:?}"
        );
    }
}

// ------------------------------------------------- the use cases, as a library

mod library {
    use std::time::Duration;

    use estate::domain::{AssetClass, FinancialYear, LicenceMetric, Money, Rate, RunId};
    use estate::forecast::{Horizon, Request};
    use estate::ops::assets::{self, AddAsset, AssetChanges, Checks, UpdateAsset};
    use estate::ops::forecast::{self, Save, Slips};
    use estate::ops::maintenance::{self, ForgetRequest};
    use estate::ops::orgs::{self, AddOrganisation, AddPlace};
    use estate::ops::running::{self, PowerRequest, RunningRequest};
    use estate::ops::{policy, runs};
    use estate::register::store::PlaceKind;
    use estate::register::{Actor, AssetFilter, Disposal, LicenceFields};
    use estate::{ErrorKind, Register};
    use rust_decimal::Decimal;
    use time::macros::date;

    use crate::util::Env;

    const TODAY: time::Date = date!(2026 - 11 - 28);

    fn actor() -> Actor {
        Actor::command("tests/api.rs").by("tester")
    }

    fn checks() -> Checks {
        Checks {
            today: TODAY,
            slips: Slips::Refuse,
        }
    }

    fn money(text: &str) -> Money {
        Money::parse_gbp(text).unwrap()
    }

    fn five_years() -> Horizon {
        Horizon::new("2026/27".parse::<FinancialYear>().unwrap(), 5).unwrap()
    }

    /// An empty register in memory with the default policy and organisation
    /// BCW, with a site "Civic Centre".
    fn register() -> Register {
        let mut r = Register::in_memory().unwrap();
        let (defaults, origin) = policy::defaults(None).unwrap();
        policy::load(&mut r, (&defaults, &origin), &actor()).unwrap();
        orgs::add_organisation(
            &mut r,
            &AddOrganisation {
                code: "bcw".into(),
                name: "Brookfield Borough Council".into(),
                ..AddOrganisation::default()
            },
            &actor(),
        )
        .unwrap();
        orgs::add_place(
            &mut r,
            &AddPlace {
                kind: PlaceKind::Site,
                organisation: None,
                name: "Civic Centre".into(),
                cost_centre: None,
            },
            &actor(),
        )
        .unwrap();
        r
    }

    fn add(r: &mut Register, class: AssetClass, tag: &str, fields: AssetChanges) {
        let request = AddAsset {
            organisation: None,
            class,
            tag: tag.into(),
            fields,
        };
        assets::add(r, &request, checks(), &actor()).unwrap();
    }

    /// The sample estate as `estate demo` builds it (import is still a
    /// command), opened through the library.
    fn sample() -> (Env, Register) {
        let env = Env::new();
        env.ok(&["demo", "--out", "sample"]);
        let r =
            Register::open(&env.path().join("sample/estate.db"), Duration::from_secs(5)).unwrap();
        (env, r)
    }

    #[test]
    fn the_sample_estate_s_programme_saved_and_read_back_through_the_library() {
        let (_env, mut r) = sample();
        let request = Request::new(five_years());
        let save = Save {
            name: "Capital programme Feb 2027".into(),
            command: "tests/api.rs".into(),
        };
        let f = forecast::forecast(&mut r, &request, Some(&save)).unwrap();
        let p = &f.run.programme;
        // The independent check's figures (tests/golden/sample-estate).
        assert_eq!(p.total(), money("1560780.83"));
        assert_eq!(
            (p.backlog.count, p.backlog.value),
            (220, money("472190.00"))
        );
        assert_eq!(p.summary[0].funded.value, money("678950.00"));
        assert!(f.with_levers.is_none());
        let id = f.saved.unwrap();
        let listed = runs::list(&r).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].name, "Capital programme Feb 2027");
        let saved = runs::show(&r, id, false).unwrap();
        assert_eq!(saved.programme.total(), money("1560780.83"));
        let d = runs::diff(&r, id, id).unwrap();
        assert!(d.comparison.total.difference.iter().all(|m| m.is_zero()));
        let missing = runs::show(&r, RunId(99), false).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound);
        assert_eq!(
            missing.to_string(),
            "no saved run 99; `estate runs` lists them"
        );
    }

    #[test]
    fn the_sample_estate_s_cabinet_report_assembled_rendered_and_written_through_the_library() {
        use estate::forecast::programme::Dimension;
        use estate::ops::report::{self, ReportOf, ReportRequest};
        use estate::report::Document;

        let (env, mut r) = sample();
        let request = ReportRequest::forecast(five_years(), TODAY);
        let cabinet = report::cabinet(&r, &request).unwrap();
        assert_eq!(cabinet.title, "ICT capital programme 2026/27 to 2030/31");
        assert_eq!(cabinet.prepared, "2026-11-28");
        // The independent check's figures (tests/golden/sample-estate,
        // expected-base.txt): the five years' total, and the server and
        // storage line, 450,000.00 in 2026/27 and 950,289.60 in all.
        assert_eq!(cabinet.programme.total(), money("1560780.83"));
        assert!(
            cabinet.running.is_some(),
            "a fresh report has running costs"
        );
        assert!(cabinet.levers.is_none(), "no scenario, no levers");
        assert!(!cabinet.programme.detail.is_empty(), "detail was asked for");
        let csv =
            String::from_utf8(report::render(&cabinet, Document::Csv, Dimension::Line).unwrap())
                .unwrap();
        let server = csv
            .lines()
            .find(|l| l.starts_with("Server and storage replacement"))
            .unwrap();
        assert!(
            server.contains("450000.00") && server.ends_with("950289.60"),
            "{server}"
        );
        let json: serde_json::Value = serde_json::from_slice(
            &report::render(&cabinet, Document::Json, Dimension::Line).unwrap(),
        )
        .unwrap();
        assert_eq!(json["title"], "ICT capital programme 2026/27 to 2030/31");
        let xlsx = report::render(&cabinet, Document::Xlsx, Dimension::Line).unwrap();
        assert!(xlsx.starts_with(b"PK"), "a workbook is a zip");
        let path = env.path().join("programme.md");
        report::write(&cabinet, Document::Md, Dimension::Line, &path).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .starts_with("## ICT capital programme 2026/27 to 2030/31")
        );

        // A saved run reported exactly as saved, and compared with itself:
        // the same total, and no change in any year.
        let save = Save {
            name: "Draft".into(),
            command: "tests/api.rs".into(),
        };
        let id = forecast::forecast(&mut r, &Request::new(five_years()), Some(&save))
            .unwrap()
            .saved
            .unwrap();
        let of_run = ReportRequest {
            of: ReportOf::SavedRun(id),
            compare: Some(id),
            title: Some("Draft programme".into()),
            detail: false,
            ..request.clone()
        };
        let saved = report::cabinet(&r, &of_run).unwrap();
        assert_eq!(saved.title, "Draft programme");
        assert_eq!(saved.programme.total(), money("1560780.83"));
        let change = saved.change.unwrap();
        assert!(change.total.change.iter().all(|m| m.is_zero()));
        assert!(change.total.change_total.is_zero());
        let missing = ReportRequest {
            of: ReportOf::SavedRun(RunId(99)),
            ..request
        };
        let e = report::cabinet(&r, &missing).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn the_demo_builds_the_sample_estate_through_the_library_and_refuses_a_foreign_register() {
        let env = Env::new();
        let dir = env.path().join("sample");
        let demo = estate::ops::demo::build(&dir, TODAY, &actor(), Duration::from_secs(5)).unwrap();
        // The seven files of data/sample/ (MANIFEST.md lists them), each
        // one batch; nothing is in place before put_in_place.
        assert_eq!(demo.imports.len(), 7);
        assert!(demo.imports.iter().all(|s| s.batch.is_some()));
        assert!(!dir.join("estate.db").exists());
        // The independent check's five-year total (tests/golden/sample-estate).
        assert_eq!(demo.forecast.run.programme.total(), money("1560780.83"));
        let codes: Vec<&str> = demo
            .organisations
            .organisations
            .iter()
            .map(|o| o.code.as_str())
            .collect();
        assert!(
            codes.contains(&"AVN") && codes.contains(&"BRK"),
            "{codes:?}"
        );
        demo.put_in_place().unwrap();
        for name in [
            "estate.db",
            "capital-programme.xlsx",
            "capital-programme.html",
        ] {
            assert!(dir.join(name).is_file(), "{name}");
        }
        // A register the demo did not make is never replaced.
        let theirs = env.path().join("theirs");
        std::fs::create_dir(&theirs).unwrap();
        drop(Register::create(&theirs.join("estate.db"), Duration::from_secs(5)).unwrap());
        let e = estate::ops::demo::build(&theirs, TODAY, &actor(), Duration::from_secs(5))
            .err()
            .unwrap();
        assert_eq!(e.kind(), ErrorKind::Refused);
    }

    #[test]
    fn two_scenarios_of_the_sample_estate_compared_through_the_library() {
        let (_env, r) = sample();
        let base = forecast::scenario("base", TODAY, Slips::Refuse).unwrap();
        let extend = forecast::scenario("extend-desktop-life", TODAY, Slips::Refuse).unwrap();
        let c = forecast::compare(&r, five_years(), None, None, (&base, &extend)).unwrap();
        // Desktops on six years: £1,527,980.61 against £1,560,780.83,
        // £32,800.22 less over the five years.
        assert_eq!(c.capital.total.base_total, money("1560780.83"));
        let other: Money = c.capital.total.other.iter().copied().sum();
        assert_eq!(other, money("1527980.61"));
        assert!(!c.has_levers());
        assert_eq!(c.capital_change(), money("-32800.22"));
        let unknown = forecast::scenario("no-such", TODAY, Slips::Refuse).unwrap_err();
        assert_eq!(unknown.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn register_edits_through_the_library_keep_their_rules_and_history() {
        let mut r = register();
        add(
            &mut r,
            AssetClass::Desktop,
            "PC-00123",
            AssetChanges {
                serial: Some("5CG1234XYZ".into()),
                purchase_date: Some(date!(2021 - 04 - 01)),
                cost: Some(money("612.34")),
                site: Some("Civic Centre".into()),
                ..AssetChanges::default()
            },
        );
        // The same tag again is a conflict; a future date is invalid.
        let again = AddAsset {
            organisation: Some("BCW".into()),
            class: AssetClass::Laptop,
            tag: "pc-00123".into(),
            fields: AssetChanges::default(),
        };
        let e = assets::add(&mut r, &again, checks(), &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        let future = AddAsset {
            tag: "PC-2".into(),
            fields: AssetChanges {
                purchase_date: Some(date!(2027 - 01 - 01)),
                ..AssetChanges::default()
            },
            ..again.clone()
        };
        let e = assets::add(&mut r, &future, checks(), &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(
            e.to_string(),
            "asset PC-2: the purchase date 2027-01-01 is in the future"
        );
        // A cost of £12,000,000 is a likely slip, taken when forced.
        let slip = AddAsset {
            tag: "SRV-1".into(),
            class: AssetClass::Server,
            fields: AssetChanges {
                cost: Some(money("12000000")),
                ..AssetChanges::default()
            },
            ..again.clone()
        };
        let e = assets::add(&mut r, &slip, checks(), &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        let forced = Checks {
            slips: Slips::Take,
            ..checks()
        };
        assets::add(&mut r, &slip, forced, &actor()).unwrap();

        let updated = assets::update(
            &mut r,
            &UpdateAsset {
                key: "5cg1234xyz".into(),
                fields: AssetChanges {
                    user: Some("J Smith".into()),
                    cost: Some(money("600")),
                    ..AssetChanges::default()
                },
                ..UpdateAsset::default()
            },
            checks(),
            &actor(),
        )
        .unwrap();
        assert_eq!(updated.tag, "PC-00123");
        let fields: Vec<&str> = updated.changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["assigned_user", "purchase_cost"]);

        let listed = assets::list(&r, &AssetFilter::default()).unwrap();
        assert_eq!(listed.len(), 2);
        let total: Money = listed.iter().filter_map(|a| a.fields.purchase_cost).sum();
        assert_eq!(total, money("12000600.00"));

        let disposal = Disposal {
            date: date!(2026 - 05 - 01),
            method: "recycling".parse().unwrap(),
            certificate: Some("ADISA-2026-0042".into()),
            contractor: None,
            proceeds: None,
            notes: None,
        };
        assets::dispose(&mut r, None, "PC-00123", &disposal, checks(), &actor()).unwrap();
        let e =
            assets::dispose(&mut r, None, "PC-00123", &disposal, checks(), &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        let (_, _, reversed) =
            assets::undo_disposal(&mut r, None, "PC-00123", "a slip", &actor()).unwrap();
        assert_eq!(reversed.status.as_str(), "in_use");
        let shown = assets::show(&r, Some("BCW"), "PC-00123").unwrap();
        assert!(shown.disposal.is_none());
        let actions: Vec<_> = shown.history.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions.first(), Some(&"insert"));
        assert!(shown.history.iter().all(|e| e.who == "tester"));
        let e = assets::show(&r, None, "PC-404").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn organisations_shares_and_staff_through_the_library() {
        let mut r = register();
        let add = |r: &mut Register, code: &str, shared: bool| {
            orgs::add_organisation(
                r,
                &AddOrganisation {
                    code: code.into(),
                    name: format!("{code} council"),
                    shared,
                    staff: None,
                },
                &actor(),
            )
            .unwrap()
        };
        add(&mut r, "AVN", false);
        add(&mut r, "ABS", true);
        let members = [
            ("AVN".to_string(), Rate::from_percent(Decimal::from(40))),
            ("BCW".to_string(), Rate::from_percent(Decimal::from(60))),
        ];
        assert_eq!(
            orgs::set_shares(&mut r, "abs", &members, &actor()).unwrap(),
            "ABS"
        );
        let e = orgs::set_shares(&mut r, "AVN", &members, &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.help().is_some_and(|h| h.contains("--shared")));
        orgs::set_staff(&mut r, "AVN", 640, &actor()).unwrap();
        let all = orgs::organisations(&r).unwrap();
        let codes: Vec<_> = all.organisations.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(codes, ["ABS", "AVN", "BCW"]);
        assert_eq!(all.organisations[1].staff_count, Some(640));
        assert_eq!(all.shares.len(), 2);
        let sites = orgs::places(&r, PlaceKind::Site, Some("BCW")).unwrap();
        assert_eq!(sites[0].name, "Civic Centre");
        let e = orgs::add_place(
            &mut r,
            &AddPlace {
                kind: PlaceKind::Site,
                organisation: Some("BCW".into()),
                name: "Depot".into(),
                cost_centre: Some("X1".into()),
            },
            &actor(),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "--cost-centre belongs to departments, not sites"
        );
    }

    #[test]
    fn policy_changes_through_the_library_are_held_to_the_rules() {
        let mut r = register();
        let life = |years| estate::policy::store::PolicyChange::Life {
            class: AssetClass::Desktop,
            years,
        };
        let done = policy::set(&mut r, &life(6), (TODAY, Slips::Refuse), &actor()).unwrap();
        assert_eq!((done.old.as_deref(), done.new.as_str()), (Some("5"), "6"));
        let shown = policy::show(&r).unwrap();
        let desktop = shown
            .lives
            .iter()
            .find(|l| l.class == AssetClass::Desktop)
            .unwrap();
        assert_eq!(desktop.life_years, 6);
        let e = policy::set(&mut r, &life(51), (TODAY, Slips::Refuse), &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        let inflation =
            estate::policy::store::PolicyChange::Inflation(Rate::from_percent(Decimal::from(30)));
        let e = policy::set(&mut r, &inflation, (TODAY, Slips::Refuse), &actor()).unwrap_err();
        assert!(e.to_string().contains("--force"), "{e}");
    }

    /// Ten desktops of 2021, two servers of 2025 and a laptop with its own
    /// 50 kWh, as tests/running.rs builds them through the command line.
    fn power_register() -> Register {
        let mut r = register();
        for i in 1..=10 {
            let fields = AssetChanges {
                purchase_date: Some(date!(2021 - 06 - 01)),
                site: Some("Civic Centre".into()),
                ..AssetChanges::default()
            };
            add(&mut r, AssetClass::Desktop, &format!("PC{i:02}"), fields);
        }
        for tag in ["SRV1", "SRV2"] {
            let fields = AssetChanges {
                purchase_date: Some(date!(2025 - 01 - 01)),
                ..AssetChanges::default()
            };
            add(&mut r, AssetClass::Server, tag, fields);
        }
        let fields = AssetChanges {
            purchase_date: Some(date!(2024 - 01 - 01)),
            power_kwh: Some(Decimal::from(50)),
            ..AssetChanges::default()
        };
        add(&mut r, AssetClass::Laptop, "LT1", fields);
        r
    }

    #[test]
    fn an_estates_energy_cost_and_carbon_through_the_library() {
        let r = power_register();
        let horizon = Horizon::new("2026/27".parse().unwrap(), 2).unwrap();
        let run = running::power(
            &r,
            &PowerRequest {
                capital: Request::new(horizon),
                levers: estate::forecast::levers::Levers::default(),
            },
        )
        .unwrap();
        // 10 × 133 kWh + 2 × 425 W × 8,760 h × PUE 1.5 + 50 kWh = 12,549 kWh
        // at 24p, to the penny per asset: £3,011.76; after the desktops'
        // replacement at 100 kWh: 12,219 kWh, £2,932.56.
        let y = &run.shown().totals[0].figures;
        assert_eq!(y.stands.kwh, Decimal::from(12_549));
        assert_eq!(y.stands.cost, money("3011.76"));
        assert_eq!(y.after.kwh, Decimal::from(12_219));
        assert_eq!(y.after.cost, money("2932.56"));
        assert_eq!(run.shown().totals[1].figures.after.cost, money("2454.72"));
        let e = run.comparison().unwrap_err();
        assert!(e.to_string().starts_with("nothing to compare"), "{e}");
    }

    #[test]
    fn licences_and_lines_through_the_library() {
        let mut r = register();
        orgs::add_organisation(
            &mut r,
            &AddOrganisation {
                code: "AVN".into(),
                name: "Avonmere District Council".into(),
                staff: Some(640),
                ..AddOrganisation::default()
            },
            &actor(),
        )
        .unwrap();
        let licence = |product: &str, quantity, unit: &str, agreement: &str| LicenceFields {
            product: product.into(),
            vendor: None,
            agreement: agreement.into(),
            agreement_type: "other".parse().unwrap(),
            metric: LicenceMetric::PerUser,
            quantity,
            unit_cost: money(unit),
            cost_basis: "monthly".parse().unwrap(),
            start_date: None,
            end_date: None,
            budget: "revenue".parse().unwrap(),
            covers_classes: None,
            category: None,
            notes: None,
        };
        let avn = licence("Microsoft 365 E3", 600, "20.40", "EA 8841203");
        running::add_licence(&mut r, Some("AVN"), &avn, (Slips::Refuse, &actor())).unwrap();
        let bcw = licence("M365 E3 (User)", 400, "23.10", "EA 61945507");
        running::add_licence(&mut r, Some("BCW"), &bcw, (Slips::Refuse, &actor())).unwrap();
        let request = RunningRequest {
            horizon: Horizon::new("2026/27".parse().unwrap(), 1).unwrap(),
            organisation: None,
        };
        let f = running::licences(&r, &request, None).unwrap();
        // 600 × £20.40 × 12 + 400 × £23.10 × 12 = £257,760.00 a year;
        // 400 seats moved to the cheaper agreement save £12,960.00 a year.
        assert_eq!(f.totals[0].revenue, money("257760.00"));
        assert_eq!(f.consolidation[0].seats, 1000);
        assert_eq!(f.consolidation[0].saving_per_year, money("12960.00"));
        assert_eq!(running::list_licences(&r, Some("AVN")).unwrap().len(), 1);

        let line = estate::register::LineFields {
            number: "01632 960058".into(),
            line_type: "pstn".parse().unwrap(),
            supplier: None,
            site: None,
            monthly_rental: money("18.99"),
            contract_end: None,
            critical_care: true,
            line_use: Some("Telecare".into()),
            active: true,
            notes: None,
        };
        running::add_line(&mut r, Some("BCW"), &line, (Slips::Refuse, &actor())).unwrap();
        let e =
            running::add_line(&mut r, Some("BCW"), &line, (Slips::Refuse, &actor())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        let lines = running::lines(&r, &request).unwrap();
        assert_eq!(lines.migrations.len(), 1);
        assert!(lines.migrations[0].critical_care);
        assert_eq!(running::list_lines(&r, None).unwrap().len(), 1);
    }

    #[test]
    fn backup_check_restore_and_forget_through_the_library() {
        let env = Env::with_org();
        env.ok(&["add", "desktop", "--tag", "PC-1", "--user", "Jane Doe"]);
        let path = env.db();
        let mut r = Register::open(&path, Duration::from_secs(5)).unwrap();
        let copy = env.path().join("copy.db");
        maintenance::backup(&r, &copy).unwrap();
        let e = maintenance::backup(&r, &copy).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Refused);
        let checked = maintenance::check(&path, Duration::from_secs(5)).unwrap();
        assert!(checked.problems.is_empty());
        checked.verdict(&path).unwrap();

        let single = ForgetRequest {
            name: "Jane".into(),
            ..ForgetRequest::default()
        };
        let e = maintenance::forget_user(&mut r, &single, &actor()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.help().is_some_and(|h| h.contains("--word")));
        let dry = ForgetRequest {
            name: "Jane Doe".into(),
            dry_run: true,
            ..ForgetRequest::default()
        };
        let would = maintenance::forget_user(&mut r, &dry, &actor()).unwrap();
        assert!(would.matches() >= 1);
        let shown = assets::show(&r, None, "PC-1").unwrap();
        assert_eq!(
            shown.asset.fields.assigned_user.as_deref(),
            Some("Jane Doe")
        );
        let done = maintenance::forget_user(
            &mut r,
            &ForgetRequest {
                dry_run: false,
                ..dry
            },
            &actor(),
        )
        .unwrap();
        assert_eq!(done.matches(), would.matches());
        let shown = assets::show(&r, None, "PC-1").unwrap();
        assert_ne!(
            shown.asset.fields.assigned_user.as_deref(),
            Some("Jane Doe")
        );
        drop(r);

        let restored = maintenance::restore(&path, &copy, Duration::from_secs(5)).unwrap();
        assert!(restored.set_aside.is_none());
        let r = Register::open(&path, Duration::from_secs(5)).unwrap();
        let shown = assets::show(&r, None, "PC-1").unwrap();
        assert_eq!(
            shown.asset.fields.assigned_user.as_deref(),
            Some("Jane Doe")
        );
        let bad = env.path().join("bad.db");
        std::fs::write(&bad, vec![7u8; 8192]).unwrap();
        let e = maintenance::restore(&path, &bad, Duration::from_secs(5)).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Damaged);
        assert!(e.help().is_none());
    }
}

// ---------------------------------------------------- import, as a library

mod import_library {
    use estate::domain::BatchId;
    use estate::import::Field;
    use estate::ops::import::{self, ImportRequest, Input, Refusal};
    use estate::ops::{assets, orgs};
    use estate::register::{Actor, AssetFilter};
    use estate::{ErrorKind, Register};
    use time::macros::date;

    /// Three rows: two desktops/laptops estate knows, and a `Widget`, a
    /// class it does not, which is rejected.
    const KIT: &str = "Asset Tag,Type,Model,Purchase Date,Cost\n\
                       PC-1,Desktop,OptiPlex 7010,31/03/2024,612.34\n\
                       PC-2,Widget,Frobnicator,31/03/2024,10\n\
                       PC-3,Laptop,Latitude 5440,01/04/2024,899.00\n";

    fn actor() -> Actor {
        Actor::command("tests/api.rs").by("tester")
    }

    fn request() -> ImportRequest {
        ImportRequest::new(date!(2026 - 11 - 28), actor())
    }

    fn upload() -> Input {
        Input::Bytes {
            name: "uploads/kit.csv".into(),
            bytes: KIT.as_bytes().to_vec(),
        }
    }

    fn register() -> Register {
        let mut r = Register::in_memory().unwrap();
        let (defaults, origin) = estate::ops::policy::defaults(None).unwrap();
        estate::ops::policy::load(&mut r, (&defaults, &origin), &actor()).unwrap();
        orgs::add_organisation(
            &mut r,
            &orgs::AddOrganisation {
                code: "bcw".into(),
                name: "Brookfield Borough Council".into(),
                ..orgs::AddOrganisation::default()
            },
            &actor(),
        )
        .unwrap();
        r
    }

    fn asset_count(r: &Register) -> usize {
        assets::list(r, &AssetFilter::default()).unwrap().len()
    }

    #[test]
    fn an_upload_is_planned_rehearsed_then_committed_and_undone_through_the_library() {
        let mut r = register();
        // (a) read and map, nothing written: one sheet named after the
        // upload's file name (not the folder it came with), five columns.
        let planned = import::plan(&r, upload(), &request()).unwrap();
        assert_eq!(planned.file(), "kit.csv");
        let tables: Vec<_> = planned.plan().tables().collect();
        assert_eq!(tables.len(), 1);
        let fields: Vec<Option<Field>> = tables[0].1.columns.iter().map(|c| c.field).collect();
        assert_eq!(
            fields,
            [
                Some(Field::AssetTag),
                Some(Field::Class),
                Some(Field::Model),
                Some(Field::InServiceDate),
                Some(Field::Cost)
            ]
        );
        // The dry run: 3 rows read, PC-1 and PC-3 new, PC-2 rejected
        // (`Widget` is no class), nothing written.
        let mut seen = 0;
        let rehearsed = import::dry_run(&mut r, &planned, &mut |rows| seen = rows).unwrap();
        let s = &rehearsed.summary;
        assert!(rehearsed.refused.is_none());
        assert!(s.dry_run);
        assert_eq!(s.batch, None);
        assert_eq!((s.total.read, s.total.new, s.total.rejected), (3, 2, 1));
        assert_eq!(s.rejects.len(), 1);
        assert_eq!(
            s.rejects[0].row, 3,
            "PC-2 is on row 3 as a spreadsheet numbers it"
        );
        assert!(seen > 0, "progress was reported");
        assert_eq!(asset_count(&r), 0);
        assert!(import::batches(&r).unwrap().is_empty());
        // (b) the same plan committed: batch 1, the same counts.
        let done = import::commit(&mut r, &planned, &mut |_| ()).unwrap();
        assert!(done.refused.is_none());
        assert_eq!(done.summary.batch, Some(BatchId(1)));
        assert_eq!(
            done.summary.headline(),
            "2 new, 0 changed, 0 unchanged, 1 rejected"
        );
        assert_eq!(asset_count(&r), 2);
        let batches = import::batches(&r).unwrap();
        assert_eq!(batches.len(), 1);
        assert_eq!(batches[0].file, "kit.csv");
        assert_eq!((batches[0].new, batches[0].rejected), (2, 1));
        assert_eq!(batches[0].who, "tester");
        // Re-run from the same bytes: every record is already there.
        let again = import::import(&mut r, upload(), &request(), false, &mut |_| ()).unwrap();
        assert_eq!(
            again.summary.headline(),
            "0 new, 0 changed, 2 unchanged, 1 rejected"
        );
        assert_eq!(again.summary.batch, Some(BatchId(2)));
        // Undo the first batch: the two assets it added go (the second
        // added none, so nothing of it stands in the way).
        let u = import::undo(&mut r, BatchId(1), &actor()).unwrap();
        assert_eq!((u.removed, u.restored), (2, 0));
        assert_eq!(asset_count(&r), 0);
        let twice = import::undo(&mut r, BatchId(1), &actor()).unwrap_err();
        assert_eq!(twice.kind(), ErrorKind::Conflict);
    }

    #[test]
    fn words_taught_through_the_library_are_listed_used_and_forgotten() {
        use estate::domain::AssetStatus;
        use estate::ops::vocabulary;
        use estate::vocabulary::{NewWord, WordKind};

        let mut r = register();
        // Built in, from data/import/status-words.csv.
        let statuses = vocabulary::list(&r, Some(WordKind::Status), false).unwrap();
        assert!(
            statuses
                .iter()
                .any(|w| w.word == "ready to deploy" && w.meaning == "in_store")
        );
        assert!(vocabulary::list(&r, None, true).unwrap().is_empty());
        let on_loan = NewWord::parse(WordKind::Status, "On Loan", &["in_use".into()]).unwrap();
        let added = vocabulary::add(&mut r, &on_loan, &actor()).unwrap();
        assert_eq!(added.meaning, "in_use");
        let again = vocabulary::add(&mut r, &on_loan, &actor()).unwrap_err();
        assert_eq!(again.kind(), ErrorKind::Conflict);
        let taught = vocabulary::list(&r, None, true).unwrap();
        assert_eq!(taught.len(), 1);
        assert_eq!(taught[0].added_by.as_deref(), Some("tester"));
        // An import reads the taught status: one row, in use.
        let csv = "Asset Tag,Type,Model,Status\nPC-9,Desktop,OptiPlex 7010,On Loan\n";
        let upload = Input::Bytes {
            name: "loan.csv".into(),
            bytes: csv.as_bytes().to_vec(),
        };
        let o = import::import(&mut r, upload, &request(), false, &mut |_| ()).unwrap();
        assert_eq!(
            o.summary.headline(),
            "1 new, 0 changed, 0 unchanged, 0 rejected"
        );
        let shown = assets::show(&r, None, "PC-9").unwrap();
        assert_eq!(shown.asset.fields.status, AssetStatus::InUse);
        vocabulary::remove(&mut r, WordKind::Status, "on loan", &actor()).unwrap();
        assert!(vocabulary::list(&r, None, true).unwrap().is_empty());
        let gone = vocabulary::remove(&mut r, WordKind::Status, "on loan", &actor()).unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::NotFound);
    }

    /// A web server keeps a plan between the upload and the confirmation,
    /// and may move it between threads.
    #[test]
    fn a_plan_can_be_kept_and_moved_between_threads() {
        fn send<T: Send + 'static>() {}
        send::<import::Planned>();
        send::<import::Outcome>();
    }

    #[test]
    fn a_strict_import_with_a_reject_writes_nothing_and_says_why() {
        let mut r = register();
        let mut strict = request();
        strict.strict = true;
        let o = import::import(&mut r, upload(), &strict, false, &mut |_| ()).unwrap();
        assert_eq!(o.refused, Some(Refusal::Strict));
        assert_eq!(o.summary.batch, None);
        // What would have happened: PC-1 and PC-3 new, PC-2 rejected.
        assert_eq!((o.summary.total.new, o.summary.total.rejected), (2, 1));
        assert_eq!(asset_count(&r), 0);
        assert!(import::batches(&r).unwrap().is_empty());
    }

    #[test]
    fn a_file_on_disk_and_a_file_that_is_no_spreadsheet_through_the_library() {
        let mut r = register();
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("kit.csv");
        std::fs::write(&path, KIT).unwrap();
        let o = import::import(&mut r, Input::Path(path), &request(), false, &mut |_| ()).unwrap();
        assert_eq!(
            o.summary.headline(),
            "2 new, 0 changed, 0 unchanged, 1 rejected"
        );
        let empty = Input::Bytes {
            name: "empty.xlsx".into(),
            bytes: Vec::new(),
        };
        let e = import::plan(&r, empty, &request()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(
            e.to_string().starts_with("failed to import `empty.xlsx`"),
            "{e}"
        );
        let missing = import::undo(&mut r, BatchId(9), &actor()).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound);
    }
}

/// Which cli files a cli file uses besides `mod.rs` (`Ctx`, the flag
/// parsers), `output.rs` (the printer) and `flags.rs` (the shared flags).
fn other_cli_files_used(text: &str) -> Vec<String> {
    let mut used: Vec<String> = text
        .match_indices("super::")
        .filter_map(|(at, _)| {
            let rest = &text[at + "super::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let is_module = rest[name.len()..].starts_with("::");
            (is_module && name != "output" && name != "flags").then_some(name)
        })
        .collect();
    used.sort();
    used.dedup();
    used
}

#[test]
fn no_cli_file_uses_another_but_the_printer_and_the_shared_flags() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" {
            continue;
        }
        let used = other_cli_files_used(&std::fs::read_to_string(&path).unwrap());
        if !used.is_empty() {
            found.push(format!("{name} -> {}", used.join(", ")));
        }
    }
    found.sort();
    assert_eq!(found, Vec::<String>::new());
}

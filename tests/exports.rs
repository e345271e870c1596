//! Exports that cannot attack their readers: a register whose every
//! free-text field starts like a formula (`=HYPERLINK(...)`, `+cmd`,
//! `-2+3`, `@SUM(1)`, a tab, a carriage return), and every listing written
//! with `--format csv`. No field of any of them may start a formula unless it
//! is a genuine number; and the rejects file, which holds a supplier's cells
//! as they came, is neutralised too and imports back as the supplier wrote it.

use crate::util::Env;

/// The ways a cell can start a formula, each with a payload.
const HOSTILE: &[&str] = &[
    "=HYPERLINK(\"http://evil.example\",\"Click\")",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
];

/// A file name that starts a formula.
const HOSTILE_FILE: &str = "=cmd|' calc'!A0.csv";

/// True when a spreadsheet would read `field` as a formula.
fn starts_a_formula(field: &str) -> bool {
    field.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A genuine number (money, a count, a negative difference).
fn is_number(field: &str) -> bool {
    field.parse::<rust_decimal::Decimal>().is_ok()
}

/// Every field of `csv` that would start a formula and is not a number.
fn formulas_in(csv: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv.as_bytes());
    let mut found = Vec::new();
    for record in reader.records() {
        for field in &record.expect("estate writes valid CSV") {
            if starts_a_formula(field) && !is_number(field) {
                found.push(field.to_string());
            }
        }
    }
    found
}

/// `--flag=VALUE`, so clap takes a value that starts with `-` as a value.
fn flag(name: &str, value: &str) -> String {
    format!("--{name}={value}")
}

/// A register with a hostile string in every text field a listing shows.
fn hostile_register() -> Env {
    let env = Env::init();
    let [eq, plus, minus, at, tab, cr] = HOSTILE else {
        unreachable!()
    };
    env.ok(&["orgs", "add", "BCW", eq, "--staff", "640"]);
    env.ok(&["orgs", "add", "AVN", plus]);
    env.ok(&["orgs", "add", "ABS", "--shared", "--", minus]);
    env.ok(&["orgs", "shares", "ABS", "AVN=40%", "BCW=60%"]);
    env.ok(&["sites", "add", at, "--org", "BCW"]);
    env.ok(&[
        "departments",
        "add",
        tab,
        &flag("cost-centre", cr),
        "--org",
        "BCW",
    ]);
    for (i, text) in HOSTILE.iter().enumerate() {
        let tag = format!("{text}{i}");
        env.ok(&[
            "add",
            "desktop",
            &flag("tag", &tag),
            &flag("serial", &format!("{text}{i}")),
            &flag("manufacturer", text),
            &flag("model", text),
            &flag("user", text),
            &flag("supplier", text),
            &flag("order-ref", text),
            &flag("notes", text),
            &flag("site", at),
            &flag("department", tab),
            "--purchase-date",
            "2020-04-01",
            "--cost",
            "612.34",
            "--org",
            "BCW",
        ]);
    }
    env.ok(&[
        "lines",
        "add",
        "01632 960058",
        "--type",
        "pstn",
        "--rental",
        "18.99",
        "--org",
        "BCW",
        &flag("use", eq),
        &flag("supplier", plus),
        &flag("site", at),
        "--critical-care",
        "--contract-end",
        "2027-06-30",
    ]);
    // The same product held twice, so consolidation and standardisation list both.
    for (product, quantity, cost, agreement, org) in [
        (eq, "700", "20.40", plus, "BCW"),
        (plus, "600", "23.10", minus, "AVN"),
    ] {
        env.ok(&[
            "licences",
            "add",
            product,
            "--metric",
            "per_user",
            "--quantity",
            quantity,
            "--unit-cost",
            cost,
            "--basis",
            "monthly",
            &flag("agreement", agreement),
            &flag("vendor", at),
            &flag("category", minus),
            "--org",
            org,
        ]);
    }
    env.ok(&[
        "policy",
        "set",
        "price",
        "desktop",
        "650",
        &flag("manufacturer", eq),
        &flag("model", plus),
    ]);
    env.ok(&["policy", "set", "model-life", eq, plus, "6"]);
    env.ok(&["forecast", "--from", "2026/27", &flag("save", eq)]);
    env.ok(&["policy", "set", "life", "desktop", "4"]);
    env.ok(&["forecast", "--from", "2026/27", &flag("save", at)]);
    // An import batch named after a hostile file, from a sheet of hostile cells.
    // (A file name holds no `/`, so not the HYPERLINK.)
    let file = HOSTILE_FILE.to_string();
    let mut sheet = csv::Writer::from_path(env.path().join(&file)).unwrap();
    sheet
        .write_record(["Serial Number", "Type", "Model", "Notes"])
        .unwrap();
    sheet.write_record(["SN-1", "Desktop", plus, at]).unwrap();
    sheet.flush().unwrap();
    env.ok(&["import", &file, "--org", "AVN"]);
    env
}

/// Every listing, as CSV.
const LISTINGS: &[&[&str]] = &[
    &["list"],
    &["list", "--org", "BCW"],
    &["orgs"],
    &["sites"],
    &["departments"],
    &["imports"],
    &[
        "show",
        "=HYPERLINK(\"http://evil.example\",\"Click\")0",
        "--org",
        "BCW",
    ],
    &["forecast", "--from", "2026/27"],
    &["forecast", "--from", "2026/27", "--by", "class"],
    &["forecast", "--from", "2026/27", "--by", "org"],
    &["forecast", "--from", "2026/27", "--by", "site"],
    &["forecast", "--from", "2026/27", "--by", "department"],
    &["forecast", "--from", "2026/27", "--detail"],
    &["forecast", "--from", "2026/27", "--units", "thousands"],
    &[
        "forecast",
        "compare",
        "base",
        "extend-desktop-life",
        "--from",
        "2026/27",
    ],
    &["runs"],
    &["runs", "show", "1"],
    &["runs", "show", "1", "--detail"],
    &["runs", "diff", "1", "2"],
    &["power", "--from", "2026/27"],
    &["power", "--from", "2026/27", "--by", "class"],
    &["power", "--from", "2026/27", "--by", "site"],
    &["power", "--from", "2026/27", "--by", "org"],
    &[
        "power",
        "compare",
        "--from",
        "2026/27",
        "--thin-clients",
        "50%",
    ],
    &["power", "profiles"],
    &["lines", "--from", "2026/27"],
    &["lines", "--from", "2026/27", "--by", "org"],
    &["lines", "migrations"],
    &["lines", "critical-care"],
    &["lines", "contracts"],
    &["lines", "list"],
    &["licences", "--from", "2026/27"],
    &["licences", "compliance"],
    &["licences", "consolidation"],
    &["licences", "standardise"],
    &["licences", "list"],
    &["policy", "show"],
];

#[test]
fn no_csv_listing_holds_a_formula_whatever_the_register_holds() {
    let env = hostile_register();
    let mut seen_neutralised = 0;
    for args in LISTINGS {
        let mut all = vec!["--format", "csv"];
        all.extend_from_slice(args);
        let csv = env.ok(&all);
        assert!(!csv.is_empty(), "estate {all:?} wrote nothing");
        let formulas = formulas_in(&csv);
        assert!(
            formulas.is_empty(),
            "estate {all:?} wrote formulas {formulas:?}:\n{csv}"
        );
        seen_neutralised += csv.matches("'=HYPERLINK").count()
            + csv.matches("'+cmd").count()
            + csv.matches("'@SUM").count();
    }
    assert!(seen_neutralised > 40, "{seen_neutralised}");
    // An import's own summary, as CSV, names the hostile file.
    let summary = env.ok(&[
        "--format",
        "csv",
        "import",
        HOSTILE_FILE,
        "--org",
        "AVN",
        "--dry-run",
    ]);
    assert!(formulas_in(&summary).is_empty(), "{summary}");
    assert!(summary.contains("'=cmd|"), "{summary}");
}

#[test]
fn the_rejects_file_neutralises_a_suppliers_formulas_and_imports_back_as_they_wrote_it() {
    let env = Env::with_org();
    let [eq, plus, _, at, ..] = HOSTILE else {
        unreachable!()
    };
    let mut supplier = csv::Writer::from_path(env.path().join("supplier.csv")).unwrap();
    for row in [
        ["Serial Number", "Type", "Model", "Cost", "Notes"],
        ["SN-1", "Desktop", eq, "abc", at],
        ["SN-2", "Desktop", plus, "-12.50", "ok"],
    ] {
        supplier.write_record(row).unwrap();
    }
    supplier.flush().unwrap();
    // Every row is rejected: exit 1 and no batch, but the rejects are written.
    env.fails(&["import", "supplier.csv", "--rejects", "rejects.csv"], 1);
    let rejects = std::fs::read_to_string(env.path().join("rejects.csv")).unwrap();
    assert!(formulas_in(&rejects).is_empty(), "{rejects}");
    assert!(rejects.contains("'=HYPERLINK"), "{rejects}");
    assert!(
        rejects.contains(",-12.50,"),
        "negative numbers stay numbers:\n{rejects}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path().join("rejects.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "rejected rows may hold people's names");
    }
    // The user fixes the costs and imports the file back.
    let fixed = rejects
        .replace(",abc,", ",612.34,")
        .replace(",-12.50,", ",12.50,");
    assert_ne!(fixed, rejects);
    std::fs::write(env.path().join("rejects.csv"), fixed).unwrap();
    env.ok(&["import", "rejects.csv"]);
    let sn1 = env.json(&["show", "SN-1"]);
    assert_eq!(
        sn1["asset"]["model"], *eq,
        "the supplier's text, without the apostrophe"
    );
    assert_eq!(sn1["asset"]["purchase_cost"], "612.34");
    let sn2 = env.json(&["show", "SN-2"]);
    assert_eq!(sn2["asset"]["model"], *plus);
}

/// Markup that would run, load or restructure a page if it reached the HTML
/// unescaped.
const MARKUP: &[&str] = &[
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    "</td></tr></table><iframe src=//evil.example>",
    "R&D &amp; <b onmouseover=alert(4)>",
];

/// What must never be live markup in a report page built from the register:
/// the payloads' elements and event handlers.
const LIVE: &[&str] = &[
    "<script",
    "<img",
    "<iframe",
    "<b ",
    " onerror",
    " onload",
    " onmouseover",
];

/// The page's markup: every `<…>` (escaped text holds no `<`), lowercased.
fn tags(page: &str) -> Vec<String> {
    page.split('<')
        .skip(1)
        .map(|rest| format!("<{}", rest.split('>').next().unwrap_or_default()).to_lowercase())
        .collect()
}

/// Copies `from` to `to`, folders and all.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn report_pages_show_markup_from_the_register_as_text() {
    let env = Env::init();
    let [script, img, svg, iframe, amp] = MARKUP else {
        unreachable!()
    };
    env.ok(&["orgs", "add", "BCW", script]);
    env.ok(&["orgs", "add", "AVN", img]);
    env.ok(&["orgs", "add", "ABS", "--shared", "--", amp]);
    env.ok(&["orgs", "shares", "ABS", "AVN=40%", "BCW=60%"]);
    env.ok(&["sites", "add", svg, "--org", "BCW"]);
    env.ok(&["departments", "add", iframe, "--org", "BCW"]);
    // Programme lines come from an edited copy of data/: the chart's labels.
    let data = env.path().join("data");
    copy_dir(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data")),
        &data,
    );
    let lines = std::fs::read_to_string(data.join("programme-lines.csv")).unwrap();
    std::fs::write(
        data.join("programme-lines.csv"),
        lines.replace("Desktop and laptop refresh", &format!("Desktop {script}")),
    )
    .unwrap();
    env.ok(&["policy", "load", "--data", data.to_str().unwrap()]);
    for (i, (org, text)) in [("BCW", script), ("BCW", svg), ("AVN", img), ("ABS", amp)]
        .into_iter()
        .enumerate()
    {
        let mut args = vec![
            "add".to_string(),
            "desktop".into(),
            flag("tag", &format!("{text}{i}")),
            flag("model", text),
            flag("manufacturer", iframe),
            flag("notes", text),
            "--purchase-date".into(),
            "2020-04-01".into(),
            "--cost".into(),
            "612.34".into(),
            "--org".into(),
            org.into(),
        ];
        if org == "BCW" {
            args.push(flag("site", svg));
            args.push(flag("department", iframe));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.ok(&args);
    }
    env.ok(&["forecast", "--from", "2026/27", &flag("save", script)]);
    let mut pages = 0;
    for extra in [
        &["--from", "2026/27"][..],
        &["--from", "2026/27", "--by", "org"],
        &["--from", "2026/27", "--by", "site"],
        &["--from", "2026/27", "--by", "department"],
        &["--from", "2026/27", "--by", "class"],
        &["--run", "1"],
        &["--from", "2026/27", "--compare", "1"],
        &["--from", "2026/27", "--title", img],
    ] {
        let out = env.path().join(format!("report-{pages}.html"));
        let mut args = vec!["report", "--out", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        env.ok(&args);
        let page = std::fs::read_to_string(&out).unwrap();
        for tag in tags(&page) {
            assert!(
                !LIVE.iter().any(|live| tag.contains(live)),
                "estate {args:?} wrote the markup {tag}"
            );
        }
        for text in MARKUP {
            assert!(
                !page.contains(text),
                "estate {args:?} wrote {text} as it is"
            );
        }
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "estate {args:?}"
        );
        // Report CSV next to it: no formulas either.
        let csv = env.path().join(format!("report-{pages}.csv"));
        let mut args = vec!["report", "--out", csv.to_str().unwrap()];
        args.extend_from_slice(extra);
        env.ok(&args);
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(formulas_in(&text).is_empty(), "estate {args:?}:\n{text}");
        pages += 1;
    }
    assert_eq!(pages, 8);
}

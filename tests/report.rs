//! `estate report`: the workbook read back with calamine, LibreOffice and
//! Chromium opening what it writes, formula injection and HTML escaping,
//! saved runs and the change against one.
//!
//! The test estate's figures are worked out by hand from the rules (issue
//! 4): prices at 2026/27, inflation 10%, desktop £500, laptop £800, server
//! £4,000; lives desktop 5, laptop 4, server 3 years.
//!
//! | asset | class   | in service | due (year)            | cost                         |
//! |-------|---------|------------|-----------------------|------------------------------|
//! | PC-1  | desktop | 2020-06-01 | 2025-06-01, overdue   | 2026/27 £500.00              |
//! | PC-2  | desktop | 2023-01-15 | 2028-01-15 (2027/28)  | £500 × 1.1 = £550.00         |
//! | LT-1  | laptop  | 2023-09-01 | 2027-09-01 (2027/28)  | £800 × 1.1 = £880.00         |
//! | SRV-1 | server  | 2024-04-01 | 2027-04-01 (2027/28)  | £4,000 × 1.1 = £4,400.00     |
//! | SRV-1 | (again) | 2027-04-01 | 2030-04-01 (2030/31)  | £4,000 × 1.1⁴ = £5,856.40    |
//!
//! So "Server and storage replacement" is 0, 4,400.00, 0, 0, 5,856.40
//! (£10,256.40), "Desktop and laptop refresh" 500.00, 1,430.00, 0, 0, 0
//! (£1,930.00), and the years total 500.00, 5,830.00, 0, 0, 5,856.40
//! (£12,186.40). The desktops' and laptop's next cycles fall after 2030/31.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use rust_decimal::Decimal;

use crate::util::Env;

const SERVERS: &str = "Server and storage replacement";
const DESKTOPS: &str = "Desktop and laptop refresh";

/// The hand-worked programme: line → pence per year.
const EXPECTED: [(&str, [i64; 5]); 2] = [
    (SERVERS, [0, 440_000, 0, 0, 585_640]),
    (DESKTOPS, [50_000, 143_000, 0, 0, 0]),
];

fn estate_named(org_name: &str, site: &str) -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "BCW", org_name]);
    env.ok(&["sites", "add", site]);
    for args in [
        &["policy", "set", "inflation", "10%"][..],
        &["policy", "set", "price", "desktop", "500"],
        &["policy", "set", "price", "laptop", "800"],
        &["policy", "set", "price", "server", "4000"],
    ] {
        env.ok(args);
    }
    for (class, tag, date) in [
        ("desktop", "PC-1", "2020-06-01"),
        ("desktop", "PC-2", "2023-01-15"),
        ("laptop", "LT-1", "2023-09-01"),
        ("server", "SRV-1", "2024-04-01"),
    ] {
        env.ok(&["add", class, "--tag", tag, "--purchase-date", date]);
    }
    env
}

fn estate() -> Env {
    estate_named("Brookfield Borough Council", "Civic Centre")
}

/// Runs `estate report --from 2026/27 EXTRA… --out NAME` in the env's
/// folder and returns the file's path.
fn report(env: &Env, name: &str, extra: &[&str]) -> PathBuf {
    let out = env.path().join(name);
    let mut args = vec!["report", "--from", "2026/27"];
    args.extend_from_slice(extra);
    args.extend(["--out", out.to_str().unwrap()]);
    env.ok(&args);
    out
}

fn workbook(path: &Path) -> Xlsx<BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    workbook(path)
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn formulas(path: &Path, name: &str) -> Range<String> {
    workbook(path).worksheet_formula(name).unwrap()
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

/// A money cell read back, to the penny ("4400.00").
fn money(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::Float(f)) => Decimal::try_from(*f)
            .unwrap()
            .round_dp(2)
            .to_string()
            .parse::<Decimal>()
            .map(|mut d| {
                d.rescale(2);
                d.to_string()
            })
            .unwrap(),
        Some(Data::Int(i)) => format!("{i}.00"),
        other => panic!("({row}, {col}) is not a number: {other:?}"),
    }
}

fn pounds(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

/// The row (0-based) of the Summary whose label is `label`.
fn row_of(range: &Range<Data>, label: &str) -> u32 {
    (4..=range.end().unwrap().0)
        .find(|r| matches!(range.get_value((*r, 0)), Some(Data::String(s)) if s == label))
        .unwrap_or_else(|| panic!("no row `{label}`"))
}

#[test]
fn the_workbook_holds_the_forecasts_figures_to_the_penny_with_formula_totals() {
    let env = estate();
    let out = env.path().join("capital-programme.xlsx");
    let stderr = env
        .cmd()
        .args(["report", "--from", "2026/27", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(stderr.status.success(), "{stderr:?}");
    assert!(
        String::from_utf8_lossy(&stderr.stderr).contains(&format!(
            "wrote {} (xlsx): ICT capital programme 2026/27 to 2030/31, £12,186.40 funded",
            out.display()
        )),
        "{stderr:?}"
    );
    let forecast = env.json(&["forecast", "--from", "2026/27"]);
    let summary = sheet(&out, "Summary");
    let header: Vec<String> = (0..7).map(|c| text(&summary, 3, c)).collect();
    assert_eq!(
        header,
        [
            "Programme line",
            "2026/27",
            "2027/28",
            "2028/29",
            "2029/30",
            "2030/31",
            "Total"
        ]
    );
    // Every line and every year, against the forecast's JSON and the hand figures.
    let rows = forecast["programme"]["by_line"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 6, "every line of the mapping");
    for row in rows {
        let label = row["label"].as_str().unwrap();
        let r = row_of(&summary, label);
        for (i, amount) in row["amounts"].as_array().unwrap().iter().enumerate() {
            let col = u32::try_from(i).unwrap() + 1;
            assert_eq!(
                money(&summary, r, col),
                amount.as_str().unwrap(),
                "{label} {i}"
            );
        }
        assert_eq!(money(&summary, r, 6), row["total"].as_str().unwrap());
    }
    for (label, pence) in EXPECTED {
        let r = row_of(&summary, label);
        for (i, p) in pence.iter().enumerate() {
            assert_eq!(
                money(&summary, r, u32::try_from(i).unwrap() + 1),
                pounds(*p)
            );
        }
        assert_eq!(money(&summary, r, 6), pounds(pence.iter().sum()));
    }
    let total = row_of(&summary, "Total");
    assert_eq!(
        total, 10,
        "header on row 4, six lines on rows 5-10, Total on row 11"
    );
    let totals: Vec<String> = (1..7).map(|c| money(&summary, total, c)).collect();
    assert_eq!(
        totals,
        ["500.00", "5830.00", "0.00", "0.00", "5856.40", "12186.40"]
    );
    assert_eq!(
        forecast["programme"]["by_line"]["total"].as_str(),
        Some("12186.40")
    );
    // The totals are formulas.
    let f = formulas(&out, "Summary");
    let formula = |row: u32, col: u32| f.get_value((row, col)).cloned().unwrap_or_default();
    assert_eq!(formula(row_of(&summary, SERVERS), 6), "SUM(B5:F5)");
    assert_eq!(formula(total, 1), "SUM(B5:B10)");
    assert_eq!(formula(total, 6), "SUM(G5:G10)");
    assert_eq!(
        formula(row_of(&summary, SERVERS), 1),
        "",
        "figures are numbers"
    );

    // Every sheet, with its header on row 4.
    let names = workbook(&out).sheet_names();
    assert_eq!(
        names,
        [
            "Summary",
            "By organisation",
            "By class",
            "By site",
            "By department",
            "Risk",
            "Approvals",
            "Detail",
            "Revenue",
            "Licence renewals",
            "Phone lines",
            "Line migrations",
            "Power and carbon",
            "Power by class and organisation",
            "Licence consolidation",
            "Standardisation",
            "Licence compliance",
            "Carbon both sides",
            "Assumptions"
        ]
    );
    for (name, first) in [
        ("By organisation", "Organisation"),
        ("By class", "Class"),
        ("By site", "Site"),
        ("By department", "Department"),
        ("Risk", "Each year"),
        ("Detail", "Organisation"),
        ("Revenue", "Revenue"),
        ("Licence renewals", "Organisation"),
        ("Phone lines", "Type"),
        ("Line migrations", "Critical care"),
        ("Power and carbon", "Year"),
        ("Power by class and organisation", "Class"),
        ("Licence consolidation", "Product"),
        ("Standardisation", "Category"),
        ("Licence compliance", "Organisation"),
        ("Assumptions", "Assumption"),
    ] {
        let s = sheet(&out, name);
        assert_eq!(text(&s, 3, 0), first, "{name}");
        assert!(text(&s, 0, 0).starts_with("ICT capital programme 2026/27 to 2030/31"));
    }
    let by_class = sheet(&out, "By class");
    assert_eq!(text(&by_class, 4, 0), "server");
    assert_eq!(money(&by_class, 4, 6), "10256.40");

    // Detail: every replacement, in the order funded.
    let detail = sheet(&out, "Detail");
    let detail_rows: Vec<(String, String, String, String, String)> = (4..9)
        .map(|r| {
            (
                text(&detail, r, 1),
                text(&detail, r, 9),
                text(&detail, r, 10),
                text(&detail, r, 11),
                money(&detail, r, 12),
            )
        })
        .collect();
    let expected: Vec<(String, String, String, String, String)> = [
        ("PC-1", "2025/26", "2026/27", "overdue", "500.00"),
        ("SRV-1", "2027/28", "2027/28", "age", "4400.00"),
        ("LT-1", "2027/28", "2027/28", "age", "880.00"),
        ("PC-2", "2027/28", "2027/28", "age", "550.00"),
        ("SRV-1", "2030/31", "2030/31", "repeat cycle", "5856.40"),
    ]
    .iter()
    .map(|(a, b, c, d, e)| {
        (
            (*a).to_string(),
            (*b).to_string(),
            (*c).to_string(),
            (*d).to_string(),
            (*e).to_string(),
        )
    })
    .collect();
    assert_eq!(detail_rows, expected);
    assert_eq!(detail.get_value((9, 1)), None, "five replacements");

    // The assumptions explain the figures.
    let assumptions = sheet(&out, "Assumptions");
    let pairs: Vec<(String, String)> = (4..=assumptions.end().unwrap().0)
        .map(|r| (text(&assumptions, r, 0), text(&assumptions, r, 1)))
        .collect();
    for (what, value) in [
        ("inflation", "10%"),
        ("price of server", "£4,000.00"),
        ("life of server", "3 years"),
        ("PSTN/ISDN switch-off", "31 January 2027"),
        ("programme line of MFD", "Print and MFD replacement"),
    ] {
        assert!(
            pairs.iter().any(|(w, v)| w == what && v == value),
            "{what} = {value} in {pairs:?}"
        );
    }

    // In £000 the cells still hold pounds: only the number format changes.
    let k = report(&env, "k.xlsx", &["--units", "thousands"]);
    let summary = sheet(&k, "Summary");
    assert_eq!(text(&summary, 3, 2), "2027/28 (£000)");
    assert_eq!(money(&summary, row_of(&summary, "Total"), 6), "12186.40");
}

/// The first of `names` found on the PATH.
fn tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

#[test]
fn libreoffice_opens_the_workbook_and_prints_it_to_pdf() {
    let Some(soffice) = tool(&["soffice", "libreoffice"]) else {
        eprintln!(
            "SKIPPED: LibreOffice (soffice) is not installed; `.ci/run` installs libreoffice-calc-nogui"
        );
        return;
    };
    let env = estate();
    let out = report(&env, "capital-programme.xlsx", &[]);
    let profile = env.path().join("lo-profile");
    let status = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(env.path())
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let pdf = std::fs::read(env.path().join("capital-programme.pdf")).expect("the PDF");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    assert!(pdf.len() > 10_000, "{} bytes", pdf.len());
}

/// A proxy that answers nothing and notes the first line of every request
/// sent to it, to prove a page made none.
struct Proxy {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        stream
                            .set_read_timeout(Some(std::time::Duration::from_secs(2)))
                            .unwrap();
                        let mut line = String::new();
                        let _ = BufReader::new(stream).read_line(&mut line);
                        r.lock().unwrap().push(line.trim().to_string());
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        });
        Proxy {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

#[test]
fn chromium_prints_the_html_report_to_pdf_without_a_network_request() {
    let env = estate();
    let out = report(&env, "capital-programme.html", &[]);
    let html = std::fs::read_to_string(&out).unwrap();
    // Self-contained: no resource outside the file.
    for reference in ["src=", "href=", "@import", "<script", "<link", "<img"] {
        assert!(!html.contains(reference), "{reference} in the page");
    }
    // The chart's patterns are referred to within the page (`url(#…)`).
    assert_eq!(
        html.matches("url(").count(),
        html.matches("url(#capital-chart-p").count(),
        "only the page's own patterns"
    );
    let outside: Vec<&str> = html
        .match_indices("http")
        .map(|(i, _)| &html[i..(i + 40).min(html.len())])
        .filter(|s| !s.starts_with("http://www.w3.org/2000/svg"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
    // Accessible, and the figures are the forecast's.
    for part in [
        "<caption>Capital programme 2026/27 to 2030/31 by programme line</caption>",
        "<th scope=\"col\" class=\"num\">2027/28</th>",
        "<tr><th scope=\"row\">Server and storage replacement</th><td class=\"num\">£0.00</td><td class=\"num\">£4,400.00</td><td class=\"num\">£0.00</td><td class=\"num\">£0.00</td><td class=\"num\">£5,856.40</td><td class=\"num\">£10,256.40</td></tr>",
        "<tfoot>\n<tr><th scope=\"row\">Total</th><td class=\"num\">£500.00</td><td class=\"num\">£5,830.00</td>",
        "<svg role=\"img\" aria-labelledby=\"capital-chart-title\" aria-describedby=\"capital-chart-desc\"",
        "2027/28: £5,830.00 (Server and storage replacement £4,400.00, Desktop and laptop refresh £1,430.00)",
        "Brookfield Borough Council (BCW)",
    ] {
        assert!(html.contains(part), "{part}");
    }
    let Some(chromium) = tool(&["chromium", "chromium-browser", "google-chrome"]) else {
        eprintln!("SKIPPED: Chromium is not installed; `.ci/run` installs chromium");
        return;
    };
    let proxy = Proxy::start();
    let pdf = env.path().join("report.pdf");
    let profile = env.path().join("chromium-profile");
    let run = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        // Every request goes to the proxy, which answers none.
        .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
        .arg("--proxy-bypass-list=<-loopback>")
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.display()))
        .output()
        .unwrap();
    let requests = proxy.finish();
    assert!(run.status.success(), "{run:?}");
    let bytes = std::fs::read(&pdf).expect("the PDF");
    assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000);
    // Chromium's own housekeeping (its clock, updates, accounts) is not the page's.
    let own = ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"];
    let page: Vec<&String> = requests
        .iter()
        .filter(|r| !own.iter().any(|h| r.contains(h)))
        .collect();
    assert!(page.is_empty(), "the page made requests: {page:?}");
}

#[test]
fn imported_text_that_looks_like_a_formula_arrives_as_text_and_markup_is_escaped() {
    let env = estate_named("Brookfield <script>alert(1)</script> Council", "+cmd");
    env.ok(&["departments", "add", "@SUM(1)"]);
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        "=HYPERLINK(\"http://x\")",
        "--purchase-date",
        "2020-06-01",
        "--site",
        "+cmd",
        "--department",
        "@SUM(1)",
        "--manufacturer=-2+3",
        "--model",
        "<script>alert(1)</script>",
        "--notes",
        "<script>alert(1)</script>",
    ]);
    let xlsx = report(&env, "p.xlsx", &[]);
    let detail = sheet(&xlsx, "Detail");
    let f = formulas(&xlsx, "Detail");
    let row = (4..10)
        .find(|r| text(&detail, *r, 1).contains("HYPERLINK"))
        .expect("the asset's row");
    // A workbook's text cell is never evaluated: the text as imported, no
    // apostrophe, and (below) no formula.
    assert_eq!(text(&detail, row, 1), "=HYPERLINK(\"http://x\")");
    assert_eq!(text(&detail, row, 4), "+cmd");
    assert_eq!(text(&detail, row, 5), "@SUM(1)");
    assert_eq!(text(&detail, row, 6), "-2+3");
    assert_eq!(text(&detail, row, 7), "<script>alert(1)</script>");
    for col in 0..13 {
        assert_eq!(
            f.get_value((row, col)).map_or("", String::as_str),
            "",
            "no formula"
        );
    }
    assert_eq!(money(&detail, row, 12), "500.00", "numbers stay numbers");
    let by_site = sheet(&xlsx, "By site");
    assert_eq!(text(&by_site, 4, 0), "+cmd (BCW)");
    assert!(
        formulas(&xlsx, "By site")
            .get_value((4, 0))
            .is_none_or(String::is_empty),
        "no formula"
    );

    for (by, expected) in [
        ("site", "'+cmd (BCW),500.00,0.00,0.00,0.00,0.00,500.00"),
        (
            "department",
            "'@SUM(1) (BCW),500.00,0.00,0.00,0.00,0.00,500.00",
        ),
    ] {
        let csv = report(&env, &format!("{by}.csv"), &["--by", by]);
        let text = std::fs::read_to_string(&csv).unwrap();
        assert!(text.lines().any(|l| l == expected), "{expected} in\n{text}");
    }

    let html = report(&env, "p.html", &[]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains("<script"), "no markup from the register");
    assert!(page.contains("Brookfield &lt;script&gt;alert(1)&lt;/script&gt; Council (BCW)"));
    assert!(page.contains("<th scope=\"row\">+cmd (BCW)</th>"));
}

#[test]
fn a_saved_run_is_reported_as_saved_after_the_policy_changed_and_the_change_against_it_is_exact() {
    let env = estate();
    let before = env.path().join("before.json");
    env.ok(&[
        "report",
        "--from",
        "2026/27",
        "--out",
        before.to_str().unwrap(),
    ]);
    env.ok(&[
        "forecast",
        "--from",
        "2026/27",
        "--save",
        "Capital programme Feb 2027",
    ]);
    // A licence bought after the run changes today's revenue, not the run's.
    env.ok(&[
        "licences",
        "add",
        "Sophos Intercept X",
        "--metric",
        "per_device",
        "--quantity",
        "10",
        "--unit-cost",
        "24.50",
        "--basis",
        "annual",
    ]);
    // Servers now cost £5,000 at 2026/27: 2027/28 £5,500.00 (+£1,100.00),
    // 2030/31 £5,000 × 1.4641 = £7,320.50 (+£1,464.10).
    env.ok(&["policy", "set", "price", "server", "5000"]);

    let saved = env.path().join("saved.xlsx");
    env.ok(&["report", "--run", "1", "--out", saved.to_str().unwrap()]);
    let summary = sheet(&saved, "Summary");
    for (label, pence) in EXPECTED {
        let r = row_of(&summary, label);
        let got: Vec<String> = (1..6).map(|c| money(&summary, r, c)).collect();
        let want: Vec<String> = pence.iter().map(|p| pounds(*p)).collect();
        assert_eq!(got, want, "{label} as saved");
    }
    assert!(text(&summary, 1, 0).contains("saved run 1 \"Capital programme Feb 2027\""));
    let assumptions = sheet(&saved, "Assumptions");
    assert!(
        (4..=assumptions.end().unwrap().0).any(|r| text(&assumptions, r, 0) == "price of server"
            && text(&assumptions, r, 1) == "£4,000.00"),
        "the run's own price"
    );
    // The run kept its running costs: reported as forecast then, not as now.
    let saved_json = env.path().join("saved.json");
    env.ok(&[
        "report",
        "--run",
        "1",
        "--out",
        saved_json.to_str().unwrap(),
    ]);
    let read = |p: &std::path::Path| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let (then, saved_now) = (read(&before), read(&saved_json));
    assert!(
        then["running"]["revenue"].is_object(),
        "{}",
        then["running"]
    );
    assert_eq!(saved_now["running"]["revenue"], then["running"]["revenue"]);
    assert_eq!(
        saved_now["running"]["licences"],
        then["running"]["licences"]
    );
    let fresh_json = env.path().join("fresh.json");
    env.ok(&[
        "report",
        "--from",
        "2026/27",
        "--out",
        fresh_json.to_str().unwrap(),
    ]);
    assert_ne!(
        read(&fresh_json)["running"]["licences"],
        then["running"]["licences"]
    );
    assert_ne!(
        text(&sheet(&saved, "Revenue"), 1, 0),
        "Not in this report: this run was saved without its running costs (saved before estate kept them)."
    );

    let compared = report(&env, "compared.xlsx", &["--compare", "1"]);
    let summary = sheet(&compared, "Summary");
    assert_eq!(text(&summary, 3, 7), "Change on run 1 2026/27");
    assert_eq!(text(&summary, 3, 12), "Change on run 1 total");
    let servers = row_of(&summary, SERVERS);
    let now: Vec<String> = (1..7).map(|c| money(&summary, servers, c)).collect();
    assert_eq!(
        now,
        ["0.00", "5500.00", "0.00", "0.00", "7320.50", "12820.50"]
    );
    let change: Vec<String> = (7..13).map(|c| money(&summary, servers, c)).collect();
    assert_eq!(
        change,
        ["0.00", "1100.00", "0.00", "0.00", "1464.10", "2564.10"]
    );
    let desktops = row_of(&summary, DESKTOPS);
    let change: Vec<String> = (7..13).map(|c| money(&summary, desktops, c)).collect();
    assert_eq!(change, ["0.00", "0.00", "0.00", "0.00", "0.00", "0.00"]);
    let total = row_of(&summary, "Total");
    let change: Vec<String> = (7..13).map(|c| money(&summary, total, c)).collect();
    assert_eq!(
        change,
        ["0.00", "1100.00", "0.00", "0.00", "1464.10", "2564.10"]
    );
    let f = formulas(&compared, "Summary");
    assert_eq!(f.get_value((servers, 12)).unwrap(), "SUM(H5:L5)");
    assert_eq!(f.get_value((total, 8)).unwrap(), "SUM(I5:I10)");

    // The same change as Markdown and as JSON.
    let md = report(&env, "compared.md", &["--compare", "1"]);
    let md = std::fs::read_to_string(md).unwrap();
    assert!(
        md.contains("| Server and storage replacement | £0.00 | £5,500.00 | £0.00 | £0.00 | £7,320.50 | £12,820.50 | £0.00 | £1,100.00 | £0.00 | £0.00 | £1,464.10 | £2,564.10 |"),
        "{md}"
    );
    let json = report(&env, "compared.json", &["--compare", "1"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(json["change"]["total"]["change_total"], "2564.10");
    assert_eq!(json["change"]["against"]["id"], 1);
    assert_eq!(json["programme"]["by_line"]["total"], "14750.50");
    assert_eq!(json["basis"]["kind"], "forecast");
    assert!(json["running"]["revenue"]["rows"].is_array());
}

#[test]
fn a_report_format_is_refused_for_a_listing_and_a_file_needs_a_format() {
    let env = estate();
    let err = env.fails(&["--format", "xlsx", "list"], 2);
    assert!(
        err.contains("--format xlsx is for `estate report`"),
        "{err}"
    );
    let err = env.fails(&["report", "--out", "programme"], 2);
    assert!(err.contains("has no report extension"), "{err}");
    env.ok(&[
        "--format",
        "csv",
        "report",
        "--from",
        "2026/27",
        "--out",
        "programme",
    ]);
    let csv = std::fs::read_to_string(env.path().join("programme")).unwrap();
    assert_eq!(
        csv.lines().next(),
        Some("\u{feff}Programme line,2026/27,2027/28,2028/29,2029/30,2030/31,Total"),
        "a byte-order mark, then the headings"
    );
    assert!(
        csv.contains("\nTotal,500.00,5830.00,0.00,0.00,5856.40,12186.40\n"),
        "{csv}"
    );
}

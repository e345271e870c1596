//! The Cabinet papers as people open them (issue 15): the workbooks
//! printed to PDF by LibreOffice and the page printed by Chromium, their
//! text read back with `pdftotext -layout`; the CSV as Excel on Windows
//! reads it; the Markdown as a renderer shows it; negatives and codes as a
//! finance officer reads them.
//!
//! The PDF tests skip, saying so, where LibreOffice, Chromium or pdftotext
//! is not installed; `.ci/run` installs them (libreoffice-calc-nogui,
//! chromium, poppler-utils).
//!
//! The small estate's figures are worked out by hand as in tests/report.rs:
//! prices at 2026/27, inflation 10%, desktop £500, laptop £800, server
//! £4,000. Server and storage replacement 0, £4,400.00, 0, 0, £5,856.40
//! (£10,256.40); Desktop and laptop refresh £500.00, £1,430.00, 0, 0, 0
//! (£1,930.00); the years £500.00, £5,830.00, 0, 0, £5,856.40 (£12,186.40).

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::util::Env;

/// The first of `names` found on the PATH.
fn tool(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// LibreOffice and pdftotext, or `None` after saying which is missing.
fn office_tools() -> Option<(PathBuf, PathBuf)> {
    let Some(soffice) = tool(&["soffice", "libreoffice"]) else {
        eprintln!(
            "SKIPPED: LibreOffice (soffice) is not installed; `.ci/run` installs libreoffice-calc-nogui"
        );
        return None;
    };
    let Some(pdftotext) = tool(&["pdftotext"]) else {
        eprintln!("SKIPPED: pdftotext is not installed; `.ci/run` installs poppler-utils");
        return None;
    };
    Some((soffice, pdftotext))
}

/// The small hand-worked estate of tests/report.rs.
fn estate(site: &str) -> Env {
    let env = Env::init();
    env.ok(&["orgs", "add", "BCW", "Brookfield Borough Council"]);
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
        env.ok(&[
            "add",
            class,
            "--tag",
            tag,
            "--purchase-date",
            date,
            "--site",
            site,
        ]);
    }
    env
}

/// The sample estate `estate demo` builds (licences, phone lines, 893
/// assets), in `env`'s folder as `sample/estate.db`.
fn sample() -> (Env, PathBuf) {
    let env = Env::new();
    env.ok(&["demo", "--out", "sample"]);
    let db = env.path().join("sample").join("estate.db");
    (env, db)
}

/// `estate --db DB report --from 2026/27 EXTRA… --out NAME`; the file.
fn report(env: &Env, db: Option<&Path>, name: &str, extra: &[&str]) -> PathBuf {
    let out = env.path().join(name);
    let mut args: Vec<&str> = Vec::new();
    let db_text = db.map(|d| d.to_str().unwrap().to_string());
    if let Some(d) = &db_text {
        args.extend(["--db", d.as_str()]);
    }
    args.extend(["report", "--from", "2026/27"]);
    args.extend_from_slice(extra);
    args.extend(["--out", out.to_str().unwrap()]);
    env.ok(&args);
    out
}

/// The text of each page of `pdf`, as `pdftotext -layout` lays it out.
fn pages(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let out = Command::new(pdftotext)
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// Converts `files` to PDF with LibreOffice (its own profile, so tests in
/// parallel do not share one) into `dir`.
fn libreoffice_pdfs(soffice: &Path, dir: &Path, files: &[&Path]) {
    let profile = dir.join("lo-profile");
    let run = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(files)
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    for f in files {
        let pdf = f.with_extension("pdf");
        assert!(
            pdf.is_file(),
            "LibreOffice wrote no {}: {run:?}",
            pdf.display()
        );
    }
}

/// The pages of a sheet: LibreOffice prints its name in each page's footer
/// (left) beside "Page N of M".
fn sheet_pages<'a>(pages: &'a [String], sheet: &str) -> Vec<&'a String> {
    pages
        .iter()
        .filter(|p| {
            p.lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| {
                    l.trim_start().starts_with(sheet)
                        && l[l.find(sheet).unwrap() + sheet.len()..]
                            .trim_start()
                            .starts_with("Page ")
                })
        })
        .collect()
}

/// A figure as the tables print it: a number (with £, grouping commas,
/// pence, or in brackets).
fn is_figure(token: &str) -> bool {
    let t = token.trim_start_matches('(').trim_end_matches(')');
    let t = t.strip_prefix('£').unwrap_or(t);
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// Checks a programme table on `page`: the heading block (from the line
/// starting with `first_heading` to the line of the first row, labelled
/// `first_row`) holds every word of `headings` and no figure, and the
/// first row's line holds no heading word: no heading cut or printed over
/// the programme.
fn assert_headings_whole(page: &str, first_heading: &str, first_row: &str, headings: &[String]) {
    let lines: Vec<&str> = page.lines().collect();
    let h = lines
        .iter()
        .position(|l| l.trim_start().starts_with(first_heading))
        .unwrap_or_else(|| panic!("no heading `{first_heading}` on\n{page}"));
    let r = (h..lines.len())
        .find(|&i| lines[i].contains(first_row))
        .unwrap_or_else(|| panic!("no row `{first_row}` on\n{page}"));
    let block: Vec<&str> = lines[h..r]
        .iter()
        .flat_map(|l| l.split_whitespace())
        .collect();
    for heading in headings {
        for word in heading.split_whitespace() {
            assert!(
                block.contains(&word),
                "`{word}` of `{heading}` is not in the heading rows {block:?} of\n{page}"
            );
        }
    }
    let words: Vec<&str> = headings.iter().flat_map(|h| h.split_whitespace()).collect();
    for token in &block {
        assert!(
            !is_figure(token) || words.contains(token),
            "a figure `{token}` among the headings of\n{page}"
        );
    }
    let row: Vec<&str> = lines[r].split_whitespace().collect();
    for token in &row {
        assert!(
            !token.contains('/') && *token != "(£000)",
            "a heading word `{token}` on the first row `{}` of\n{page}",
            lines[r]
        );
    }
}

/// Amounts run into the text beside them (`£410,000.00joint board`,
/// `£1.00£2.00`): a pence figure followed at once by a letter or `£`.
fn run_together(page: &str) -> Vec<String> {
    page.split_whitespace()
        .filter(|t| {
            let b = t.as_bytes();
            t.contains('£')
                && (3..b.len()).any(|i| {
                    b[i - 3] == b'.'
                        && b[i - 2].is_ascii_digit()
                        && b[i - 1].is_ascii_digit()
                        && (b[i].is_ascii_alphabetic() || b[i] == 0xC2)
                })
        })
        .map(str::to_string)
        .collect()
}

fn years(first: i32, n: i32) -> Vec<String> {
    (first..first + n)
        .map(|y| format!("{y}/{:02}", (y + 1) % 100))
        .collect()
}

/// The programme sheets' headings: the label, the years and Total, with
/// `suffix` (" (£000)"), and the change block's when `change` names it.
fn programme_headings(n: i32, suffix: &str, change: Option<&str>) -> Vec<String> {
    let mut out = vec!["Programme line".to_string()];
    out.extend(years(2026, n).iter().map(|y| format!("{y}{suffix}")));
    out.push(format!("Total{suffix}"));
    if let Some(c) = change {
        out.extend(years(2026, n).iter().map(|y| format!("{c} {y}{suffix}")));
        out.push(format!("{c} total{suffix}"));
    }
    out
}

const PROGRAMME_SHEETS: [&str; 5] = [
    "Summary",
    "By organisation",
    "By class",
    "By site",
    "By department",
];

#[test]
fn every_workbook_prints_from_libreoffice_with_no_hashes_every_heading_whole_and_total_on_every_programme_page()
 {
    let Some((soffice, pdftotext)) = office_tools() else {
        return;
    };
    let (env, db_path) = sample();
    let db = Some(db_path.as_path());
    // An earlier run to compare against, then storage cheaper: the change is
    // negative, in brackets.
    let on_db = |args: &[&str]| {
        let mut all = vec!["--db", db_path.to_str().unwrap()];
        all.extend_from_slice(args);
        env.ok(&all);
    };
    on_db(&[
        "forecast",
        "--from",
        "2026/27",
        "--save",
        "Approved February 2027",
    ]);
    on_db(&["policy", "set", "price", "storage", "1000"]);
    let plain = report(&env, db, "plain.xlsx", &[]);
    let thousands = report(&env, db, "thousands.xlsx", &["--units", "thousands"]);
    let compare = report(
        &env,
        db,
        "compare.xlsx",
        &["--compare", "1", "--years", "5"],
    );
    let scenario = report(&env, db, "scenario.xlsx", &["--scenario", "green-refresh"]);
    let ten = report(
        &env,
        db,
        "ten.xlsx",
        &["--years", "10", "--units", "thousands"],
    );
    let books = [&plain, &thousands, &compare, &scenario, &ten];
    let files: Vec<&Path> = books.iter().map(|p| p.as_path()).collect();
    libreoffice_pdfs(&soffice, env.path(), &files);

    let json = report(&env, db, "report.json", &[]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();

    for (book, n, suffix, change) in [
        (&plain, 5, "", None),
        (&thousands, 5, " (£000)", None),
        (&compare, 5, "", Some("Change on run 1")),
        (&scenario, 5, "", None),
        (&ten, 10, " (£000)", None),
    ] {
        let name = book.file_name().unwrap().to_string_lossy().to_string();
        let pages = pages(&pdftotext, &book.with_extension("pdf"));
        assert!(pages.len() > 10, "{name}: {} pages", pages.len());
        for (i, page) in pages.iter().enumerate() {
            assert!(!page.contains("###"), "{name} page {}:\n{page}", i + 1);
            let run = run_together(page);
            assert!(run.is_empty(), "{name} page {}: {run:?}\n{page}", i + 1);
        }
        // The Summary: one page, its headings whole above the first line.
        let summary = sheet_pages(&pages, "Summary");
        assert_eq!(summary.len(), 1, "{name}: the Summary on one page");
        assert_headings_whole(
            summary[0],
            "Programme line",
            "Server and storage replacement",
            &programme_headings(n, suffix, change),
        );
        if change.is_some() {
            let line = summary[0]
                .lines()
                .find(|l| l.trim_start().starts_with("Server and storage replacement"))
                .unwrap();
            assert!(
                line.split_whitespace()
                    .any(|t| t.starts_with("(£") && t.ends_with(')')),
                "{name}: the saving in brackets: {line}"
            );
        }
        // Total (its column heading, repeated) on every page of every
        // programme sheet, and the Total row on the last.
        for sheet in PROGRAMME_SHEETS {
            let on = sheet_pages(&pages, sheet);
            assert!(!on.is_empty(), "{name}: no {sheet} pages");
            for page in &on {
                assert!(
                    page.split_whitespace()
                        .any(|w| w == "Total" || w == "Total (£000)"),
                    "{name} {sheet}: no Total on\n{page}"
                );
            }
            assert!(
                on.last()
                    .unwrap()
                    .lines()
                    .any(|l| l.trim_start().starts_with("Total ")),
                "{name} {sheet}: no Total row"
            );
        }
        // Every continuation page of Detail repeats its heading row.
        let detail = sheet_pages(&pages, "Detail");
        assert!(detail.len() > 1, "{name}: Detail runs over pages");
        for page in &detail {
            assert!(
                page.lines().any(|l| l.contains("Asset tag")
                    && l.contains("Programme line")
                    && l.contains("Model")),
                "{name}: Detail page without its heading row:\n{page}"
            );
        }
        // Every licence product whole on the renewals pages, every import
        // batch's file whole on the Assumptions pages.
        let renewals =
            sheet_pages(&pages, "Licence renewals")
                .iter()
                .fold(String::new(), |mut all, p| {
                    all.push_str(p);
                    all
                });
        for r in json["running"]["licences"]["renewals"].as_array().unwrap() {
            let product = r["product"].as_str().unwrap();
            assert!(renewals.contains(product), "{name}: `{product}` cut");
        }
        let assumptions =
            sheet_pages(&pages, "Assumptions")
                .iter()
                .fold(String::new(), |mut all, p| {
                    all.push_str(p);
                    all
                });
        for b in json["register"]["batches"].as_array().unwrap() {
            let file = b["file_name"].as_str().unwrap();
            assert!(assumptions.contains(file), "{name}: `{file}` cut");
        }
        assert!(!assumptions.contains("sha256"), "{name}: hashes as sources");
    }
}

/// Chromium's PDF of the page at `html`, into `pdf`.
fn chromium_pdf(chromium: &Path, dir: &Path, html: &Path) -> PathBuf {
    let pdf = html.with_extension("pdf");
    let profile = dir.join(format!(
        "chromium-{}",
        html.file_stem().unwrap().to_string_lossy()
    ));
    let run = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(run.status.success(), "{run:?}");
    pdf
}

/// `1234567.8` as `£1,234,567.80`.
fn pounds(plain: &str) -> String {
    let (whole, pence) = plain.split_once('.').unwrap_or((plain, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("£{grouped}.{pence:0<2}")
}

#[test]
fn the_printed_page_of_a_five_or_ten_year_programme_keeps_its_total_column_on_a4() {
    let Some(chromium) = tool(&["chromium", "chromium-browser", "google-chrome"]) else {
        eprintln!("SKIPPED: Chromium is not installed; `.ci/run` installs chromium");
        return;
    };
    let Some(pdftotext) = tool(&["pdftotext"]) else {
        eprintln!("SKIPPED: pdftotext is not installed; `.ci/run` installs poppler-utils");
        return;
    };
    let (env, db) = sample();
    for n in ["5", "9", "10"] {
        let html = report(&env, Some(&db), &format!("p{n}.html"), &["--years", n]);
        let json = report(&env, Some(&db), &format!("p{n}.json"), &["--years", n]);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
        let total = pounds(json["programme"]["by_line"]["total"].as_str().unwrap());
        let page = std::fs::read_to_string(&html).unwrap();
        assert_eq!(
            page.contains("size: A4 landscape"),
            n != "5",
            "{n} years: landscape only when the table needs it"
        );
        let pdf = chromium_pdf(&chromium, env.path(), &html);
        let pages = pages(&pdftotext, &pdf);
        let programme: Vec<&String> = pages
            .iter()
            .filter(|p| {
                p.lines().any(|l| {
                    l.trim_start().starts_with("Capital programme 2026/27 to")
                        && l.trim_end().ends_with("by programme line")
                })
            })
            .collect();
        assert!(!programme.is_empty(), "{n} years: no programme page");
        let years: i32 = n.parse().unwrap();
        for page in programme {
            assert_headings_whole(
                page,
                "Programme line",
                "Server and storage replacement",
                &programme_headings(years, "", None),
            );
            let total_row = page
                .lines()
                .find(|l| l.trim_start().starts_with("Total "))
                .unwrap_or_else(|| panic!("{n} years: no Total row on\n{page}"));
            assert!(
                total_row.trim_end().ends_with(&total),
                "{n} years: the Total column ({total}) not printed: `{total_row}`"
            );
        }
    }
}

#[test]
fn the_report_csv_starts_with_a_byte_order_mark_and_in_thousands_keeps_its_rounding_note() {
    let env = estate("Civic Centre");
    let csv = report(&env, None, "programme.csv", &[]);
    let bytes = std::fs::read(&csv).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    assert_eq!(
        String::from_utf8(bytes[3..].to_vec()).unwrap(),
        "Programme line,2026/27,2027/28,2028/29,2029/30,2030/31,Total\n\
         Server and storage replacement,0.00,4400.00,0.00,0.00,5856.40,10256.40\n\
         Network replacement,0.00,0.00,0.00,0.00,0.00,0.00\n\
         Desktop and laptop refresh,500.00,1430.00,0.00,0.00,0.00,1930.00\n\
         Print and MFD replacement,0.00,0.00,0.00,0.00,0.00,0.00\n\
         Mobile devices,0.00,0.00,0.00,0.00,0.00,0.00\n\
         Other equipment,0.00,0.00,0.00,0.00,0.00,0.00\n\
         Total,500.00,5830.00,0.00,0.00,5856.40,12186.40\n"
    );
    // £000: each cell rounded half away from zero (£500 is 1, £5,856.40 is
    // 6), and the note that the rounded figures need not add up.
    let k = report(&env, None, "k.csv", &["--units", "thousands"]);
    let text = std::fs::read_to_string(&k).unwrap();
    assert_eq!(
        text,
        "\u{feff}Programme line,2026/27 (£000),2027/28 (£000),2028/29 (£000),2029/30 (£000),2030/31 (£000),Total (£000)\n\
         Server and storage replacement,0,4,0,0,6,10\n\
         Network replacement,0,0,0,0,0,0\n\
         Desktop and laptop refresh,1,1,0,0,0,2\n\
         Print and MFD replacement,0,0,0,0,0,0\n\
         Mobile devices,0,0,0,0,0,0\n\
         Other equipment,0,0,0,0,0,0\n\
         Total,1,6,0,0,6,12\n\
         \"Note: figures are rounded to the nearest £000, so totals may differ from the sum of the rounded figures\",,,,,,\n"
    );
}

#[test]
fn markdown_shows_markup_from_imported_data_as_text() {
    let site = "<img src=x onerror=alert(1)>";
    let env = estate(site);
    let md = report(&env, None, "by-site.md", &["--by", "site"]);
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(!text.contains("<img"), "{text}");
    assert!(
        text.contains(
            "| &lt;img src=x onerror=alert(1)&gt; (BCW) | £500.00 | £5,830.00 | £0.00 | £0.00 | £5,856.40 | £12,186.40 |"
        ),
        "{text}"
    );
}

#[test]
fn a_cheaper_programme_shows_its_change_in_brackets_in_the_papers_and_signed_in_csv() {
    let env = estate("Civic Centre");
    env.ok(&["forecast", "--from", "2026/27", "--save", "Approved"]);
    // Servers £3,000 instead of £4,000: 2027/28 £3,300.00 (−£1,100.00),
    // 2030/31 £3,000 × 1.1⁴ = £4,392.30 (−£1,464.10), −£2,564.10 in all.
    env.ok(&["policy", "set", "price", "server", "3000"]);
    let md = std::fs::read_to_string(report(&env, None, "c.md", &["--compare", "1"])).unwrap();
    assert!(
        md.contains(
            "| Server and storage replacement | £0.00 | £3,300.00 | £0.00 | £0.00 | £4,392.30 | £7,692.30 | £0.00 | (£1,100.00) | £0.00 | £0.00 | (£1,464.10) | (£2,564.10) |"
        ),
        "{md}"
    );
    let html = std::fs::read_to_string(report(&env, None, "c.html", &["--compare", "1"])).unwrap();
    assert!(
        html.contains(
            "<tfoot>\n<tr><th scope=\"row\">Total</th><td class=\"num\">£0.00</td><td class=\"num\">(£1,100.00)</td><td class=\"num\">£0.00</td><td class=\"num\">£0.00</td><td class=\"num\">(£1,464.10)</td><td class=\"num\">(£2,564.10)</td></tr>"
        ),
        "{html}"
    );
    let csv = std::fs::read_to_string(report(&env, None, "c.csv", &["--compare", "1"])).unwrap();
    assert!(
        csv.contains(
            "\nServer and storage replacement,0.00,3300.00,0.00,0.00,4392.30,7692.30,0.00,-1100.00,0.00,0.00,-1464.10,-2564.10\n"
        ),
        "{csv}"
    );
}

fn cells(path: &Path, sheet: &str, col: u32) -> Vec<String> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    (4..=range.end().map_or(0, |e| e.0))
        .filter_map(|r| match range.get_value((r, col)) {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn cabinet_tables_use_words_dates_and_citations_while_csv_and_json_keep_the_codes() {
    let (env, db) = sample();
    let xlsx = report(&env, Some(&db), "words.xlsx", &[]);
    let types = cells(&xlsx, "Phone lines", 0);
    assert!(
        types.contains(&"PSTN analogue lines".to_string()),
        "{types:?}"
    );
    assert!(types.contains(&"ISDN2 lines".to_string()), "{types:?}");
    assert!(
        !types.iter().any(|t| t == "pstn" || t == "isdn2"),
        "{types:?}"
    );
    let to = cells(&xlsx, "Line migrations", 4);
    assert!(to.contains(&"SOGEA broadband".to_string()), "{to:?}");
    assert!(!to.iter().any(|t| t == "sogea" || t == "sip"), "{to:?}");
    let headings: Vec<String> = {
        let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
        let range = book.worksheet_range("Line migrations").unwrap();
        (0..10)
            .map(|c| match range.get_value((3, c)) {
                Some(Data::String(s)) => s.clone(),
                other => panic!("{other:?}"),
            })
            .collect()
    };
    assert_eq!(
        headings,
        [
            "Critical care",
            "Organisation",
            "Number",
            "Type",
            "To",
            "Use",
            "Site",
            "Year",
            "Past due",
            "Cost"
        ]
    );
    // Dates in words; an import batch cited by its file and the day it came
    // in, not by a checksum.
    let what = cells(&xlsx, "Assumptions", 0);
    let value = cells(&xlsx, "Assumptions", 1);
    let source = cells(&xlsx, "Assumptions", 2);
    let switch_off = what
        .iter()
        .position(|w| w == "PSTN/ISDN switch-off")
        .unwrap();
    assert_eq!(value[switch_off], "31 January 2027");
    assert!(source.iter().all(|s| !s.contains("sha256")), "{source:?}");
    let json = std::fs::read_to_string(report(&env, Some(&db), "words.json", &[])).unwrap();
    let report_json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let imported = report_json["register"]["batches"][0]["imported_at"]
        .as_str()
        .unwrap();
    let month = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][imported[5..7].parse::<usize>().unwrap() - 1];
    let day: u32 = imported[8..10].parse().unwrap();
    let cited = format!(
        "supplier file imported into the register on {day} {month} {}",
        &imported[..4]
    );
    assert!(source.contains(&cited), "{cited} in {source:?}");
    let html = std::fs::read_to_string(report(&env, Some(&db), "words.html", &[])).unwrap();
    assert!(html.contains("<p class=\"meta\">Prepared 28 November 2026: a forecast"));
    assert!(html.contains("PSTN/ISDN switch-off on 31 January 2027: "));
    assert!(!html.contains("2027-01-31") && !html.contains("sha256"));
    // The codes stay where programs read them.
    let lines = env.ok(&[
        "--db",
        db.to_str().unwrap(),
        "--format",
        "csv",
        "lines",
        "migrations",
        "--from",
        "2026/27",
    ]);
    assert!(lines.contains(",pstn,sogea,"), "{lines}");
    assert!(json.contains("\"sha256\""), "JSON keeps the checksums");
    assert!(
        json.contains("\"line_type\": \"pstn\""),
        "JSON keeps the codes"
    );
}

#[test]
fn the_word_appendix_opens_in_libreoffice_with_its_tables_chart_and_a_landscape_programme_when_long()
 {
    let (env, db) = sample();
    let five = report(&env, Some(&db), "appendix.docx", &[]);
    let ten = report(&env, Some(&db), "appendix-10.docx", &["--years", "10"]);
    // A Word document with the chart as a PNG inside it, and a landscape
    // section only for the ten-year programme.
    for (file, landscape) in [(&five, false), (&ten, true)] {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(file).unwrap()).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        assert!(names.iter().any(|n| n == "word/document.xml"), "{names:?}");
        let png = names
            .iter()
            .find(|n| n.starts_with("word/media/") && !n.ends_with('/'))
            .unwrap_or_else(|| panic!("no image in {names:?}"))
            .clone();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut zip.by_name(&png).unwrap(), &mut bytes).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "the chart is a PNG");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert_eq!(
            xml.contains("w:orient=\"landscape\""),
            landscape,
            "{}",
            file.display()
        );
        assert!(
            xml.contains("<w:jc w:val=\"right\" />") || xml.contains("<w:jc w:val=\"right\"/>")
        );
    }
    let Some((soffice, pdftotext)) = office_tools() else {
        return;
    };
    libreoffice_pdfs(&soffice, env.path(), &[five.as_path(), ten.as_path()]);
    for (file, n) in [(&five, 5), (&ten, 10)] {
        let json = report(&env, Some(&db), "w.json", &["--years", &n.to_string()]);
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
        let total = pounds(json["programme"]["by_line"]["total"].as_str().unwrap());
        let pages = pages(&pdftotext, &file.with_extension("pdf"));
        let all = pages.concat();
        assert!(!all.contains("###"), "{}", file.display());
        let programme = pages
            .iter()
            .find(|p| p.contains("by programme line"))
            .expect("the programme page");
        assert_headings_whole(
            programme,
            "Programme line",
            "Server and storage",
            &programme_headings(n, "", None),
        );
        let total_row = programme
            .lines()
            .find(|l| l.trim_start().starts_with("Total "))
            .expect("the Total row");
        assert!(
            total_row.trim_end().ends_with(&total),
            "{n} years: Total ({total}) not printed: `{total_row}`"
        );
        for part in [
            "Figure 1: Capital by programme line and financial year",
            "Programme lines that need approval",
            "Needs approval from",
            "Assumptions and sources",
            "31 January 2027",
        ] {
            assert!(all.contains(part), "{part} in {}", file.display());
        }
    }
}

#[test]
fn a_scenarios_report_shows_the_scenarios_programme_with_the_levers_change_beside_it() {
    // Ten desktops in service since 1 June 2021 (life 5) are due in 2026/27
    // at £600.00 each: £6,000.00 before the levers. Half bought as thin
    // clients (£300.00) instead: 5 × £600.00 + 5 × £300.00 = £4,500.00, the
    // levers changing the desktop line by −£1,500.00.
    let env = Env::with_org();
    for i in 1..=10 {
        env.ok(&[
            "add",
            "desktop",
            "--tag",
            &format!("PC{i:02}"),
            "--purchase-date",
            "2021-06-01",
        ]);
    }
    let file = env.path().join("thin.toml");
    std::fs::write(
        &file,
        "name = \"thin\"\ndescription = \"half the desktops as thin clients\"\nthin_clients = \"50%\"\n",
    )
    .unwrap();
    let scenario = ["--scenario", file.to_str().unwrap(), "--years", "1"];
    let out = env.path().join("thin.xlsx");
    let mut args = vec!["report", "--from", "2026/27"];
    args.extend_from_slice(&scenario);
    args.extend(["--out", out.to_str().unwrap()]);
    let run = env.cmd().args(&args).output().unwrap();
    assert!(run.status.success(), "{run:?}");
    assert!(
        String::from_utf8_lossy(&run.stderr)
            .contains("£4,500.00 funded with thin's levers (£6,000.00 before them)"),
        "{run:?}"
    );
    let mut book: Xlsx<_> = open_workbook(&out).unwrap();
    let summary = book.worksheet_range("Summary").unwrap();
    let at = |r: u32, c: u32| summary.get_value((r, c)).cloned();
    let desktops = (4..12)
        .find(|r| at(*r, 0) == Some(Data::String("Desktop and laptop refresh".into())))
        .expect("the desktop line");
    assert_eq!(at(desktops, 1), Some(Data::Float(4500.0)));
    assert_eq!(
        at(3, 3),
        Some(Data::String("Change from the levers 2026/27".into()))
    );
    assert_eq!(at(desktops, 3), Some(Data::Float(-1500.0)));
    let total = (4..14)
        .find(|r| at(*r, 0) == Some(Data::String("Total".into())))
        .expect("the Total row");
    // The Total row's formulas hold the scenario's figures.
    assert_eq!(at(total, 1), Some(Data::Float(4500.0)));
    assert_eq!(at(total, 3), Some(Data::Float(-1500.0)));

    let html = report(&env, None, "thin.html", &scenario);
    let page = std::fs::read_to_string(html).unwrap();
    assert!(page.contains(
        "<tr><th scope=\"row\">Desktop and laptop refresh</th><td class=\"num\">£4,500.00</td><td class=\"num\">£4,500.00</td></tr>"
    ), "{page}");
    assert!(page.contains("2026/27: £4,500.00 (Desktop and laptop refresh £4,500.00)"));
    assert!(page.contains(
        "<tr><th scope=\"row\">Desktop and laptop refresh</th><td class=\"num\">(£1,500.00)</td><td class=\"num\">(£1,500.00)</td></tr>"
    ), "{page}");
}

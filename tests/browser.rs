//! The real-browser test (issue 14): headless Chromium, driven over
//! `WebDriver` by Debian's `chromedriver`, uses `estate serve` as a person
//! would, and axe-core (vendored into `tests/data/axe/`, never served by
//! estate) checks every page it visits for WCAG 2.2 A/AA violations.
//!
//! Without `chromedriver` or `chromium` the tests say so and pass, except
//! under `CI=true`, where `.ci/run` installs both and their absence fails.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// axe-core 4.14.1, from its npm package (see `tests/data/axe/README.md`).
const AXE: &str = include_str!("data/axe/axe.min.js");

/// The rule tags every page must pass: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const WCAG_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// The first of `names` found on `PATH`.
fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// `chromedriver` and the Chromium it drives, or `None` (after saying why)
/// where this machine has not got them. Under `CI=true` their absence is a
/// failure: `.ci/run` installs them.
pub fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let driver = on_path(&["chromedriver"]);
    let chromium = on_path(&["chromium", "chromium-browser", "google-chrome"]);
    match (driver, chromium) {
        (Some(d), Some(c)) => Some((d, c)),
        (d, c) => {
            let missing = [("chromedriver", d.is_none()), ("chromium", c.is_none())]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(" and ");
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "the browser test needs {missing} (apt-get install chromium chromium-driver); \
                 under CI=true it does not skip"
            );
            eprintln!(
                "skipping the browser test: {missing} not found \
                 (apt-get install chromium chromium-driver)"
            );
            None
        }
    }
}

/// A free loopback port (the listener is dropped at once; chromedriver
/// takes the port a moment later).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// A background process killed when dropped.
pub struct Killed(pub Child);

impl Drop for Killed {
    /// Asks the process to stop (SIGINT, as Ctrl-C: `estate serve` then
    /// finishes and removes its uploads folder), and kills it if it has
    /// not stopped within five seconds.
    fn drop(&mut self) {
        let asked = Command::new("kill")
            .args(["-INT", &self.0.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if asked {
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if matches!(self.0.try_wait(), Ok(Some(_))) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `chromedriver` on a free loopback port, and a `WebDriver` session on a
/// headless Chromium.
pub struct Browser {
    pub client: Client,
    _driver: Killed,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium that downloads into
    /// `downloads`.
    pub async fn start(driver: &Path, chromium: &Path, downloads: &Path) -> Browser {
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Killed(child);
        let url = format!("http://127.0.0.1:{port}");
        let caps = json!({
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--window-size=1280,900", "--disable-dev-shm-usage",
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                },
            }
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object")
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("no WebDriver session from chromedriver at {url}: {e}"),
            }
        };
        Browser {
            client,
            _driver: driver,
        }
    }
}

/// Runs axe-core on the page the browser shows and asserts it finds no
/// WCAG 2.2 A/AA violation, printing each one's id, impact and the CSS
/// targets of its nodes. `page` names the page in the message.
pub async fn axe(client: &Client, page: &str) {
    let violations = axe_violations(client).await;
    if violations.is_empty() {
        return;
    }
    let mut report = String::new();
    for v in &violations {
        let _ = writeln!(
            report,
            "- {} ({}): {}",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("")
        );
        for node in v["nodes"].as_array().into_iter().flatten() {
            let _ = writeln!(report, "    at {}", node["target"]);
        }
    }
    panic!(
        "axe found {} WCAG A/AA violation(s) on {page}:\n{report}",
        violations.len()
    );
}

/// axe-core's violations on the page the browser shows.
pub async fn axe_violations(client: &Client) -> Vec<Value> {
    client.execute(AXE, vec![]).await.expect("inject axe-core");
    let run = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {tags} }})
            .then(r => done(JSON.stringify(r.violations)))
            .catch(e => done(JSON.stringify({{ error: String(e) }})));",
        tags = json!(WCAG_TAGS)
    );
    let out = client
        .execute_async(&run, vec![])
        .await
        .expect("run axe-core");
    let text = out.as_str().expect("axe's answer as JSON text");
    let parsed: Value = serde_json::from_str(text).expect("axe's answer parses");
    if let Some(err) = parsed.get("error") {
        panic!("axe-core failed: {err}");
    }
    parsed.as_array().cloned().expect("a list of violations")
}

/// A tokio runtime for one test (fantoccini is async; the tests are not).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The harness itself: axe runs in the browser and catches what it must —
/// an unlabelled field and an image without alternative text on a page
/// with no language fail; the same page put right passes.
#[test]
fn axe_in_chromium_catches_an_unlabelled_field() {
    let Some((driver, chromium)) = browser_tools() else {
        return;
    };
    let downloads = tempfile::tempdir().expect("temp dir");
    runtime().block_on(async {
        let browser = Browser::start(&driver, &chromium, downloads.path()).await;
        let c = &browser.client;
        let bad = "data:text/html,<html><head><title>t</title></head><body><main>\
                   <input type=text><img src=x.png></main></body></html>";
        c.goto(bad).await.expect("open the bad page");
        let mut ids: Vec<String> = axe_violations(c)
            .await
            .iter()
            .map(|v| v["id"].as_str().unwrap_or("?").to_string())
            .collect();
        ids.sort();
        // Three rules, each named in axe's rule list: `html-has-lang` (no
        // lang), `image-alt` (img without alt), `label` (input without a label).
        assert_eq!(ids, ["html-has-lang", "image-alt", "label"]);
        let good = "data:text/html,<html lang=en><head><title>t</title></head><body><main>\
                    <label for=f>Tag</label><input id=f type=text></main></body></html>";
        c.goto(good).await.expect("open the good page");
        axe(c, "the good page").await;
        assert!(c.find(Locator::Css("#f")).await.is_ok());
        c.clone().close().await.expect("close the browser");
    });
}

/// Presses `key` on whatever has the focus, as a keyboard would (a
/// `WebDriver` key action: down and up, sent to the focused element).
async fn press(c: &Client, key: fantoccini::key::Key) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let value = char::from(key);
    let keys = KeyActions::new("keyboard".to_string())
        .then(KeyAction::Down { value })
        .then(KeyAction::Up { value });
    c.perform_actions(keys).await.expect("press a key");
}

/// Tabs forward (at most 300 times) until the element with `id` has the
/// focus; panics when Tab never reaches it.
async fn tab_to(c: &Client, id: &str) {
    for _ in 0..300 {
        press(c, fantoccini::key::Key::Tab).await;
        let active = c.active_element().await.expect("the focus");
        if active.attr("id").await.ok().flatten().as_deref() == Some(id) {
            return;
        }
    }
    panic!("Tab never reached #{id}");
}

/// The page's HTML once `css` is on it.
async fn page_with(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"));
    c.source().await.expect("the page's HTML")
}

/// Saves a screenshot of the browser's window as `docs/NAME.png` when
/// `ESTATE_SCREENSHOTS=1` (how the README's pictures are made).
async fn screenshot(c: &Client, name: &str) {
    if std::env::var("ESTATE_SCREENSHOTS").as_deref() != Ok("1") {
        return;
    }
    let png = c.screenshot().await.expect("a screenshot");
    let path = format!("{}/docs/{name}.png", env!("CARGO_MANIFEST_DIR"));
    std::fs::write(&path, png).expect("write the screenshot");
}

/// The whole flow of issue 14 in headless Chromium: sign in, import the
/// sample supplier files with the keyboard alone (dry run with mapping and
/// rejects, then confirm), forecast with a cap, compare two scenarios,
/// download the workbook, sign out; axe-core on every page on the way.
#[test]
fn a_browser_signs_in_imports_with_the_keyboard_forecasts_downloads_and_signs_out() {
    use fantoccini::key::Key;
    let Some((driver, chromium)) = browser_tools() else {
        return;
    };
    let server = crate::serve_pages::Server::sample();
    let base = server.base.clone();
    let downloads = tempfile::tempdir().expect("temp dir");
    runtime().block_on(async {
        let browser = Browser::start(&driver, &chromium, downloads.path()).await;
        let c = &browser.client;
        // Sign in (the sign-in page is checked too).
        c.goto(&format!("{base}/login"))
            .await
            .expect("open sign-in");
        axe(c, "the sign-in page").await;
        c.find(Locator::Id("name"))
            .await
            .expect("name")
            .send_keys("ed")
            .await
            .expect("type");
        let password = c.find(Locator::Id("password")).await.expect("password");
        password
            .send_keys(&format!(
                "{}{}",
                crate::serve_pages::PASSWORD,
                char::from(Key::Enter)
            ))
            .await
            .expect("type and press Enter");
        let home = page_with(c, "img[src='/chart/programme.svg']").await;
        assert!(home.contains("Signed in as ed (editor)"));
        axe(c, "the dashboard").await;

        // The import, with Tab and Enter alone. A file input takes the
        // files' paths as typed keys (WebDriver's way of choosing files).
        c.goto(&format!("{base}/import"))
            .await
            .expect("open import");
        axe(c, "the import page").await;
        let files: Vec<String> = [
            "dell-asset-report.xlsx",
            "hp-reseller-delivery.xlsx",
            "reseller-infrastructure.xlsx",
            "telecoms-line-schedule.xlsx",
            "mobiles-o2.csv",
            "licensing-statement.xlsx",
            "snipeit-export.csv",
        ]
        .iter()
        .map(|f| format!("{}/data/sample/{f}", env!("CARGO_MANIFEST_DIR")))
        .collect();
        tab_to(c, "files").await;
        c.active_element()
            .await
            .expect("the file input")
            .send_keys(&files.join("\n"))
            .await
            .expect("choose the files");
        tab_to(c, "org").await;
        press(c, Key::Tab).await;
        press(c, Key::Enter).await;
        let preview = page_with(c, "#confirm").await;
        // data/sample/MANIFEST.md: hp-reseller-delivery.xlsx's headings are
        // on row 3 of `Delivery Report`, and its 6 bad rows are 27, 66, 103,
        // 137, 180 and 215; Dell's Service Tag column is the serial.
        assert!(preview.contains(
            "Column mapping of sheet Delivery Report: 217 rows of hardware, headings on row 3"
        ));
        assert!(preview.contains("<th scope=\"row\">Service Tag</th><td>serial</td>"));
        for row in [27, 66, 103, 137, 180, 215] {
            assert!(
                preview.contains(&format!(
                    "<tr><th scope=\"row\">{row}</th><td>hp-reseller-delivery.xlsx</td>"
                )),
                "reject row {row}"
            );
        }
        axe(c, "the import dry run").await;
        screenshot(c, "web-import-preview").await;
        tab_to(c, "confirm").await;
        press(c, Key::Enter).await;
        let done = page_with(c, "div.done").await;
        assert!(
            done.contains("Imported dell-asset-report.xlsx as batch 1: 248 new"),
            "{done}"
        );
        axe(c, "the import page after confirming").await;

        // The forecast with a cap, then two scenarios side by side.
        c.goto(&format!("{base}/forecast?years=5&cap=250000&by=line"))
            .await
            .expect("open the forecast");
        let capped = page_with(c, "#run-forecast").await;
        assert!(capped.contains("Due, funded and deferred"), "{capped}");
        axe(c, "the forecast").await;
        c.goto(&format!(
            "{base}/forecast?years=5&scenario=base&compare=extend-desktop-life"
        ))
        .await
        .expect("compare");
        let compared = page_with(c, "#compare-h").await;
        assert!(compared.contains("extend-desktop-life against base"));
        axe(c, "the scenario comparison").await;

        for (path, what) in [
            ("/", "the dashboard with the sample imported"),
            ("/register", "the register"),
            ("/policy", "the policy"),
            ("/lines", "the lines"),
            ("/licences", "the licences"),
            ("/power", "power and carbon"),
            ("/runs", "the saved runs"),
            ("/reports", "the reports"),
        ] {
            c.goto(&format!("{base}{path}")).await.expect("open a page");
            page_with(c, "main h1").await;
            axe(c, what).await;
            match path {
                "/" => screenshot(c, "web-dashboard").await,
                "/register" => screenshot(c, "web-register").await,
                _ => {}
            }
        }

        // The workbook, downloaded with the browser's own session (its
        // HttpOnly cookie, read over WebDriver): the page's CSP lets no
        // script fetch, rightly.
        let session = c
            .get_named_cookie("estate_session")
            .await
            .expect("the session cookie");
        let mut http = server.client_with_cookie("estate_session", session.value());
        let xlsx = http.get("/reports/programme.xlsx");
        assert_eq!(xlsx.status, 200);
        let bytes = xlsx.body;
        assert!(bytes.starts_with(b"PK"), "a zip (xlsx) file");
        let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
            .expect("calamine reads the workbook");
        let names = calamine::Reader::sheet_names(&book);
        assert!(names.iter().any(|n| n == "Detail"), "{names:?}");

        // Sign out.
        c.find(Locator::Css("form.signout button"))
            .await
            .expect("sign out")
            .click()
            .await
            .expect("click");
        let out = page_with(c, "#password").await;
        assert!(out.contains("Sign in"));
        c.clone().close().await.expect("close the browser");
    });
}

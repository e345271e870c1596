//! The real-browser test (issue 14): headless Chromium, driven over
//! WebDriver by Debian's `chromedriver`, uses `estate serve` as a person
//! would, and axe-core (vendored into `tests/data/axe/`, never served by
//! estate) checks every page it visits for WCAG 2.2 A/AA violations.
//!
//! Without `chromedriver` or `chromium` the tests say so and pass, except
//! under `CI=true`, where `.ci/run` installs both and their absence fails.

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
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `chromedriver` on a free loopback port, and a WebDriver session on a
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
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!("a JSON object"),
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
        report.push_str(&format!(
            "- {} ({}): {}\n",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("")
        ));
        for node in v["nodes"].as_array().into_iter().flatten() {
            report.push_str(&format!("    at {}\n", node["target"]));
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

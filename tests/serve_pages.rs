//! HTTP tests of the import, forecast, policy and report pages of `estate
//! serve` (issue 14): the real server on `127.0.0.1:0` over a sample
//! register, driven with a small HTTP/1.1 client of the test's own (no
//! cookies or redirects followed behind its back).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::time::Duration;

use crate::browser::Killed;
use crate::util::Env;

/// The password every test account gets.
pub const PASSWORD: &str = "a long enough test passphrase 42";

/// `estate serve` on a free loopback port over a register of its own.
pub struct Server {
    /// The folder and register.
    pub env: Env,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    #[allow(dead_code, reason = "the browser test opens it")]
    pub base: String,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    _child: Killed,
}

impl Server {
    /// The sample register (organisations, sites and policy of the sample
    /// estate, no assets yet) with three accounts: `ann` (admin), `ed`
    /// (editor) and `viv` (viewer), all with [`PASSWORD`].
    pub fn sample() -> Server {
        let env = Env::new();
        estate::ops::policy::create_sample(
            &env.db(),
            Duration::from_secs(5),
            &estate::register::Actor::command("test").by("test"),
        )
        .expect("the sample register");
        for (name, role) in [("ann", "admin"), ("ed", "editor"), ("viv", "viewer")] {
            env.cmd()
                .args(["users", "add", name, "--role", role, "--password-stdin"])
                .write_stdin(format!("{PASSWORD}\n"))
                .assert()
                .success();
        }
        Server::start(env)
    }

    /// Starts `estate serve --listen 127.0.0.1:0` on `env`'s register and
    /// reads the URL it prints.
    pub fn start(env: Env) -> Server {
        let mut child = env
            .std_cmd()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start estate serve");
        let stdout = child.stdout.take().expect("serve's stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("serve prints its URL");
        let base = line.trim().trim_end_matches('/').to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "serve said {line:?}");
        let addr = base.trim_start_matches("http://").to_string();
        Server {
            env,
            base,
            addr,
            _child: Killed(child),
        }
    }

    /// A client carrying one cookie (a browser's session).
    pub fn client_with_cookie(&self, name: &str, value: &str) -> Client {
        Client {
            addr: self.addr.clone(),
            cookies: vec![(name.to_string(), value.to_string())],
            csrf: String::new(),
        }
    }

    /// A client signed in as `name`.
    pub fn sign_in(&self, name: &str) -> Client {
        let mut c = Client {
            addr: self.addr.clone(),
            cookies: Vec::new(),
            csrf: String::new(),
        };
        let form = c.get("/login");
        assert_eq!(form.status, 200, "{}", form.text());
        let token = hidden(&form.text(), "csrf").expect("the sign-in form's token");
        let signed = c.post_raw(
            "/login",
            "application/x-www-form-urlencoded",
            &encode(&[("name", name), ("password", PASSWORD), ("csrf", &token)]),
        );
        assert_eq!(signed.status, 303, "sign-in as {name}: {}", signed.text());
        let home = c.get("/");
        assert_eq!(home.status, 200, "{}", home.text());
        c.csrf = hidden(&home.text(), "csrf").expect("the session's token");
        c
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Resp {
    /// The status code.
    pub status: u16,
    /// The headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header called `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A signed-in browser, reduced to cookies and the session's CSRF token.
pub struct Client {
    addr: String,
    cookies: Vec<(String, String)>,
    /// The session's CSRF token.
    pub csrf: String,
}

impl Client {
    /// `GET path`.
    pub fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, None, &[])
    }

    /// `POST path` of a URL-encoded form, with the session's CSRF token.
    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, "application/x-www-form-urlencoded", &encode(&all))
    }

    /// `POST path` of a multipart form: the CSRF token, `fields`, and
    /// `files` as `(field, file name, bytes)`.
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Resp {
        let boundary = "----estate-test-boundary-7d3f";
        let mut body = Vec::new();
        let csrf = self.csrf.clone();
        for (name, value) in std::iter::once(&("csrf", csrf.as_str())).chain(fields) {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (field, file, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; \
                     filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.post_raw(
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
    }

    /// `POST path` with this body as it is.
    pub fn post_raw(&mut self, path: &str, content_type: &str, body: &[u8]) -> Resp {
        self.send("POST", path, Some(content_type), body)
    }

    fn send(&mut self, method: &str, path: &str, content_type: Option<&str>, body: &[u8]) -> Resp {
        let mut stream = TcpStream::connect(&self.addr).expect("connect to estate serve");
        stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .expect("a timeout");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr,
            body.len()
        );
        if let Some(t) = content_type {
            let _ = write!(head, "Content-Type: {t}\r\n");
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            let _ = write!(head, "Cookie: {}\r\n", jar.join("; "));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).expect("send the request");
        stream.write_all(body).expect("send the body");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read the response");
        let resp = parse(&raw);
        for (name, value) in &resp.headers {
            if name != "set-cookie" {
                continue;
            }
            let pair = value.split(';').next().unwrap_or_default();
            let (n, v) = pair.split_once('=').unwrap_or((pair, ""));
            self.cookies.retain(|(old, _)| old != n);
            if !v.is_empty() && !value.to_ascii_lowercase().contains("max-age=0") {
                self.cookies.push((n.to_string(), v.to_string()));
            }
        }
        resp
    }
}

fn parse(raw: &[u8]) -> Resp {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole response head");
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    if chunked {
        body = unchunk(&body);
    }
    Resp {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..eol])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = eol + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}

/// `a=b&c=d`, percent-encoded.
pub fn encode(fields: &[(&str, &str)]) -> Vec<u8> {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

/// The value of the first hidden field called `name` in `html`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker)? + marker.len();
    let rest = &html[at..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The held upload's id in a dry-run page's forms.
pub fn upload_id(html: &str) -> String {
    let at = html
        .find("action=\"/import/")
        .expect("a confirm or cancel form")
        + 16;
    html[at..at + 32].to_string()
}

/// A sample supplier file's bytes.
pub fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/data/sample/{name}", env!("CARGO_MANIFEST_DIR"))).expect(name)
}

/// The row headings of the rejects table (each reject's row number).
fn reject_rows(html: &str) -> Vec<u32> {
    let Some(start) = html.find("would be rejected, with the reason") else {
        return Vec::new();
    };
    let table = &html[start
        ..html[start..]
            .find("</table>")
            .map_or(html.len(), |e| start + e)];
    table
        .split("<th scope=\"row\">")
        .skip(1)
        .filter_map(|s| s.split('<').next()?.parse().ok())
        .collect()
}

/// `estate imports --format json` on the server's register.
fn batches(server: &Server) -> Vec<serde_json::Value> {
    let out = server.env.ok(&["imports", "--format", "json"]);
    serde_json::from_str::<serde_json::Value>(&out)
        .expect("imports as JSON")
        .as_array()
        .cloned()
        .expect("a list")
}

#[test]
fn a_viewer_cannot_import() {
    let server = Server::sample();
    let mut viv = server.sign_in("viv");
    let page = viv.get("/import");
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("enctype=\"multipart/form-data\""));
    let bytes = sample("hp-reseller-delivery.xlsx");
    let refused = viv.post_multipart(
        "/import",
        &[],
        &[("files", "hp-reseller-delivery.xlsx", &bytes)],
    );
    assert_eq!(refused.status, 403, "{}", refused.text());
    assert!(batches(&server).is_empty());
}

#[test]
fn the_dry_run_shows_the_mapping_and_every_reject_and_confirm_imports_one_batch() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let bytes = sample("hp-reseller-delivery.xlsx");
    let dry = ed.post_multipart(
        "/import",
        &[("org", "")],
        &[("files", "C:\\Users\\ed\\hp-reseller-delivery.xlsx", &bytes)],
    );
    assert_eq!(dry.status, 200, "{}", dry.text());
    let html = dry.text();
    // The name the browser sent, without its Windows folder.
    assert!(html.contains("<h2 id=\"file-1-h\">hp-reseller-delivery.xlsx</h2>"));
    // data/sample/MANIFEST.md: headers on row 3 of sheet `Delivery Report`,
    // 217 records of which 6 are bad, at rows 27, 66, 103, 137, 180 and 215.
    assert!(
        html.contains(
            "Column mapping of sheet Delivery Report: 217 rows of hardware, headings on row 3"
        ),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"row\">Serial Number</th><td>serial</td>"),
        "{html}"
    );
    assert_eq!(reject_rows(&html), [27, 66, 103, 137, 180, 215], "{html}");
    // Nothing is written by the dry run.
    assert!(batches(&server).is_empty());
    let id = upload_id(&html);
    let done = ed.post_form(&format!("/import/{id}/confirm"), &[]);
    assert_eq!(done.status, 303, "{}", done.text());
    let all = batches(&server);
    assert_eq!(all.len(), 1, "{all:?}");
    // MANIFEST.md: sheet `Delivery Report` has 217 records (211 valid, 6
    // bad) and sheet `Monitors` 4 rows of Qty monitors, 30 assets; so 247
    // read, 241 new (the file's total in the by-class table), 6 rejected;
    // recorded under ed's name.
    let b = &all[0];
    assert_eq!(b["file"], "hp-reseller-delivery.xlsx");
    assert_eq!(
        (
            b["read"].as_i64(),
            b["new"].as_i64(),
            b["rejected"].as_i64()
        ),
        (Some(247), Some(241), Some(6))
    );
    assert_eq!(b["who"], "ed");
    let listed = ed.get(done.header("location").expect("a redirect"));
    assert!(
        listed.text().contains(
            "Imported hp-reseller-delivery.xlsx as batch 1: 241 new, 0 changed, 6 rejected."
        ),
        "{}",
        listed.text()
    );
    // The upload is gone: confirming again finds nothing.
    assert_eq!(
        ed.post_form(&format!("/import/{id}/confirm"), &[]).status,
        404
    );
    // Undo from the batches list.
    let undone = ed.post_form("/imports/1/undo", &[]);
    assert_eq!(undone.status, 303, "{}", undone.text());
    assert!(batches(&server)[0]["undone_at"].is_string());
}

#[test]
fn cancel_leaves_the_register_unchanged() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let bytes = sample("dell-asset-report.xlsx");
    let dry = ed.post_multipart(
        "/import",
        &[],
        &[("files", "dell-asset-report.xlsx", &bytes)],
    );
    assert_eq!(dry.status, 200, "{}", dry.text());
    let id = upload_id(&dry.text());
    // Another session cannot use the upload.
    let mut ann = server.sign_in("ann");
    assert_eq!(
        ann.post_form(&format!("/import/{id}/confirm"), &[]).status,
        404
    );
    let cancelled = ed.post_form(&format!("/import/{id}/cancel"), &[]);
    assert_eq!(cancelled.status, 303);
    assert!(batches(&server).is_empty());
    let listed = server.env.ok(&["list", "--format", "json"]);
    assert_eq!(listed.trim(), "[]");
    assert_eq!(
        ed.post_form(&format!("/import/{id}/confirm"), &[]).status,
        404
    );
}

#[test]
fn a_zip_bomb_is_refused_with_the_importers_reason() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let scratch = tempfile::tempdir().expect("temp dir");
    let bomb = scratch.path().join("bomb.xlsx");
    // 20 MB of spaces deflate to about 126 kB (13 bits per 258 bytes):
    // more than 100 times and over the 1 MB floor, so a bomb (bounds.rs).
    let spaces = 20_000_000u64;
    let start = crate::hostile::sheet_start();
    let declared =
        u32::try_from(start.len() as u64 + spaces + crate::hostile::SHEET_END.len() as u64)
            .expect("fits");
    crate::hostile::run_workbook(
        &bomb,
        &start,
        b' ',
        spaces,
        crate::hostile::SHEET_END,
        declared,
    );
    let bytes = std::fs::read(&bomb).expect("the bomb");
    let page = ed.post_multipart(
        "/import",
        &[("org", "AVN")],
        &[("files", "bomb.xlsx", &bytes)],
    );
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(
        html.contains(
            "Refused: failed to import `bomb.xlsx`: `bomb.xlsx` is refused as too large to read safely"
        ),
        "{html}"
    );
    assert!(html.contains("so this is a zip bomb"), "{html}");
    // No confirm button for a refused file; the held upload leaks no name.
    assert!(!html.contains("id=\"confirm\""));
    assert!(!html.contains("1.xlsx"));
    assert!(batches(&server).is_empty());
}

#[test]
fn a_file_the_importer_does_not_read_is_refused_before_it_is_held() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let page = ed.post_multipart(
        "/import",
        &[],
        &[("files", "../../etc/cron.d/x.sh", b"#!/bin/sh")],
    );
    assert_eq!(page.status, 400, "{}", page.text());
    assert!(
        page.text().contains("`x.sh` is not a file estate imports"),
        "{}",
        page.text()
    );
}

#[test]
fn reports_download_under_fixed_names_and_nothing_else() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let bytes = sample("dell-asset-report.xlsx");
    let dry = ed.post_multipart(
        "/import",
        &[],
        &[("files", "dell-asset-report.xlsx", &bytes)],
    );
    let id = upload_id(&dry.text());
    assert_eq!(
        ed.post_form(&format!("/import/{id}/confirm"), &[]).status,
        303
    );
    let mut viv = server.sign_in("viv");
    let page = viv.get("/reports");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("href=\"/reports/programme.xlsx\""));
    let xlsx = viv.get("/reports/programme.xlsx");
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.body.starts_with(b"PK"), "a zip (xlsx) file");
    assert_eq!(
        xlsx.header("content-disposition"),
        Some("attachment; filename=\"programme.xlsx\"")
    );
    let csv = viv.get("/reports/programme.csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.header("content-type")
            .is_some_and(|t| t.starts_with("text/csv"))
    );
    for bad in [
        "/reports/..%2F..%2Fetc%2Fpasswd",
        "/reports/../estate.db",
        "/reports/%2E%2E%2Festate.db",
        "/reports/estate.db",
        "/reports/programme.exe",
        "/reports/run-1.xlsx%00.html",
        "/reports/..\\estate.db",
    ] {
        let r = viv.get(bad);
        assert_eq!(r.status, 404, "{bad}: {}", r.text());
    }
    // A saved run that is not there: 404 too.
    assert_eq!(viv.get("/reports/run-7.xlsx").status, 404);
}

#[test]
fn only_an_admin_changes_the_policy_and_it_is_audited_under_their_name() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let refused = ed.post_form(
        "/policy",
        &[("what", "life"), ("class", "desktop"), ("value", "6")],
    );
    assert_eq!(refused.status, 403, "{}", refused.text());
    let mut ann = server.sign_in("ann");
    let done = ann.post_form(
        "/policy",
        &[("what", "life"), ("class", "desktop"), ("value", "6")],
    );
    assert_eq!(done.status, 303, "{}", done.text());
    let policy = server.env.ok(&["policy", "show", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&policy).expect("JSON");
    let desktop = v["lives"]
        .as_array()
        .expect("lives")
        .iter()
        .find(|l| l["class"] == "desktop")
        .expect("a desktop life");
    assert_eq!(desktop["life_years"], 6);
    let conn = rusqlite::Connection::open(server.env.db()).expect("the register");
    let (who, old, new): (String, String, String) = conn
        .query_row(
            "SELECT who, old_value, new_value FROM audit_log WHERE entity = 'policy' \
             ORDER BY audit_id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the policy change is audited");
    // The sample policy's desktop life is 5 years (data/policy).
    assert_eq!(
        (who.as_str(), old.as_str(), new.as_str()),
        ("ann", "5", "6")
    );
}

#[test]
fn the_forecast_page_caps_compares_saves_and_approves() {
    let server = Server::sample();
    let mut ed = server.sign_in("ed");
    let bytes = sample("dell-asset-report.xlsx");
    let dry = ed.post_multipart(
        "/import",
        &[],
        &[("files", "dell-asset-report.xlsx", &bytes)],
    );
    let id = upload_id(&dry.text());
    assert_eq!(
        ed.post_form(&format!("/import/{id}/confirm"), &[]).status,
        303
    );
    let page = ed.get("/forecast?years=5&cap=50000&scenario=&by=line&compare=extend-desktop-life");
    assert_eq!(page.status, 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains("Two scenarios side by side"), "{html}");
    assert!(html.contains("extend-desktop-life against base"), "{html}");
    // A bad cap is said on the page, not a failure.
    let bad = ed.get("/forecast?cap=lots");
    assert_eq!(bad.status, 200);
    assert!(bad.text().contains("cap per year"), "{}", bad.text());
    let saved = ed.post_form(
        "/forecast/save",
        &[("years", "5"), ("cap", "50000"), ("name", "capped")],
    );
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert_eq!(saved.header("location"), Some("/runs?saved=1"));
    let approved = ed.post_form(
        "/runs/approve",
        &[("run", "1"), ("minute", "Cabinet 3 Dec 2026, minute 9")],
    );
    assert_eq!(approved.status, 303, "{}", approved.text());
    let runs = server.env.ok(&["runs", "--format", "json"]);
    assert!(runs.contains("Cabinet 3 Dec 2026, minute 9"), "{runs}");
}

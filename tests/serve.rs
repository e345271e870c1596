//! `estate serve`: the real binary on 127.0.0.1:0 (it prints its URL on
//! stdout), driven over HTTP with a blocking client that keeps no cookies
//! and follows no redirects, so every cookie and redirect is seen.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::Arc;

use ureq::Agent;

use crate::util::Env;

/// A password long enough for the rule (12 characters or more).
const PASSWORD: &str = "correct horse battery";

/// `estate serve` running over `env`'s register; killed when dropped.
struct Server {
    child: Child,
    url: String,
    agent: Agent,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a request got back.
struct Got {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Got {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value the cookie `name` is set to.
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies().into_iter().find_map(|c| {
            c.split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    /// The hidden `csrf` field of the page's first form.
    fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.body[at..at + 64].to_string()
    }
}

fn got(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Got {
    let mut r = r.expect("a response");
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    Got {
        status: r.status().as_u16(),
        headers,
        body: r
            .body_mut()
            .with_config()
            .limit(50 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default(),
    }
}

impl Server {
    fn start(env: &Env, extra: &[&str]) -> Server {
        let mut child = env
            .std_cmd()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("estate serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the URL");
        let url = line.trim().trim_end_matches('/').to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        let agent: Agent = Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        Server { child, url, agent }
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> Got {
        let mut req = self.agent.get(format!("{}{path}", self.url));
        if let Some(c) = cookie {
            req = req.header("Cookie", c);
        }
        got(req.call())
    }

    fn api(&self, path: &str, token: Option<&str>) -> Got {
        let mut req = self.agent.get(format!("{}{path}", self.url));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        got(req.call())
    }

    fn patch(&self, path: &str, token: Option<&str>, json: &str) -> Got {
        let mut req = self
            .agent
            .patch(format!("{}{path}", self.url))
            .header("Content-Type", "application/json");
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        got(req.send(json.as_bytes()))
    }

    fn post(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> Got {
        let mut req = self.agent.post(format!("{}{path}", self.url));
        if let Some(c) = cookie {
            req = req.header("Cookie", c);
        }
        got(req.send_form(form.iter().copied()))
    }

    /// Signs in; returns what the sign-in POST got.
    fn try_login(&self, name: &str, password: &str) -> Got {
        let form = self.get("/login", None);
        let token = form.cookie("estate_login").expect("login cookie");
        let csrf = form.csrf();
        self.post(
            "/login",
            Some(&format!("estate_login={token}")),
            &[
                ("name", name),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ],
        )
    }

    /// Signs in; returns the session cookie (`estate_session=…`) and the
    /// session's CSRF token.
    fn login(&self, name: &str) -> (String, String) {
        let done = self.try_login(name, PASSWORD);
        assert_eq!(done.status, 303, "{}", done.body);
        let cookie = format!(
            "estate_session={}",
            done.cookie("estate_session").expect("session cookie")
        );
        let page = self.get("/register", Some(&cookie));
        assert_eq!(page.status, 200);
        let csrf = page.csrf();
        (cookie, csrf)
    }
}

/// A register with organisation BCW and site Civic Centre, assets PC-1 …
/// PC-`n` (desktops, in service 2020-04-01, £600.00), and accounts ada
/// (admin), ed and eve (editors) and vic (viewer), each with [`PASSWORD`].
fn estate_with_people(n: usize) -> Env {
    let env = Env::with_org();
    let mut csv = String::from("Asset Tag,Serial Number,Type,Purchase Date,Cost\n");
    for i in 1..=n {
        writeln!(csv, "PC-{i},SN{i},Desktop,2020-04-01,600.00").unwrap();
    }
    std::fs::write(env.path().join("kit.csv"), csv).unwrap();
    env.ok(&["import", "kit.csv", "--org", "BCW"]);
    for (name, role) in [
        ("ada", "admin"),
        ("ed", "editor"),
        ("eve", "editor"),
        ("vic", "viewer"),
    ] {
        env.cmd()
            .args(["users", "add", name, "--role", role, "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    env
}

fn token(env: &Env, name: &str) -> String {
    let out = env.ok(&["users", "token", name]);
    let t = out.trim().to_string();
    assert!(t.starts_with("estate_") && t.len() == 7 + 64, "{t}");
    t
}

const SECURITY_HEADERS: [(&str, &str); 4] = [
    (
        "content-security-policy",
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
];

fn assert_secure(g: &Got, what: &str) {
    for (name, value) in SECURITY_HEADERS {
        assert_eq!(g.header(name), Some(value), "{name} on {what}");
    }
}

#[test]
fn every_page_and_api_route_answers_each_role_as_its_role_allows() {
    let env = estate_with_people(3);
    let server = Server::start(&env, &[]);
    let pages = [
        "/",
        "/register",
        "/register?org=BCW&class=desktop&status=in_use&q=PC",
        "/register.csv",
        "/assets/BCW/PC-1",
        "/chart/programme.svg",
        "/account/password",
    ];
    for name in ["ada", "ed", "vic"] {
        let (cookie, csrf) = server.login(name);
        for page in pages {
            let g = server.get(page, Some(&cookie));
            assert_eq!(g.status, 200, "{name} GET {page}");
            assert_secure(&g, page);
        }
        let users = server.get("/users", Some(&cookie));
        assert_eq!(
            users.status,
            if name == "ada" { 200 } else { 403 },
            "{name} /users"
        );
        // An edit: the viewer is refused; editors and admins change the notes.
        let note = format!("checked by {name}");
        let edit = server.post(
            "/assets/BCW/PC-1/edit",
            Some(&cookie),
            &[("csrf", &csrf), ("notes", &note)],
        );
        if name == "vic" {
            assert_eq!(edit.status, 403, "viewer POST");
        } else {
            assert_eq!(edit.status, 200, "{name} edit: {}", edit.body);
            assert!(
                edit.body.contains(&format!("-&#62; {note}")),
                "{}",
                edit.body
            );
        }
        let add = server.post(
            "/users",
            Some(&cookie),
            &[
                ("csrf", &csrf),
                ("name", &format!("new-{name}")),
                ("role", "viewer"),
            ],
        );
        assert_eq!(
            add.status,
            if name == "ada" { 200 } else { 403 },
            "{name} POST /users"
        );
    }
    // The accounts' own trail: ada added new-ada from the Users page.
    let (admin, _) = server.login("ada");
    let users = server.get("/users", Some(&admin));
    assert!(
        users.body.contains("<td>new-ada</td><td>add</td><td>viewer</td><td>ada</td><td>estate serve: POST /users</td>"),
        "{}",
        users.body
    );
    // The audit trail names who made each change: ada, then ed (vic's was refused).
    let shown = env.json(&["show", "PC-1", "--format", "json"]);
    let who: Vec<(&str, &str)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["field"] == "notes")
        .map(|h| (h["who"].as_str().unwrap(), h["new_value"].as_str().unwrap()))
        .collect();
    assert_eq!(who, [("ada", "checked by ada"), ("ed", "checked by ed")]);
    // No session: to the sign-in page, and back to where it was going.
    let g = server.get("/register?org=BCW", None);
    assert_eq!(g.status, 303);
    assert_eq!(
        g.header("location"),
        Some("/login?next=%2Fregister%3Forg%3DBCW")
    );
    assert_secure(&g, "a redirect");
    assert_eq!(
        server.get("/", None).header("location"),
        Some("/login?next=%2F")
    );
    let post = server.post("/assets/BCW/PC-1/edit", None, &[("notes", "x")]);
    assert_eq!(post.status, 303);
    // The API: no token (or a wrong one) is 401 JSON on every route.
    let api = [
        "/api/v1/assets",
        "/api/v1/assets/PC-1",
        "/api/v1/forecast",
        "/api/v1/runs",
        "/api/v1/runs/1",
    ];
    for route in api {
        for t in [None, Some("estate_0000")] {
            let g = server.api(route, t);
            assert_eq!(g.status, 401, "{route}");
            assert!(g.body.contains("\"kind\":\"unauthorized\""), "{}", g.body);
            assert_secure(&g, route);
        }
    }
    let viewer = token(&env, "vic");
    let editor = token(&env, "ed");
    let list = server.api("/api/v1/assets?limit=2", Some(&viewer));
    assert_eq!(list.status, 200);
    let list: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    // Three assets PC-1, PC-2, PC-3 by tag: a page of two and a cursor.
    let tags: Vec<&str> = list["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["asset_tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["PC-1", "PC-2"]);
    let next = list["next"].as_str().unwrap();
    let rest = server.api(
        &format!("/api/v1/assets?limit=2&after={next}"),
        Some(&viewer),
    );
    let rest: serde_json::Value = serde_json::from_str(&rest.body).unwrap();
    assert_eq!(rest["assets"][0]["asset_tag"], "PC-3");
    assert!(rest["next"].is_null());
    let one = server.api("/api/v1/assets/PC-2", Some(&viewer));
    assert_eq!(one.status, 200);
    assert!(one.body.contains("\"serial\":\"SN2\""), "{}", one.body);
    assert_eq!(
        server.api("/api/v1/assets/PC-99", Some(&viewer)).status,
        404
    );
    assert_eq!(server.api("/api/v1/runs", Some(&viewer)).status, 200);
    assert_eq!(server.api("/api/v1/runs/1", Some(&viewer)).status, 404);
    // The forecast is the same JSON as `estate forecast --format json`.
    let api_forecast: serde_json::Value =
        serde_json::from_str(&server.api("/api/v1/forecast", Some(&viewer)).body).unwrap();
    assert_eq!(api_forecast, env.json(&["forecast", "--format", "json"]));
    // Three desktops of 2020-04-01 with a 5-year life are due 2025-04-01,
    // overdue at 2026/27: 3 × £600.00 = £1,800.00 in the first year.
    assert_eq!(api_forecast["programme"]["backlog"]["count"], 3);
    // PATCH: a viewer is refused, an editor's change is audited under their name.
    let refused = server.patch(
        "/api/v1/assets/PC-3",
        Some(&viewer),
        r#"{"model":"OptiPlex"}"#,
    );
    assert_eq!(refused.status, 403);
    let done = server.patch(
        "/api/v1/assets/PC-3",
        Some(&editor),
        r#"{"model":"OptiPlex"}"#,
    );
    assert_eq!(done.status, 200, "{}", done.body);
    let shown = env.json(&["show", "PC-3", "--format", "json"]);
    let newest = shown["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (newest["field"].as_str(), newest["who"].as_str()),
        (Some("model"), Some("ed"))
    );
    assert_eq!(server.patch("/api/v1/assets/PC-3", None, "{}").status, 401);
    // The OpenAPI document names every route.
    let doc = server.api("/api/v1/openapi.json", None);
    assert_eq!(doc.status, 200);
    for path in [
        "/api/v1/assets",
        "/api/v1/assets/{tag}",
        "/api/v1/forecast",
        "/api/v1/runs/{id}",
    ] {
        assert!(doc.body.contains(&format!("\"{path}\"")), "{path}");
    }
}

#[test]
fn a_post_without_the_sessions_csrf_token_is_refused() {
    let env = estate_with_people(1);
    let server = Server::start(&env, &[]);
    let (cookie, csrf) = server.login("ed");
    let none = server.post("/assets/BCW/PC-1/edit", Some(&cookie), &[("notes", "x")]);
    assert_eq!(none.status, 403);
    let wrong = "0".repeat(64);
    let bad = server.post(
        "/assets/BCW/PC-1/edit",
        Some(&cookie),
        &[("csrf", wrong.as_str()), ("notes", "x")],
    );
    assert_eq!(bad.status, 403);
    // Another session's token is not this one's.
    let (_, other) = server.login("eve");
    assert_ne!(other, csrf);
    let theirs = server.post(
        "/assets/BCW/PC-1/edit",
        Some(&cookie),
        &[("csrf", other.as_str()), ("notes", "x")],
    );
    assert_eq!(theirs.status, 403);
    // Nothing was changed by the refused posts.
    let shown = env.json(&["show", "PC-1", "--format", "json"]);
    assert!(shown["asset"]["notes"].is_null());
    // The sign-in form has its own token: a POST without it is refused.
    let login = server.post("/login", None, &[("name", "ed"), ("password", PASSWORD)]);
    assert_eq!(login.status, 403);
    // Sign-out needs the token too, and ends the session.
    assert_eq!(server.post("/logout", Some(&cookie), &[]).status, 403);
    let out = server.post("/logout", Some(&cookie), &[("csrf", &csrf)]);
    assert_eq!(out.status, 303);
    assert_eq!(server.get("/", Some(&cookie)).status, 303);
}

#[test]
fn five_failed_sign_ins_in_15_minutes_lock_the_account_and_the_address() {
    let env = estate_with_people(1);
    let server = Server::start(&env, &[]);
    for _ in 0..5 {
        let g = server.try_login("ed", "wrong password!");
        assert_eq!(g.status, 401);
        assert!(g.cookie("estate_session").is_none());
    }
    // The sixth, even with the right password, is refused for the window:
    // 15 minutes from the first failure, a few seconds ago, so Retry-After
    // is at most 900 seconds and more than 850.
    let g = server.try_login("ed", PASSWORD);
    assert_eq!(g.status, 429);
    let retry: i64 = g.header("retry-after").unwrap().parse().unwrap();
    assert!((850..=900).contains(&retry), "{retry}");
    assert!(g.cookie("estate_session").is_none());
    // The address has had five failures too: another account from it waits.
    assert_eq!(server.try_login("eve", PASSWORD).status, 429);
    // A wrong name counts the same as a wrong password and says the same.
    let env2 = estate_with_people(1);
    let server2 = Server::start(&env2, &[]);
    let nobody = server2.try_login("nobody", PASSWORD);
    assert_eq!(nobody.status, 401);
    assert!(
        nobody
            .body
            .contains("The account name or password is wrong")
    );
}

#[test]
fn a_session_expires_when_idle_and_a_disabled_account_is_signed_out() {
    let env = estate_with_people(1);
    let server = Server::start(&env, &["--session-idle", "2s", "--session-max", "1h"]);
    let (cookie, _) = server.login("vic");
    assert_eq!(server.get("/", Some(&cookie)).status, 200);
    std::thread::sleep(std::time::Duration::from_millis(3500));
    let g = server.get("/", Some(&cookie));
    assert_eq!(g.status, 303);
    assert_eq!(g.header("location"), Some("/login?next=%2F"));
    // An absolute lifetime ends a session however it is used.
    let server = Server::start(&env, &["--session-idle", "1h", "--session-max", "2s"]);
    let (cookie, _) = server.login("vic");
    for _ in 0..4 {
        std::thread::sleep(std::time::Duration::from_secs(1));
        let _ = server.get("/register", Some(&cookie));
    }
    assert_eq!(server.get("/", Some(&cookie)).status, 303);
    // Disabling an account ends its sessions and tokens at once.
    let (cookie, _) = server.login("ed");
    let t = token(&env, "ed");
    assert_eq!(server.api("/api/v1/runs", Some(&t)).status, 200);
    env.ok(&["users", "disable", "ed"]);
    assert_eq!(server.get("/", Some(&cookie)).status, 303);
    assert_eq!(server.api("/api/v1/runs", Some(&t)).status, 401);
    assert_eq!(server.try_login("ed", PASSWORD).status, 401);
}

#[test]
fn cookies_are_httponly_samesite_strict_and_secure_behind_tls() {
    let env = estate_with_people(1);
    let server = Server::start(&env, &[]);
    let g = server.try_login("vic", PASSWORD);
    let c = g
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("estate_session="))
        .unwrap()
        .to_string();
    assert!(c.ends_with("; HttpOnly; SameSite=Strict; Path=/"), "{c}");
    // The id is 256 random bits as 64 hex digits; the register keeps only
    // its hash.
    let id = g.cookie("estate_session").unwrap();
    assert_eq!(id.len(), 64);
    let db = std::fs::read(env.db()).unwrap();
    assert!(!db.windows(64).any(|w| w == id.as_bytes()));
    let tls = Server::start(&env, &["--behind-tls"]);
    let g = tls.try_login("vic", PASSWORD);
    let c = g
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("estate_session="))
        .unwrap()
        .to_string();
    assert!(c.contains("; Secure"), "{c}");
}

#[test]
fn imported_markup_is_shown_as_text() {
    let env = estate_with_people(0);
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        "<script>alert(1)</script>",
        "--model",
        "\"><img src=x onerror=alert(2)>",
        "--purchase-date",
        "2021-04-01",
    ]);
    let server = Server::start(&env, &[]);
    let (cookie, _) = server.login("vic");
    let register = server.get("/register", Some(&cookie));
    assert!(!register.body.contains("<script>alert(1)"));
    assert!(!register.body.contains("<img src=x"));
    assert!(
        register
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{}",
        register.body
    );
    let page = server.get(
        "/assets/BCW/%3Cscript%3Ealert%281%29%3C%2Fscript%3E",
        Some(&cookie),
    );
    assert_eq!(page.status, 200);
    assert!(!page.body.contains("<script>"));
    assert!(!page.body.contains("<img src=x"));
}

/// Sends a request head announcing a body of `length` bytes and reads the
/// status line the server answers with before any of the body is sent.
fn status_for_announced_body(server: &Server, head: &str, length: usize) -> String {
    use std::io::{Read, Write};
    let addr = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "{head}\r\nHost: {addr}\r\nContent-Length: {length}\r\n\r\n"
    )
    .unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf[..n]).to_string();
    text.lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_body_over_the_limit_is_refused_with_413() {
    let env = estate_with_people(1);
    let server = Server::start(&env, &["--max-upload-mb", "1"]);
    let (cookie, csrf) = server.login("ed");
    // A form of 2 MB against a 1 MB limit is refused from its length alone.
    let status = status_for_announced_body(
        &server,
        &format!(
            "POST /assets/BCW/PC-1/edit HTTP/1.1\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded"
        ),
        2 * 1024 * 1024,
    );
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    let t = token(&env, "ed");
    let status = status_for_announced_body(
        &server,
        &format!(
            "PATCH /api/v1/assets/PC-1 HTTP/1.1\r\nAuthorization: Bearer {t}\r\n\
             Content-Type: application/json"
        ),
        2 * 1024 * 1024,
    );
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    // Under the limit, the same form is taken.
    let note = "y".repeat(1000);
    let g = server.post(
        "/assets/BCW/PC-1/edit",
        Some(&cookie),
        &[("csrf", csrf.as_str()), ("notes", note.as_str())],
    );
    assert_eq!(g.status, 200);
    let shown = env.json(&["show", "PC-1", "--format", "json"]);
    assert_eq!(shown["asset"]["notes"].as_str().map(str::len), Some(1000));
}

#[test]
fn paths_that_climb_out_of_static_or_name_files_are_404() {
    let env = estate_with_people(1);
    let server = Server::start(&env, &[]);
    let (cookie, _) = server.login("vic");
    assert_eq!(server.get("/static/estate.css", Some(&cookie)).status, 200);
    for path in [
        "/static/../Cargo.toml",
        "/static/..%2F..%2Fetc%2Fpasswd",
        "/static/%2e%2e%2festate.db",
        "/static/estate.db",
        "/static/..%5cestate.db",
        "/chart/..%2F..%2Festate.db",
        "/register.csv/../../estate.db",
        "/estate.db",
        "/api/v1/../../estate.db",
    ] {
        let g = server.get(path, Some(&cookie));
        assert_eq!(g.status, 404, "{path}");
        assert!(!g.body.contains("SQLite format"), "{path}");
        assert_secure(&g, path);
    }
}

#[test]
fn two_editors_and_a_viewer_at_once_leave_a_register_that_checks_and_every_change_attributed() {
    let env = Arc::new(estate_with_people(20));
    let server = Arc::new(Server::start(&env, &[]));
    let mut handles = Vec::new();
    for (name, range) in [("ed", 1..=10), ("eve", 11..=20)] {
        let server = Arc::clone(&server);
        handles.push(std::thread::spawn(move || {
            let (cookie, csrf) = server.login(name);
            for i in range {
                let g = server.post(
                    &format!("/assets/BCW/PC-{i}/edit"),
                    Some(&cookie),
                    &[
                        ("csrf", csrf.as_str()),
                        ("user", &format!("{name} user {i}")),
                    ],
                );
                assert_eq!(g.status, 200, "{name} PC-{i}: {}", g.body);
            }
        }));
    }
    let reader = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || {
            let (cookie, _) = server.login("vic");
            for _ in 0..15 {
                assert_eq!(server.get("/register", Some(&cookie)).status, 200);
                assert_eq!(server.get("/assets/BCW/PC-5", Some(&cookie)).status, 200);
            }
        })
    };
    for h in handles {
        h.join().unwrap();
    }
    reader.join().unwrap();
    env.ok(&["check"]);
    for i in 1..=20 {
        let who = if i <= 10 { "ed" } else { "eve" };
        let shown = env.json(&["show", &format!("PC-{i}"), "--format", "json"]);
        assert_eq!(shown["asset"]["assigned_user"], format!("{who} user {i}"));
        let last = shown["history"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["who"], who, "PC-{i}");
        assert_eq!(
            last["command"],
            format!("estate serve: POST /assets/BCW/PC-{i}/edit")
        );
    }
}

#[test]
fn the_register_pages_by_keyset_and_exports_the_filtered_view() {
    // 120 assets PC-1 … PC-120; by tag (text order) the first page of 50
    // runs PC-1, PC-10, PC-100 … and three pages hold 50, 50 and 20.
    let env = estate_with_people(120);
    let server = Server::start(&env, &[]);
    let (cookie, _) = server.login("vic");
    let mut path = "/register".to_string();
    let mut counts = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    loop {
        let g = server.get(&path, Some(&cookie));
        assert_eq!(g.status, 200);
        let rows = g
            .body
            .matches("<th scope=\"row\"><a href=\"/assets/BCW/")
            .count();
        counts.push(rows);
        for part in g
            .body
            .split("<th scope=\"row\"><a href=\"/assets/BCW/")
            .skip(1)
        {
            seen.insert(part.split('"').next().unwrap().to_string());
        }
        let Some(at) = g.body.find("rel=\"next\"") else {
            break;
        };
        let href_start = g.body[..at].rfind("href=\"").unwrap() + 6;
        let href_end = href_start + g.body[href_start..].find('"').unwrap();
        path = g.body[href_start..href_end].replace("&amp;", "&");
    }
    assert_eq!(counts, [50, 50, 20]);
    assert_eq!(seen.len(), 120);
    // A search: tags, serials, models or users containing "SN11" are SN11
    // and SN110 … SN119: 11 assets.
    let g = server.get("/register?q=SN11", Some(&cookie));
    assert_eq!(g.body.matches("<th scope=\"row\"><a href").count(), 11);
    // The CSV of the filtered view: a heading row and the 11.
    let csv = server.get("/register.csv?q=SN11", Some(&cookie));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(csv.body.lines().count(), 12);
    assert!(csv.body.starts_with("org,tag,class,"));
}

#[test]
fn users_are_added_listed_reset_and_given_tokens_from_the_command_line() {
    let env = Env::with_org();
    // Not a terminal and no --password-stdin: a one-time password, printed once.
    let out = env.ok(&["users", "add", "fin", "--role", "viewer"]);
    let one_time = out.trim().to_string();
    assert_eq!(one_time.len(), 20, "{out}");
    let list = env.json(&["users", "list", "--format", "json"]);
    assert_eq!(list[0]["name"], "fin");
    assert_eq!(list[0]["role"], "viewer");
    assert_eq!(list[0]["one_time"], true);
    assert!(!list.to_string().contains(&one_time));
    // Signing in with it leads to choosing a password first.
    let server = Server::start(&env, &[]);
    let g = server.try_login("fin", &one_time);
    assert_eq!(g.status, 303);
    assert_eq!(g.header("location"), Some("/account/password"));
    let cookie = format!("estate_session={}", g.cookie("estate_session").unwrap());
    assert_eq!(
        server.get("/register", Some(&cookie)).header("location"),
        Some("/account/password")
    );
    let form = server.get("/account/password", Some(&cookie));
    let csrf = form.csrf();
    let set = server.post(
        "/account/password",
        Some(&cookie),
        &[
            ("csrf", csrf.as_str()),
            ("password", PASSWORD),
            ("again", PASSWORD),
        ],
    );
    assert_eq!(set.status, 303);
    assert_eq!(server.try_login("fin", PASSWORD).status, 303);
    // A name taken, a role unknown, no such account.
    env.cmd()
        .args(["users", "add", "FIN", "--role", "viewer"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "there is already an account `fin`",
        ));
    env.cmd()
        .args(["users", "add", "x", "--role", "owner"])
        .assert()
        .code(2);
    env.fails(&["users", "reset", "nobody"], 1);
    let reset = env.ok(&["users", "reset", "fin"]);
    assert_eq!(reset.trim().len(), 20);
    assert_eq!(server.try_login("fin", PASSWORD).status, 401);
    assert_eq!(server.try_login("fin", reset.trim()).status, 303);
}

#[test]
fn the_dashboard_shows_the_programme_and_what_changed_since_the_approved_run() {
    let env = estate_with_people(2);
    env.ok(&["forecast", "--save", "Approved Feb"]);
    env.ok(&[
        "runs",
        "approve",
        "1",
        "--minute",
        "Cabinet 12 Feb 2026, min. 87",
    ]);
    env.ok(&["forecast", "--save", "Proposal", "--cap", "600"]);
    let server = Server::start(&env, &[]);
    let (cookie, _) = server.login("vic");
    let g = server.get("/", Some(&cookie));
    assert_eq!(g.status, 200);
    // Two desktops in service 2020-04-01: on a 5-year life both are overdue
    // in 2026/27 at £600.00 each (£1,200.00); the table says so and the
    // chart is an image with the table as its alternative.
    assert!(g.body.contains(
        "<caption>Capital programme 2026/27 to 2030/31, by programme line (£)</caption>"
    ));
    assert!(
        g.body.contains("<td class=\"num\">£1,200.00</td>"),
        "{}",
        g.body
    );
    assert!(g.body.contains("<img src=\"/chart/programme.svg\""));
    assert!(
        g.body
            .contains("Saved run 2 against the approved programme")
    );
    assert!(g.body.contains("Running costs"));
    // The dashboard is kept while the register is unchanged; a change made
    // from the command line beside the server shows at once: a third
    // desktop makes 2026/27 3 × £600.00 = £1,800.00.
    assert_eq!(server.get("/", Some(&cookie)).body, g.body);
    env.ok(&[
        "add",
        "desktop",
        "--tag",
        "PC-9",
        "--purchase-date",
        "2020-04-01",
        "--cost",
        "600",
    ]);
    let again = server.get("/", Some(&cookie));
    assert!(
        again.body.contains("<td class=\"num\">£1,800.00</td>"),
        "{}",
        again.body
    );
    let svg = server.get("/chart/programme.svg", Some(&cookie));
    assert_eq!(
        svg.header("content-type"),
        Some("image/svg+xml; charset=utf-8")
    );
    assert!(svg.body.contains("<svg"));
    let t = token(&env, "vic");
    let run: serde_json::Value =
        serde_json::from_str(&server.api("/api/v1/runs/1", Some(&t)).body).unwrap();
    assert_eq!(run["summary"]["name"], "Approved Feb");
    let runs: serde_json::Value =
        serde_json::from_str(&server.api("/api/v1/runs", Some(&t)).body).unwrap();
    assert_eq!(runs.as_array().map(Vec::len), Some(2));
}

#[test]
fn the_asset_forms_change_and_dispose_with_the_command_lines_rules_and_messages() {
    let env = estate_with_people(2);
    let server = Server::start(&env, &[]);
    let (cookie, csrf) = server.login("ed");
    let edit = |form: &[(&str, &str)]| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(form);
        server.post("/assets/BCW/PC-1/edit", Some(&cookie), &all)
    };
    // A cost that is not money is refused with the CLI's message; nothing changes.
    let bad = edit(&[("cost", "six hundred")]);
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("cost: `six hundred` is not an amount of money"),
        "{}",
        bad.body
    );
    // A purchase date in the future (today is 2026-11-28) is refused.
    let future = edit(&[("purchase_date", "2027-01-01")]);
    assert_eq!(future.status, 422);
    // A change: the cost and the model; an emptied serial is cleared.
    let done = edit(&[
        ("cost", "612.34"),
        ("model", "OptiPlex 7010"),
        ("serial", ""),
    ]);
    assert_eq!(done.status, 200, "{}", done.body);
    let shown = env.json(&["show", "PC-1", "--format", "json"]);
    assert_eq!(shown["asset"]["purchase_cost"], "612.34");
    assert_eq!(shown["asset"]["model"], "OptiPlex 7010");
    assert!(shown["asset"]["serial"].is_null());
    // Fields not sent (or sent unchanged) are left alone.
    assert_eq!(shown["asset"]["in_service_date"], "2020-04-01");
    // The processor (the CLI's `--cpu`, which decides a Windows 11 upgrade)
    // is on the form too.
    let cpu = edit(&[("cpu", "Intel Core i5-8350U")]);
    assert_eq!(cpu.status, 200, "{}", cpu.body);
    let shown = env.json(&["show", "PC-1", "--format", "json"]);
    assert_eq!(shown["asset"]["cpu"], "Intel Core i5-8350U");
    // Disposal: a date in the future is refused with the CLI's words, then done.
    let dispose = |date: &str| {
        server.post(
            "/assets/BCW/PC-2/dispose",
            Some(&cookie),
            &[
                ("csrf", csrf.as_str()),
                ("method", "recycling"),
                ("date", date),
                ("certificate", "ADISA-2026-0042"),
            ],
        )
    };
    let refused = dispose("2026-12-01");
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("the disposal date 2026-12-01 is in the future")
    );
    let disposed = dispose("2026-11-01");
    assert_eq!(disposed.status, 200);
    assert!(
        disposed.body.contains(
            "disposed of PC-2 (BCW) on 2026-11-01 by recycling, certificate ADISA-2026-0042"
        ),
        "{}",
        disposed.body
    );
    let shown = env.json(&["show", "PC-2", "--format", "json"]);
    assert_eq!(shown["asset"]["status"], "disposed");
    assert_eq!(shown["disposal"]["certificate"], "ADISA-2026-0042");
    // Disposed kit has no edit form; an unknown asset is 404.
    let page = server.get("/assets/BCW/PC-2", Some(&cookie));
    assert!(!page.body.contains("/edit\""));
    assert_eq!(server.get("/assets/BCW/PC-404", Some(&cookie)).status, 404);
    // Sorted by in-service date: every asset has the same date, so by id.
    let sorted = server.get("/register?sort=in_service", Some(&cookie));
    let first = sorted.body.find(">PC-1<").unwrap();
    let second = sorted.body.find(">PC-2<").unwrap();
    assert!(first < second);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly_and_a_wide_address_is_said_aloud() {
    let env = estate_with_people(0);
    let mut child = env
        .std_cmd()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("estate serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("http://0.0.0.0:"), "{line}");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("which is not loopback, as --listen asked"),
        "{stderr}"
    );
    assert!(stderr.contains("estate: stopped"), "{stderr}");
}

/// The asset tags of a register page's rows, in order.
fn page_tags(body: &str) -> Vec<String> {
    body.split("<th scope=\"row\"><a href=\"/assets/BCW/")
        .skip(1)
        .map(|part| part.split('"').next().unwrap().to_string())
        .collect()
}

/// The "next page" link of a register page.
fn next_page(body: &str) -> Option<String> {
    let at = body.find("rel=\"next\"")?;
    let start = body[..at].rfind("href=\"")? + 6;
    let end = start + body[start..].find('"')?;
    Some(body[start..end].replace("&amp;", "&").replace("&#38;", "&"))
}

#[test]
fn the_register_sorts_by_model_class_and_cost_and_searches_the_start_of_fields() {
    // 2,100 assets PC-1 … PC-2100, SN1 … SN2100, imported in that order (so
    // asset ids follow i): PC-i costs £i.00; every third (i divisible by 3)
    // is a laptop, the rest desktops; odd i are
    // model "latitude 5540" (lower case), even "OptiPlex 7010"; PC-7's user
    // is Jane Doe. 2,100 in use is more than the 2,000 matches the page
    // sorts itself, so `status=in_use` walks the order's index instead.
    let env = Env::with_org();
    let mut csv = String::from("Asset Tag,Serial Number,Type,Model,Purchase Date,Cost,User\n");
    for i in 1..=2100 {
        let class = if i % 3 == 0 { "Laptop" } else { "Desktop" };
        let model = if i % 2 == 1 {
            "latitude 5540"
        } else {
            "OptiPlex 7010"
        };
        let user = if i == 7 { "Jane Doe" } else { "" };
        writeln!(csv, "PC-{i},SN{i},{class},{model},2020-04-01,{i}.00,{user}").unwrap();
    }
    std::fs::write(env.path().join("kit.csv"), csv).unwrap();
    env.ok(&["import", "kit.csv", "--org", "BCW"]);
    env.cmd()
        .args([
            "users",
            "add",
            "vic",
            "--role",
            "viewer",
            "--password-stdin",
        ])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let server = Server::start(&env, &[]);
    let (cookie, _) = server.login("vic");
    let tags = |path: &str| {
        let g = server.get(path, Some(&cookie));
        assert_eq!(g.status, 200, "{path}: {}", g.body);
        (page_tags(&g.body), next_page(&g.body))
    };
    let pcs = |is: &[usize]| is.iter().map(|i| format!("PC-{i}")).collect::<Vec<_>>();

    // By cost, as numbers (not text: £10 after £9): page 1 is PC-1 … PC-50,
    // page 2 (by its cursor) PC-51 … PC-100; the same with the walk.
    for path in ["/register?sort=cost", "/register?sort=cost&status=in_use"] {
        let (first, next) = tags(path);
        assert_eq!(first, pcs(&(1..=50).collect::<Vec<_>>()), "{path}");
        let (second, _) = tags(&next.unwrap());
        assert_eq!(second, pcs(&(51..=100).collect::<Vec<_>>()), "{path}");
    }
    // Every page of the walk, followed to the end: 42 pages of 50, each
    // asset once.
    let mut path = Some("/register?sort=cost&status=in_use".to_string());
    let mut seen = std::collections::BTreeSet::new();
    let mut pages = 0;
    while let Some(p) = path {
        let (t, next) = tags(&p);
        assert_eq!(t.len(), 50);
        seen.extend(t);
        pages += 1;
        path = next;
    }
    assert_eq!((pages, seen.len()), (42, 2100));

    // By model, ignoring case: "latitude" (odd i) before "OptiPlex" (a
    // binary order would put the capital O first); page 1 is the first 50
    // odd: PC-1, PC-3 … PC-99.
    let (first, _) = tags("/register?sort=model");
    assert_eq!(first, pcs(&(1..=99).step_by(2).collect::<Vec<_>>()));
    // By class: desktop before laptop. The first 50 desktops are the i not
    // divisible by 3 up to 74 (two in every three: 25 threes make 75).
    let (first, next) = tags("/register?sort=class&status=in_use");
    let desktops: Vec<usize> = (1..=74).filter(|i| i % 3 != 0).collect();
    assert_eq!(first, pcs(&desktops));
    let (second, _) = tags(&next.unwrap());
    assert_eq!(second[0], "PC-76");

    // The search matches the start of a tag, serial, model or user, in any
    // case: "pc-12" is PC-12, PC-120 … PC-129 and PC-1200 … PC-1299 (1 + 10
    // + 100 = 111), page 1 the first 50 by tag (text order).
    let (first, next) = tags("/register?q=pc-12");
    assert_eq!(first.len(), 50);
    assert_eq!(first[..3], pcs(&[12, 120, 1200]));
    assert!(next.is_some());
    // Serial SN2100 alone starts with "sn210" and "SN2100"; with the laptop
    // filter too (2100 = 3 × 700), still it.
    assert_eq!(tags("/register?q=sn2100").0, pcs(&[2100]));
    assert_eq!(tags("/register?q=SN2100&class=laptop").0, pcs(&[2100]));
    // A user: "jane" starts Jane Doe (PC-7); "doe" starts nothing.
    assert_eq!(tags("/register?q=jane").0, pcs(&[7]));
    assert_eq!(tags("/register?q=doe").0, Vec::<String>::new());
    // A model, any case: "LATITUDE" is the 1,050 odd ones, by tag in text
    // order: PC-1, then PC-1001 (its fifth character "0" is before PC-101's
    // "1"), PC-1003, PC-1005, PC-1007.
    let (first, _) = tags("/register?q=LATITUDE");
    assert_eq!(first[..5], pcs(&[1, 1001, 1003, 1005, 1007]));
    // An order that is not one is refused (422, as every invalid request)
    // with the ones there are.
    let g = server.get("/register?sort=colour", Some(&cookie));
    assert_eq!(g.status, 422, "{}", g.body);
    assert!(g.body.contains("tag, in_service, model, class or cost"));
}

#[test]
fn forget_user_reaches_the_web_accounts_their_trail_sessions_tokens_and_failed_sign_ins() {
    // Jane Doe has the account `jdoe` (an editor, with an API token and a
    // session) and, signed in as herself at the command line, added the
    // account `vic`; `jdoe` once mistyped a password. No asset holds her
    // name: the accounts alone are enough for forget-user to act.
    let env = Env::with_org();
    for (name, role) in [("jdoe", "editor"), ("ada", "admin")] {
        env.cmd()
            .args(["users", "add", name, "--role", role, "--password-stdin"])
            .write_stdin(format!("{PASSWORD}\n"))
            .assert()
            .success();
    }
    env.cmd()
        .args([
            "users",
            "add",
            "vic",
            "--role",
            "viewer",
            "--password-stdin",
        ])
        .args(["--as", "Jane Doe"])
        .write_stdin(format!("{PASSWORD}\n"))
        .assert()
        .success();
    let jdoe_token = token(&env, "jdoe");
    let server = Server::start(&env, &[]);
    assert_eq!(server.try_login("jdoe", "not her password").status, 401);
    let (cookie, _) = server.login("jdoe");
    assert_eq!(server.api("/api/v1/assets", Some(&jdoe_token)).status, 200);

    let out = env.ok(&["forget-user", "Jane Doe", "--email", "jdoe"]);
    assert!(!out.contains("jdoe"), "{out}");

    // Her account is renamed (its id is 1: the first added), disabled, its
    // session and token gone; ada and vic are untouched.
    let list = env.json(&["users", "list", "--format", "json"]);
    let names: Vec<(&str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["name"].as_str().unwrap(),
                u["disabled"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("[redacted] account 1", true),
            ("ada", false),
            ("vic", false)
        ]
    );
    let g = server.get("/register", Some(&cookie));
    assert_eq!(g.status, 303);
    assert_eq!(
        g.header("location").map(|l| l.starts_with("/login")),
        Some(true)
    );
    assert_eq!(server.api("/api/v1/assets", Some(&jdoe_token)).status, 401);
    // Nothing in the accounts' tables holds the name or the user name; the
    // trail keeps that vic was added (by "[redacted]") and that account 1
    // was closed by forget-user.
    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    for table in ["users", "user_audit", "login_failures"] {
        let rows: Vec<String> = conn
            .prepare(&format!("SELECT * FROM {table}"))
            .unwrap()
            .query_map([], |r| {
                let n = r.as_ref().column_count();
                Ok((0..n)
                    .map(|i| r.get_ref(i).unwrap().as_str().unwrap_or("").to_string())
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let all = rows.join("\n").to_lowercase();
        assert!(
            !all.contains("jane") && !all.contains("jdoe"),
            "{table}: {all}"
        );
    }
    assert_eq!(count("SELECT count(*) FROM sessions WHERE user_id = 1"), 0);
    assert_eq!(
        count("SELECT count(*) FROM api_tokens WHERE user_id = 1"),
        0
    );
    assert_eq!(count("SELECT count(*) FROM login_failures"), 0);
    assert_eq!(
        count(
            "SELECT count(*) FROM user_audit WHERE user_id = 3 AND action = 'add' \
             AND who = '[redacted]'"
        ),
        1
    );
    assert_eq!(
        count(
            "SELECT count(*) FROM user_audit WHERE user_id = 1 AND action = 'disable' \
             AND detail = 'forget-user'"
        ),
        1
    );
    // Her user name no longer signs in.
    assert_eq!(server.try_login("jdoe", PASSWORD).status, 401);
}

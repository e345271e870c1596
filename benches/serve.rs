//! Web server benchmark (issue 14): `estate serve` in this process over a
//! generated register of `ESTATE_BENCH_ROWS` assets (default 1,000,000; the
//! figures in docs/performance.md say which size they are of), requests
//! made over loopback HTTP by a viewer's session, the time of each whole
//! response measured.
//!
//! - register page: p50/p95 over every filter (none, organisation, class,
//!   site, department, status, search) and deep pages (following "next"
//!   from page 1), and criterion's figure for page 1;
//! - asset page;
//! - dashboard cold (first request after a change) and warm (unchanged
//!   register: the cached forecast);
//! - 50 concurrent viewers, each loading register pages and asset pages:
//!   requests a second and p99.

mod common;

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use criterion::criterion_main;
use estate::accounts::Role;
use estate::generate;
use estate::ops::Register;
use estate::register::Actor;

use common::{Estate, SEED};

const PASSWORD: &str = "a long enough bench passphrase 42";

/// One HTTP/1.1 request over a fresh connection; the status, the
/// `Set-Cookie` values and the body.
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> (u16, Vec<String>, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
    }
    if !cookie.is_empty() {
        let _ = write!(req, "Cookie: {cookie}\r\n");
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let cookies = head
        .lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .map(|l| l[11..].trim().split(';').next().unwrap_or("").to_string())
        .collect();
    (status, cookies, body.to_string())
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).expect("a hidden field") + marker.len();
    html[at..at + html[at..].find('"').expect("its end")].to_string()
}

/// Signs in as the bench's viewer; the session cookie.
fn sign_in(addr: SocketAddr) -> String {
    let (_, cookies, form) = http(addr, "GET", "/login", "", "");
    let token = hidden(&form, "csrf");
    let body = format!(
        "name=viewer&password={}&csrf={token}",
        PASSWORD.replace(' ', "+")
    );
    let (status, cookies, _) = http(addr, "POST", "/login", &cookies.join("; "), &body);
    assert_eq!(status, 303, "sign-in");
    cookies
        .into_iter()
        .find(|c| c.starts_with("estate_session="))
        .expect("a session")
}

fn get(addr: SocketAddr, cookie: &str, path: &str) -> (Duration, String) {
    let start = Instant::now();
    let (status, _, body) = http(addr, "GET", path, cookie, "");
    let took = start.elapsed();
    assert_eq!(status, 200, "{path}");
    (took, body)
}

/// The "next page" link of a register page.
fn next_link(html: &str) -> Option<String> {
    let at = html.rfind("href=\"/register?")? + 6;
    let link = &html[at..at + html[at..].find('"')?];
    link.contains("after=").then(|| link.replace("&amp;", "&"))
}

/// The `p`th percentile (nearest rank) of `times`.
fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    let rank = (p * times.len()).div_ceil(100);
    times[rank.clamp(1, times.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn benches() {
    let estate = Estate::generate(false);
    let db = estate.fresh_register("serve.db");
    common::timed("import the generated estate", || {
        common::import(&db, &estate.csv)
    });
    {
        let mut r = Register::open(&db, Duration::from_secs(5)).expect("the register");
        estate::ops::accounts::add(
            &mut r,
            "viewer",
            Role::Viewer,
            Some(PASSWORD),
            &Actor::command("bench").by("bench"),
        )
        .expect("an account");
    }
    let state = estate::web::State::new(estate::web::Config::new(&db)).expect("the server");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = listener.local_addr().expect("its address");
    listener.set_nonblocking(true).expect("non-blocking");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
            let _ = estate::web::serve(listener, state, std::future::pending()).await;
        });
    });
    let cookie = sign_in(addr);
    println!("web server over {} assets", estate.assets);

    // Dashboard: cold (the first request), then warm (cached).
    let (cold, _) = get(addr, &cookie, "/");
    let mut warm: Vec<Duration> = (0..20).map(|_| get(addr, &cookie, "/").0).collect();
    println!(
        "dashboard: cold {}, warm p50 {} p95 {}",
        ms(cold),
        ms(percentile(&mut warm, 50)),
        ms(percentile(&mut warm, 95))
    );

    // Register pages: every filter, and deep pages by following "next".
    let a = generate::asset(SEED, estate.assets / 2);
    // Values go into the query string encoded (a department holds `&`).
    let enc = |v: &str| {
        v.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    let model_word = a.model.split(' ').next().unwrap_or("").to_string();
    // The register keeps a department's name apart from its code
    // ("IT01 ICT Services" is ICT Services, code IT01): the page filters by
    // the name.
    let department = a
        .department
        .split_once(' ')
        .map_or(a.department, |(_, name)| name);
    let filters = [
        "/register".to_string(),
        format!("/register?org={}", common::ORG),
        "/register?class=desktop".to_string(),
        format!("/register?site={}", enc(a.site)),
        format!("/register?department={}", enc(department)),
        "/register?department=No+such+department".to_string(),
        "/register?status=in_use".to_string(),
        format!("/register?q={}", enc(&a.tag)),
        format!("/register?q={}", enc(&a.serial)),
        format!("/register?q={}", enc(&model_word)),
        "/register?q=nothing+matches+this".to_string(),
        format!(
            "/register?class=desktop&site={}&department={}&status=in_store",
            enc(a.site),
            enc(department)
        ),
        "/register?sort=in_service".to_string(),
        "/register?sort=model".to_string(),
        "/register?sort=class".to_string(),
        "/register?sort=cost".to_string(),
        format!("/register?sort=cost&site={}", enc(a.site)),
    ];
    let mut times = Vec::new();
    for f in &filters {
        let mut these: Vec<Duration> = (0..5).map(|_| get(addr, &cookie, f).0).collect();
        // The second page too, found by its cursor.
        let (_, first) = get(addr, &cookie, f);
        if let Some(next) = next_link(&first) {
            these.extend((0..5).map(|_| get(addr, &cookie, &next).0));
        }
        println!(
            "  {f}: p50 {} p95 {} ({} requests)",
            ms(percentile(&mut these, 50)),
            ms(percentile(&mut these, 95)),
            these.len()
        );
        times.extend(these);
    }
    let (_, mut page) = get(addr, &cookie, "/register");
    let mut deep = 0;
    for _ in 0..100 {
        let Some(next) = next_link(&page) else { break };
        let (t, body) = get(addr, &cookie, &next);
        times.push(t);
        page = body;
        deep += 1;
    }
    println!(
        "register page ({} requests: {} filters and sorts × 5, their second pages × 5, \
         {deep} pages deep): p50 {} p95 {}",
        times.len(),
        filters.len(),
        ms(percentile(&mut times, 50)),
        ms(percentile(&mut times, 95))
    );

    // Asset pages.
    let mut assets: Vec<Duration> = (0..50)
        .map(|i| {
            let tag = generate::asset(SEED, (i * 7919) % estate.assets).tag;
            get(addr, &cookie, &format!("/assets/{}/{tag}", common::ORG)).0
        })
        .collect();
    println!(
        "asset page: p50 {} p95 {}",
        ms(percentile(&mut assets, 50)),
        ms(percentile(&mut assets, 95))
    );

    // 50 concurrent viewers, 20 requests each.
    let started = Instant::now();
    let handles: Vec<_> = (0..50u64)
        .map(|v| {
            let cookie = cookie.clone();
            let n = estate.assets;
            std::thread::spawn(move || {
                (0..20u64)
                    .map(|i| {
                        let path = if i % 2 == 0 {
                            "/register?class=desktop".to_string()
                        } else {
                            let tag = generate::asset(SEED, (v * 1009 + i * 31) % n).tag;
                            format!("/assets/{}/{tag}", common::ORG)
                        };
                        get(addr, &cookie, &path).0
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all: Vec<Duration> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("a viewer"))
        .collect();
    let wall = started.elapsed();
    println!(
        "50 concurrent viewers: {} requests in {:.1} s ({:.0} a second), p50 {} p95 {} p99 {}",
        all.len(),
        wall.as_secs_f64(),
        f64::from(u32::try_from(all.len()).unwrap_or(u32::MAX)) / wall.as_secs_f64(),
        ms(percentile(&mut all, 50)),
        ms(percentile(&mut all, 95)),
        ms(percentile(&mut all, 99))
    );

    let mut c = common::criterion();
    c.bench_function("serve/register page 1", |b| {
        b.iter(|| get(addr, &cookie, "/register"));
    });
    c.bench_function("serve/dashboard warm", |b| {
        b.iter(|| get(addr, &cookie, "/"));
    });
}

criterion_main!(benches);

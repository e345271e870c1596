//! `estate serve`: the register in a browser and a JSON API
//! (`estate::web`). Parses the flags, binds the address (refusing one that
//! is not loopback unless `--listen` was given), prints the URL, and serves
//! until Ctrl-C.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use estate::web::{self, Config};

use super::Ctx;

/// Flags of `estate serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on (default 127.0.0.1:8080; port 0
    /// picks a free one). An address other than loopback is served only when
    /// given here.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// estate is reached over HTTPS (a TLS reverse proxy in front): cookies
    /// are marked Secure.
    #[arg(long)]
    pub behind_tls: bool,
    /// Trust X-Forwarded-For and X-Forwarded-Proto (only when a reverse proxy
    /// in front sets them and nothing else can reach estate).
    #[arg(long)]
    pub trust_proxy: bool,
    /// A session unused this long ends (e.g. 8h, 30m, 90s).
    #[arg(long, default_value = "8h", value_parser = parse_duration, value_name = "TIME")]
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however used.
    #[arg(long, default_value = "12h", value_parser = parse_duration, value_name = "TIME")]
    pub session_max: Duration,
    /// The largest request (an upload) accepted, in MB.
    #[arg(long, default_value_t = 50, value_name = "MB")]
    pub max_upload_mb: usize,
}

/// A duration: a whole number of seconds, or with `s`, `m` or `h`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (number, unit) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&t[..i], c.to_ascii_lowercase()),
        _ => (t, 's'),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a time: write 8h, 30m or 90s"))?;
    let secs = match unit {
        's' => n,
        'm' => n.saturating_mul(60),
        'h' => n.saturating_mul(3600),
        _ => return Err(format!("`{text}` is not a time: write 8h, 30m or 90s")),
    };
    if secs == 0 {
        return Err("a session must last at least a second".into());
    }
    Ok(Duration::from_secs(secs))
}

/// Runs `estate serve`.
pub fn run(ctx: &Ctx, args: &ServeArgs) -> Result<()> {
    let explicit = args.listen.is_some();
    let addr = args
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    if !addr.ip().is_loopback() && !explicit {
        bail!("refusing to serve on {addr}, which is not loopback, unless given with --listen");
    }
    let mut config = Config::new(&ctx.db_path);
    config.busy_timeout = ctx.busy_timeout;
    config.behind_tls = args.behind_tls;
    config.trust_proxy = args.trust_proxy;
    config.body_limit = args.max_upload_mb.saturating_mul(1024 * 1024);
    config.today = std::env::var("ESTATE_TODAY").is_ok().then_some(ctx.today);
    let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    config.limits.idle_secs = secs(args.session_idle);
    config.limits.max_secs = secs(args.session_max);
    let state = web::State::new(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build()
        .context("failed to start the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("failed to listen on {addr}"))?;
        let bound = listener.local_addr()?;
        if !bound.ip().is_loopback() {
            ctx.out.message(&format!(
                "serving on {bound}, which is not loopback, as --listen asked: anyone who can \
                 reach it can try to sign in; put a TLS reverse proxy in front (docs/serving.md)"
            ));
        }
        ctx.out.message(&format!(
            "estate: serving {} at http://{bound}/ (Ctrl-C stops)",
            ctx.db_path.display()
        ));
        // The URL alone on stdout, so a script (or a test) can read it.
        ctx.out.data(&format!("http://{bound}/\n"))?;
        web::serve(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the server stopped")?;
        ctx.out.message("estate: stopped");
        Ok(())
    })
}

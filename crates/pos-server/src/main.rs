//! The server binary: `pos-server [--demo] [--listen ADDR] [--database-url URL] [--data DIR]`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use pos_app::Store;
use pos_gateway_sim::SimGateway;
use pos_server::{AppState, app, demo};

/// The shop's HTTP API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "POS_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// A Postgres URL; without it the server keeps its data in an SQLite file under `--data`.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Where the SQLite file and the journal key live.
    #[arg(long, env = "POS_DATA", default_value = "pos-data")]
    data: PathBuf,
    /// Seed a Korean demo shop (once).
    #[arg(long)]
    demo: bool,
    /// The store to create with an admin on first start (without `--demo`).
    #[arg(long, env = "POS_STORE", default_value = "main")]
    store: String,
    /// How old an unfinished payment attempt must be before the periodic reconciler takes it.
    #[arg(long, default_value_t = 60)]
    reconcile_after_secs: u64,
    /// The wait after a webhook delivery's first failure, in milliseconds; it doubles with each
    /// failure in a row, up to the cap.
    #[arg(long, env = "POS_WEBHOOK_RETRY_MS", default_value_t = 10_000)]
    webhook_retry_ms: u64,
    /// The longest wait between two tries of a webhook delivery, in milliseconds.
    #[arg(long, env = "POS_WEBHOOK_RETRY_CAP_MS", default_value_t = 3_600_000)]
    webhook_retry_cap_ms: u64,
    /// Failed deliveries in a row that disable a webhook.
    #[arg(long, env = "POS_WEBHOOK_DISABLE_AFTER", default_value_t = 15)]
    webhook_disable_after: u32,
    /// How often webhook deliveries are looked for, in milliseconds.
    #[arg(long, env = "POS_WEBHOOK_POLL_MS", default_value_t = 1_000)]
    webhook_poll_ms: u64,
    /// A printer on this machine for a terminal, `T1=SPEC` (or `STORE/T1=SPEC`): a USB printer
    /// (`T1=/dev/usb/lp0`), a Bluetooth or serial one (`T1=serial:/dev/rfcomm0?baud=9600`), a
    /// network one (`T1=192.168.0.50:9100`) or a file; `?profile=tm-t88` names its profile.
    /// Repeat it, or separate them with `;` in `POS_PRINTERS`.
    #[arg(long = "printer", env = "POS_PRINTERS", value_delimiter = ';')]
    printers: Vec<String>,
    /// Print the OpenAPI document and exit.
    #[arg(long)]
    openapi: bool,
}

/// The master key the stores' journal keys derive from: `POS_JOURNAL_KEY` (hex), or a file
/// `journal.key` in the data directory, created with 256 random bits on first start. It is kept
/// outside the database so that whoever can write to the database cannot rewrite the journal.
fn master_key(data: &std::path::Path) -> Result<Vec<u8>, String> {
    if let Ok(hex) = std::env::var("POS_JOURNAL_KEY") {
        return pos_core::journal::JournalKey::from_hex(&hex)
            .map(|k| k.to_hex().into_bytes())
            .map_err(|e| e.to_string());
    }
    let path = data.join("journal.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        return Ok(text.trim().as_bytes().to_vec());
    }
    let key = pos_server::auth::random_secret();
    std::fs::write(&path, &key).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(key.into_bytes())
}

async fn serve<S: Store>(store: Arc<S>, args: &Args, key: &[u8]) -> Result<(), String> {
    // The simulator keeps its ledger beside the data, as a real gateway keeps its own: after a
    // crash the reconciler can still ask it what became of a payment.
    let ledger = args.data.join("gateway-sim.jsonl");
    let gateway = Arc::new(SimGateway::open(&ledger).map_err(|e| format!("{}: {e}", ledger.display()))?);
    let state = AppState::new(store, gateway, key).await.map_err(|e| e.detail)?;
    for printer in args.printers.iter().filter(|p| !p.trim().is_empty()) {
        state.attach_printer(printer)?;
        println!("Printer attached: {}", printer.trim());
    }
    let url = format!("http://{}", args.listen);
    if args.demo {
        if demo::seed(&state).await.map_err(|e| e.detail)? {
            println!("Seeded the demo shop `{}`.", demo::DEMO_STORE);
        }
        println!(
            "Demo logins for store `{}` (POST /api/v1/stores/{}/sessions):",
            demo::DEMO_STORE,
            demo::DEMO_STORE
        );
        for (staff, role, pin) in demo::DEMO_STAFF {
            println!("  {staff:<8} {role:?} PIN {pin}");
        }
    } else if let Some(password) = demo::bootstrap(&state, &args.store).await.map_err(|e| e.detail)? {
        println!("Created store `{}` with staff `admin`, one-time password: {password}", args.store);
    }
    // The reconciler: everything at start-up, then attempts older than the threshold.
    let reconciler = {
        let state = state.clone();
        let after = Duration::from_secs(args.reconcile_after_secs);
        tokio::spawn(async move {
            let mut first = true;
            loop {
                let before = chrono::Utc::now()
                    - if first {
                        chrono::Duration::zero()
                    } else {
                        chrono::Duration::from_std(after).unwrap_or_default()
                    };
                for shop in state.shops().await {
                    if let Err(e) = shop.checkout.reconcile(before).await {
                        tracing::warn!(error = %e, "reconciling sales");
                    }
                    if let Err(e) = shop.returns.reconcile(before).await {
                        tracing::warn!(error = %e, "reconciling returns");
                    }
                }
                first = false;
                tokio::time::sleep(Duration::from_secs(15)).await;
            }
        })
    };
    // Webhook deliveries, stopped (after the deliveries in flight) on shutdown.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let deliveries = {
        let config = pos_server::webhooks::WebhookConfig {
            policy: pos_app::webhooks::RetryPolicy {
                base: Duration::from_millis(args.webhook_retry_ms.max(1)),
                cap: Duration::from_millis(args.webhook_retry_cap_ms.max(args.webhook_retry_ms)),
                disable_after: args.webhook_disable_after.max(1),
            },
            poll: Duration::from_millis(args.webhook_poll_ms.max(10)),
            ..pos_server::webhooks::WebhookConfig::default()
        };
        tokio::spawn(pos_server::webhooks::run(state.clone(), config, stopped))
    };
    let listener =
        tokio::net::TcpListener::bind(args.listen).await.map_err(|e| format!("{}: {e}", args.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "Listening on http://{local} (API docs: http://{local}/docs, OpenAPI: {url}/api/v1/openapi.json)"
    );
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            let term = async {
                if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    s.recv().await;
                }
            };
            #[cfg(not(unix))]
            let term = std::future::pending::<()>();
            tokio::select! {
                _ = ctrl_c => {},
                () = term => {},
            }
            println!("Shutting down: finishing the requests in flight.");
        })
        .await
        .map_err(|e| e.to_string())?;
    reconciler.abort();
    let _ = stop.send(true);
    let _ = deliveries.await;
    Ok(())
}

/// Keeps a small server small. glibc gives each thread that allocates its own arena, and raises
/// its mmap threshold after a large block is freed, so that every later block that size (an
/// argon2id hash takes 19 MiB per login) is kept in the arena it came from instead of being
/// returned: a few logins on a few worker threads would hold 100 MiB for good. Two arenas and a
/// fixed threshold give large blocks back to the system when they are freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code, reason = "mallopt is a C function; it only sets allocator parameters")]
fn bound_the_allocator() {
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn bound_the_allocator() {}

fn main() {
    bound_the_allocator();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("pos-server: the runtime: {e}");
            std::process::exit(1);
        }
    }
}

async fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let args = Args::parse();
    if args.openapi {
        use utoipa::OpenApi;
        match pos_server::ApiDoc::openapi().to_pretty_json() {
            Ok(doc) => println!("{doc}"),
            Err(e) => {
                eprintln!("pos-server: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let result = async {
        std::fs::create_dir_all(&args.data).map_err(|e| format!("{}: {e}", args.data.display()))?;
        let key = master_key(&args.data)?;
        match &args.database_url {
            Some(url) => {
                let store = pos_store_postgres::PostgresStore::open(url).await.map_err(|e| e.to_string())?;
                serve(Arc::new(store), &args, &key).await
            }
            None => {
                let path = args.data.join("pos.db");
                let store = pos_store_sqlite::SqliteStore::open(&path.to_string_lossy())
                    .await
                    .map_err(|e| e.to_string())?;
                serve(Arc::new(store), &args, &key).await
            }
        }
    }
    .await;
    if let Err(e) = result {
        eprintln!("pos-server: {e}");
        std::process::exit(1);
    }
}

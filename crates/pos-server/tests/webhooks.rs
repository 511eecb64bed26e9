//! Webhooks, end to end over real TCP.
//!
//! - `every_event_arrives_across_failures_and_a_restart`: the real binary on SQLite delivers to
//!   a receiver on loopback that fails its first three deliveries, then goes down while the
//!   server is killed (SIGKILL) and started again; once the receiver is back it has every event
//!   of the feed since the subscription, in order, each signature verifying, none lost.
//! - `subscriptions_are_checked_logged_and_disabled` (SQLite and Postgres, in process): bad
//!   subscriptions are refused naming the field, a receiver that never answers 2xx gets its
//!   subscription disabled with the reason, the delivery log shows each attempt, and enabling it
//!   again delivers what it missed.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What the receiver got: the signature header, the event id header and the body, of the
/// deliveries it answered 200.
type Received = Arc<Mutex<Vec<(String, String, String)>>>;

/// A webhook receiver on a fixed loopback port: it answers 500 to its first `fail_first`
/// requests, 200 after; `stop` takes it down (the port refuses connections).
struct Receiver {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    fn start(port: u16, fail_first: usize, seen: Arc<Mutex<usize>>, received: Received) -> Receiver {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).unwrap();
                        serve(stream, fail_first, &seen, &received);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Receiver { stop, thread: Some(thread) }
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(
    stream: TcpStream,
    fail_first: usize,
    seen: &Mutex<usize>,
    received: &Mutex<Vec<(String, String, String)>>,
) {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let (mut length, mut signature, mut event) = (0, String::new(), String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap(),
                "pos-signature" => value.trim().clone_into(&mut signature),
                "pos-event-id" => value.trim().clone_into(&mut event),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let n = {
        let mut seen = seen.lock().unwrap();
        *seen += 1;
        *seen
    };
    let status = if n <= fail_first { "500 Internal Server Error" } else { "200 OK" };
    if n > fail_first {
        received.lock().unwrap().push((signature, event, String::from_utf8(body).unwrap()));
    }
    let mut stream = stream;
    let _ = stream
        .write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
}

/// One HTTP/1.1 request over a fresh connection, to a server that is up.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value) {
    common::request(addr, method, path, token, key, body).expect("the server answers")
}

fn start(data: &std::path::Path) -> common::Server {
    let env = [
        ("POS_WEBHOOK_RETRY_MS", "50"),
        ("POS_WEBHOOK_RETRY_CAP_MS", "500"),
        ("POS_WEBHOOK_POLL_MS", "50"),
        ("POS_WEBHOOK_DISABLE_AFTER", "10000"),
    ];
    common::start(data, None, true, &env)
}

fn login(addr: &str, staff: &str, pin: &str) -> String {
    common::login_tcp(addr, staff, pin, "T1")
}

fn sell(addr: &str, token: &str, key: &str) {
    let body = json!({
        "idempotency_key": key, "terminal": "T1", "cashier": "kim", "location": "seoul-1/floor",
        "basket": {"lines": [{"id": 1, "sku": "0026", "quantity": {"value": "1", "unit": "each"}}], "next_id": 2, "customer": {}, "coupons": []},
        "tenders": [{"kind": "cash", "amount": {"amount": "5000", "currency": "KRW"}}], "redeem_points": 0,
        "at": "2026-12-07T03:00:00Z"
    });
    let (status, body) =
        request(addr, "POST", "/api/v1/stores/seoul-1/sales", Some(token), Some(key), Some(&body));
    assert_eq!(status, 201, "{body}");
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let until = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn every_event_arrives_across_failures_and_a_restart() {
    let data = std::env::temp_dir().join(format!("pos-webhooks-{}", uuid::Uuid::now_v7()));
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(0));
    let received: Received = Arc::default();
    let receiver = Receiver::start(port, 3, seen.clone(), received.clone());

    let server = start(&data);
    let admin = login(&server.addr, "admin", "1234");
    let (status, created) = request(
        &server.addr,
        "POST",
        "/api/v1/stores/seoul-1/webhooks",
        Some(&admin),
        Some("hook-1"),
        Some(&json!({"url": format!("http://127.0.0.1:{port}/hooks"), "description": "the test's receiver"})),
    );
    assert_eq!(status, 201, "{created}");
    let secret = created["secret"].as_str().unwrap().to_owned();
    let id = created["id"].as_str().unwrap().to_owned();
    let from = created["cursor"].as_u64().unwrap();
    let kim = login(&server.addr, "kim", "3456");
    for n in 0..4 {
        sell(&server.addr, &kim, &format!("hook-sale-{n}"));
    }
    // Three refused, then taken: at least one event is through.
    wait_for("a delivery after the three failures", || !received.lock().unwrap().is_empty());
    assert!(*seen.lock().unwrap() >= 4);
    receiver.stop();
    for n in 4..7 {
        sell(&server.addr, &kim, &format!("hook-sale-{n}"));
    }
    // Killed while deliveries fail against a receiver that is down; started again.
    drop(server);
    let server = start(&data);
    let kim = login(&server.addr, "kim", "3456");
    for n in 7..10 {
        sell(&server.addr, &kim, &format!("hook-sale-{n}"));
    }
    let receiver = Receiver::start(port, 0, seen.clone(), received.clone());
    let admin = login(&server.addr, "admin", "1234");
    let (status, feed) = request(
        &server.addr,
        "GET",
        &format!("/api/v1/stores/seoul-1/events?after={from}&limit=1000"),
        Some(&admin),
        None,
        None,
    );
    assert_eq!(status, 200);
    let feed: Vec<(u64, String)> = feed
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["sequence"].as_u64().unwrap(), e["id"].as_str().unwrap().to_owned()))
        .collect();
    assert!(feed.len() >= 10, "ten sales (and what they changed) are in the feed: {feed:?}");
    let last = feed.last().unwrap().1.clone();
    wait_for("every event", || received.lock().unwrap().iter().any(|(_, id, _)| *id == last));
    receiver.stop();

    let received = received.lock().unwrap().clone();
    let now = chrono::Utc::now().timestamp();
    let mut got: Vec<(u64, String)> = Vec::new();
    for (signature, event, body) in &received {
        pos_app::webhooks::verify(&secret, signature, body.as_bytes(), now, 300)
            .unwrap_or_else(|e| panic!("{e}: {signature} over {body}"));
        let parsed: Value = serde_json::from_str(body).unwrap();
        assert_eq!(parsed["id"].as_str().unwrap(), event, "the header names the body's event");
        let item = (parsed["sequence"].as_u64().unwrap(), event.clone());
        // At least once: an event cut off by the kill may come again, never out of order.
        if got.last() != Some(&item) {
            assert!(got.last().is_none_or(|l| l.0 < item.0), "in order: {item:?} after {:?}", got.last());
            got.push(item);
        }
    }
    assert_eq!(got, feed, "every event of the feed, once each after de-duplication, in order");
    // The log shows the failures and the subscription is healthy again.
    let (status, log) = request(
        &server.addr,
        "GET",
        &format!("/api/v1/stores/seoul-1/webhooks/{id}/deliveries?limit=1000"),
        Some(&admin),
        None,
        None,
    );
    assert_eq!(status, 200);
    let log = log.as_array().unwrap();
    assert!(log.iter().filter(|d| d["status"] == 500).count() == 3, "three 500s are logged");
    assert!(
        log.iter()
            .any(|d| d["status"].is_null() && d["error"].as_str().is_some_and(|e| e.contains("reached")))
    );
    let (_, hook) = request(
        &server.addr,
        "GET",
        &format!("/api/v1/stores/seoul-1/webhooks/{id}"),
        Some(&admin),
        None,
        None,
    );
    assert_eq!(hook["enabled"], true);
    assert_eq!(hook["failures"], 0);
    drop(server);
    let _ = std::fs::remove_dir_all(data);
}

mod in_process {
    use super::*;
    use axum::Router;
    use pos_app::Store;
    use pos_app::webhooks::RetryPolicy;
    use pos_gateway_sim::SimGateway;
    use pos_server::webhooks::WebhookConfig;
    use pos_server::{AppState, app, demo};

    async fn call(
        app: &Router,
        method: &str,
        uri: &str,
        token: Option<&str>,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let (status, value) = common::call(app, method, uri, token, key, body).await;
        (status.as_u16(), value)
    }

    async fn checked_logged_and_disabled<S: Store>(store: S) {
        let state = AppState::new(
            Arc::new(store),
            Arc::new(SimGateway::default()),
            b"webhook tests: a master key of 32 bytes",
        )
        .await
        .unwrap();
        assert!(demo::seed(&state).await.unwrap());
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let config = WebhookConfig {
            policy: RetryPolicy {
                base: Duration::from_millis(20),
                cap: Duration::from_millis(40),
                disable_after: 3,
            },
            poll: Duration::from_millis(20),
            timeout: Duration::from_secs(2),
        };
        let worker = tokio::spawn(pos_server::webhooks::run(state.clone(), config, stopped));
        let app = app(state);
        let (_, login) = call(
            &app,
            "POST",
            "/api/v1/stores/seoul-1/sessions",
            None,
            None,
            Some(json!({"staff": "admin", "pin": "1234", "terminal": "T1"})),
        )
        .await;
        let admin = login["token"].as_str().unwrap().to_owned();
        let hooks = "/api/v1/stores/seoul-1/webhooks";
        // Refused, naming the field; nothing is created.
        for (body, field) in [
            (json!({"url": "ftp://example.com"}), "url"),
            (json!({"url": "https://"}), "url"),
            (json!({"url": "https://example.com", "events": ["sale.done"]}), "events"),
            (json!({"url": "https://example.com", "after": 999_999_999}), "after"),
            (json!({"url": "https://example.com", "secret": "mine"}), "secret"),
        ] {
            let (status, problem) =
                call(&app, "POST", hooks, Some(&admin), Some(&format!("bad-{field}-{body}")), Some(body))
                    .await;
            assert_eq!(status, 422, "{problem}");
            assert_eq!(problem["field"], field, "{problem}");
        }
        let (status, none) = call(&app, "GET", hooks, Some(&admin), None, None).await;
        assert_eq!((status, none), (200, json!([])));
        // A cashier may not manage webhooks.
        let (_, login) = call(
            &app,
            "POST",
            "/api/v1/stores/seoul-1/sessions",
            None,
            None,
            Some(json!({"staff": "kim", "pin": "3456", "terminal": "T1"})),
        )
        .await;
        let kim = login["token"].as_str().unwrap().to_owned();
        let (status, _) =
            call(&app, "POST", hooks, Some(&kim), Some("k"), Some(json!({"url": "http://127.0.0.1:1/"})))
                .await;
        assert_eq!(status, 403);

        // A receiver that refuses every connection: the port of a listener just closed.
        let dead = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (status, created) = call(&app, "POST", hooks, Some(&admin), Some("dead"),
            Some(json!({"url": format!("http://127.0.0.1:{dead}/"), "events": ["product.changed"], "after": 0}))).await;
        assert_eq!(status, 201, "{created}");
        assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
        let id = created["id"].as_str().unwrap().to_owned();
        let one = format!("{hooks}/{id}");
        let until = Instant::now() + Duration::from_secs(30);
        let hook = loop {
            let (_, hook) = call(&app, "GET", &one, Some(&admin), None, None).await;
            if hook["enabled"] == false {
                break hook;
            }
            assert!(Instant::now() < until, "not disabled: {hook}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(hook["disabled_reason"].as_str().unwrap().contains("3 failed deliveries"), "{hook}");
        assert!(hook.get("secret").is_none(), "the secret is shown once");
        let (_, log) = call(&app, "GET", &format!("{one}/deliveries"), Some(&admin), None, None).await;
        let log = log.as_array().unwrap();
        assert_eq!(log.len(), 3, "{log:?}");
        assert!(log.iter().all(|d| d["sequence"] == log[0]["sequence"] && d["status"].is_null()));
        // Past the events it does not want, short of the one it could not deliver.
        assert_eq!(hook["cursor"].as_u64().unwrap() + 1, log[0]["sequence"].as_u64().unwrap());

        // The receiver comes up on that port; enabling resumes from the cursor and every
        // product.changed event of the demo's seeding arrives.
        let seen = Arc::new(Mutex::new(0));
        let received: Received = Arc::default();
        let receiver = Receiver::start(dead, 0, seen, received.clone());
        let (status, enabled) =
            call(&app, "POST", &format!("{one}/enable"), Some(&admin), Some("on"), None).await;
        assert_eq!(status, 200, "{enabled}");
        assert_eq!(enabled["enabled"], true);
        let (_, feed) =
            call(&app, "GET", "/api/v1/stores/seoul-1/events?limit=1000", Some(&admin), None, None).await;
        let wanted: Vec<String> = feed
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] == "product.changed")
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect();
        assert!(wanted.len() >= 50, "the demo's products");
        let until = Instant::now() + Duration::from_secs(30);
        while received.lock().unwrap().len() < wanted.len() {
            assert!(Instant::now() < until, "only {} of {}", received.lock().unwrap().len(), wanted.len());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let got: Vec<String> = received.lock().unwrap().iter().map(|r| r.1.clone()).collect();
        assert_eq!(got, wanted, "only the wanted type, each once, in order");
        receiver.stop();
        // Disabled by hand: says who.
        let (status, off) =
            call(&app, "POST", &format!("{one}/disable"), Some(&admin), Some("off"), None).await;
        assert_eq!(status, 200);
        assert_eq!(off["disabled_reason"], "disabled by admin");
        let (status, _) =
            call(&app, "POST", &format!("{one}/pause"), Some(&admin), Some("pause"), None).await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, "GET", &format!("{hooks}/wh_nope"), Some(&admin), None, None).await;
        assert_eq!(status, 404);
        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(10), worker).await.unwrap().unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn subscriptions_are_checked_logged_and_disabled_on_sqlite() {
        let (store, dir) = common::sqlite().await;
        checked_logged_and_disabled(store).await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn subscriptions_are_checked_logged_and_disabled_on_postgres() {
        let Some(store) = common::pg().await else { return };
        checked_logged_and_disabled(store).await;
    }
}

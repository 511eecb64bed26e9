//! Kill -9 under load: the real binary, on SQLite and on Postgres, takes sales from 16 concurrent
//! clients (cash and card, the cards through the gateway simulator) and is killed with SIGKILL
//! mid-run, then started again on the same data. Every sale that was answered 201 is there;
//! every request, answered or cut off, sent again with its key, gives one sale (the same number
//! for those answered before); the journal audit of every till passes; and no payment attempt is
//! left open once the reconciler has run at start-up.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{login_tcp, request, start};
use serde_json::{Value, json};

const CLIENTS: usize = 16;

/// Sale `n` of till `t`: a ramen (1,000 won), paid by card on odd `n`, in cash otherwise.
fn sale(t: usize, n: usize) -> (String, Value) {
    let key = format!("crash-{t}-{n}");
    let tender = if n % 2 == 1 {
        json!({"kind": "card", "amount": {"amount": "1000", "currency": "KRW"}})
    } else {
        json!({"kind": "cash", "amount": {"amount": "5000", "currency": "KRW"}})
    };
    let body = json!({
        "idempotency_key": key, "terminal": format!("C{t}"), "cashier": "kim", "location": "seoul-1/floor",
        "basket": {"lines": [{"id": 1, "sku": "0026", "quantity": {"value": "1", "unit": "each"}}], "next_id": 2, "customer": {}, "coupons": []},
        "tenders": [tender], "redeem_points": 0, "at": "2026-12-07T03:00:00Z"
    });
    (key, body)
}

fn kill_nine_under_load(database_url: Option<&str>) {
    let data = std::env::temp_dir().join(format!("pos-crash-{}", uuid::Uuid::now_v7()));
    let mut server = start(&data, database_url, true, &[]);
    // Each client is a till of its own: registered first, as a cashier logs in at a registered
    // terminal only.
    let admin = login_tcp(&server.addr, "admin", "1234", "T1");
    for t in 0..CLIENTS {
        let path = format!("/api/v1/stores/seoul-1/terminals/C{t}");
        let (status, body) = request(
            &server.addr,
            "PUT",
            &path,
            Some(&admin),
            None,
            Some(&json!({"name": format!("till {t}")})),
        )
        .unwrap();
        assert_eq!(status, 200, "{body}");
    }
    let tokens: Vec<String> =
        (0..CLIENTS).map(|t| login_tcp(&server.addr, "kim", "3456", &format!("C{t}"))).collect();
    // What each request got: its receipt when answered 201, nothing when cut off.
    let answered: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let sent: Arc<Mutex<Vec<(usize, String, Value)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for (t, token) in tokens.iter().cloned().enumerate() {
        let (addr, answered, sent, stop) =
            (server.addr.clone(), answered.clone(), sent.clone(), stop.clone());
        clients.push(std::thread::spawn(move || {
            for n in 0.. {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let (key, body) = sale(t, n);
                sent.lock().unwrap().push((t, key.clone(), body.clone()));
                match request(
                    &addr,
                    "POST",
                    "/api/v1/stores/seoul-1/sales",
                    Some(&token),
                    Some(&key),
                    Some(&body),
                ) {
                    Some((201, done)) => {
                        answered.lock().unwrap().insert(key, done["receipt"].as_str().unwrap().to_owned());
                    }
                    Some((status, problem)) => panic!("sale {key}: {status} {problem}"),
                    None => return, // the server is gone
                }
            }
        }));
    }
    // Let the load build up, then kill the server mid-run.
    let began = Instant::now();
    while answered.lock().unwrap().len() < 150 && began.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    server.child.kill().unwrap(); // SIGKILL
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    let sent = sent.lock().unwrap().clone();
    assert!(answered.len() >= 150, "the load ran: {} sales answered", answered.len());
    assert!(sent.len() > answered.len(), "some requests were cut off by the kill");

    let server = start(&data, database_url, false, &[]);
    let manager = login_tcp(&server.addr, "manager", "2345", "T2");
    // Every answered sale is there, as answered.
    for (key, receipt) in &answered {
        let (status, sale) = request(
            &server.addr,
            "GET",
            &format!("/api/v1/stores/seoul-1/sales/{receipt}"),
            Some(&manager),
            None,
            None,
        )
        .unwrap();
        assert_eq!(status, 200, "{key}: {receipt} is missing after the restart: {sale}");
        assert_eq!(sale["document"]["terminal"], receipt.split('-').next().unwrap());
    }
    // The reconciler ran at start-up: no payment attempt is left open.
    let began = Instant::now();
    loop {
        let (status, health) = request(&server.addr, "GET", "/healthz", None, None, None).unwrap();
        assert_eq!(status, 200, "{health}");
        if health["open_payment_attempts"] == 0 {
            break;
        }
        assert!(began.elapsed() < Duration::from_secs(30), "attempts left open: {health}");
        std::thread::sleep(Duration::from_millis(200));
    }
    // Every request sent again, twice, with its key: one sale each, the number it had. A card
    // sale cut off before its commit may have had its payment reversed by the reconciler: its
    // retry is refused as such (and sells nothing), never charged again.
    let tokens: Vec<String> =
        (0..CLIENTS).map(|t| login_tcp(&server.addr, "kim", "3456", &format!("C{t}"))).collect();
    let mut receipts = BTreeMap::new();
    let mut reversed = std::collections::BTreeSet::new();
    for (t, key, body) in &sent {
        for _ in 0..2 {
            let (status, done) = request(
                &server.addr,
                "POST",
                "/api/v1/stores/seoul-1/sales",
                Some(&tokens[*t]),
                Some(key),
                Some(body),
            )
            .unwrap();
            if status == 409 && done["code"] == "payment_reversed" && !answered.contains_key(key) {
                reversed.insert(key.clone());
                continue;
            }
            assert_eq!(status, 201, "{key}: {done}");
            assert!(!reversed.contains(key), "{key} was refused as reversed, then sold");
            let receipt = done["receipt"].as_str().unwrap().to_owned();
            if let Some(first) = answered.get(key) {
                assert_eq!(&receipt, first, "{key} was answered {first} before the kill");
            }
            let known = receipts.entry(key.clone()).or_insert_with(|| receipt.clone());
            assert_eq!(*known, receipt, "{key} replays one sale");
        }
    }
    let distinct: std::collections::BTreeSet<&String> = receipts.values().collect();
    assert_eq!(distinct.len(), receipts.len(), "no two keys share a sale");
    assert_eq!(receipts.len() + reversed.len(), sent.len(), "every key sold once or was refused as reversed");
    // The journal of every till is whole.
    for t in 0..CLIENTS {
        let (status, audit) = request(
            &server.addr,
            "GET",
            &format!("/api/v1/stores/seoul-1/journal/C{t}/audit"),
            Some(&manager),
            None,
            None,
        )
        .unwrap();
        assert_eq!((status, audit["ok"].as_bool()), (200, Some(true)), "C{t}: {audit}");
    }
    drop(server);
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn kill_nine_under_load_on_sqlite() {
    kill_nine_under_load(None);
}

#[test]
fn kill_nine_under_load_on_postgres() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(url) = rt.block_on(common::pg_url()) else { return };
    kill_nine_under_load(Some(&url));
}

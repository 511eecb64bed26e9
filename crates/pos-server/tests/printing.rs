//! Receipts and X reports for the till's printer: a sale's receipt as ESC/POS bytes in the
//! store's code page (a reprint marked as a copy, the drawer opened when asked), an X report as
//! text and as ESC/POS, each read back with pos-escpos' decoder; bad options are 422s naming
//! the field. On SQLite and (with `DATABASE_URL`) Postgres.

#[macro_use]
mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use pos_server::{AppState, app};
use serde_json::json;

use common::{call, login, pg, raw_bytes, sale};

fn get(uri: &str, token: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// Sells `quantity` of `sku` at T1 as kim (the request's key is `key`); the receipt number.
async fn sold(app: &Router, kim: &str, key: &str, sku: &str, quantity: u32, cash: i64) -> String {
    let (status, done) = call(
        app,
        "POST",
        "/api/v1/stores/seoul-1/sales",
        Some(kim),
        Some(key),
        Some(sale(key, &[(sku, quantity)], cash)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    done["receipt"].as_str().unwrap().to_owned()
}

async fn printing(app: Router) {
    let kim = login(&app, "kim", "3456").await;
    let s = "/api/v1/stores/seoul-1";
    let receipt = sold(&app, &kim, "p-1", "0002", 3, 10_000).await;
    let uri = |q: &str| format!("{s}/sales/{receipt}/receipt?{q}");

    // The receipt for a 58 mm printer, reprinted, with the drawer.
    let (status, headers, bytes) =
        raw_bytes(&app, get(&uri("format=escpos&profile=mobile-58&copy=true"), &kim)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert!(bytes.starts_with(&[0x1B, 0x40, 0x1B, 0x52, 13, 0x1C, 0x26]), "EUC-KR in double-byte mode");
    let printed = pos_escpos::decode::printed(&bytes);
    assert_eq!(printed[0].trim(), "** 사본 **", "{printed:#?}");
    assert!(printed.iter().any(|l| l.contains(&receipt)), "{printed:#?}");
    assert!(printed.iter().any(|l| l.starts_with("합계")), "{printed:#?}");
    assert!(printed.contains(&format!("[CODE128: {receipt}]")), "a return scans it: {printed:#?}");
    assert!(printed.iter().all(|l| l.starts_with('[') || pos_core::receipt::display_width(l) <= 32));
    assert!(!bytes.ends_with(&[0x1B, 0x70, 0, 50, 50]), "no drawer unless asked");
    let (_, _, with_drawer) = raw_bytes(&app, get(&uri("format=escpos&drawer=true"), &kim)).await;
    assert!(with_drawer.ends_with(&[0x1D, 0x56, 66, 0, 0x1B, 0x70, 0, 50, 50]), "cut, then the drawer");
    let (_, _, on_pin5) = raw_bytes(&app, get(&uri("format=escpos&drawer=true&drawer_pin=5"), &kim)).await;
    assert!(on_pin5.ends_with(&[0x1B, 0x70, 1, 50, 50]), "the pulse on pin 5");
    let (_, _, text) = raw_bytes(&app, get(&uri("copy=true"), &kim)).await;
    assert!(String::from_utf8(text).unwrap().lines().next().unwrap().contains("** 사본 **"));
    // A printer that is not quite a built-in one: a TM-T88 in font B, 48 columns.
    let (status, _, changed) =
        raw_bytes(&app, get(&uri("format=escpos&profile=tm-t88,font=b,columns=48"), &kim)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(changed.starts_with(&[0x1B, 0x40, 0x1B, 0x4D, 1]), "font B after the reset");
    let lines = pos_escpos::decode::printed(&changed);
    assert!(lines.contains(&"-".repeat(48)), "{lines:#?}");

    // Bad options are refused, naming the option.
    for (q, field) in [
        ("format=escpos&profile=tm-t20", "profile"),
        ("format=escpos&profile=tm-t88,columns=40", "profile"),
        ("format=pdf", "format"),
        ("format=text&profile=tp808", "profile"),
        ("drawer=true", "drawer"),
        ("format=escpos&width=40", "width"),
        ("format=html&copy=true", "copy"),
        ("format=escpos&profile=mobile-58&drawer=true", "drawer"),
        ("format=escpos&profile=generic-80", "profile"),
        ("format=escpos&drawer_pin=5", "drawer_pin"),
        ("format=escpos&drawer=true&drawer_pin=3", "drawer_pin"),
    ] {
        let (status, problem) = call(&app, "GET", &uri(q), Some(&kim), None, None).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{q}"
        );
    }

    // The X report of an open shift: JSON, text and ESC/POS.
    let (status, shift) = call(
        &app,
        "POST",
        &format!("{s}/shifts"),
        Some(&kim),
        Some("sh-p"),
        Some(json!({"terminal": "T1", "float": "100000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{shift}");
    let x = |q: &str| format!("{s}/shifts/T1/x-report?{q}");
    let (status, json) = call(&app, "GET", &x(""), Some(&kim), None, None).await;
    assert_eq!((status, json["kind"].as_str()), (StatusCode::OK, Some("x")), "{json}");
    let (status, headers, text) = raw_bytes(&app, get(&x("format=text&width=32"), &kim)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = String::from_utf8(text).unwrap();
    assert_eq!(text.lines().next().unwrap().trim(), "중간정산 (X)", "{text}");
    assert!(text.lines().any(|l| l.starts_with("시재금") && l.ends_with("100,000")), "{text}");
    assert!(text.lines().all(|l| pos_core::receipt::display_width(l) <= 32), "{text}");
    let (status, _, bytes) = raw_bytes(&app, get(&x("format=escpos&profile=tm-t88"), &kim)).await;
    assert_eq!(status, StatusCode::OK);
    let printed = pos_escpos::decode::printed(&bytes);
    assert_eq!(printed[0].trim(), "중간정산 (X)");
    assert!(printed.iter().any(|l| l.starts_with("시재금") && l.chars().count() <= 42), "{printed:#?}");
    assert_eq!(printed.last().unwrap(), "[partial cut]");
    let (status, problem) = call(&app, "GET", &x("width=32"), Some(&kim), None, None).await;
    assert_eq!((status, problem["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("width")));
    let (status, _) =
        call(&app, "GET", &format!("{s}/shifts/T2/x-report?format=escpos"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no shift open at T2");

    // The Z report, read again by its number after the close.
    let (status, z) = call(
        &app,
        "POST",
        &format!("{s}/shifts/T1/close"),
        Some(&kim),
        Some("cl-p"),
        Some(json!({"counted": "100000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{z}");
    let n = z["sequence"].as_u64().unwrap();
    let zr = |q: &str| format!("{s}/shifts/T1/z-reports/{n}?{q}");
    let (status, again) = call(&app, "GET", &zr(""), Some(&kim), None, None).await;
    assert_eq!((status, &again), (StatusCode::OK, &z), "the same report as the close answered");
    let (_, _, text) = raw_bytes(&app, get(&zr("format=text&copy=true"), &kim)).await;
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        (lines[0].trim(), lines[1].trim()),
        ("** 사본 **", format!("마감정산 (Z) #{n}").as_str()),
        "{text}"
    );
    let (_, _, bytes) = raw_bytes(&app, get(&zr("format=escpos&profile=mobile-58"), &kim)).await;
    assert_eq!(pos_escpos::decode::printed(&bytes)[0].trim(), format!("마감정산 (Z) #{n}"));
    for (uri, status) in [
        (format!("{s}/shifts/T1/z-reports/{}", n + 1), StatusCode::NOT_FOUND),
        (format!("{s}/shifts/T2/z-reports/{n}"), StatusCode::NOT_FOUND),
        (zr("copy=true"), StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        assert_eq!(call(&app, "GET", &uri, Some(&kim), None, None).await.0, status, "{uri}");
    }
}

on_every_store!(printing);

/// The server printing on a terminal's network printer (a fake one on loopback): registered
/// with the terminal, a receipt, a reprint with the drawer, the X report, the drawer alone
/// (audited), the printer's state; paper out and an unreachable printer as 503s naming the
/// printer; two prints at once come out one after the other, never interleaved.
async fn server_prints<S: pos_app::Store>(state: AppState<S>) {
    use pos_testkit::printer::{FakePrinter, PrinterMode};
    let app = app(state.clone());
    let admin = login(&app, "admin", "1234").await;
    let kim = login(&app, "kim", "3456").await;
    let s = "/api/v1/stores/seoul-1";
    let fake = FakePrinter::start(PrinterMode::Ready).await;
    let put = |printer: serde_json::Value| json!({"name": "카운터 1", "printer": printer});
    for (printer, field) in [
        (json!({"address": "printer.local"}), "printer.address"),
        (json!({"address": "http://printer.local:80/print"}), "printer.address"),
        (json!({"address": "10.0.0.9:0"}), "printer.address"),
        (json!({"address": fake.addr, "profile": "tm-t20"}), "printer.profile"),
        (json!({"address": fake.addr, "profile": "tp808,colour=red"}), "printer.profile"),
    ] {
        let (status, problem) =
            call(&app, "PUT", &format!("{s}/terminals/T1"), Some(&admin), None, Some(put(printer))).await;
        assert_eq!(
            (status, problem["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{problem}"
        );
    }
    let (status, view) = call(
        &app,
        "PUT",
        &format!("{s}/terminals/T1"),
        Some(&admin),
        None,
        Some(put(json!({"address": format!("tcp://{}", fake.addr), "profile": "mobile-58"}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["terminals"][0]["printer"]["address"], fake.addr.as_str(), "{view}");

    let receipt = sold(&app, &kim, "sp-1", "0002", 1, 5_000).await;
    // The session's terminal prints it.
    let (status, printed) =
        call(&app, "POST", &format!("{s}/sales/{receipt}/print"), Some(&kim), None, Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{printed}");
    let (_, _, expected) =
        raw_bytes(&app, get(&format!("{s}/sales/{receipt}/receipt?format=escpos&profile=mobile-58"), &kim))
            .await;
    assert_eq!(fake.printed(), expected, "the printer got the receipt's bytes");
    assert_eq!(
        (&printed["bytes"], &printed["copy"]),
        (&json!(expected.len()), &json!(false)),
        "the original"
    );
    // The drawer asked of a 58 mm mobile printer, which has no drawer port: refused before
    // anything prints.
    let (status, problem) = call(
        &app,
        "POST",
        &format!("{s}/sales/{receipt}/print"),
        Some(&kim),
        None,
        Some(json!({"drawer": true})),
    )
    .await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_drawer")), "{problem}");
    assert_eq!(fake.printed().len(), expected.len(), "nothing printed");
    // A reprint: a copy, though nobody said so.
    let (status, printed) =
        call(&app, "POST", &format!("{s}/sales/{receipt}/print"), Some(&kim), None, Some(json!({}))).await;
    assert_eq!((status, &printed["copy"]), (StatusCode::OK, &json!(true)), "{printed}");
    let reprint = pos_escpos::decode::printed(&fake.printed()[expected.len()..]);
    assert_eq!(reprint[0].trim(), "** 사본 **", "{reprint:#?}");
    let log = state
        .inner
        .store
        .prints(&pos_core::StoreId("seoul-1".into()), &format!("sale {receipt}"))
        .await
        .unwrap();
    assert_eq!(
        log.iter().map(|p| (p.copy, p.actor.as_str(), p.printer.as_str())).collect::<Vec<_>>(),
        [(false, "kim", fake.addr.as_str()), (true, "kim", fake.addr.as_str())]
    );
    // Nor is the drawer alone.
    let (status, problem) =
        call(&app, "POST", &format!("{s}/terminals/T1/drawer"), Some(&kim), None, None).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_drawer")), "{problem}");
    let (status, _) = call(
        &app,
        "PUT",
        &format!("{s}/terminals/T1"),
        Some(&admin),
        None,
        Some(put(json!({"address": fake.addr}))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let log_before =
        state.inner.store.access_log(&pos_core::StoreId("seoul-1".into()), 100_000).await.unwrap();
    let (status, _) = call(&app, "POST", &format!("{s}/terminals/T1/drawer"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(fake.printed().ends_with(&[0x1B, 0x70, 0, 50, 50]), "the drawer's pulse");
    let log = state.inner.store.access_log(&pos_core::StoreId("seoul-1".into()), 100_000).await.unwrap();
    let opened: Vec<_> = log.iter().filter(|r| r.action == "drawer" && r.actor == "kim").collect();
    assert_eq!(
        opened.len(),
        log_before.iter().filter(|r| r.action == "drawer" && r.actor == "kim").count() + 1
    );

    // The X report on paper.
    let (status, _) = call(
        &app,
        "POST",
        &format!("{s}/shifts"),
        Some(&kim),
        Some("sh-sp"),
        Some(json!({"terminal": "T1", "float": "50000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let before = fake.printed().len();
    let (status, printed) =
        call(&app, "POST", &format!("{s}/shifts/T1/x-report/print"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::OK, "{printed}");
    let x = pos_escpos::decode::printed(&fake.printed()[before..]);
    assert_eq!(x[0].trim(), "중간정산 (X)", "{x:#?}");

    // The Z report after the close, and again: a copy.
    let (status, z) = call(
        &app,
        "POST",
        &format!("{s}/shifts/T1/close"),
        Some(&kim),
        Some("cl-sp"),
        Some(json!({"counted": "55000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{z}");
    let n = z["sequence"].as_u64().unwrap();
    for copy in [false, true] {
        let before = fake.printed().len();
        let (status, printed) =
            call(&app, "POST", &format!("{s}/shifts/T1/z-reports/{n}/print"), Some(&kim), None, None).await;
        assert_eq!((status, &printed["copy"]), (StatusCode::OK, &json!(copy)), "{printed}");
        let paper = pos_escpos::decode::printed(&fake.printed()[before..]);
        assert_eq!(paper[0].trim() == "** 사본 **", copy, "{paper:#?}");
        assert!(paper.iter().any(|l| l.trim() == format!("마감정산 (Z) #{n}")), "{paper:#?}");
    }
    // An X report needs an open shift again.
    let (status, _) = call(
        &app,
        "POST",
        &format!("{s}/shifts"),
        Some(&kim),
        Some("sh-sp2"),
        Some(json!({"terminal": "T1", "float": "50000"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // Two prints at once: one after the other on the paper.
    let before = fake.printed().len();
    let (uri1, uri2) = (format!("{s}/sales/{receipt}/print"), format!("{s}/shifts/T1/x-report/print"));
    let one = call(&app, "POST", &uri1, Some(&kim), None, Some(json!({"copy": true})));
    let two = call(&app, "POST", &uri2, Some(&kim), None, None);
    let ((s1, p1), (s2, p2)) = tokio::join!(one, two);
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{p1} {p2}");
    let both = fake.printed()[before..].to_vec();
    let (n1, n2) = (p1["bytes"].as_u64().unwrap() as usize, p2["bytes"].as_u64().unwrap() as usize);
    assert_eq!(both.len(), n1 + n2);
    let (_, _, copy) =
        raw_bytes(&app, get(&format!("{s}/sales/{receipt}/receipt?format=escpos&copy=true"), &kim)).await;
    assert_eq!(copy.len(), n1);
    let report = if both.starts_with(&copy) { &both[n1..] } else { &both[..n2] };
    assert!(both.starts_with(&copy) || both.ends_with(&copy), "the receipt whole, not interleaved");
    assert_eq!(pos_escpos::decode::printed(report)[0].trim(), "중간정산 (X)", "the report whole");

    // The printer's state; paper out refuses, naming the printer; nothing more is printed.
    let (status, st) = call(&app, "GET", &format!("{s}/terminals/T1/printer"), Some(&kim), None, None).await;
    assert_eq!((status, st["ready"].as_bool()), (StatusCode::OK, Some(true)), "{st}");
    fake.set_mode(PrinterMode::PaperOut);
    let (status, st) = call(&app, "GET", &format!("{s}/terminals/T1/printer"), Some(&kim), None, None).await;
    assert_eq!(
        (status, st["paper_out"].as_bool(), st["ready"].as_bool()),
        (StatusCode::OK, Some(true), Some(false))
    );
    let before = fake.printed().len();
    let (status, problem) = call(
        &app,
        "POST",
        &format!("{s}/sales/{receipt}/print"),
        Some(&kim),
        None,
        Some(json!({"copy": true})),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("printer_paper_out"))
    );
    assert!(problem["detail"].as_str().unwrap().contains(&fake.addr), "{problem}");
    assert_eq!(fake.printed().len(), before);
    // A receipt that did not come out is not counted: once the paper is in, its first print is
    // the original.
    let second = format!("{s}/sales/{}/print", sold(&app, &kim, "sp-2", "0003", 1, 5_000).await);
    let (status, problem) = call(&app, "POST", &second, Some(&kim), None, None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("printer_paper_out"))
    );
    fake.set_mode(PrinterMode::Ready);
    let (status, printed) = call(&app, "POST", &second, Some(&kim), None, None).await;
    assert_eq!((status, &printed["copy"]), (StatusCode::OK, &json!(false)), "{printed}");

    // A terminal without a printer, one that is not there, a printer that is not there.
    let (status, problem) = call(
        &app,
        "POST",
        &format!("{s}/sales/{receipt}/print"),
        Some(&kim),
        None,
        Some(json!({"terminal": "T2"})),
    )
    .await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("no_printer")), "{problem}");
    let (status, _) = call(&app, "GET", &format!("{s}/terminals/T9/printer"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let gone = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().to_string();
    let (status, _) = call(
        &app,
        "PUT",
        &format!("{s}/terminals/T2"),
        Some(&admin),
        None,
        Some(json!({"name": "카운터 2", "printer": {"address": gone}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = call(
        &app,
        "POST",
        &format!("{s}/sales/{receipt}/print"),
        Some(&kim),
        None,
        Some(json!({"terminal": "T2"})),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("printer_unreachable"))
    );
    // Without the printer, T2 has none again.
    let (status, view) = call(
        &app,
        "PUT",
        &format!("{s}/terminals/T2"),
        Some(&admin),
        None,
        Some(json!({"name": "카운터 2"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(view["terminals"][1].get("printer").is_none(), "{view}");

    // One receipt printed at once on two printers: an original and a copy, never two originals.
    let other = FakePrinter::start(PrinterMode::Ready).await;
    let (status, _) = call(
        &app,
        "PUT",
        &format!("{s}/terminals/T2"),
        Some(&admin),
        None,
        Some(json!({"name": "카운터 2", "printer": {"address": other.addr}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let uri = format!("{s}/sales/{}/print", sold(&app, &kim, "sp-3", "0004", 1, 5_000).await);
    let on_t1 = call(&app, "POST", &uri, Some(&kim), None, Some(json!({"terminal": "T1"})));
    let on_t2 = call(&app, "POST", &uri, Some(&kim), None, Some(json!({"terminal": "T2"})));
    let ((s1, p1), (s2, p2)) = tokio::join!(on_t1, on_t2);
    assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{p1} {p2}");
    let mut copies = [p1["copy"].as_bool().unwrap(), p2["copy"].as_bool().unwrap()];
    copies.sort_unstable();
    assert_eq!(copies, [false, true], "{p1} {p2}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_prints_on_sqlite() {
    let (store, dir) = common::sqlite().await;
    server_prints(common::demo_state(store).await).await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_prints_on_postgres() {
    let Some(store) = pg().await else { return };
    server_prints(common::demo_state(store).await).await;
}

/// Printers attached to the server's machine (`--printer`): a store's terminal before every
/// store's, before a network printer registered with the terminal; bad assignments say why.
async fn attached_printers<S: pos_app::Store>(state: AppState<S>) {
    let dir = std::env::temp_dir().join(format!("pos-attached-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    for (bad, says) in [
        ("T1", "expected TERMINAL=SPEC"),
        ("=file:x", "name the terminal"),
        ("seoul-1/=file:x", "name the terminal"),
        ("/T1=file:x", "name the terminal"),
        ("T1=ftp://x", "expected tcp://"),
        ("T1=/dev/usb/lp0?profile=tm-t20", "profile must be one of"),
    ] {
        let e = state.attach_printer(bad).unwrap_err();
        assert!(e.contains(says), "{bad}: {e}");
    }
    let every = dir.join("every-t2.bin");
    let seoul = dir.join("seoul-t2.bin");
    state.attach_printer(&format!("T2=file:{}", every.display())).unwrap();
    state.attach_printer(&format!("seoul-1/T2=file:{}?profile=mobile-58", seoul.display())).unwrap();
    let app = app(state.clone());
    let kim = login(&app, "kim", "3456").await;
    let s = "/api/v1/stores/seoul-1";
    let (status, printed) = call(
        &app,
        "POST",
        &format!("{s}/sales/T1-000001/print"),
        Some(&kim),
        None,
        Some(json!({"terminal": "T2"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{printed}");
    assert_eq!(printed["printer"], format!("file:{}?profile=mobile-58", seoul.display()).as_str());
    let (_, _, expected) =
        raw_bytes(&app, get(&format!("{s}/sales/T1-000001/receipt?format=escpos&profile=mobile-58"), &kim))
            .await;
    assert_eq!(std::fs::read(&seoul).unwrap(), expected, "the store's own assignment, in its profile");
    assert!(!every.exists(), "not every store's");
    // An attached printer before the registered network printer.
    let fake = pos_testkit::printer::FakePrinter::start(pos_testkit::printer::PrinterMode::Ready).await;
    let admin = login(&app, "admin", "1234").await;
    let body = json!({"name": "카운터 1", "printer": {"address": fake.addr}});
    assert_eq!(
        call(&app, "PUT", &format!("{s}/terminals/T1"), Some(&admin), None, Some(body)).await.0,
        StatusCode::OK
    );
    let t1 = dir.join("t1.bin");
    state.attach_printer(&format!("T1=file:{}", t1.display())).unwrap();
    let (status, _) = call(&app, "POST", &format!("{s}/sales/T1-000001/print"), Some(&kim), None, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(std::fs::metadata(&t1).unwrap().len() > 0);
    assert!(fake.printed().is_empty());
    let (status, st) = call(&app, "GET", &format!("{s}/terminals/T1/printer"), Some(&kim), None, None).await;
    assert_eq!((status, st["ready"].as_bool()), (StatusCode::OK, Some(true)), "{st}");
    // A printer without Hangul fonts in a Korean shop prints nothing rather than `?`s, and says
    // why; registering one is refused.
    let latin = dir.join("latin.bin");
    state.attach_printer(&format!("T1=file:{}?profile=generic-80", latin.display())).unwrap();
    let (status, problem) =
        call(&app, "POST", &format!("{s}/sales/T1-000001/print"), Some(&kim), None, None).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (StatusCode::CONFLICT, Some("printer_lacks_font")),
        "{problem}"
    );
    assert!(problem["detail"].as_str().unwrap().contains("Hangul"), "{problem}");
    assert!(!latin.exists(), "nothing printed");
    let body = json!({"name": "카운터 1", "printer": {"address": fake.addr, "profile": "generic-80"}});
    let (status, problem) =
        call(&app, "PUT", &format!("{s}/terminals/T1"), Some(&admin), None, Some(body)).await;
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("printer.profile"))
    );
    let body = json!({"name": "카운터 1", "printer": {"address": fake.addr, "profile": "generic-80,double_byte=on"}});
    let (status, _) = call(&app, "PUT", &format!("{s}/terminals/T1"), Some(&admin), None, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "a generic printer with the fonts");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attached_printers_on_sqlite() {
    let (store, dir) = common::sqlite().await;
    attached_printers(common::demo_state(store).await).await;
    let _ = std::fs::remove_dir_all(dir);
}

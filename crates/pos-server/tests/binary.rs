//! The real binary on port 0, over TCP: it starts with the demo shop on an SQLite file, answers
//! health and login requests, prints on the printer attached for a terminal (a file here), and
//! stops gracefully on SIGTERM; a printer it cannot use stops it at start, saying why.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn http(addr: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out
}

/// Kills the server if the test fails before it stops it.
struct Guard(u32);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", &self.0.to_string()]).status();
    }
}

#[test]
fn the_binary_serves_and_stops_gracefully() {
    let data = std::env::temp_dir().join(format!("pos-server-bin-{}", std::process::id()));
    std::fs::create_dir_all(&data).unwrap();
    let paper = data.join("t1-printer.bin");
    let mut child = Command::new(env!("CARGO_BIN_EXE_pos-server"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .env_remove("DATABASE_URL")
        .env("POS_PRINTERS", format!("T1=file:{}?profile=mobile-58", paper.display()))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let guard = Guard(child.id());
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server said where it listens").unwrap();
        if let Some(rest) = line.strip_prefix("Listening on http://") {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let health = http(&addr, "GET /healthz HTTP/1.1\r\nHost: pos\r\nConnection: close\r\n\r\n");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.contains("\"status\":\"ok\""), "{health}");
    let body = r#"{"staff":"kim","pin":"3456","terminal":"T1"}"#;
    let login = http(
        &addr,
        &format!(
            "POST /api/v1/stores/seoul-1/sessions HTTP/1.1\r\nHost: pos\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    );
    assert!(login.starts_with("HTTP/1.1 201"), "{login}");
    // The demo's first sale, printed on T1's printer: a file on this machine.
    let token = login.split("\"token\":\"").nth(1).unwrap().split('"').next().unwrap();
    let print = http(
        &addr,
        &format!(
            "POST /api/v1/stores/seoul-1/sales/T1-000001/print HTTP/1.1\r\nHost: pos\r\nAuthorization: Bearer {token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(print.starts_with("HTTP/1.1 200"), "{print}");
    let printed = pos_escpos::decode::printed(&std::fs::read(&paper).unwrap());
    assert!(printed.iter().any(|l| l.starts_with("영수증 T1-000001")), "{printed:#?}");
    assert!(printed.iter().all(|l| l.starts_with('[') || pos_core::receipt::display_width(l) <= 32));
    // Swagger UI comes from the binary itself, its scripts included: no CDN.
    let docs = http(&addr, "GET /docs/ HTTP/1.1\r\nHost: pos\r\nConnection: close\r\n\r\n");
    assert!(
        docs.starts_with("HTTP/1.1 200") && docs.contains("swagger-ui-bundle.js"),
        "{}",
        &docs[..docs.len().min(300)]
    );
    let bundle =
        http(&addr, "GET /docs/swagger-ui-bundle.js HTTP/1.1\r\nHost: pos\r\nConnection: close\r\n\r\n");
    assert!(
        bundle.starts_with("HTTP/1.1 200") && bundle.len() > 100_000,
        "{}",
        &bundle[..bundle.len().min(300)]
    );
    let metrics = http(&addr, "GET /metrics HTTP/1.1\r\nHost: pos\r\nConnection: close\r\n\r\n");
    assert!(metrics.starts_with("HTTP/1.1 200") && metrics.contains("http_requests_total"), "{metrics}");
    let openapi = http(&addr, "GET /api/v1/openapi.json HTTP/1.1\r\nHost: pos\r\nConnection: close\r\n\r\n");
    assert!(openapi.contains("\"openapi\":\"3.1"), "{}", &openapi[..openapi.len().min(300)]);
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success(), "a graceful shutdown exits 0");
    std::mem::forget(guard);
    let _ = std::fs::remove_dir_all(data);
}

#[test]
fn a_printer_it_cannot_use_stops_it_at_start() {
    let data = std::env::temp_dir().join(format!("pos-server-bad-printer-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_pos-server"))
        .args(["--demo", "--listen", "127.0.0.1:0", "--printer", "T1=ftp://printer/x", "--data"])
        .arg(&data)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ftp://printer/x") && err.contains("expected tcp://"), "{err}");
    let _ = std::fs::remove_dir_all(data);
}

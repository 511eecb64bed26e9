//! The TCP transport against a fake printer on loopback that records what it is sent and answers
//! `DLE EOT` as a printer does: a 400-line receipt arrives intact through a printer that reads
//! 64 bytes at a time; paper out, an open cover, a printer that never reads, one that closes
//! mid-receipt and a refused connection each give their typed error within the timeout.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pos_app::ports::{Printer, PrinterError};
use pos_core::receipt::{Labels, Receipt, ReceiptLine, ReceiptTender, StoreHeader};
use pos_core::{Currency, TaxMode};
use pos_escpos::{Options, Profile, TcpPrinter, encode_receipt};
use rust_decimal::Decimal;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Ready,
    PaperOut,
    CoverOpen,
    NeverReads,
    ClosesAfter(usize),
}

/// A fake printer: the bytes it took (without the status requests), on a loopback port.
async fn fake(mode: Mode) -> (String, Arc<Mutex<Vec<u8>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let got: Arc<Mutex<Vec<u8>>> = Arc::default();
    let record = got.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                if mode == Mode::NeverReads {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    return;
                }
                let mut taken = 0;
                let mut pending: Vec<u8> = Vec::new();
                let mut buf = [0_u8; 64];
                loop {
                    let n = match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    taken += n;
                    if let Mode::ClosesAfter(limit) = mode
                        && taken > limit
                    {
                        return;
                    }
                    pending.extend_from_slice(&buf[..n]);
                    // Status requests are answered at once; everything else is printed.
                    let mut i = 0;
                    while i < pending.len() {
                        if pending[i] == 0x10 && pending.get(i + 1) == Some(&0x04) {
                            let Some(&which) = pending.get(i + 2) else { break };
                            let answer = match (mode, which) {
                                (Mode::PaperOut, 4) => 0x72,
                                (Mode::CoverOpen, 2) => 0x16,
                                _ => 0x12,
                            };
                            if stream.write_all(&[answer]).await.is_err() {
                                return;
                            }
                            i += 3;
                        } else {
                            record.lock().unwrap().push(pending[i]);
                            i += 1;
                        }
                    }
                    pending.drain(..i);
                    // A slow printer: its buffer empties as it prints.
                    tokio::time::sleep(Duration::from_micros(200)).await;
                }
            });
        }
    });
    (addr, got)
}

fn long_receipt(lines: usize) -> Receipt {
    let d = |n: i64| Decimal::from(n);
    let items: Vec<ReceiptLine> = (0..lines)
        .map(|i| ReceiptLine {
            name: format!("상품 {i} 바나나우유"),
            quantity: "1".into(),
            unit_price: d(1_000),
            base: d(1_000),
            discounts: Vec::new(),
            tax_label: "A".into(),
            total: d(1_000),
        })
        .collect();
    let total = d(1_000 * lines as i64);
    Receipt {
        currency: Currency::KRW,
        header: StoreHeader { name: "강남역점".into(), lines: Vec::new(), tax_id: None },
        number: "T1-000001".into(),
        terminal: "T1".into(),
        cashier: "kim".into(),
        datetime: "2026-12-07 12:00".into(),
        lines: items,
        subtotal: total,
        discount_total: Decimal::ZERO,
        total,
        tax_mode: TaxMode::Inclusive,
        taxes: Vec::new(),
        tenders: vec![ReceiptTender { label: "현금".into(), amount: total }],
        change: Decimal::ZERO,
        footer: Vec::new(),
        code: None,
    }
}

fn printer(addr: &str) -> TcpPrinter {
    TcpPrinter { timeout: Duration::from_millis(800), ..TcpPrinter::new(addr) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_line_receipt_arrives_intact() {
    let (addr, got) = fake(Mode::Ready).await;
    let doc =
        encode_receipt(&long_receipt(400), &Labels::korean(), &Profile::receipt_80(), &Options::default());
    assert!(doc.bytes.len() > 20_000, "{} bytes", doc.bytes.len());
    printer(&addr).print(&doc.bytes).await.unwrap();
    assert_eq!(*got.lock().unwrap(), doc.bytes, "every byte, in order");
    assert!(printer(&addr).status().await.unwrap().ready());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_is_its_typed_error_within_the_timeout() {
    let doc =
        encode_receipt(&long_receipt(400), &Labels::korean(), &Profile::receipt_80(), &Options::default());
    let started = Instant::now();
    let (addr, got) = fake(Mode::PaperOut).await;
    let e = printer(&addr).print(&doc.bytes).await.unwrap_err();
    assert_eq!(e, PrinterError::PaperOut { addr: addr.clone() });
    assert!(got.lock().unwrap().is_empty(), "nothing printed without paper");
    assert!(!printer(&addr).status().await.unwrap().ready());

    let (addr, _) = fake(Mode::CoverOpen).await;
    assert_eq!(
        printer(&addr).print(&doc.bytes).await.unwrap_err(),
        PrinterError::CoverOpen { addr: addr.clone() }
    );

    let (addr, _) = fake(Mode::NeverReads).await;
    let e = printer(&addr).print(&doc.bytes).await.unwrap_err();
    assert_eq!(e, PrinterError::TimedOut { addr: addr.clone(), millis: 800 });

    let (addr, _) = fake(Mode::ClosesAfter(2_000)).await;
    match printer(&addr).print(&doc.bytes).await.unwrap_err() {
        PrinterError::Closed { addr: a, sent, total } => {
            assert_eq!((a, total), (addr.clone(), doc.bytes.len()));
            assert!(sent <= total);
        }
        other => panic!("{other:?}"),
    }

    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    match printer(&refused).print(&doc.bytes).await.unwrap_err() {
        PrinterError::Unreachable { addr, .. } => assert_eq!(addr, refused),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(10), "nothing hangs: {:?}", started.elapsed());
    // The error names the printer for the cashier.
    assert!(PrinterError::PaperOut { addr: "10.0.0.9:9100".into() }.to_string().contains("10.0.0.9:9100"));
}

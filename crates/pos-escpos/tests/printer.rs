//! The TCP transport against a fake printer on loopback that records what it is sent and answers
//! `DLE EOT` as a printer does: a 400-line receipt arrives intact through a printer that reads
//! 64 bytes at a time; paper out, an open cover, a jammed cutter, a hot head, a printer that
//! never reads, one that closes mid-receipt and a refused connection each give their typed
//! error within the timeout.

use std::time::{Duration, Instant};

use common::long_receipt;
use pos_app::ports::{Printer, PrinterError};
use pos_core::receipt::Labels;
use pos_escpos::{Options, Profile, TcpPrinter, encode_receipt};
use pos_testkit::printer::{FakePrinter, PrinterMode as Mode};

/// A fake printer on a loopback port: its address and what it printed.
async fn fake(mode: Mode) -> (String, FakePrinter) {
    let printer = FakePrinter::start(mode).await;
    (printer.addr.clone(), printer)
}

mod common;

fn printer(addr: &str) -> TcpPrinter {
    TcpPrinter { timeout: Duration::from_millis(800), ..TcpPrinter::new(addr) }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_400_line_receipt_arrives_intact() {
    let (addr, got) = fake(Mode::Ready).await;
    let doc =
        encode_receipt(&long_receipt(400), &Labels::korean(), &Profile::hprt_tp808(), &Options::default());
    assert!(doc.bytes.len() > 20_000, "{} bytes", doc.bytes.len());
    printer(&addr).print(&doc.bytes).await.unwrap();
    assert_eq!(got.printed(), doc.bytes, "every byte, in order");
    assert!(printer(&addr).status().await.unwrap().ready());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_is_its_typed_error_within_the_timeout() {
    let doc =
        encode_receipt(&long_receipt(400), &Labels::korean(), &Profile::hprt_tp808(), &Options::default());
    let started = Instant::now();
    let (addr, got) = fake(Mode::PaperOut).await;
    let e = printer(&addr).print(&doc.bytes).await.unwrap_err();
    assert_eq!(e, PrinterError::PaperOut { addr: addr.clone() });
    assert!(got.printed().is_empty(), "nothing printed without paper");
    assert!(!printer(&addr).status().await.unwrap().ready());

    let (addr, _) = fake(Mode::CoverOpen).await;
    assert_eq!(
        printer(&addr).print(&doc.bytes).await.unwrap_err(),
        PrinterError::CoverOpen { addr: addr.clone() }
    );

    let (addr, _) = fake(Mode::CutterJam).await;
    assert_eq!(
        printer(&addr).print(&doc.bytes).await.unwrap_err(),
        PrinterError::CutterJam { addr: addr.clone() }
    );
    let (addr, _) = fake(Mode::HotHead).await;
    assert_eq!(
        printer(&addr).print(&doc.bytes).await.unwrap_err(),
        PrinterError::Fault { addr: addr.clone() }
    );
    let status = printer(&addr).status().await.unwrap();
    assert!(status.fault && !status.ready(), "{status:?}");

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

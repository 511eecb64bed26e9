//! The device, file and preview transports.
//!
//! A device is tested on a pseudo-terminal, which is what a Bluetooth printer's RFCOMM port or a
//! USB-serial printer is to the till: the fake printer sits on the master side, the printer
//! opens the slave path. The slave starts in the terminal's cooked mode (echo, LF to CR LF); the
//! printer puts it in raw mode, so the receipt's bytes arrive unchanged.

use std::os::fd::OwnedFd;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::long_receipt;
use pos_app::ports::{Printer, PrinterError};
use pos_core::receipt::Labels;
use pos_escpos::{DevicePrinter, FilePrinter, Options, PreviewPrinter, Profile, encode_receipt};
use pos_testkit::printer::{PrinterMode as Mode, Shared, serve};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use tokio::net::unix::pipe;

mod common;

/// A pseudo-terminal with the fake printer on its master side: the slave's path, what the fake
/// printed, and a slave descriptor kept open so the master never sees a hang-up between prints.
fn pty_printer(mode: Mode) -> (String, Shared, OwnedFd) {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let path = ptsname(&master, Vec::new()).unwrap().into_string().unwrap();
    let keep = rustix::fs::open(
        path.as_str(),
        rustix::fs::OFlags::RDWR | rustix::fs::OFlags::NOCTTY,
        rustix::fs::Mode::empty(),
    )
    .unwrap();
    rustix::io::ioctl_fionbio(&master, true).unwrap();
    let reader = master.try_clone().unwrap();
    let r = pipe::Receiver::from_owned_fd_unchecked(reader).unwrap();
    let w = pipe::Sender::from_owned_fd_unchecked(master).unwrap();
    let got = Shared::new(mode);
    tokio::spawn(serve(r, w, got.clone()));
    (path, got, keep)
}

fn device(path: &str) -> DevicePrinter {
    DevicePrinter { timeout: Duration::from_millis(800), ..DevicePrinter::new(path) }
}

fn doc() -> Vec<u8> {
    encode_receipt(&long_receipt(400), &Labels::korean(), &Profile::hprt_tp808(), &Options::default()).bytes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_serial_printer_gets_every_byte_raw_and_reports_its_state() {
    let doc = doc();
    let (path, got, _keep) = pty_printer(Mode::Ready);
    let printer = device(&path);
    assert!(printer.status().await.unwrap().ready());
    printer.print(&doc).await.unwrap();
    let printed = got.printed();
    assert_eq!(printed.len(), doc.len(), "no LF became CR LF, nothing was echoed");
    assert_eq!(printed, doc, "every byte, in order");
    printer.open_drawer().await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(got.printed().ends_with(&[0x1B, 0x70, 0, 50, 50]));

    // Named by a spec, as a shop configures it.
    let (path, got, _keep) = pty_printer(Mode::Ready);
    let spec = format!("serial:{path}?baud=19200&timeout_ms=800");
    pos_escpos::open(&spec).unwrap().print(b"\x1b@Hallo\n").await.unwrap();
    assert_eq!(got.printed(), b"\x1b@Hallo\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_device_failure_is_its_typed_error_within_the_timeout() {
    let doc = doc();
    let started = Instant::now();
    let (path, got, _keep) = pty_printer(Mode::PaperOut);
    assert_eq!(device(&path).print(&doc).await.unwrap_err(), PrinterError::PaperOut { addr: path.clone() });
    assert!(got.printed().is_empty(), "nothing printed without paper");

    let (path, _, _keep) = pty_printer(Mode::CoverOpen);
    assert_eq!(device(&path).print(&doc).await.unwrap_err(), PrinterError::CoverOpen { addr: path.clone() });

    let (path, _, _keep) = pty_printer(Mode::NeverReads);
    assert_eq!(
        device(&path).print(&doc).await.unwrap_err(),
        PrinterError::TimedOut { addr: path.clone(), millis: 800 }
    );

    // Without status, a printer that never reads fills the line's buffer: the write times out.
    let (path, _, _keep) = pty_printer(Mode::NeverReads);
    let mut blind = device(&path);
    blind.status = false;
    let big: Vec<u8> = doc.iter().copied().cycle().take(1 << 20).collect();
    assert_eq!(
        blind.print(&big).await.unwrap_err(),
        PrinterError::TimedOut { addr: path.clone(), millis: 800 }
    );

    // A printer switched off mid-receipt: the master side closes.
    let (path, _, keep) = pty_printer(Mode::ClosesAfter(2_000));
    drop(keep);
    match device(&path).print(&doc).await.unwrap_err() {
        PrinterError::Closed { addr, .. } | PrinterError::TimedOut { addr, .. } => assert_eq!(addr, path),
        other => panic!("{other:?}"),
    }

    // Not plugged in, not a device.
    match device("/dev/usb/lp-none").print(&doc).await.unwrap_err() {
        PrinterError::Unreachable { addr, reason } => {
            assert_eq!(addr, "/dev/usb/lp-none");
            assert!(reason.contains("no such device"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let file = std::env::temp_dir().join(format!("pos-escpos-not-a-device-{}", std::process::id()));
    std::fs::write(&file, b"").unwrap();
    match device(file.to_str().unwrap()).print(&doc).await.unwrap_err() {
        PrinterError::Unreachable { reason, .. } => assert!(reason.contains("file:PATH"), "{reason}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_file(&file).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10), "nothing hangs: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_file_printer_appends_and_a_preview_shows_what_prints() {
    let dir = std::env::temp_dir().join(format!("pos-escpos-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("receipts.bin");
    let _ = std::fs::remove_file(&path);
    let doc =
        encode_receipt(&long_receipt(3), &Labels::korean(), &Profile::mobile_58(), &Options::default()).bytes;
    let printer = pos_escpos::open(&format!("file:{}", path.display())).unwrap();
    printer.print(&doc).await.unwrap();
    printer.print(&doc).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), [doc.clone(), doc.clone()].concat());
    assert!(printer.status().await.unwrap().ready());
    let missing = FilePrinter::new(dir.join("no-such-folder/receipts.bin"));
    assert!(matches!(missing.print(&doc).await, Err(PrinterError::Unreachable { .. })));
    std::fs::remove_dir_all(&dir).unwrap();

    // The preview decodes the bytes it is given: EUC-KR text, the QR, the feed.
    let out = Arc::new(Mutex::new(Vec::<u8>::new()));
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let preview = PreviewPrinter::to(Box::new(Shared(out.clone())));
    preview.print(&doc).await.unwrap();
    let shown = String::from_utf8(out.lock().unwrap().clone()).unwrap();
    assert!(shown.contains("강남역점"), "{shown}");
    assert!(shown.contains("상품 2 바나나우유"), "{shown}");
    assert!(shown.contains("00000000  1b 40 1b 52 0d 1c 26"), "the hex dump: {shown}");

    // The preview is as wide as the paper: a note longer than the text (a QR code's link) is
    // wrapped inside it.
    let mut with_link = long_receipt(3);
    let link = "https://pos.example/r/T1-000001?store=gangnam-station-1";
    with_link.code = Some((pos_core::receipt::CodeKind::Qr, link.into()));
    let doc = encode_receipt(&with_link, &Labels::korean(), &Profile::mobile_58(), &Options::default()).bytes;
    let shown = PreviewPrinter::render(&doc, false);
    let widths: Vec<usize> = shown.lines().map(pos_core::receipt::display_width).collect();
    assert!(widths.iter().all(|w| *w == 32 + 4), "a 32-column paper in `| ... |`: {shown}");
    let note: String = shown
        .lines()
        .skip_while(|l| !l.starts_with("| [QR: "))
        .take(3)
        .map(|l| l.trim_start_matches("| ").trim_end_matches('|').trim())
        .collect();
    assert_eq!(note, format!("[QR:{link}]"), "the whole link, wrapped: {shown}");
}

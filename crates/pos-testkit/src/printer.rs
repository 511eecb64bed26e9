//! A fake ESC/POS printer for tests of what prints: it records the bytes it is sent (without
//! the status requests), answers `DLE EOT` 1 to 4 as a printer in the chosen state does, and
//! reads 64 bytes at a time with a pause, as a slow printer's small buffer does. It serves any
//! byte link ([`serve`]: a TCP stream, a pseudo-terminal's master side) or listens on a
//! loopback port ([`FakePrinter::start`]). Its state can change between prints.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// How the fake printer behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterMode {
    /// Prints.
    Ready,
    /// Out of paper (`DLE EOT 4`: paper end).
    PaperOut,
    /// Its cover is open (`DLE EOT 2`).
    CoverOpen,
    /// Its cutter is jammed (`DLE EOT 3`).
    CutterJam,
    /// Its head is too hot (`DLE EOT 3`: a recoverable error).
    HotHead,
    /// Accepts the link and never reads from it.
    NeverReads,
    /// Hangs up after taking this many bytes.
    ClosesAfter(usize),
}

/// What one printer shares between its connections.
#[derive(Debug, Clone)]
pub struct Shared {
    mode: Arc<Mutex<PrinterMode>>,
    printed: Arc<Mutex<Vec<u8>>>,
}

impl Shared {
    /// A printer in `mode` that has printed nothing.
    pub fn new(mode: PrinterMode) -> Self {
        Shared { mode: Arc::new(Mutex::new(mode)), printed: Arc::default() }
    }

    /// Its state from now on.
    pub fn set_mode(&self, mode: PrinterMode) {
        *self.mode.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = mode;
    }

    fn mode(&self) -> PrinterMode {
        *self.mode.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every byte printed so far, in order.
    pub fn printed(&self) -> Vec<u8> {
        self.printed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

/// Serves one link until it closes.
pub async fn serve<R, W>(mut r: R, mut w: W, printer: Shared)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    if printer.mode() == PrinterMode::NeverReads {
        tokio::time::sleep(Duration::from_secs(60)).await;
        return;
    }
    let mut taken = 0;
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0_u8; 64];
    loop {
        let n = match r.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        taken += n;
        let mode = printer.mode();
        if let PrinterMode::ClosesAfter(limit) = mode
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
                    (PrinterMode::PaperOut, 4) => 0x72,
                    (PrinterMode::CoverOpen, 2) => 0x16,
                    (PrinterMode::CutterJam, 3) => 0x1A,
                    (PrinterMode::HotHead, 3) => 0x52,
                    _ => 0x12,
                };
                if w.write_all(&[answer]).await.is_err() {
                    return;
                }
                i += 3;
            } else {
                printer.printed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(pending[i]);
                i += 1;
            }
        }
        pending.drain(..i);
        // A slow printer: its buffer empties as it prints.
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

/// A fake printer on a loopback TCP port.
#[derive(Debug, Clone)]
pub struct FakePrinter {
    /// `127.0.0.1:port`.
    pub addr: String,
    /// Its state and what it printed.
    pub shared: Shared,
}

impl FakePrinter {
    /// Listens on a free loopback port, serving each connection in turn.
    ///
    /// # Panics
    /// When no loopback port can be bound.
    pub async fn start(mode: PrinterMode) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let addr = listener.local_addr().expect("its address").to_string();
        let shared = Shared::new(mode);
        let printer = shared.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (r, w) = stream.into_split();
                tokio::spawn(serve(r, w, printer.clone()));
            }
        });
        FakePrinter { addr, shared }
    }

    /// Every byte printed so far, in order.
    pub fn printed(&self) -> Vec<u8> {
        self.shared.printed()
    }

    /// Its state from now on.
    pub fn set_mode(&self, mode: PrinterMode) {
        self.shared.set_mode(mode);
    }
}

//! A printer on the network (raw TCP, port 9100): connect and write timeouts, the document
//! written in chunks so a printer with a small buffer is not overrun, and the real-time status
//! (`DLE EOT`) read before and after, so paper out and an open cover are errors, not silence.

use std::time::Duration;

use async_trait::async_trait;
use pos_app::ports::{Printer, PrinterError, PrinterStatus};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::cmd;

/// A printer at a TCP address.
#[derive(Debug, Clone)]
pub struct TcpPrinter {
    /// `host:port`.
    pub addr: String,
    /// How long connecting and each read or write may take.
    pub timeout: Duration,
    /// Bytes written at a time.
    pub chunk: usize,
    /// The drawer hangs on pin 5 rather than pin 2.
    pub drawer_pin5: bool,
}

impl TcpPrinter {
    /// A printer at `addr` with a 5 s timeout, written 512 bytes at a time.
    pub fn new(addr: &str) -> Self {
        TcpPrinter { addr: addr.to_owned(), timeout: Duration::from_secs(5), chunk: 512, drawer_pin5: false }
    }

    fn timed_out(&self) -> PrinterError {
        PrinterError::TimedOut {
            addr: self.addr.clone(),
            millis: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }

    async fn connect(&self) -> Result<TcpStream, PrinterError> {
        match tokio::time::timeout(self.timeout, TcpStream::connect(&self.addr)).await {
            Err(_) => Err(self.timed_out()),
            Ok(Err(e)) => Err(PrinterError::Unreachable { addr: self.addr.clone(), reason: e.to_string() }),
            Ok(Ok(s)) => Ok(s),
        }
    }

    async fn write(&self, stream: &mut TcpStream, bytes: &[u8]) -> Result<(), PrinterError> {
        let mut sent = 0;
        for chunk in bytes.chunks(self.chunk.max(1)) {
            match tokio::time::timeout(self.timeout, stream.write_all(chunk)).await {
                Err(_) => return Err(self.timed_out()),
                Ok(Err(_)) => {
                    return Err(PrinterError::Closed { addr: self.addr.clone(), sent, total: bytes.len() });
                }
                Ok(Ok(())) => sent += chunk.len(),
            }
        }
        match tokio::time::timeout(self.timeout, stream.flush()).await {
            Err(_) => Err(self.timed_out()),
            Ok(Err(_)) => Err(PrinterError::Closed { addr: self.addr.clone(), sent, total: bytes.len() }),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// One `DLE EOT n` and its answer byte.
    async fn ask(&self, stream: &mut TcpStream, n: u8) -> Result<u8, PrinterError> {
        self.write(stream, &cmd::status(n)).await?;
        let mut byte = [0_u8; 1];
        match tokio::time::timeout(self.timeout, stream.read_exact(&mut byte)).await {
            Err(_) => Err(self.timed_out()),
            Ok(Err(_)) => Err(PrinterError::Closed { addr: self.addr.clone(), sent: 0, total: 0 }),
            Ok(Ok(_)) => Ok(byte[0]),
        }
    }

    /// The state from `DLE EOT 1` (offline: bit 3), `2` (cover open: bit 2; paper out stop:
    /// bit 5) and `4` (paper near end: bits 2-3; paper end: bits 5-6).
    async fn read_status(&self, stream: &mut TcpStream) -> Result<PrinterStatus, PrinterError> {
        let printer = self.ask(stream, 1).await?;
        let offline = self.ask(stream, 2).await?;
        let paper = self.ask(stream, 4).await?;
        Ok(PrinterStatus {
            paper_out: paper & 0x60 != 0 || offline & 0x20 != 0,
            paper_low: paper & 0x0C != 0,
            cover_open: offline & 0x04 != 0,
            offline: printer & 0x08 != 0,
        })
    }

    fn check(&self, status: PrinterStatus) -> Result<(), PrinterError> {
        let addr = self.addr.clone();
        if status.paper_out {
            Err(PrinterError::PaperOut { addr })
        } else if status.cover_open {
            Err(PrinterError::CoverOpen { addr })
        } else if status.offline {
            Err(PrinterError::Offline { addr })
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl Printer for TcpPrinter {
    async fn print(&self, document: &[u8]) -> Result<(), PrinterError> {
        let mut stream = self.connect().await?;
        self.check(self.read_status(&mut stream).await?)?;
        self.write(&mut stream, document).await?;
        // Closed before it said how it is after the receipt: all of it was sent, none of it is
        // known to be printed.
        let after = self.read_status(&mut stream).await.map_err(|e| match e {
            PrinterError::Closed { addr, .. } => {
                PrinterError::Closed { addr, sent: document.len(), total: document.len() }
            }
            other => other,
        })?;
        self.check(after)
    }

    async fn open_drawer(&self) -> Result<(), PrinterError> {
        let mut stream = self.connect().await?;
        self.write(&mut stream, &cmd::drawer(self.drawer_pin5)).await
    }

    async fn status(&self) -> Result<PrinterStatus, PrinterError> {
        let mut stream = self.connect().await?;
        self.read_status(&mut stream).await
    }
}

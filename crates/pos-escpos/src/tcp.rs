//! A printer on the network (raw TCP, port 9100): a connect timeout, then the conversation of
//! [`crate::link`]: chunked writes and `DLE EOT` before and after.

use std::time::Duration;

use async_trait::async_trait;
use pos_app::ports::{Printer, PrinterError, PrinterStatus};
use tokio::net::TcpStream;

use crate::cmd;
use crate::link::Link;

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

    fn link(&self) -> Link<'_> {
        Link { addr: &self.addr, timeout: self.timeout, chunk: self.chunk }
    }

    async fn connect(&self) -> Result<TcpStream, PrinterError> {
        match tokio::time::timeout(self.timeout, TcpStream::connect(&self.addr)).await {
            Err(_) => Err(self.link().timed_out()),
            Ok(Err(e)) => Err(PrinterError::Unreachable { addr: self.addr.clone(), reason: e.to_string() }),
            Ok(Ok(s)) => Ok(s),
        }
    }
}

#[async_trait]
impl Printer for TcpPrinter {
    async fn print(&self, document: &[u8]) -> Result<(), PrinterError> {
        let mut stream = self.connect().await?;
        let (mut r, mut w) = stream.split();
        self.link().print(Some(&mut r), &mut w, document).await
    }

    async fn open_drawer(&self) -> Result<(), PrinterError> {
        let mut stream = self.connect().await?;
        self.link().write(&mut stream, &cmd::drawer(self.drawer_pin5)).await
    }

    async fn status(&self) -> Result<PrinterStatus, PrinterError> {
        let mut stream = self.connect().await?;
        let (mut r, mut w) = stream.split();
        self.link().status(&mut r, &mut w).await
    }
}

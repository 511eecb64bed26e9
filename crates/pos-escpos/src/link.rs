//! The conversation with a printer over any byte link (a TCP stream, a device file): writes in
//! chunks, each under a timeout, and the real-time status (`DLE EOT`) asked before and after.

use std::time::Duration;

use pos_app::ports::{PrinterError, PrinterStatus};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::cmd;

/// How to talk to one printer.
#[derive(Debug, Clone)]
pub(crate) struct Link<'a> {
    /// The printer's address, for errors.
    pub(crate) addr: &'a str,
    pub(crate) timeout: Duration,
    pub(crate) chunk: usize,
}

impl Link<'_> {
    pub(crate) fn timed_out(&self) -> PrinterError {
        PrinterError::TimedOut {
            addr: self.addr.to_owned(),
            millis: u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX),
        }
    }

    fn closed(&self, sent: usize, total: usize) -> PrinterError {
        PrinterError::Closed { addr: self.addr.to_owned(), sent, total }
    }

    /// Writes `bytes` a chunk at a time, each chunk under the timeout.
    pub(crate) async fn write<W: AsyncWrite + Unpin>(
        &self,
        w: &mut W,
        bytes: &[u8],
    ) -> Result<(), PrinterError> {
        let mut sent = 0;
        for chunk in bytes.chunks(self.chunk.max(1)) {
            match tokio::time::timeout(self.timeout, w.write_all(chunk)).await {
                Err(_) => return Err(self.timed_out()),
                Ok(Err(_)) => return Err(self.closed(sent, bytes.len())),
                Ok(Ok(())) => sent += chunk.len(),
            }
        }
        match tokio::time::timeout(self.timeout, w.flush()).await {
            Err(_) => Err(self.timed_out()),
            Ok(Err(_)) => Err(self.closed(sent, bytes.len())),
            Ok(Ok(())) => Ok(()),
        }
    }

    /// One `DLE EOT n` and its answer byte.
    async fn ask<R, W>(&self, r: &mut R, w: &mut W, n: u8) -> Result<u8, PrinterError>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        self.write(w, &cmd::status(n)).await?;
        let mut byte = [0_u8; 1];
        match tokio::time::timeout(self.timeout, r.read_exact(&mut byte)).await {
            Err(_) => Err(self.timed_out()),
            Ok(Err(_)) => Err(self.closed(0, 0)),
            Ok(Ok(_)) => Ok(byte[0]),
        }
    }

    /// The state from `DLE EOT 1` (offline: bit 3), `2` (cover open: bit 2; stopped for paper:
    /// bit 5), `3` (cutter error: bit 3; unrecoverable error: bit 5; automatically recoverable
    /// error, such as a hot head: bit 6) and `4` (paper near its end: bits 2-3; paper out: bits
    /// 5-6).
    pub(crate) async fn status<R, W>(&self, r: &mut R, w: &mut W) -> Result<PrinterStatus, PrinterError>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let printer = self.ask(r, w, 1).await?;
        let offline = self.ask(r, w, 2).await?;
        let error = self.ask(r, w, 3).await?;
        let paper = self.ask(r, w, 4).await?;
        Ok(PrinterStatus {
            paper_out: paper & 0x60 != 0 || offline & 0x20 != 0,
            paper_low: paper & 0x0C != 0,
            cover_open: offline & 0x04 != 0,
            offline: printer & 0x08 != 0,
            cutter_jam: error & 0x08 != 0,
            fault: error & 0x60 != 0,
        })
    }

    /// An error for a printer that cannot print now.
    pub(crate) fn check(&self, status: PrinterStatus) -> Result<(), PrinterError> {
        let addr = self.addr.to_owned();
        if status.paper_out {
            Err(PrinterError::PaperOut { addr })
        } else if status.cover_open {
            Err(PrinterError::CoverOpen { addr })
        } else if status.cutter_jam {
            Err(PrinterError::CutterJam { addr })
        } else if status.fault {
            Err(PrinterError::Fault { addr })
        } else if status.offline {
            Err(PrinterError::Offline { addr })
        } else {
            Ok(())
        }
    }

    /// Status, the document, status again. Without a way back from the printer (`r` is `None`)
    /// the document is only written.
    pub(crate) async fn print<R, W>(
        &self,
        r: Option<&mut R>,
        w: &mut W,
        document: &[u8],
    ) -> Result<(), PrinterError>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let Some(r) = r else { return self.write(w, document).await };
        self.check(self.status(r, w).await?)?;
        self.write(w, document).await?;
        // Closed before it said how it is after the document: all of it was sent, none of it
        // is known to be printed.
        let after = self.status(r, w).await.map_err(|e| match e {
            PrinterError::Closed { addr, .. } => {
                PrinterError::Closed { addr, sent: document.len(), total: document.len() }
            }
            other => other,
        })?;
        self.check(after)
    }
}

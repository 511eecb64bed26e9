//! The printer port: print a receipt, open the cash drawer, read the printer's state. Adapters
//! (ESC/POS over TCP, a serial or USB device, a file) live outside pos-app.

use async_trait::async_trait;

/// What a printer reports about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrinterStatus {
    /// Out of paper.
    pub paper_out: bool,
    /// The paper is nearly out.
    pub paper_low: bool,
    /// The cover is open.
    pub cover_open: bool,
    /// Offline for another reason (the feed button held, waiting for recovery).
    pub offline: bool,
    /// The cutter is jammed or failed.
    pub cutter_jam: bool,
    /// Another error the printer reports (its head too hot, a fault it cannot recover from).
    pub fault: bool,
}

impl PrinterStatus {
    /// Whether it can print now.
    pub fn ready(&self) -> bool {
        !(self.paper_out || self.cover_open || self.offline || self.cutter_jam || self.fault)
    }
}

/// Why a print did not happen, with the printer's address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrinterError {
    /// Nothing answers at the address (refused, no route, unknown host).
    #[error("printer {addr} is unreachable: {reason}")]
    Unreachable {
        /// Where.
        addr: String,
        /// What the system said.
        reason: String,
    },
    /// It did not take the data or answer in time.
    #[error("printer {addr} did not answer within {millis} ms")]
    TimedOut {
        /// Where.
        addr: String,
        /// The timeout.
        millis: u64,
    },
    /// It closed the connection before the receipt was through.
    #[error("printer {addr} closed the connection after {sent} of {total} bytes")]
    Closed {
        /// Where.
        addr: String,
        /// Bytes it took.
        sent: usize,
        /// Bytes there were.
        total: usize,
    },
    /// Out of paper.
    #[error("printer {addr} is out of paper")]
    PaperOut {
        /// Where.
        addr: String,
    },
    /// The cover is open.
    #[error("printer {addr} has its cover open")]
    CoverOpen {
        /// Where.
        addr: String,
    },
    /// Offline for another reason.
    #[error("printer {addr} is offline")]
    Offline {
        /// Where.
        addr: String,
    },
    /// The cutter is jammed.
    #[error("printer {addr} has a jammed cutter: open the cover and clear it")]
    CutterJam {
        /// Where.
        addr: String,
    },
    /// Another error the printer reports.
    #[error("printer {addr} reports an error (head too hot or a fault): switch it off and on")]
    Fault {
        /// Where.
        addr: String,
    },
}

/// A receipt printer.
#[async_trait]
pub trait Printer: Send + Sync {
    /// Prints a document the adapter has already laid out for this printer (its bytes), after
    /// checking the printer can print, and checks again after.
    ///
    /// # Errors
    /// [`PrinterError`].
    async fn print(&self, document: &[u8]) -> Result<(), PrinterError>;
    /// Opens the cash drawer.
    ///
    /// # Errors
    /// [`PrinterError`].
    async fn open_drawer(&self) -> Result<(), PrinterError>;
    /// Its state now.
    ///
    /// # Errors
    /// [`PrinterError`] when it cannot be asked.
    async fn status(&self) -> Result<PrinterStatus, PrinterError>;
}

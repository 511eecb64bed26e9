//! Two printers without a printer: [`FilePrinter`] appends the bytes to a file (a spool folder,
//! a raw print queue, a record to send later), [`PreviewPrinter`] shows what would print.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use async_trait::async_trait;
use pos_app::ports::{Printer, PrinterError, PrinterStatus};
use tokio::io::AsyncWriteExt;

use crate::{cmd, decode};

/// Appends each document's bytes to a file, creating it.
#[derive(Debug, Clone)]
pub struct FilePrinter {
    /// The file.
    pub path: PathBuf,
}

impl FilePrinter {
    /// Documents appended to `path`.
    pub fn new(path: impl AsRef<Path>) -> Self {
        FilePrinter { path: path.as_ref().to_owned() }
    }

    async fn append(&self, bytes: &[u8]) -> Result<(), PrinterError> {
        let failed = |e: std::io::Error| PrinterError::Unreachable {
            addr: self.path.display().to_string(),
            reason: e.to_string(),
        };
        let mut file =
            tokio::fs::OpenOptions::new().create(true).append(true).open(&self.path).await.map_err(failed)?;
        file.write_all(bytes).await.map_err(failed)?;
        file.flush().await.map_err(failed)
    }
}

#[async_trait]
impl Printer for FilePrinter {
    async fn print(&self, document: &[u8]) -> Result<(), PrinterError> {
        self.append(document).await
    }

    async fn open_drawer(&self) -> Result<(), PrinterError> {
        self.append(&cmd::drawer(false)).await
    }

    /// A file is always ready.
    async fn status(&self) -> Result<PrinterStatus, PrinterError> {
        Ok(PrinterStatus::default())
    }
}

/// Writes what a document would print (its text in the code page it selects, its codes, cut
/// and drawer pulse as notes) and a hex dump of its bytes.
pub struct PreviewPrinter {
    out: Mutex<Box<dyn Write + Send>>,
    /// Whether the hex dump follows the text.
    pub hex: bool,
}

impl std::fmt::Debug for PreviewPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreviewPrinter").field("hex", &self.hex).finish_non_exhaustive()
    }
}

impl PreviewPrinter {
    /// A preview on standard output, with the hex dump.
    pub fn stdout() -> Self {
        PreviewPrinter::to(Box::new(std::io::stdout()))
    }

    /// A preview written to `out`, with the hex dump.
    pub fn to(out: Box<dyn Write + Send>) -> Self {
        PreviewPrinter { out: Mutex::new(out), hex: true }
    }

    /// The preview of `document` as text.
    pub fn render(document: &[u8], hex: bool) -> String {
        use pos_core::receipt::{display_width, wrap_to_width};
        let lines = decode::lines(document);
        // The paper is as wide as its widest text; a longer note is wrapped to it.
        let text_width = lines.iter().filter(|(note, _)| !note).map(|(_, l)| display_width(l)).max();
        let width =
            text_width.unwrap_or_else(|| lines.iter().map(|(_, l)| display_width(l)).max().unwrap_or(0));
        let mut s = String::new();
        for (note, line) in &lines {
            let pieces = if *note { wrap_to_width(line, width) } else { vec![line.clone()] };
            for l in pieces {
                let pad = width.saturating_sub(display_width(&l));
                s.push_str(&format!("| {l}{} |\n", " ".repeat(pad)));
            }
        }
        if hex {
            s.push('\n');
            s.push_str(&decode::hex_dump(document));
        }
        s
    }

    fn emit(&self, text: &str) -> Result<(), PrinterError> {
        let mut out = self.out.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| PrinterError::Unreachable { addr: "preview".into(), reason: e.to_string() })
    }
}

#[async_trait]
impl Printer for PreviewPrinter {
    async fn print(&self, document: &[u8]) -> Result<(), PrinterError> {
        self.emit(&PreviewPrinter::render(document, self.hex))
    }

    async fn open_drawer(&self) -> Result<(), PrinterError> {
        self.emit("[drawer: pulse on pin 2]\n")
    }

    /// A preview is always ready.
    async fn status(&self) -> Result<PrinterStatus, PrinterError> {
        Ok(PrinterStatus::default())
    }
}

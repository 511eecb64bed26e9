//! A printer behind a device file: a USB printer (`/dev/usb/lp0`), a Bluetooth printer bound to
//! an RFCOMM serial port (`/dev/rfcomm0`) or a serial port (`/dev/ttyUSB0`). The file is opened
//! non-blocking so every write and read keeps its timeout; a serial port is put in raw mode
//! (nothing translated, no echo) at the given speed. Printers that answer on the link (serial
//! and Bluetooth ones, most USB ones) are asked their status before and after printing; for one
//! that cannot answer, [`DevicePrinter::status`] is `false` and documents are only written.

use std::io;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use pos_app::ports::{Printer, PrinterError, PrinterStatus};
use rustix::termios::{self, ControlModes, OptionalActions};
use tokio::net::unix::pipe;

use crate::cmd;
use crate::link::Link;

/// A printer behind a device file.
#[derive(Debug, Clone)]
pub struct DevicePrinter {
    /// The device, e.g. `/dev/usb/lp0` or `/dev/rfcomm0`.
    pub path: PathBuf,
    /// The line speed of a serial port (9600, 19200, 38400, 115200); `None` leaves it as it
    /// is (Bluetooth and USB links ignore it).
    pub baud: Option<u32>,
    /// Whether the printer answers `DLE EOT` on this link. When it does not, nothing is known
    /// against printing: [`Printer::status`] reports it ready and documents are only written.
    pub status: bool,
    /// How long each read or write may take.
    pub timeout: Duration,
    /// Bytes written at a time.
    pub chunk: usize,
    /// The drawer hangs on pin 5 rather than pin 2.
    pub drawer_pin5: bool,
}

impl DevicePrinter {
    /// The printer at `path`, asked its status, with a 5 s timeout, written 512 bytes at a
    /// time.
    pub fn new(path: impl AsRef<Path>) -> Self {
        DevicePrinter {
            path: path.as_ref().to_owned(),
            baud: None,
            status: true,
            timeout: Duration::from_secs(5),
            chunk: 512,
            drawer_pin5: false,
        }
    }

    fn addr(&self) -> String {
        self.path.display().to_string()
    }

    fn unreachable(&self, reason: impl Into<String>) -> PrinterError {
        PrinterError::Unreachable { addr: self.addr(), reason: reason.into() }
    }

    /// The device open for reading and writing, a serial port in raw mode.
    fn open(&self) -> Result<(pipe::Receiver, pipe::Sender), PrinterError> {
        let meta = std::fs::metadata(&self.path).map_err(|e| self.io_error(&e))?;
        if meta.is_file() || meta.is_dir() {
            return Err(self.unreachable("is not a device (to write a file, use `file:PATH`)"));
        }
        let sender = pipe::OpenOptions::new()
            .read_write(true)
            .unchecked(true)
            .open_sender(&self.path)
            .map_err(|e| self.io_error(&e))?;
        let fd: OwnedFd = sender.into_nonblocking_fd().map_err(|e| self.io_error(&e))?;
        if termios::isatty(&fd) {
            self.raw_mode(&fd).map_err(|e| self.unreachable(format!("cannot set the serial line: {e}")))?;
        }
        let reader = fd.try_clone().map_err(|e| self.io_error(&e))?;
        let r = pipe::Receiver::from_owned_fd_unchecked(reader).map_err(|e| self.io_error(&e))?;
        let w = pipe::Sender::from_owned_fd_unchecked(fd).map_err(|e| self.io_error(&e))?;
        Ok((r, w))
    }

    fn raw_mode(&self, fd: &OwnedFd) -> io::Result<()> {
        let mut t = termios::tcgetattr(fd)?;
        t.make_raw();
        t.control_modes |= ControlModes::CLOCAL | ControlModes::CREAD;
        if let Some(baud) = self.baud {
            t.set_speed(baud)?;
        }
        termios::tcsetattr(fd, OptionalActions::Now, &t)?;
        Ok(())
    }

    fn io_error(&self, e: &io::Error) -> PrinterError {
        match e.kind() {
            io::ErrorKind::NotFound => {
                self.unreachable("no such device (is the printer plugged in or paired?)")
            }
            io::ErrorKind::PermissionDenied => {
                self.unreachable("permission denied (the user needs the `lp` or `dialout` group)")
            }
            _ => self.unreachable(e.to_string()),
        }
    }

    fn link<'a>(&self, addr: &'a str) -> Link<'a> {
        Link { addr, timeout: self.timeout, chunk: self.chunk }
    }
}

#[async_trait]
impl Printer for DevicePrinter {
    async fn print(&self, document: &[u8]) -> Result<(), PrinterError> {
        let (mut r, mut w) = self.open()?;
        let addr = self.addr();
        let r = if self.status { Some(&mut r) } else { None };
        self.link(&addr).print(r, &mut w, document).await
    }

    async fn open_drawer(&self) -> Result<(), PrinterError> {
        let (_, mut w) = self.open()?;
        self.link(&self.addr()).write(&mut w, &cmd::drawer(self.drawer_pin5)).await
    }

    async fn status(&self) -> Result<PrinterStatus, PrinterError> {
        if !self.status {
            return Ok(PrinterStatus::default());
        }
        let (mut r, mut w) = self.open()?;
        self.link(&self.addr()).status(&mut r, &mut w).await
    }
}

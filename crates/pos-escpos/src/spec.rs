//! A printer named by one string, as a shop writes it in its configuration or on a command line:
//!
//! | Spec | Printer |
//! |---|---|
//! | `tcp://192.168.0.50:9100`, `192.168.0.50:9100`, `printer.local:9100` | [`TcpPrinter`] |
//! | `/dev/usb/lp0`, `device:/dev/usb/lp0?status=off` | [`DevicePrinter`] |
//! | `serial:/dev/rfcomm0`, `serial:/dev/ttyUSB0?baud=19200` | [`DevicePrinter`] |
//! | `file:/var/spool/pos/receipts.bin` | [`FilePrinter`] |
//! | `preview`, `-` | [`PreviewPrinter`] on standard output |
//!
//! Options after `?`, joined by `&`: `timeout_ms`, `chunk`, `drawer=pin5`, `profile` (one of
//! [`crate::profile::NAMES`], for [`parse`]), and for devices `baud` and `status=off` (a link
//! that cannot answer `DLE EOT`).
//!
//! A printer that is not quite one of the built-in profiles is described by changing one:
//! `columns=32|42|48`, `font=a|b`, `qr=on|off`, `double_byte=on|off` (Hangul and Hanzi fonts),
//! `cutter=on|off`, applied to `profile` (the TP808 when none is named), in any order. For
//! example `printer.local:9100?profile=tm-t88&qr=off` or `/dev/usb/lp0?columns=32&cutter=off`.

use std::time::Duration;

use pos_app::ports::Printer;

use crate::{DevicePrinter, FilePrinter, PreviewPrinter, Profile, TcpPrinter};

/// A spec that names no printer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("printer `{spec}`: {reason}")]
pub struct SpecError {
    /// What was given.
    pub spec: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A printer named by a spec, with what the spec says about it besides.
pub struct Spec {
    /// The printer (nothing is opened until the first print).
    pub printer: Box<dyn Printer>,
    /// Its profile, when the spec names one (`profile=tm-t88`) or changes one (`columns=42`).
    pub profile: Option<Profile>,
    /// Its drawer hangs on pin 5 (`drawer=pin5`): documents must pulse that pin too.
    pub drawer_pin5: bool,
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("profile", &self.profile)
            .field("drawer_pin5", &self.drawer_pin5)
            .finish()
    }
}

/// The printer a spec names (see the module's table). Nothing is opened until the first print.
///
/// # Errors
/// [`SpecError`] for an unknown scheme, a missing port, an unknown or bad option.
pub fn open(spec: &str) -> Result<Box<dyn Printer>, SpecError> {
    parse(spec).map(|s| s.printer)
}

/// The printer a spec names, its profile and drawer pin.
///
/// # Errors
/// [`SpecError`] for an unknown scheme, a missing port, an unknown or bad option or profile.
pub fn parse(spec: &str) -> Result<Spec, SpecError> {
    let bad = |reason: &str| SpecError { spec: spec.to_owned(), reason: reason.to_owned() };
    let (target, query) = spec.split_once('?').unwrap_or((spec, ""));
    let mut timeout = None;
    let mut chunk = None;
    let mut pin5 = false;
    let mut baud = None;
    let mut status = true;
    let mut profile = None;
    let mut changes: Vec<(&str, &str)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| bad(&format!("option `{pair}` has no value")))?;
        let number = || v.parse::<u64>().map_err(|_| bad(&format!("`{k}` must be a whole number")));
        if crate::profile::CHANGES.contains(&k) {
            if changes.iter().any(|(seen, _)| *seen == k) {
                return Err(bad(&format!("`{k}` is given twice")));
            }
            changes.push((k, v));
            continue;
        }
        match k {
            "timeout_ms" => timeout = Some(Duration::from_millis(number()?.max(1))),
            "chunk" => chunk = Some(usize::try_from(number()?.clamp(1, 65_536)).unwrap_or(512)),
            "drawer" if v == "pin5" || v == "pin2" => pin5 = v == "pin5",
            "baud" => baud = Some(u32::try_from(number()?).map_err(|_| bad("`baud` is too large"))?),
            "status" if v == "off" || v == "on" => status = v == "on",
            "profile" => {
                let names = crate::profile::NAMES.join(", ");
                profile =
                    Some(Profile::named(v).ok_or_else(|| bad(&format!("profile must be one of {names}")))?);
            }
            _ => return Err(bad(&format!("unknown option `{pair}`"))),
        }
    }
    if !changes.is_empty() {
        let mut changed = profile.take().unwrap_or_else(Profile::hprt_tp808);
        for (k, v) in changes {
            changed.change(k, v).map_err(|reason| bad(&reason))?;
        }
        profile = Some(changed);
    }
    let device = |path: &str| {
        let mut p = DevicePrinter::new(path);
        p.baud = baud;
        p.status = status;
        p.drawer_pin5 = pin5;
        p.timeout = timeout.unwrap_or(p.timeout);
        p.chunk = chunk.unwrap_or(p.chunk);
        p
    };
    if target == "preview" || target == "-" {
        return Ok(Spec { printer: Box::new(PreviewPrinter::stdout()), profile, drawer_pin5: pin5 });
    }
    if let Some(path) = target.strip_prefix("file:") {
        if path.is_empty() {
            return Err(bad("`file:` needs a path"));
        }
        return Ok(Spec { printer: Box::new(FilePrinter::new(path)), profile, drawer_pin5: pin5 });
    }
    if let Some(path) = target.strip_prefix("serial:").or_else(|| target.strip_prefix("device:")) {
        if !path.starts_with('/') {
            return Err(bad("a device is an absolute path such as /dev/rfcomm0"));
        }
        return Ok(Spec { printer: Box::new(device(path)), profile, drawer_pin5: pin5 });
    }
    if target.starts_with("/dev/") {
        return Ok(Spec { printer: Box::new(device(target)), profile, drawer_pin5: pin5 });
    }
    let addr = target.strip_prefix("tcp://").unwrap_or(target);
    let port_ok =
        addr.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if !port_ok || addr.contains('/') {
        return Err(bad(
            "expected tcp://HOST:PORT, HOST:PORT, serial:/dev/..., /dev/..., file:PATH or preview",
        ));
    }
    let mut p = TcpPrinter::new(addr);
    p.drawer_pin5 = pin5;
    p.timeout = timeout.unwrap_or(p.timeout);
    p.chunk = chunk.unwrap_or(p.chunk);
    Ok(Spec { printer: Box::new(p), profile, drawer_pin5: pin5 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_core::receipt::Width;

    #[test]
    fn a_spec_names_a_profile_and_a_drawer_pin() {
        let s = parse("/dev/usb/lp0?profile=mobile-58&drawer=pin5").unwrap();
        assert_eq!(s.profile, Some(Profile::mobile_58()));
        assert!(s.drawer_pin5);
        assert_eq!(parse("preview").unwrap().profile, None);
    }

    #[test]
    fn a_spec_changes_a_profile_in_any_order() {
        let s = parse("host:9100?qr=off&profile=tm-t88&font=b&double_byte=off").unwrap();
        let p = s.profile.unwrap();
        assert_eq!(p.width, Width::Cols42, "from tm-t88");
        assert!(!p.qr && p.font_b && !p.double_byte && p.cutter && p.drawer);
        assert_eq!(p.name, "Epson TM-T88 (80 mm), qr=off, font=b, double_byte=off");
        let plain = parse("/dev/usb/lp0?columns=32&cutter=off").unwrap().profile.unwrap();
        assert_eq!(
            plain,
            Profile {
                name: plain.name.clone(),
                width: Width::Cols32,
                cutter: false,
                ..Profile::hprt_tp808()
            }
        );
    }

    #[test]
    fn specs_name_printers_and_bad_ones_say_why() {
        for ok in [
            "tcp://192.168.0.50:9100",
            "192.168.0.50:9100",
            "[::1]:9100",
            "printer.local:9100?timeout_ms=2000&chunk=256&drawer=pin5&profile=tm-t88",
            "/dev/usb/lp0",
            "device:/dev/usb/lp0?status=off",
            "serial:/dev/rfcomm0?baud=19200",
            "file:/tmp/receipts.bin",
            "preview",
            "-",
        ] {
            assert!(open(ok).is_ok(), "{ok}");
        }
        for (bad, says) in [
            ("192.168.0.50", "expected tcp://"),
            ("tcp://host:99999", "expected tcp://"),
            ("http://host:80/print", "expected tcp://"),
            ("file:", "needs a path"),
            ("serial:rfcomm0", "absolute path"),
            ("host:9100?timeout_ms=soon", "whole number"),
            ("host:9100?colour=red", "unknown option"),
            ("host:9100?drawer", "no value"),
            ("host:9100?profile=tm-t20", "profile must be one of"),
            ("host:9100?columns=40", "32, 42 or 48"),
            ("host:9100?font=c", "a or b"),
            ("host:9100?qr=no", "on or off"),
            ("host:9100?cutter=on&cutter=off", "given twice"),
        ] {
            let e = open(bad).err().unwrap_or_else(|| panic!("{bad} is accepted"));
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }
}

//! What differs between printers: paper and columns, font, double-byte fonts, QR codes, the
//! cutter and the drawer port. A few common models are built in ([`Profile::named`]); any other
//! is a [`Profile`] written out in a shop's configuration (it is `serde`).

use pos_core::receipt::Width;
use serde::{Deserialize, Serialize};

/// A printer's paper and what it can do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// A name for people.
    pub name: String,
    /// Columns per line in the font used.
    pub width: Width,
    /// Print in font B (`ESC M 1`), the smaller one: 42 columns on 58 mm paper, 56 to 64 on
    /// 80 mm. Font A otherwise.
    #[serde(default)]
    pub font_b: bool,
    /// Whether it prints Hangul and Hanzi in double-byte mode (`FS &`). Without, receipts go
    /// out in CP858 and what it lacks is replaced.
    pub double_byte: bool,
    /// Whether it prints QR codes (`GS ( k`); a CODE128 barcode is printed instead.
    pub qr: bool,
    /// Whether it has a cutter; without, the paper is fed out for tearing.
    pub cutter: bool,
    /// Whether a cash drawer can hang on it.
    pub drawer: bool,
}

/// The built-in profiles' names, for [`Profile::named`].
pub const NAMES: [&str; 4] = ["tp808", "tm-t88", "mobile-58", "generic-80"];

/// The settings [`Profile::change`] changes, by the names specs use.
pub const CHANGES: [&str; 5] = ["columns", "font", "qr", "double_byte", "cutter"];

impl Profile {
    /// An HPRT TP808-class printer: 80 mm, 48 columns of font A, Korean and Chinese fonts, QR,
    /// cutter and drawer port, on Wi-Fi, Ethernet, USB or Bluetooth.
    pub fn hprt_tp808() -> Self {
        Profile {
            name: "HPRT TP808 (80 mm)".into(),
            width: Width::Cols48,
            font_b: false,
            double_byte: true,
            qr: true,
            cutter: true,
            drawer: true,
        }
    }

    /// An Epson TM-T88-class printer: 80 mm, 42 columns of font A, QR, cutter and drawer port.
    /// Its Asian models (TM-T88 with Korean or Chinese fonts) print double-byte text.
    pub fn epson_tm_t88() -> Self {
        Profile { name: "Epson TM-T88 (80 mm)".into(), width: Width::Cols42, ..Profile::hprt_tp808() }
    }

    /// A 58 mm mobile (Bluetooth) printer: 32 columns, double-byte fonts and QR, no cutter,
    /// no drawer.
    pub fn mobile_58() -> Self {
        Profile {
            name: "58 mm mobile".into(),
            width: Width::Cols32,
            font_b: false,
            double_byte: true,
            qr: true,
            cutter: false,
            drawer: false,
        }
    }

    /// What any 80 mm ESC/POS printer does: 48 columns, CP858 only, a CODE128 barcode rather
    /// than a QR code, cutter and drawer.
    pub fn generic_80() -> Self {
        Profile {
            name: "generic 80 mm".into(),
            width: Width::Cols48,
            font_b: false,
            double_byte: false,
            qr: false,
            cutter: true,
            drawer: true,
        }
    }

    /// A built-in profile by its name in [`NAMES`] (`tp808`, `tm-t88`, `mobile-58`,
    /// `generic-80`).
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "tp808" => Some(Profile::hprt_tp808()),
            "tm-t88" => Some(Profile::epson_tm_t88()),
            "mobile-58" => Some(Profile::mobile_58()),
            "generic-80" => Some(Profile::generic_80()),
            _ => None,
        }
    }

    /// A profile written as a built-in name and changes, separated by commas: `tm-t88`,
    /// `tm-t88,qr=off`, `mobile-58,font=b,columns=42`. Without a name, the TP808's changed:
    /// `columns=42`.
    ///
    /// # Errors
    /// What is wrong, for people: an unknown name, setting or value.
    pub fn parse(text: &str) -> Result<Profile, String> {
        let mut parts = text.split(',').map(str::trim);
        let first = parts.next().unwrap_or_default();
        let (mut profile, first_change) = match first.contains('=') {
            true => (Profile::hprt_tp808(), Some(first)),
            false => {
                let names = NAMES.join(", ");
                (Profile::named(first).ok_or_else(|| format!("profile must be one of {names}"))?, None)
            }
        };
        let mut seen = Vec::new();
        for part in first_change.into_iter().chain(parts) {
            let (key, value) =
                part.split_once('=').ok_or_else(|| format!("`{part}` is not a change such as `qr=off`"))?;
            if seen.contains(&key) {
                return Err(format!("`{key}` is given twice"));
            }
            seen.push(key);
            profile.change(key, value)?;
        }
        Ok(profile)
    }

    /// Changes one setting, named as in [`CHANGES`]: `columns=32|42|48`, `font=a|b`,
    /// `qr=on|off`, `double_byte=on|off`, `cutter=on|off`. The name says what changed.
    ///
    /// # Errors
    /// What is wrong, for people: an unknown setting or value.
    pub fn change(&mut self, key: &str, value: &str) -> Result<(), String> {
        let switch = || match value {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(format!("`{key}` must be on or off")),
        };
        match key {
            "columns" => {
                self.width = match value {
                    "32" => Width::Cols32,
                    "42" => Width::Cols42,
                    "48" => Width::Cols48,
                    _ => return Err("`columns` must be 32, 42 or 48".into()),
                }
            }
            "font" => {
                self.font_b = match value {
                    "a" | "A" => false,
                    "b" | "B" => true,
                    _ => return Err("`font` must be a or b".into()),
                }
            }
            "qr" => self.qr = switch()?,
            "double_byte" => self.double_byte = switch()?,
            "cutter" => self.cutter = switch()?,
            _ => {
                return Err(format!("unknown setting `{key}`; the settings are {}", CHANGES.join(", ")));
            }
        }
        self.name = format!("{}, {key}={value}", self.name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_a_profile_and_a_profile_reads_from_configuration() {
        for name in NAMES {
            assert!(Profile::named(name).is_some(), "{name}");
        }
        assert_eq!(Profile::named("tm-t20"), None);
        let custom: Profile = serde_json::from_str(
            r#"{"name":"58 mm, font B","width":"Cols42","font_b":true,"double_byte":false,
                "qr":true,"cutter":false,"drawer":false}"#,
        )
        .unwrap();
        assert_eq!(custom.width.columns(), 42);
        assert!(custom.font_b);
        let round: Profile = serde_json::from_str(&serde_json::to_string(&custom).unwrap()).unwrap();
        assert_eq!(round, custom);
        let unknown = serde_json::from_str::<Profile>(r#"{"name":"x","width":"Cols48","colour":true}"#);
        assert!(unknown.is_err());
    }

    #[test]
    fn a_profile_is_written_as_a_name_and_changes() {
        assert_eq!(Profile::parse("tm-t88").unwrap(), Profile::epson_tm_t88());
        let p = Profile::parse("mobile-58, font=b, columns=42").unwrap();
        assert_eq!((p.width, p.font_b, p.cutter), (Width::Cols42, true, false));
        assert_eq!(p.name, "58 mm mobile, font=b, columns=42");
        let p = Profile::parse("columns=42,qr=off").unwrap();
        assert_eq!((p.width, p.qr, p.drawer), (Width::Cols42, false, true), "the TP808's, changed");
        for (bad, says) in [
            ("tm-t20", "profile must be one of"),
            ("tp808,qr", "not a change"),
            ("tp808,colour=red", "unknown setting"),
            ("tp808,columns=40", "32, 42 or 48"),
            ("tp808,qr=off,qr=on", "given twice"),
            ("", "profile must be one of"),
        ] {
            let e = Profile::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}

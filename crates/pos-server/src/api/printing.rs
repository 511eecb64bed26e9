//! Printing on a terminal's network receipt printer, for tills that cannot reach it themselves
//! (a till in a browser): a sale's receipt, the X and Z reports, the cash drawer, the printer's
//! state. The printer is attached to the server's machine (`--printer T1=/dev/usb/lp0`) or a
//! network printer registered with the terminal (`PUT terminals/{id}` with `printer`). Prints to
//! one printer queue one behind the other; a printer that cannot print is a 503 whose `code`
//! says why (`printer_paper_out`, `printer_cover_open`, ...) and whose detail names the printer.
//! Opening the drawer is audited.
//!
//! The server keeps a log of the receipts and Z reports it prints: the first print of each is
//! its original, every later one is marked a copy in the store's language (`사본`, `副本`,
//! `KOPIE`), whoever asks and on whichever printer; the answer says which it was.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

use std::sync::Arc;

use pos_app::ports::{Printer, PrinterError, PrinterStatus, TerminalPrinter};
use pos_escpos::TcpPrinter;

/// One queue per printer address, and one per counted document: a print waits for the one
/// before it on the same printer, and for another print of the same receipt on any printer (so
/// two at once are an original and a copy, never two originals).
#[derive(Debug, Default)]
pub struct PrintQueues(std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl PrintQueues {
    fn of(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut queues = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // A queue nobody holds or waits for is dropped, so documents do not pile up.
        queues.retain(|_, queue| Arc::strong_count(queue) > 1);
        queues.entry(key.to_owned()).or_default().clone()
    }
}

/// A drawer asked of a terminal whose printer has no drawer port: a 409, before anything is
/// printed.
fn no_drawer(terminal: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "no_drawer",
        format!("the printer of `{terminal}` has no drawer port"),
    )
}

/// A printer error as a problem: 503 with a code per cause, the detail naming the printer.
fn printer_problem(e: &PrinterError) -> ApiError {
    let code = match e {
        PrinterError::Unreachable { .. } => "printer_unreachable",
        PrinterError::TimedOut { .. } => "printer_timed_out",
        PrinterError::Closed { .. } => "printer_closed",
        PrinterError::PaperOut { .. } => "printer_paper_out",
        PrinterError::CoverOpen { .. } => "printer_cover_open",
        PrinterError::CutterJam { .. } => "printer_cutter_jam",
        PrinterError::Fault { .. } => "printer_fault",
        _ => "printer_offline",
    };
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, e.to_string())
}

/// A printer attached to the server's machine for a terminal: a USB, serial or Bluetooth
/// printer, or a file (`--printer T1=/dev/usb/lp0?profile=tm-t88`). It takes precedence over a
/// network printer registered with the terminal.
pub struct LocalPrinter {
    /// The store, or every store's terminal of that id.
    pub store: Option<String>,
    /// The terminal.
    pub terminal: String,
    /// The spec it was attached with, as its name.
    pub spec: String,
    /// The printer.
    pub printer: Arc<dyn Printer>,
    /// Its profile (the spec's `profile=`, `tp808` otherwise).
    pub profile: pos_escpos::Profile,
    /// Its drawer hangs on pin 5.
    pub drawer_pin5: bool,
}

impl std::fmt::Debug for LocalPrinter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalPrinter").field("terminal", &self.terminal).field("spec", &self.spec).finish()
    }
}

impl<S: Store> AppState<S> {
    /// Attaches a printer on this machine to a terminal: `T1=SPEC` for terminal `T1` of every
    /// store, `seoul-1/T1=SPEC` for one store's; SPEC as [`pos_escpos::parse`] reads it.
    ///
    /// # Errors
    /// What is wrong with it, for people.
    pub fn attach_printer(&self, assignment: &str) -> Result<(), String> {
        let (who, spec) = assignment
            .split_once('=')
            .ok_or_else(|| format!("printer `{assignment}`: expected TERMINAL=SPEC, e.g. T1=/dev/usb/lp0"))?;
        let (store, terminal) = match who.split_once('/') {
            Some((store, terminal)) => (Some(store.trim().to_owned()), terminal.trim().to_owned()),
            None => (None, who.trim().to_owned()),
        };
        if terminal.is_empty() || store.as_deref() == Some("") {
            return Err(format!("printer `{assignment}`: name the terminal before `=`"));
        }
        let parsed = pos_escpos::parse(spec.trim()).map_err(|e| e.to_string())?;
        let printer = LocalPrinter {
            store,
            terminal,
            spec: spec.trim().to_owned(),
            printer: Arc::from(parsed.printer),
            profile: parsed.profile.unwrap_or_else(pos_escpos::Profile::hprt_tp808),
            drawer_pin5: parsed.drawer_pin5,
        };
        let mut printers =
            self.inner.local_printers.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        printers.retain(|p| !(p.store == printer.store && p.terminal == printer.terminal));
        printers.push(printer);
        Ok(())
    }
}

/// The printer a terminal prints on.
struct Target {
    /// Its address or spec: its name in answers and errors, and its queue.
    name: String,
    printer: Arc<dyn Printer>,
    profile: pos_escpos::Profile,
    drawer_pin5: bool,
}

/// The terminal's printer: one attached to this machine for it, else the network printer
/// registered with it; 404 for an unknown terminal, 409 for one without a printer.
fn terminal_printer<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    terminal: &str,
) -> Result<Target, ApiError> {
    let t = shop
        .profile
        .terminal(terminal)
        .ok_or_else(|| ApiError::not_found(format!("no terminal `{terminal}` in this store")))?;
    let local = state.inner.local_printers.read().unwrap_or_else(std::sync::PoisonError::into_inner);
    // One store's terminal before every store's.
    let attached = local
        .iter()
        .filter(|p| p.terminal == terminal && p.store.as_ref().is_none_or(|s| *s == shop.profile.id.0))
        .max_by_key(|p| p.store.is_some());
    if let Some(p) = attached {
        return Ok(Target {
            name: p.spec.clone(),
            printer: p.printer.clone(),
            profile: p.profile.clone(),
            drawer_pin5: p.drawer_pin5,
        });
    }
    let TerminalPrinter { address, profile, drawer_pin5 } = t.printer.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "no_printer",
            format!("terminal `{terminal}` has no printer the server prints on (PUT terminals/{terminal} with `printer`)"),
        )
    })?;
    let profile = pos_escpos::Profile::parse(&profile).map_err(ApiError::internal)?;
    let mut printer = TcpPrinter::new(&address);
    printer.drawer_pin5 = drawer_pin5;
    Ok(Target { name: address, printer: Arc::new(printer), profile, drawer_pin5 })
}

/// Prints on the target, after any print already going to it. A `document` the server counts
/// (a receipt, a Z report) is printed by `pos_app::printing::print_counted` (a copy when printed
/// before or `copy` asks), in the document's turn and the printer's.
/// `encode` makes the bytes with the copy mark to print, if any. A printer without the fonts
/// of the shop's language prints nothing (409 `printer_lacks_font`).
async fn print_queued<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    actor: &str,
    target: &Target,
    document: Option<&str>,
    copy: bool,
    encode: impl FnOnce(Option<String>) -> pos_escpos::Encoded,
) -> Result<Printed, ApiError> {
    if let Some(why) = crate::state::lacks_font(&target.profile, shop.settings.store.currency) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "printer_lacks_font",
            format!("{}: {why}", target.name),
        ));
    }
    let store = &shop.profile.id;
    // The document's turn first, then the printer's: always in this order.
    let document_queue = document.map(|d| state.inner.printers.of(&format!("document {} {d}", store.0)));
    let _document_turn = match &document_queue {
        Some(queue) => Some(queue.lock().await),
        None => None,
    };
    let queue = state.inner.printers.of(&target.name);
    let _turn = queue.lock().await;
    let copy_word = |copy: bool| copy.then(|| crate::state::copy_word(&shop.profile).to_owned());
    let Some(document) = document else {
        let encoded = encode(copy_word(copy));
        target.printer.print(&encoded.bytes).await.map_err(|e| printer_problem(&e))?;
        return Ok(Printed::of(target, copy, &encoded));
    };
    let print = pos_app::printing::CountedPrint { store, document, actor, printer: &target.name, copy };
    let printed = pos_app::printing::print_counted(&*state.inner.store, &*target.printer, print, |copy| {
        encode(copy_word(copy))
    })
    .await
    .map_err(|e| match e {
        pos_app::printing::PrintFailure::Printer(e) => printer_problem(&e),
        pos_app::printing::PrintFailure::Store(e) => ApiError::from(e),
    })?;
    if let Some(e) = printed.unrecorded {
        tracing::error!(error = %e, document, "a print could not be recorded; its next print may not be marked a copy");
    }
    Ok(Printed::of(target, printed.copy, &printed.document))
}

impl Printed {
    fn of(target: &Target, copy: bool, encoded: &pos_escpos::Encoded) -> Self {
        Printed {
            printer: target.name.clone(),
            copy,
            bytes: encoded.bytes.len(),
            replaced: encoded.replaced.iter().map(char::to_string).collect(),
        }
    }
}

/// What to print a receipt with (an empty body: the session's terminal, no copy mark, no
/// drawer).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintReceipt {
    /// The terminal whose printer prints it (the session's terminal by default).
    pub terminal: Option<String>,
    /// Mark it a copy even if the server has not printed it before (a till printed the
    /// original itself). A receipt the server printed before is marked a copy anyway.
    #[serde(default)]
    pub copy: bool,
    /// Open the cash drawer after it (a 409 `no_drawer`, with nothing printed, when the
    /// printer has no drawer port).
    #[serde(default)]
    pub drawer: bool,
}

/// What was printed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Printed {
    /// The printer's address.
    pub printer: String,
    /// Whether it was marked a copy: a receipt or Z report the server printed before, or one
    /// asked as a reprint. An X report is never a copy.
    pub copy: bool,
    /// Bytes sent.
    pub bytes: usize,
    /// Characters the printer's code page lacks, printed as their documented fallback.
    pub replaced: Vec<String>,
}

fn session_terminal(who: &pos_app::access::Principal, given: Option<String>) -> Result<String, ApiError> {
    given
        .or_else(|| who.terminal.clone())
        .ok_or_else(|| ApiError::field("terminal", "name the terminal whose printer prints it"))
}

/// Prints a sale's receipt on a terminal's printer (a reprint with `copy`), and opens the
/// drawer when asked.
#[utoipa::path(post, path = "/api/v1/stores/{store}/sales/{receipt}/print", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("receipt" = String, Path, description = "Receipt number")),
    request_body = PrintReceipt,
    responses((status = 200, description = "Printed", body = Printed), (status = 404, description = "No such sale or terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer (`no_printer`), the drawer was asked of a printer without a drawer port (`no_drawer`), or the printer lacks the fonts of the shop's language (`printer_lacks_font`); nothing printed", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot print (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn print_receipt<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Printed>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "printing").await?;
    let req: PrintReceipt = if bytes.is_empty() { PrintReceipt::default() } else { body(&bytes)? };
    let terminal = session_terminal(&who, req.terminal)?;
    let target = terminal_printer(&state, &shop, &terminal)?;
    if req.drawer && !target.profile.drawer {
        return Err(no_drawer(&terminal));
    }
    let (doc, labels) = super::sales::sale_receipt(&state, &shop, &receipt).await?;
    let document = format!("sale {}", doc.number);
    let printed = print_queued(&state, &shop, &who.actor, &target, Some(&document), req.copy, |copy| {
        let options = pos_escpos::Options { copy, open_drawer: req.drawer, drawer_pin5: target.drawer_pin5 };
        pos_escpos::encode_receipt(&doc, &labels, &target.profile, &options)
    })
    .await?;
    if req.drawer && target.profile.drawer {
        auth::log(&state, &shop.profile.id, &who.actor, "drawer", &format!("sale {receipt}"), true).await;
    }
    Ok(Json(printed))
}

/// A report on `terminal`'s printer; a Z report is counted (its first print is the original).
async fn print_report<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    actor: &str,
    terminal: &str,
    report: impl std::future::Future<Output = Result<pos_payments::ShiftReport, ApiError>>,
    copy: bool,
) -> Result<Json<Printed>, ApiError> {
    let target = terminal_printer(state, shop, terminal)?;
    let report = report.await?;
    let labels = crate::state::report_words(&shop.profile);
    let printed = crate::state::local_now(shop.settings.store.time_zone);
    let document = match (report.kind, report.sequence) {
        (pos_payments::ReportKind::Z, Some(n)) => Some(format!("z {terminal} {n}")),
        _ => None,
    };
    let printed = print_queued(state, shop, actor, &target, document.as_deref(), copy, |copy| {
        let options = pos_escpos::Options { copy, ..pos_escpos::Options::default() };
        pos_escpos::encode_report(&report, &labels, &target.profile, &options, &printed)
    })
    .await?;
    Ok(Json(printed))
}

/// Prints the X report of a terminal's open shift on that terminal's printer.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/x-report/print", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal")),
    responses((status = 200, description = "Printed", body = Printed), (status = 404, description = "No open shift or no such terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer (`no_printer`), or its printer lacks the fonts of the shop's language (`printer_lacks_font`); nothing printed", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot print (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn print_x_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
) -> Result<Json<Printed>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "printing").await?;
    let report = async { Ok(shop.shifts.x_report(&terminal).await?) };
    print_report(&state, &shop, &who.actor, &terminal, report, false).await
}

/// Whether a Z report's print is a reprint.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintZReport {
    /// Mark it a copy even if the server has not printed it before. A Z report the server
    /// printed before is marked a copy anyway.
    #[serde(default)]
    pub copy: bool,
}

/// Prints a Z report issued on a terminal, by its number, on that terminal's printer.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/z-reports/{number}/print", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("number" = u64, Path, description = "The Z number")),
    request_body = PrintZReport,
    responses((status = 200, description = "Printed", body = Printed), (status = 404, description = "No such Z report or terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer (`no_printer`), or its printer lacks the fonts of the shop's language (`printer_lacks_font`); nothing printed", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot print (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn print_z_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal, number)): Path<(String, String, u64)>,
    bytes: Bytes,
) -> Result<Json<Printed>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "printing").await?;
    let req: PrintZReport = if bytes.is_empty() { PrintZReport::default() } else { body(&bytes)? };
    let report = async { Ok(shop.shifts.z_report(&terminal, number).await?.0) };
    print_report(&state, &shop, &who.actor, &terminal, report, req.copy).await
}

/// Opens a terminal's cash drawer without a sale ("no sale"); every opening is in the access
/// log with who asked.
#[utoipa::path(post, path = "/api/v1/stores/{store}/terminals/{id}/drawer", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Terminal")),
    responses((status = 204, description = "The drawer's pulse was sent"), (status = 404, description = "No such terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer, or its printer no drawer", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot be reached (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn open_drawer<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "drawer").await?;
    let target = terminal_printer(&state, &shop, &id)?;
    if !target.profile.drawer {
        return Err(no_drawer(&id));
    }
    let queue = state.inner.printers.of(&target.name);
    let result = {
        let _turn = queue.lock().await;
        target.printer.open_drawer().await
    };
    auth::log(&state, &shop.profile.id, &who.actor, "drawer", &format!("no sale at {id}"), result.is_ok())
        .await;
    result.map_err(|e| printer_problem(&e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// A printer's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct PrinterState {
    /// The printer's address.
    pub printer: String,
    /// It can print now.
    pub ready: bool,
    /// Out of paper.
    pub paper_out: bool,
    /// Paper nearly out.
    pub paper_low: bool,
    /// Cover open.
    pub cover_open: bool,
    /// Offline for another reason.
    pub offline: bool,
    /// Cutter jammed.
    pub cutter_jam: bool,
    /// Another error (head too hot, a fault).
    pub fault: bool,
}

/// The state of a terminal's printer, as it reports it now (`DLE EOT`).
#[utoipa::path(get, path = "/api/v1/stores/{store}/terminals/{id}/printer", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("id" = String, Path, description = "Terminal")),
    responses((status = 200, description = "Its state", body = PrinterState), (status = 404, description = "No such terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot be reached (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn printer_state<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, id)): Path<(String, String)>,
) -> Result<Json<PrinterState>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "printing").await?;
    let target = terminal_printer(&state, &shop, &id)?;
    let queue = state.inner.printers.of(&target.name);
    let s: PrinterStatus = {
        let _turn = queue.lock().await;
        target.printer.status().await.map_err(|e| printer_problem(&e))?
    };
    Ok(Json(PrinterState {
        printer: target.name,
        ready: s.ready(),
        paper_out: s.paper_out,
        paper_low: s.paper_low,
        cover_open: s.cover_open,
        offline: s.offline,
        cutter_jam: s.cutter_jam,
        fault: s.fault,
    }))
}

//! Printing on a terminal's network receipt printer, for tills that cannot reach it themselves
//! (a till in a browser): a sale's receipt, the X report, the cash drawer, the printer's state.
//! The printer is registered with the terminal (`PUT terminals/{id}` with `printer`). Prints to
//! one printer queue one behind the other; a printer that cannot print is a 503 whose `code`
//! says why (`printer_paper_out`, `printer_cover_open`, ...) and whose detail names the printer.
//! Opening the drawer is audited.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

use std::sync::Arc;

use pos_app::ports::{Printer, PrinterError, PrinterStatus, TerminalPrinter};
use pos_escpos::TcpPrinter;

/// One queue per printer address: a print waits for the one before it on the same printer.
#[derive(Debug, Default)]
pub struct PrintQueues(std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl PrintQueues {
    fn of(&self, addr: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut queues = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        queues.entry(addr.to_owned()).or_default().clone()
    }
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

/// The terminal's printer and its profile; 404 for an unknown terminal, 409 for one without a
/// printer.
fn terminal_printer(
    shop: &Shop<impl Store>,
    terminal: &str,
) -> Result<(TcpPrinter, pos_escpos::Profile), ApiError> {
    let t = shop
        .profile
        .terminal(terminal)
        .ok_or_else(|| ApiError::not_found(format!("no terminal `{terminal}` in this store")))?;
    let TerminalPrinter { address, profile, drawer_pin5 } = t.printer.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::CONFLICT,
            "no_printer",
            format!("terminal `{terminal}` has no printer the server prints on (PUT terminals/{terminal} with `printer`)"),
        )
    })?;
    let profile = pos_escpos::Profile::named(&profile)
        .ok_or_else(|| ApiError::internal("a stored printer profile is unknown"))?;
    let mut printer = TcpPrinter::new(&address);
    printer.drawer_pin5 = drawer_pin5;
    Ok((printer, profile))
}

/// Prints `bytes` on `printer`, after any print already going to it.
async fn print_queued<S: Store>(
    state: &AppState<S>,
    printer: &TcpPrinter,
    bytes: &[u8],
) -> Result<(), ApiError> {
    let queue = state.inner.printers.of(&printer.addr);
    let _turn = queue.lock().await;
    printer.print(bytes).await.map_err(|e| printer_problem(&e))
}

/// What to print a receipt with (an empty body: the session's terminal, no copy mark, no
/// drawer).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintReceipt {
    /// The terminal whose printer prints it (the session's terminal by default).
    pub terminal: Option<String>,
    /// A reprint: marked as a copy in the store's language.
    #[serde(default)]
    pub copy: bool,
    /// Open the cash drawer after it.
    #[serde(default)]
    pub drawer: bool,
}

/// What was printed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Printed {
    /// The printer's address.
    pub printer: String,
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
    responses((status = 200, description = "Printed", body = Printed), (status = 404, description = "No such sale or terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot print (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn print_receipt<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, receipt)): Path<(String, String)>,
    bytes: Bytes,
) -> Result<Json<Printed>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Sell, "printing").await?;
    let req: PrintReceipt = if bytes.is_empty() { PrintReceipt::default() } else { body(&bytes)? };
    let terminal = session_terminal(&who, req.terminal)?;
    let (printer, profile) = terminal_printer(&shop, &terminal)?;
    let (doc, labels) = super::sales::sale_receipt(&state, &shop, &receipt).await?;
    let options = pos_escpos::Options {
        copy: req.copy.then(|| crate::state::copy_word(&shop.profile).to_owned()),
        open_drawer: req.drawer,
        drawer_pin5: printer.drawer_pin5,
    };
    let encoded = pos_escpos::encode_receipt(&doc, &labels, &profile, &options);
    print_queued(&state, &printer, &encoded.bytes).await?;
    if req.drawer && profile.drawer {
        auth::log(&state, &shop.profile.id, &who.actor, "drawer", &format!("sale {receipt}"), true).await;
    }
    Ok(Json(Printed {
        printer: printer.addr,
        bytes: encoded.bytes.len(),
        replaced: encoded.replaced.iter().map(char::to_string).collect(),
    }))
}

/// A report on `terminal`'s printer.
async fn print_report<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    terminal: &str,
    report: impl std::future::Future<Output = Result<pos_payments::ShiftReport, ApiError>>,
    copy: bool,
) -> Result<Json<Printed>, ApiError> {
    let (printer, profile) = terminal_printer(shop, terminal)?;
    let report = report.await?;
    let labels = crate::state::report_words(&shop.profile);
    let printed = crate::state::local_now(shop.settings.store.time_zone);
    let options = pos_escpos::Options {
        copy: copy.then(|| crate::state::copy_word(&shop.profile).to_owned()),
        ..pos_escpos::Options::default()
    };
    let encoded = pos_escpos::encode_report(&report, &labels, &profile, &options, &printed);
    print_queued(state, &printer, &encoded.bytes).await?;
    Ok(Json(Printed {
        printer: printer.addr,
        bytes: encoded.bytes.len(),
        replaced: encoded.replaced.iter().map(char::to_string).collect(),
    }))
}

/// Prints the X report of a terminal's open shift on that terminal's printer.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/x-report/print", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal")),
    responses((status = 200, description = "Printed", body = Printed), (status = 404, description = "No open shift or no such terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot print (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn print_x_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
) -> Result<Json<Printed>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "printing").await?;
    print_report(&state, &shop, &terminal, async { Ok(shop.shifts.x_report(&terminal).await?) }, false).await
}

/// Whether a Z report's print is a reprint.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintZReport {
    /// A reprint: marked as a copy (the first print follows the close; any later one is a copy).
    #[serde(default)]
    pub copy: bool,
}

/// Prints a Z report issued on a terminal, by its number, on that terminal's printer.
#[utoipa::path(post, path = "/api/v1/stores/{store}/shifts/{terminal}/z-reports/{number}/print", tag = "printing",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal"), ("number" = u64, Path, description = "The Z number")),
    request_body = PrintZReport,
    responses((status = 200, description = "Printed", body = Printed), (status = 404, description = "No such Z report or terminal", body = Problem, content_type = "application/problem+json"), (status = 409, description = "The terminal has no printer", body = Problem, content_type = "application/problem+json"), (status = 503, description = "The printer cannot print (code says why)", body = Problem, content_type = "application/problem+json")))]
pub async fn print_z_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal, number)): Path<(String, String, u64)>,
    bytes: Bytes,
) -> Result<Json<Printed>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::Shift, "printing").await?;
    let req: PrintZReport = if bytes.is_empty() { PrintZReport::default() } else { body(&bytes)? };
    let report = async { Ok(shop.shifts.z_report(&terminal, number).await?.0) };
    print_report(&state, &shop, &terminal, report, req.copy).await
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
    let (printer, profile) = terminal_printer(&shop, &id)?;
    if !profile.drawer {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "no_drawer",
            format!("the printer of `{id}` has no drawer port"),
        ));
    }
    let queue = state.inner.printers.of(&printer.addr);
    let result = {
        let _turn = queue.lock().await;
        printer.open_drawer().await
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
    let (printer, _) = terminal_printer(&shop, &id)?;
    let queue = state.inner.printers.of(&printer.addr);
    let s: PrinterStatus = {
        let _turn = queue.lock().await;
        printer.status().await.map_err(|e| printer_problem(&e))?
    };
    Ok(Json(PrinterState {
        printer: printer.addr,
        ready: s.ready(),
        paper_out: s.paper_out,
        paper_low: s.paper_low,
        cover_open: s.cover_open,
        offline: s.offline,
        cutter_jam: s.cutter_jam,
        fault: s.fault,
    }))
}

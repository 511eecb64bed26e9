//! CSV imports and exports of products, stock counts and members.
//!
//! An import streams the request body to a temporary file (never the whole file in memory),
//! then reads it twice: once to check every row (`pos_app::imports`), once to write. With any
//! error nothing is written and the answer lists every problem by line and field, unless the
//! request asked for the valid rows (`?valid_rows=true`). Its progress is a job,
//! `GET .../imports/{Idempotency-Key}`, readable while the upload runs. Products are written a
//! thousand per transaction, each with its event. A retry with the same key gets the first
//! answer; after a crash mid-import it runs again, and every row's write is an upsert, so the
//! result is the same.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use encoding_rs::Encoding;
use futures_util::StreamExt;
use pos_app::imports::{self, CountRows, Header, ImportKind, MemberRows, ProductRows, RowError};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The largest file an import takes.
pub const MAX_IMPORT: u64 = 256 << 20;
/// Errors kept in a job's report (all are counted).
const KEPT_ERRORS: usize = 1_000;
/// Rows per write.
const CHUNK: usize = 1_000;

/// An import's state, as `GET .../imports/{id}` shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportJob {
    /// Its id: the request's Idempotency-Key.
    pub id: String,
    /// `products`, `stock-counts` or `members`.
    pub kind: String,
    /// `receiving`, `checking`, `writing`, `done`, `rejected` (errors, nothing written) or
    /// `failed` (the server could not finish; send the request again).
    pub status: String,
    /// Bytes received.
    pub bytes: u64,
    /// Rows read (without the header).
    pub rows: u64,
    /// Rows without errors.
    pub valid: u64,
    /// Rows written.
    pub written: u64,
    /// How many problems were found.
    pub error_count: u64,
    /// The charset the file is read in (`UTF-8`, `EUC-KR`, `gb18030`, `windows-1252`...), once
    /// received: the one the request named, else UTF-8 when the file is UTF-8, else what a
    /// spreadsheet in the shop's language saves.
    pub charset: Option<String>,
    /// The first thousand problems, by line.
    #[schema(value_type = Vec<Object>)]
    pub errors: Vec<RowError>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
}

type Job = Arc<Mutex<ImportJob>>;

/// The imports of this process, by store and id (the finished ones for an hour).
#[derive(Default)]
pub struct ImportJobs(Mutex<HashMap<(String, String), Job>>);

impl ImportJobs {
    fn start(&self, store: &str, id: &str, kind: ImportKind) -> Option<Job> {
        let mut jobs = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let hour_ago = Utc::now() - chrono::Duration::hours(1);
        jobs.retain(|_, j| lock(j).finished_at.is_none_or(|t| t > hour_ago));
        let key = (store.to_owned(), id.to_owned());
        if jobs.get(&key).is_some_and(|j| lock(j).finished_at.is_none()) {
            return None;
        }
        let job = Arc::new(Mutex::new(ImportJob {
            id: id.to_owned(),
            kind: kind.name().to_owned(),
            status: "receiving".into(),
            bytes: 0,
            rows: 0,
            valid: 0,
            written: 0,
            error_count: 0,
            charset: None,
            errors: Vec::new(),
            started_at: Utc::now(),
            finished_at: None,
        }));
        jobs.insert(key, job.clone());
        Some(job)
    }

    fn get(&self, store: &str, id: &str) -> Option<ImportJob> {
        let jobs = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        jobs.get(&(store.to_owned(), id.to_owned())).map(|j| lock(j).clone())
    }
}

fn lock(job: &Job) -> std::sync::MutexGuard<'_, ImportJob> {
    job.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn set(job: &Job, f: impl FnOnce(&mut ImportJob)) {
    f(&mut lock(job));
}

fn permission(kind: ImportKind) -> Permission {
    match kind {
        ImportKind::Products => Permission::CatalogWrite,
        ImportKind::StockCounts => Permission::StockWrite,
        ImportKind::Members => Permission::MembersWrite,
    }
}

fn kind_of(name: &str) -> Result<ImportKind, ApiError> {
    ImportKind::parse(name)
        .ok_or_else(|| ApiError::not_found("the kinds are products, stock-counts and members"))
}

/// What an import asks.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// Write the valid rows even when others have errors (false by default: any error and
    /// nothing is written).
    pub valid_rows: Option<bool>,
    /// The file's charset (`utf-8`, `euc-kr` or `cp949`, `gb18030` or `gbk`, `windows-1252`),
    /// when it is not UTF-8 and not what a spreadsheet in the shop's language saves. The
    /// Content-Type's `charset` says the same. Without either: UTF-8 when the file is UTF-8,
    /// else EUC-KR in a KRW shop, GB18030 in a CNY shop, Windows-1252 otherwise.
    pub charset: Option<String>,
}

/// A temporary file removed when dropped.
struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A received file and the charset it is read in.
#[derive(Clone)]
struct CsvFile {
    path: std::path::PathBuf,
    charset: &'static Encoding,
}

/// Streams the body to a temporary file, counting bytes into the job; its SHA-256 and whether
/// it is UTF-8.
async fn spool(body: Body, job: &Job) -> Result<(Spool, String, bool), ApiError> {
    let path = std::env::temp_dir().join(format!("pos-import-{}.csv", uuid::Uuid::now_v7()));
    let spool = Spool(path);
    let mut file = tokio::fs::File::create(&spool.0).await.map_err(ApiError::internal)?;
    let mut hash = Sha256::new();
    let mut utf8 = charset::Utf8Check::default();
    let mut size = 0_u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk =
            chunk.map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "body_unreadable", e.to_string()))?;
        size += chunk.len() as u64;
        if size > MAX_IMPORT {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!("an import takes at most {MAX_IMPORT} bytes"),
            ));
        }
        hash.update(&chunk);
        utf8.feed(&chunk);
        file.write_all(&chunk).await.map_err(ApiError::internal)?;
        set(job, |j| j.bytes = size);
    }
    file.flush().await.map_err(ApiError::internal)?;
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((spool, hex, utf8.is_utf8()))
}

/// Reads a CSV file record by record: `each` gets the header's fields (line 1) and then each
/// row with its line, and says whether to go on.
fn each_row(
    file: &CsvFile,
    mut each: impl FnMut(u64, &[&str]) -> Result<bool, Vec<RowError>>,
) -> Result<(), Vec<RowError>> {
    let whole = |reason: String| vec![RowError { line: 1, field: "file".into(), reason }];
    let mut opened = std::fs::File::open(&file.path).map_err(|e| whole(e.to_string()))?;
    let mut head = [0_u8; 2];
    let n = std::io::Read::read(&mut opened, &mut head).map_err(|e| whole(e.to_string()))?;
    if n == 2 && (head == [0xFF, 0xFE] || head == [0xFE, 0xFF]) {
        return Err(whole("the file is UTF-16 (\"Unicode text\"): save it as \"CSV UTF-8\"".into()));
    }
    std::io::Seek::rewind(&mut opened).map_err(|e| whole(e.to_string()))?;
    let source: Box<dyn std::io::Read> = match file.charset == encoding_rs::UTF_8 {
        true => Box::new(opened),
        false => Box::new(charset::Transcoded::new(opened, file.charset)),
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(source);
    let mut record = csv::StringRecord::new();
    let mut empty = true;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, csv::Position::line);
                let fields: Vec<&str> = record.iter().collect();
                // Blank lines (after the header) are skipped.
                if !empty && fields.len() == 1 && fields[0].trim().is_empty() {
                    continue;
                }
                empty = false;
                if !each(line, &fields)? {
                    break;
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                let reason = match e.kind() {
                    csv::ErrorKind::Utf8 { .. } => "the file is not UTF-8: save it as \"CSV UTF-8\" or name \
                                                    its charset (?charset=euc-kr, gb18030, windows-1252...)"
                        .to_owned(),
                    // A byte the charset lacks, on the line the decoder was at.
                    csv::ErrorKind::Io(io) => {
                        match io.get_ref().and_then(|e| e.downcast_ref::<charset::NotInCharset>()) {
                            Some(not) => {
                                return Err(vec![RowError {
                                    line: not.line,
                                    field: "row".into(),
                                    reason: not.to_string(),
                                }]);
                            }
                            None => e.to_string(),
                        }
                    }
                    _ => e.to_string(),
                };
                return Err(vec![RowError { line, field: "row".into(), reason }]);
            }
        }
    }
    if empty {
        return Err(vec![RowError { line: 1, field: "file".into(), reason: "the file is empty".into() }]);
    }
    Ok(())
}

fn note_errors(job: &Job, errors: Vec<RowError>) {
    set(job, |j| {
        j.error_count += errors.len() as u64;
        let room = KEPT_ERRORS.saturating_sub(j.errors.len());
        j.errors.extend(errors.into_iter().take(room));
    });
}

/// A row checker, boxed.
type Checker<T> = Box<dyn FnMut(u64, &[&str]) -> Result<T, Vec<RowError>> + Send>;

/// The checker of a kind, over what it needs.
fn checker<T>(f: impl FnMut(u64, &[&str]) -> Result<T, Vec<RowError>> + Send + 'static) -> Checker<T> {
    Box::new(f)
}

/// The rows of a file, checked on a blocking thread: the header makes the checker, each valid
/// row's value goes to `take` (in order, which says whether to go on); problems go to the job.
fn check_rows<T: Send + 'static>(
    file: CsvFile,
    kind: ImportKind,
    job: Job,
    make: impl FnOnce(Header) -> Checker<T> + Send + 'static,
    mut take: impl FnMut(u64, T) -> bool + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || {
        let mut make = Some(make);
        let mut check: Option<Checker<T>> = None;
        let result = each_row(&file, |line, fields| {
            let Some(check) = check.as_mut() else {
                let header = Header::new(kind, fields)?;
                check = make.take().map(|m| m(header));
                return Ok(true);
            };
            set(&job, |j| j.rows += 1);
            match check(line, fields) {
                Ok(value) => {
                    set(&job, |j| j.valid += 1);
                    Ok(take(line, value))
                }
                Err(errors) => {
                    note_errors(&job, errors);
                    Ok(true)
                }
            }
        });
        if let Err(errors) = result {
            note_errors(&job, errors);
        }
    })
}

/// Imports a CSV file of products, stock counts or members.
#[utoipa::path(post, path = "/api/v1/stores/{store}/imports/{kind}", tag = "imports",
    params(("store" = String, Path, description = "Store id"), ("kind" = String, Path, description = "`products`, `stock-counts` or `members`"), ImportQuery, ("Idempotency-Key" = String, Header, description = "Once per request; also the job's id")),
    request_body(content = String, description = "CSV, the first line naming the columns; UTF-8, or the charset named by `charset`, or what a spreadsheet in the shop's language saves (EUC-KR in a KRW shop, GB18030 in a CNY shop, Windows-1252 otherwise)", content_type = "text/csv"),
    responses((status = 200, description = "Imported: the job's report", body = ImportJob), (status = 409, description = "An import with this key is running", body = Problem, content_type = "application/problem+json"), (status = 413, description = "Over 256 MiB", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Rows with errors (every one listed by line and field in `errors`); nothing was written", body = Problem, content_type = "application/problem+json")))]
pub async fn import<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, kind)): Path<(String, String)>,
    Query(q): Query<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let shop = shop_for(&state, &who, &store, permission(kind), "imports").await?;
    let key = headers
        .get("idempotency-key")
        .and_then(|k| k.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.chars().count() <= 128)
        .ok_or_else(|| {
            ApiError::field("Idempotency-Key", "an import needs an Idempotency-Key of at most 128 characters")
        })?
        .to_owned();
    let content_type = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let named = match q.charset.as_deref().or_else(|| content_type.and_then(charset::in_content_type)) {
        Some(label) => Some(charset::named(label)?),
        None => None,
    };
    let Some(job) = state.inner.imports.start(&shop.profile.id.0, &key, kind) else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "request_in_progress",
            "an import with this Idempotency-Key is running; follow it at its job",
        ));
    };
    let outcome = match spool(body, &job).await {
        Ok((spooled, hash, utf8)) => {
            let charset = match named {
                Some(named) => named,
                None if utf8 => encoding_rs::UTF_8,
                None => charset::of_spreadsheets(shop.settings.store.currency),
            };
            set(&job, |j| j.charset = Some(charset.name().to_owned()));
            let what = format!(
                "imports/{}?valid_rows={}&charset={}",
                kind.name(),
                q.valid_rows.unwrap_or(false),
                charset.name()
            );
            let file = CsvFile { path: spooled.0.clone(), charset };
            let run = run_import(&state, &shop, &who.actor, kind, q.valid_rows.unwrap_or(false), &file, &job);
            Ok(idempotent(&state, &shop.profile.id, &headers, &what, hash.as_bytes(), run).await)
        }
        Err(e) => Err(e),
    };
    set(&job, |j| {
        if j.finished_at.is_none() {
            j.finished_at = Some(Utc::now());
            if !matches!(j.status.as_str(), "done" | "rejected") {
                j.status = "failed".into();
            }
        }
    });
    outcome
}

async fn run_import<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    actor: &str,
    kind: ImportKind,
    valid_rows: bool,
    file: &CsvFile,
    job: &Job,
) -> Result<(StatusCode, serde_json::Value), ApiError> {
    set(job, |j| j.status = "checking".into());
    let store = &shop.profile.id;
    let catalog = Arc::new(state.inner.store.load_catalog(store, shop.settings.store.currency).await?);
    let tax = shop.settings.store.tax.clone();
    let currency = shop.settings.store.currency;
    // The first pass: every row checked, the values of members and counts kept (products are
    // read again to be written, so a large catalog is never held twice).
    let counts: Arc<Mutex<Vec<imports::CountRow>>> = Arc::default();
    let members: Arc<Mutex<Vec<(u64, pos_loyalty::Member)>>> = Arc::default();
    let first = match kind {
        ImportKind::Products => {
            let (c, t) = (catalog.clone(), tax.clone());
            check_rows(
                file.clone(),
                kind,
                job.clone(),
                move |h| {
                    let mut rows = ProductRows::new(h, c, t, currency);
                    checker(move |line, f| rows.row(line, f))
                },
                |_, _| true,
            )
        }
        ImportKind::StockCounts => {
            let (c, out) = (catalog.clone(), counts.clone());
            check_rows(
                file.clone(),
                kind,
                job.clone(),
                move |h| {
                    let mut rows = CountRows::new(h, c);
                    checker(move |line, f| rows.row(line, f))
                },
                move |_, row| {
                    out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(row);
                    true
                },
            )
        }
        ImportKind::Members => {
            let (now, out) = (Utc::now(), members.clone());
            check_rows(
                file.clone(),
                kind,
                job.clone(),
                move |h| {
                    let mut rows = MemberRows::new(h, now);
                    checker(move |line, f| rows.row(line, f))
                },
                move |line, m| {
                    out.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((line, m));
                    true
                },
            )
        }
    };
    first.await.map_err(ApiError::internal)?;
    // A phone number that is another stored member's.
    let mut members = std::mem::take(&mut *members.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    if kind == ImportKind::Members {
        let (kept, errors) =
            pos_app::imports::members_free_phones(&*state.inner.store, store, members).await?;
        set(job, |j| j.valid -= errors.len() as u64);
        note_errors(job, errors);
        members = kept;
    }
    let report = lock(job).clone();
    if report.error_count > 0 && (!valid_rows || report.valid == 0) {
        set(job, |j| j.status = "rejected".into());
        let problem = Problem {
            kind: "about:blank#import_rejected".into(),
            title: "Unprocessable Entity".into(),
            status: 422,
            code: "import_rejected".into(),
            field: None,
            detail: format!(
                "{} problem(s) in {} row(s) read; nothing was imported (send ?valid_rows=true to import the valid rows)",
                report.error_count, report.rows
            ),
        };
        let mut value = serde_json::to_value(problem).map_err(ApiError::internal)?;
        value["errors"] = serde_json::to_value(&lock(job).errors).map_err(ApiError::internal)?;
        value["error_count"] = report.error_count.into();
        value["job"] = report.id.clone().into();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, value));
    }
    set(job, |j| j.status = "writing".into());
    match kind {
        ImportKind::Products => {
            write_products(state, shop, file.clone(), catalog, tax, currency, job).await?
        }
        ImportKind::StockCounts => {
            let counts =
                std::mem::take(&mut *counts.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
            write_counts(shop, actor, &report.id, counts, job).await?;
        }
        ImportKind::Members => {
            let errors = pos_app::imports::write_members(&*state.inner.store, store, members, || {
                set(job, |j| j.written += 1);
            })
            .await?;
            note_errors(job, errors);
        }
    }
    set(job, |j| {
        j.status = "done".into();
        j.finished_at = Some(Utc::now());
    });
    json(StatusCode::OK, &*lock(job))
}

/// The second pass over a product file: checked again (the same decisions), written a thousand
/// at a time.
async fn write_products<S: Store>(
    state: &AppState<S>,
    shop: &Shop<S>,
    file: CsvFile,
    catalog: Arc<pos_core::Catalog>,
    tax: pos_core::TaxTable,
    currency: pos_core::Currency,
    job: &Job,
) -> Result<(), ApiError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Product>>(2);
    // A scratch job: the first pass already counted rows and errors.
    let scratch = Arc::new(Mutex::new(lock(job).clone()));
    let mut batch = Batch { chunk: Vec::with_capacity(CHUNK), tx };
    let reader = check_rows(
        file,
        ImportKind::Products,
        scratch,
        move |h| {
            let mut rows = ProductRows::new(h, catalog, tax, currency);
            checker(move |line, f| rows.row(line, f))
        },
        move |_, product| batch.push(product),
    );
    let mut written = 0;
    while let Some(products) = rx.recv().await {
        state.inner.store.upsert_products(&shop.profile.id, &products).await?;
        written += products.len() as u64;
        set(job, |j| j.written = written);
    }
    reader.await.map_err(ApiError::internal)?;
    shop.checkout.reload().await?;
    Ok(())
}

/// Products on their way from the reading thread to the writer, a chunk at a time; the last,
/// partial chunk goes when the reader is done with it (dropped on the reading thread).
struct Batch {
    chunk: Vec<Product>,
    tx: tokio::sync::mpsc::Sender<Vec<Product>>,
}

impl Batch {
    fn push(&mut self, product: Product) -> bool {
        self.chunk.push(product);
        if self.chunk.len() < CHUNK {
            return true;
        }
        let full = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        self.tx.blocking_send(full).is_ok()
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        if !self.chunk.is_empty() {
            let _ = self.tx.blocking_send(std::mem::take(&mut self.chunk));
        }
    }
}

async fn write_counts<S: Store>(
    shop: &Shop<S>,
    actor: &str,
    id: &str,
    counts: Vec<imports::CountRow>,
    job: &Job,
) -> Result<(), ApiError> {
    let mut by_location: BTreeMap<LocationId, Vec<(Sku, Decimal)>> = BTreeMap::new();
    for c in counts {
        by_location.entry(c.location).or_default().push((c.sku, c.counted));
    }
    let tag: String = auth::sha256(id).chars().take(12).collect();
    for (n, (location, lines)) in by_location.into_iter().enumerate() {
        for (part, lines) in lines.chunks(CHUNK).enumerate() {
            let count_id = format!("csv-{tag}-{n}-{part}");
            match shop.stock.post_count(&count_id, &location, lines, actor, Utc::now()).await {
                // Posted by an earlier run of this import that did not finish.
                Ok(_) | Err(pos_app::AppError::Store(pos_app::StoreError::Duplicate { .. })) => {}
                Err(e) => return Err(e.into()),
            }
            set(job, |j| j.written += lines.len() as u64);
        }
    }
    Ok(())
}

/// An import's progress and report.
#[utoipa::path(get, path = "/api/v1/stores/{store}/imports/{kind}/{id}", tag = "imports",
    params(("store" = String, Path, description = "Store id"), ("kind" = String, Path, description = "`products`, `stock-counts` or `members`"), ("id" = String, Path, description = "The import's Idempotency-Key")),
    responses((status = 200, description = "The job", body = ImportJob), (status = 404, description = "No such import in the last hour", body = Problem, content_type = "application/problem+json")))]
pub async fn import_job<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, kind, id)): Path<(String, String, String)>,
) -> Result<Json<ImportJob>, ApiError> {
    let kind = kind_of(&kind)?;
    let shop = shop_for(&state, &who, &store, permission(kind), "imports").await?;
    state
        .inner
        .imports
        .get(&shop.profile.id.0, &id)
        .filter(|j| j.kind == kind.name())
        .map(Json)
        .ok_or_else(|| ApiError::not_found(format!("no {} import `{id}` in the last hour", kind.name())))
}

/// A CSV row.
fn csv_line(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| super::reports::csv_field(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

fn csv_response(name: &str, body: Body) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}.csv\"")),
        ],
        body,
    )
        .into_response()
}

/// What an export asks.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Begin with a UTF-8 byte order mark, so that Excel opens Hangul, Hanzi and umlauts right
    /// (true by default; an import skips it).
    pub bom: Option<bool>,
}

/// Exports products, stock levels (as a count file) or members as CSV, in the columns an import
/// reads back.
#[utoipa::path(get, path = "/api/v1/stores/{store}/exports/{kind}", tag = "imports",
    params(("store" = String, Path, description = "Store id"), ("kind" = String, Path, description = "`products`, `stock-counts` (the levels on hand) or `members`"), ExportQuery),
    responses((status = 200, description = "CSV, UTF-8, with a byte order mark unless `bom=false`", content_type = "text/csv"), (status = 404, description = "Unknown kind", body = Problem, content_type = "application/problem+json"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn export<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, kind)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let kind = kind_of(&kind)?;
    let read = match kind {
        ImportKind::Products => Permission::CatalogRead,
        ImportKind::StockCounts => Permission::StockRead,
        // Personal data: those who may change members.
        ImportKind::Members => Permission::MembersWrite,
    };
    let shop = shop_for(&state, &who, &store, read, "exports").await?;
    let header = super::reports::csv_start(q.bom)
        + &csv_line(&kind.columns().iter().map(|c| (*c).to_owned()).collect::<Vec<_>>());
    let id = shop.profile.id.clone();
    match kind {
        ImportKind::Products => {
            let catalog = state.inner.store.load_catalog(&id, shop.settings.store.currency).await?;
            let mut text = header;
            for p in catalog.products() {
                text.push_str(&csv_line(&imports::product_row(p)));
            }
            Ok(csv_response("products", Body::from(text)))
        }
        ImportKind::StockCounts => {
            let mut text = header;
            for line in state.inner.store.stock(&id).await? {
                text.push_str(&csv_line(&imports::stock_row(
                    &line.location,
                    &line.sku,
                    line.row.level.on_hand,
                )));
            }
            Ok(csv_response("stock-counts", Body::from(text)))
        }
        ImportKind::Members => {
            auth::log(&state, &id, &who.actor, "export", "members", true).await;
            // Page by page from the database as the client reads.
            let store = state.inner.store.clone();
            let pages = futures_util::stream::unfold(Some((String::new(), Some(header))), move |cursor| {
                let store = store.clone();
                let id = id.clone();
                async move {
                    let (after, header) = cursor?;
                    match store.members_after(&id, &after, CHUNK).await {
                        Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
                        Ok(page) => {
                            let mut text = header.unwrap_or_default();
                            for m in &page {
                                text.push_str(&csv_line(&imports::member_row(m)));
                            }
                            let next =
                                page.last().filter(|_| page.len() == CHUNK).map(|m| (m.id.clone(), None));
                            if text.is_empty() { None } else { Some((Ok(text), next)) }
                        }
                    }
                }
            });
            Ok(csv_response("members", Body::from_stream(pages)))
        }
    }
}

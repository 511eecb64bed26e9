//! Reports, the event feed and the journal.

#[allow(unused_imports, reason = "each resource uses part of what the handlers share")]
use super::*;

/// A report's days.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Days {
    /// First store-local day (YYYY-MM-DD).
    #[param(value_type = String)]
    pub first: NaiveDate,
    /// Last store-local day, inclusive.
    #[param(value_type = String)]
    pub last: NaiveDate,
}

/// The sales report of some days.
#[utoipa::path(get, path = "/api/v1/stores/{store}/reports/sales", tag = "reports",
    params(("store" = String, Path, description = "Store id"), Days),
    responses((status = 200, description = "The report"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn sales_report<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(days): Query<Days>,
) -> Result<Json<pos_app::SalesReport>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::ReportsRead, "reports").await?;
    Ok(Json(shop.reports.sales_report(days.first, days.last).await?))
}

/// A page of the event feed.
#[derive(Debug, Deserialize, IntoParams)]
pub struct Feed {
    /// The last sequence already seen (0 for the start).
    pub after: Option<u64>,
    /// Most events to return (1 to 1,000; 100 by default).
    pub limit: Option<usize>,
}

/// Events after a cursor, in order.
#[utoipa::path(get, path = "/api/v1/stores/{store}/events", tag = "integrations",
    params(("store" = String, Path, description = "Store id"), Feed),
    responses((status = 200, description = "Events"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn events<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(feed): Query<Feed>,
) -> Result<Json<Vec<pos_app::Event>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::EventsRead, "events").await?;
    let limit = feed.limit.unwrap_or(100);
    if !(1..=1_000).contains(&limit) {
        return Err(ApiError::field("limit", "must be from 1 to 1000"));
    }
    Ok(Json(state.inner.store.events_after(&shop.profile.id, feed.after.unwrap_or(0), limit).await?))
}

/// Events of the caller's own store after a cursor, in order: the feed an integration token
/// reads without naming its store.
#[utoipa::path(get, path = "/api/v1/events", tag = "integrations",
    params(Feed),
    responses((status = 200, description = "Events"), (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"), (status = 403, description = "Not allowed", body = Problem, content_type = "application/problem+json")))]
pub async fn own_events<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Query(feed): Query<Feed>,
) -> Result<Json<Vec<pos_app::Event>>, ApiError> {
    let store = who.store.0.clone();
    events(State(state), Auth(who), Path(store), Query(feed)).await
}

/// The outcome of an audit.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditResult {
    /// Whether every check passed.
    pub ok: bool,
    /// Records checked.
    pub records: usize,
    /// The first problem, if any.
    pub problem: Option<String>,
}

/// Audits a terminal's journal and every row its documents wrote.
#[utoipa::path(get, path = "/api/v1/stores/{store}/journal/{terminal}/audit", tag = "journal",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal")),
    responses((status = 200, description = "OK", body = AuditResult)))]
pub async fn audit<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
) -> Result<Json<AuditResult>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::JournalRead, "journal").await?;
    let key = &shop.settings.journal_key;
    Ok(Json(match pos_app::audit_terminal(&*state.inner.store, key, &shop.profile.id, &terminal).await {
        Ok(records) => AuditResult { ok: true, records, problem: None },
        Err(e) => AuditResult { ok: false, records: 0, problem: Some(e.to_string()) },
    }))
}

/// A report's days and the table wanted as CSV.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CsvQuery {
    /// First store-local day (YYYY-MM-DD).
    #[param(value_type = String)]
    pub first: NaiveDate,
    /// Last store-local day, inclusive.
    #[param(value_type = String)]
    pub last: NaiveDate,
    /// `days` (the default), `hours`, `products`, `categories`, `cashiers`, `taxes` or `payments`.
    pub table: Option<String>,
    /// Begin with a UTF-8 byte order mark (true by default; see [`csv_start`]).
    pub bom: Option<bool>,
}

/// What a CSV file begins with: a UTF-8 byte order mark unless `bom=false`, so that a
/// spreadsheet (Excel in Korean, Chinese or German) opens it as UTF-8 rather than in its
/// legacy charset. Imports skip it.
pub(super) fn csv_start(bom: Option<bool>) -> String {
    if bom.unwrap_or(true) { "\u{feff}".to_owned() } else { String::new() }
}

/// A CSV field, quoted when it must be (and a leading `=`, `+`, `-`, `@` neutralised, so a
/// product name cannot become a spreadsheet formula).
pub(super) fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<Decimal>().is_err() {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// One table of the sales report as CSV (for accounting and spreadsheets): amounts in the store's
/// currency with a dot as decimal separator, one header row.
#[utoipa::path(get, path = "/api/v1/stores/{store}/reports/sales.csv", tag = "reports",
    params(("store" = String, Path, description = "Store id"), CsvQuery),
    responses((status = 200, description = "CSV", content_type = "text/csv"), (status = 422, description = "Invalid input, naming the field", body = Problem, content_type = "application/problem+json")))]
pub async fn sales_report_csv<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path(store): Path<String>,
    Query(q): Query<CsvQuery>,
) -> Result<Response, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::ReportsRead, "reports").await?;
    let table = q.table.unwrap_or_else(|| "days".into());
    if !["days", "hours", "products", "categories", "cashiers", "taxes", "payments"].contains(&table.as_str())
    {
        return Err(ApiError::field(
            "table",
            "must be days, hours, products, categories, cashiers, taxes or payments",
        ));
    }
    let r = shop.reports.sales_report(q.first, q.last).await?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let totals = |t: &pos_app::Totals| {
        vec![t.sales.to_string(), t.gross.to_string(), t.tax.to_string(), t.discount.to_string()]
    };
    match table.as_str() {
        "days" => {
            rows.push(vec!["day".into(), "sales".into(), "gross".into(), "tax".into(), "discount".into()]);
            rows.extend(r.by_day.iter().map(|(d, t)| [vec![d.to_string()], totals(t)].concat()));
        }
        "hours" => {
            rows.push(vec!["hour".into(), "sales".into(), "gross".into(), "tax".into(), "discount".into()]);
            rows.extend(r.by_hour.iter().map(|(h, t)| [vec![h.to_string()], totals(t)].concat()));
        }
        "products" => {
            rows.push(vec!["sku".into(), "name".into(), "quantity".into(), "gross".into()]);
            rows.extend(
                r.top_products.iter().map(|p| {
                    vec![p.sku.clone(), p.name.clone(), p.quantity.to_string(), p.gross.to_string()]
                }),
            );
        }
        "categories" | "cashiers" => {
            rows.push(vec![table.trim_end_matches('s').replace("categorie", "category"), "gross".into()]);
            let map = if table == "categories" { &r.by_category } else { &r.by_cashier };
            rows.extend(map.iter().map(|(k, v)| vec![k.clone(), v.to_string()]));
        }
        "taxes" => {
            rows.push(vec!["label".into(), "rate".into(), "net".into(), "tax".into(), "gross".into()]);
            rows.extend(r.taxes.iter().map(|t| {
                vec![
                    t.label.clone(),
                    t.rate.to_string(),
                    t.net.to_string(),
                    t.tax.to_string(),
                    t.gross.to_string(),
                ]
            }));
        }
        _ => {
            rows.push(vec!["tender".into(), "amount".into()]);
            let code = |k: &pos_payments::TenderKind| {
                serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
            };
            rows.extend(r.payment_mix.iter().map(|(k, v)| vec![code(k), v.to_string()]));
        }
    }
    let mut out = csv_start(q.bom);
    for row in rows {
        out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    let name = format!("attachment; filename=\"sales-{table}-{}-{}.csv\"", q.first, q.last);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, name),
        ],
        out,
    )
        .into_response())
}

/// A terminal's journal, as sealed: every record with its hash chain, to archive or to verify
/// elsewhere with the store's key.
#[utoipa::path(get, path = "/api/v1/stores/{store}/journal/{terminal}", tag = "journal",
    params(("store" = String, Path, description = "Store id"), ("terminal" = String, Path, description = "Terminal")),
    responses((status = 200, description = "The records, in sequence")))]
pub async fn journal<S: Store>(
    State(state): State<AppState<S>>,
    Auth(who): Auth,
    Path((store, terminal)): Path<(String, String)>,
) -> Result<Json<Vec<pos_core::journal::JournalEntry>>, ApiError> {
    let shop = shop_for(&state, &who, &store, Permission::JournalRead, "journal").await?;
    Ok(Json(state.inner.store.journal(&shop.profile.id, &terminal).await?))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_never_formulas() {
        assert_eq!(csv_field("바나나맛 우유"), "바나나맛 우유");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-1500"), "-1500", "a negative amount stays a number");
    }
}

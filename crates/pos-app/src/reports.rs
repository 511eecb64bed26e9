//! Reports over a period: sales by day and hour (store-local), top products, by category, by
//! cashier, margin, tax summary and payment mix. A report is defined as a fold over the period's
//! sale and return documents ([`fold`]); refunds count against the period they happen in.
//! Categories and costs are those the sale recorded, so a later catalog change does not rewrite
//! history. Each commit adds its document's summary rows ([`facts`]) per local day and hour, and
//! a report sums the rows of its days in the database ([`Reports::sales_report`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use pos_core::StoreConfig;
use pos_payments::TenderKind;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::AppError;
use crate::ports::{SaleStore, StoredDocument};

/// Counts and amounts of a group of sales.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Number of sales.
    pub sales: u64,
    /// Amount charged, refunds deducted.
    pub gross: Decimal,
    /// Tax in it.
    pub tax: Decimal,
    /// Discounts given.
    pub discount: Decimal,
}

impl Totals {
    fn zero() -> Self {
        Totals { sales: 0, gross: Decimal::ZERO, tax: Decimal::ZERO, discount: Decimal::ZERO }
    }
}

/// One product's line in the top-products list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductTotal {
    /// SKU.
    pub sku: String,
    /// Name.
    pub name: String,
    /// Quantity sold, refunds deducted.
    pub quantity: Decimal,
    /// Amount charged, refunds deducted.
    pub gross: Decimal,
}

/// Net, tax and gross of one tax rate over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxTotal {
    /// Label.
    pub label: String,
    /// Rate in percent.
    pub rate: Decimal,
    /// Net.
    pub net: Decimal,
    /// Tax.
    pub tax: Decimal,
    /// Gross.
    pub gross: Decimal,
}

/// The sales report of a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SalesReport {
    /// Currency of every amount.
    pub currency: pos_core::Currency,
    /// Everything.
    pub total: Totals,
    /// Refunded in the period.
    pub refunds: Decimal,
    /// Per store-local day.
    pub by_day: BTreeMap<NaiveDate, Totals>,
    /// Per store-local hour of the day (0-23).
    pub by_hour: BTreeMap<u32, Totals>,
    /// Products by amount, biggest first (ties by SKU).
    pub top_products: Vec<ProductTotal>,
    /// Amount per category.
    pub by_category: BTreeMap<String, Decimal>,
    /// Amount per cashier.
    pub by_cashier: BTreeMap<String, Decimal>,
    /// Net sales minus cost, over products with a known cost.
    pub margin: Decimal,
    /// Per tax rate; sums to the totals.
    pub taxes: Vec<TaxTotal>,
    /// Amount per tender kind, refunds deducted.
    pub payment_mix: BTreeMap<TenderKind, Decimal>,
}

/// A line of a sale or refund document, as the report needs it.
struct Row {
    sku: pos_core::Sku,
    name: String,
    quantity: Decimal,
    total: Decimal,
    net: Decimal,
    discount: Decimal,
    category: String,
    cost: Option<Decimal>,
}

/// A sale (sign +1) or refund (sign -1) document, as the report needs it.
struct Entry {
    sign: Decimal,
    rows: Vec<Row>,
    taxes: Vec<pos_core::TaxBreakdown>,
    tenders: Vec<(TenderKind, Decimal)>,
    cashier: String,
}

impl Entry {
    fn of(doc: &StoredDocument) -> Entry {
        match doc {
            StoredDocument::Sale(sale) => Entry {
                sign: Decimal::ONE,
                rows: sale
                    .priced
                    .lines
                    .iter()
                    .map(|l| {
                        let facts = sale.lines.iter().find(|f| f.line_id == l.line_id);
                        Row {
                            sku: l.sku.clone(),
                            name: l.name.clone(),
                            quantity: l.quantity.value(),
                            total: l.total.amount(),
                            net: l.net.amount(),
                            discount: l.discount_total().amount(),
                            category: sale.category(l.line_id).to_owned(),
                            cost: facts.and_then(|f| f.cost),
                        }
                    })
                    .collect(),
                taxes: sale.priced.taxes.clone(),
                tenders: sale.settlement.tenders.iter().map(|t| (t.kind, t.amount.amount())).collect(),
                cashier: sale.cashier.clone(),
            },
            StoredDocument::Return(ret) => Entry {
                sign: Decimal::NEGATIVE_ONE,
                rows: ret
                    .lines
                    .iter()
                    .map(|l| Row {
                        sku: l.sku.clone(),
                        name: String::new(),
                        quantity: l.quantity,
                        total: l.amount.amount(),
                        net: Decimal::ZERO,
                        discount: Decimal::ZERO,
                        category: l.category.clone(),
                        cost: None,
                    })
                    .collect(),
                taxes: ret.quote.taxes.clone(),
                tenders: ret.payments.iter().map(|p| (p.kind, p.amount.amount())).collect(),
                cashier: ret.cashier.clone(),
            },
        }
    }
}

/// What a line cost, in minor units of the currency (half up): margins add up in minor units,
/// as every stored amount does.
fn line_cost(cost: Decimal, quantity: Decimal, currency: pos_core::Currency) -> Decimal {
    pos_core::Money::new(cost * quantity, currency).round(pos_core::RoundingMode::HalfUp).amount()
}

/// Folds documents into a report. `local` turns a time into the store's local date and hour.
/// This is the definition of the report, kept as the oracle of [`Reports::sales_report`], which
/// reads the summary rows every commit maintains ([`facts`]).
pub fn fold(
    currency: pos_core::Currency,
    docs: &[StoredDocument],
    local: &dyn Fn(DateTime<Utc>) -> (NaiveDate, u32),
) -> SalesReport {
    let mut r = SalesReport {
        currency,
        total: Totals::zero(),
        refunds: Decimal::ZERO,
        by_day: BTreeMap::new(),
        by_hour: BTreeMap::new(),
        top_products: Vec::new(),
        by_category: BTreeMap::new(),
        by_cashier: BTreeMap::new(),
        margin: Decimal::ZERO,
        taxes: Vec::new(),
        payment_mix: BTreeMap::new(),
    };
    let mut products: BTreeMap<String, ProductTotal> = BTreeMap::new();
    let mut taxes: BTreeMap<(String, Decimal), TaxTotal> = BTreeMap::new();
    for doc in docs {
        let (day, hour) = local(doc.at());
        if let StoredDocument::Return(ret) = doc {
            r.refunds += ret.quote.amount.amount();
        }
        let entry = Entry::of(doc);
        let sign = entry.sign;
        let gross: Decimal = entry.rows.iter().map(|l| l.total).sum();
        let tax: Decimal = entry.taxes.iter().map(|t| t.tax.amount()).sum();
        let discount: Decimal = entry.rows.iter().map(|l| l.discount).sum();
        for t in [
            &mut r.total,
            r.by_day.entry(day).or_insert(Totals::zero()),
            r.by_hour.entry(hour).or_insert(Totals::zero()),
        ] {
            if sign > Decimal::ZERO {
                t.sales += 1;
            }
            t.gross += sign * gross;
            t.tax += sign * tax;
            t.discount += sign * discount;
        }
        for Row { sku, name, quantity, total, net, category, cost, .. } in &entry.rows {
            let p = products.entry(sku.to_string()).or_insert_with(|| ProductTotal {
                sku: sku.to_string(),
                name: name.clone(),
                quantity: Decimal::ZERO,
                gross: Decimal::ZERO,
            });
            if p.name.is_empty() {
                p.name.clone_from(name);
            }
            p.quantity += sign * quantity;
            p.gross += sign * total;
            *r.by_category.entry(category.clone()).or_default() += sign * total;
            if sign > Decimal::ZERO
                && let Some(cost) = cost
            {
                r.margin += net - line_cost(*cost, *quantity, currency);
            }
        }
        *r.by_cashier.entry(entry.cashier).or_default() += sign * gross;
        for t in &entry.taxes {
            let e = taxes.entry((t.label.clone(), t.rate)).or_insert_with(|| TaxTotal {
                label: t.label.clone(),
                rate: t.rate,
                net: Decimal::ZERO,
                tax: Decimal::ZERO,
                gross: Decimal::ZERO,
            });
            e.net += sign * t.net.amount();
            e.tax += sign * t.tax.amount();
            e.gross += sign * t.gross.amount();
        }
        for (kind, amount) in entry.tenders {
            *r.payment_mix.entry(kind).or_default() += sign * amount;
        }
    }
    let mut top: Vec<ProductTotal> = products.into_values().collect();
    top.sort_by(|a, b| b.gross.cmp(&a.gross).then_with(|| a.sku.cmp(&b.sku)));
    r.top_products = top;
    r.taxes = taxes.into_values().collect();
    r
}

/// What a summary row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    /// Sales, gross, tax and discount of a local hour of a day.
    Hour,
    /// Amount refunded (the quoted amount of returns).
    Refunds,
    /// A product: quantity and gross (its name as the label).
    Product,
    /// A category: gross.
    Category,
    /// A cashier: gross.
    Cashier,
    /// Net minus cost over lines with a known cost.
    Margin,
    /// A tax rate (key `rate|label`): net, tax, gross.
    Tax,
    /// A tender kind: amount.
    Tender,
}

impl Dim {
    /// The stable name, as stored.
    pub fn code(self) -> &'static str {
        match self {
            Dim::Hour => "hour",
            Dim::Refunds => "refunds",
            Dim::Product => "product",
            Dim::Category => "category",
            Dim::Cashier => "cashier",
            Dim::Margin => "margin",
            Dim::Tax => "tax",
            Dim::Tender => "tender",
        }
    }

    /// The dimension with this [`Dim::code`].
    pub fn from_code(code: &str) -> Option<Dim> {
        [
            Dim::Hour,
            Dim::Refunds,
            Dim::Product,
            Dim::Category,
            Dim::Cashier,
            Dim::Margin,
            Dim::Tax,
            Dim::Tender,
        ]
        .into_iter()
        .find(|d| d.code() == code)
    }
}

/// A summary row: what one document adds to a dimension of its local day (and, for
/// [`Dim::Hour`], hour), or the sum of such rows over a period. Amounts are exact in the store's
/// currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ReportFact {
    /// Store-local day.
    pub day: NaiveDate,
    /// Store-local hour (0-23) for [`Dim::Hour`], 0 for the others.
    pub hour: u32,
    /// What it counts.
    pub dim: Dim,
    /// Which product, category, cashier, tax rate or tender ("" for the others).
    pub key: String,
    /// A product's name ("" when unknown).
    pub label: String,
    /// Number of sales.
    pub sales: i64,
    /// Quantity.
    pub quantity: Decimal,
    /// Gross amount (for margin: the margin).
    pub gross: Decimal,
    /// Tax.
    pub tax: Decimal,
    /// Discounts.
    pub discount: Decimal,
    /// Net.
    pub net: Decimal,
}

/// The summary rows a sale or return document adds, at its store-local day and hour.
pub fn facts(doc: &StoredDocument, local: &dyn Fn(DateTime<Utc>) -> (NaiveDate, u32)) -> Vec<ReportFact> {
    let (day, hour) = local(doc.at());
    let currency = match doc {
        StoredDocument::Sale(s) => s.priced.currency,
        StoredDocument::Return(r) => r.quote.amount.currency(),
    };
    // Only the hourly row has an hour: the others are kept per day, so a period's rows grow
    // with its days and keys, not with its hours.
    let fact = |dim: Dim, key: String| ReportFact {
        day,
        hour: if dim == Dim::Hour { hour } else { 0 },
        dim,
        key,
        label: String::new(),
        sales: 0,
        quantity: Decimal::ZERO,
        gross: Decimal::ZERO,
        tax: Decimal::ZERO,
        discount: Decimal::ZERO,
        net: Decimal::ZERO,
    };
    let entry = Entry::of(doc);
    let sign = entry.sign;
    let mut out = Vec::new();
    let mut hourly = fact(Dim::Hour, String::new());
    hourly.sales = i64::from(sign > Decimal::ZERO);
    hourly.gross = sign * entry.rows.iter().map(|l| l.total).sum::<Decimal>();
    hourly.tax = sign * entry.taxes.iter().map(|t| t.tax.amount()).sum::<Decimal>();
    hourly.discount = sign * entry.rows.iter().map(|l| l.discount).sum::<Decimal>();
    let cashier_gross = hourly.gross;
    out.push(hourly);
    if let StoredDocument::Return(ret) = doc {
        let mut refunds = fact(Dim::Refunds, String::new());
        refunds.gross = ret.quote.amount.amount();
        out.push(refunds);
    }
    let mut margin = Decimal::ZERO;
    for row in &entry.rows {
        let mut p = fact(Dim::Product, row.sku.to_string());
        p.label.clone_from(&row.name);
        p.quantity = sign * row.quantity;
        p.gross = sign * row.total;
        out.push(p);
        let mut c = fact(Dim::Category, row.category.clone());
        c.gross = sign * row.total;
        out.push(c);
        if sign > Decimal::ZERO
            && let Some(cost) = row.cost
        {
            margin += row.net - line_cost(cost, row.quantity, currency);
        }
    }
    let mut m = fact(Dim::Margin, String::new());
    m.gross = margin;
    out.push(m);
    let mut c = fact(Dim::Cashier, entry.cashier.clone());
    c.gross = cashier_gross;
    out.push(c);
    for t in &entry.taxes {
        let mut x = fact(Dim::Tax, format!("{}|{}", t.rate, t.label));
        x.label.clone_from(&t.label);
        x.net = sign * t.net.amount();
        x.tax = sign * t.tax.amount();
        x.gross = sign * t.gross.amount();
        out.push(x);
    }
    for (kind, amount) in entry.tenders {
        let mut x = fact(Dim::Tender, kind_code(kind));
        x.gross = sign * amount;
        out.push(x);
    }
    // One row per (dimension, key), a basket with the same SKU on two lines adding one, in the
    // order of (day, hour, dimension, key): the order commits lock summary rows in, so two
    // commits never wait for each other in a cycle.
    let mut merged: BTreeMap<(Dim, String), ReportFact> = BTreeMap::new();
    for f in out {
        match merged.get_mut(&(f.dim, f.key.clone())) {
            Some(m) => add(m, &f),
            None => {
                merged.insert((f.dim, f.key.clone()), f);
            }
        }
    }
    let mut rows: Vec<ReportFact> = merged.into_values().collect();
    rows.sort_by(|a, b| (a.day, a.hour, a.dim, &a.key).cmp(&(b.day, b.hour, b.dim, &b.key)));
    rows
}

fn kind_code(kind: TenderKind) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn add(to: &mut ReportFact, f: &ReportFact) {
    to.sales += f.sales;
    to.quantity += f.quantity;
    to.gross += f.gross;
    to.tax += f.tax;
    to.discount += f.discount;
    to.net += f.net;
    if to.label.is_empty() {
        to.label.clone_from(&f.label);
    }
}

/// The report from summary rows (summed per dimension and key; hours per day and hour).
pub fn report_of(currency: pos_core::Currency, rows: &[ReportFact]) -> SalesReport {
    let mut r = SalesReport {
        currency,
        total: Totals::zero(),
        refunds: Decimal::ZERO,
        by_day: BTreeMap::new(),
        by_hour: BTreeMap::new(),
        top_products: Vec::new(),
        by_category: BTreeMap::new(),
        by_cashier: BTreeMap::new(),
        margin: Decimal::ZERO,
        taxes: Vec::new(),
        payment_mix: BTreeMap::new(),
    };
    let mut products: BTreeMap<String, ProductTotal> = BTreeMap::new();
    let mut taxes: BTreeMap<(String, Decimal), TaxTotal> = BTreeMap::new();
    for f in rows {
        match f.dim {
            Dim::Hour => {
                for t in [
                    &mut r.total,
                    r.by_day.entry(f.day).or_insert(Totals::zero()),
                    r.by_hour.entry(f.hour).or_insert(Totals::zero()),
                ] {
                    t.sales += u64::try_from(f.sales).unwrap_or(0);
                    t.gross += f.gross;
                    t.tax += f.tax;
                    t.discount += f.discount;
                }
            }
            Dim::Refunds => r.refunds += f.gross,
            Dim::Product => {
                let p = products.entry(f.key.clone()).or_insert_with(|| ProductTotal {
                    sku: f.key.clone(),
                    name: String::new(),
                    quantity: Decimal::ZERO,
                    gross: Decimal::ZERO,
                });
                if p.name.is_empty() {
                    p.name.clone_from(&f.label);
                }
                p.quantity += f.quantity;
                p.gross += f.gross;
            }
            Dim::Category => *r.by_category.entry(f.key.clone()).or_default() += f.gross,
            Dim::Cashier => *r.by_cashier.entry(f.key.clone()).or_default() += f.gross,
            Dim::Margin => r.margin += f.gross,
            Dim::Tax => {
                let rate = f.key.split_once('|').and_then(|(rate, _)| rate.parse().ok()).unwrap_or_default();
                let e = taxes.entry((f.label.clone(), rate)).or_insert_with(|| TaxTotal {
                    label: f.label.clone(),
                    rate,
                    net: Decimal::ZERO,
                    tax: Decimal::ZERO,
                    gross: Decimal::ZERO,
                });
                e.net += f.net;
                e.tax += f.tax;
                e.gross += f.gross;
            }
            Dim::Tender => {
                if let Ok(kind) =
                    serde_json::from_value::<TenderKind>(serde_json::Value::String(f.key.clone()))
                {
                    *r.payment_mix.entry(kind).or_default() += f.gross;
                }
            }
        }
    }
    let mut top: Vec<ProductTotal> = products.into_values().collect();
    top.sort_by(|a, b| b.gross.cmp(&a.gross).then_with(|| a.sku.cmp(&b.sku)));
    r.top_products = top;
    r.taxes = taxes.into_values().collect();
    r
}

/// Reports of one store.
pub struct Reports<S: SaleStore> {
    store: Arc<S>,
    config: StoreConfig,
}

impl<S: SaleStore> Reports<S> {
    /// Reports over the store `config` describes (its currency and time zone).
    pub fn new(store: Arc<S>, config: StoreConfig) -> Self {
        Reports { store, config }
    }

    /// The sales report of the store-local days `first` to `last` (inclusive), from the summary
    /// rows the commits maintain: its cost depends on the days asked for, not on the history.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `last` when it is before `first`, or when the period
    /// is longer than ten years; [`AppError::Store`].
    pub async fn sales_report(&self, first: NaiveDate, last: NaiveDate) -> Result<SalesReport, AppError> {
        check_days(first, last)?;
        let rows = self.store.report_facts(&self.config.id, self.config.currency, first, last).await?;
        Ok(report_of(self.config.currency, &rows))
    }

    /// The same report folded from the period's documents: the definition the summary rows
    /// must agree with (slow; for checks and rebuilding).
    ///
    /// # Errors
    /// As [`Reports::sales_report`].
    pub async fn sales_report_from_documents(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<SalesReport, AppError> {
        check_days(first, last)?;
        let tz = self.config.time_zone;
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(tz).earliest())
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| AppError::invalid("first", "is not a day in the store's time zone"))
        };
        let next = last.succ_opt().ok_or_else(|| AppError::invalid("last", "is out of range"))?;
        let docs = self.store.documents_between(&self.config.id, start(first)?, start(next)?).await?;
        Ok(fold(self.config.currency, &docs, &local_of(tz)))
    }
}

/// A time as the store-local day and hour.
pub fn local_of(tz: chrono_tz::Tz) -> impl Fn(DateTime<Utc>) -> (NaiveDate, u32) {
    move |at: DateTime<Utc>| {
        let l = at.with_timezone(&tz);
        (l.date_naive(), l.hour())
    }
}

fn check_days(first: NaiveDate, last: NaiveDate) -> Result<(), AppError> {
    if last < first {
        return Err(AppError::invalid("last", "must not be before first"));
    }
    if (last - first).num_days() > 3_660 {
        return Err(AppError::invalid("last", "a report covers at most ten years"));
    }
    Ok(())
}

//! Reports over a period: sales by day and hour (store-local), top products, by category, by
//! cashier, margin, tax summary and payment mix. A report is a fold over the period's stored
//! sale and return documents; refunds count against the period they happen in. Categories and
//! costs are those the sale recorded, so a later catalog change does not rewrite history.

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

/// Folds documents into a report. `local` turns a time into the store's local date and hour.
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
                r.margin += net - cost * quantity;
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

    /// The sales report of `[from, to)`, days and hours in the store's time zone.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `to` when it is not after `from`; [`AppError::Store`].
    pub async fn sales_report(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<SalesReport, AppError> {
        if to <= from {
            return Err(AppError::invalid("to", "must be after from"));
        }
        let docs = self.store.documents_between(&self.config.id, from, to).await?;
        let tz = self.config.time_zone;
        let local = move |at: DateTime<Utc>| {
            let l = at.with_timezone(&tz);
            (l.date_naive(), l.hour())
        };
        Ok(fold(self.config.currency, &docs, &local))
    }
}

//! The audit's reads: every row a terminal's documents wrote, grouped by document.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::StoreError;
use pos_app::ports::{
    AuditStore, ChainHead, Counter, LineRecord, MovementRecord, PaymentRecord, PointsRecord,
    RefundLineRecord, RefundPayment, ReturnRows, SaleRows, TerminalRows,
};
use pos_core::StoreId;
use pos_inventory::{LocationId, MovementKind};
use pos_loyalty::EntryKind;
use uuid::Uuid;

use crate::rows::{HeadRow, corrupt, currency, from_code, from_milli, money, sku, uint};
use crate::{Dialect, SqlStore, sql_row};

sql_row! {
    /// A counter.
    pub(crate) struct CounterRow { name: String, n: i64 }
}

sql_row! {
    /// A sale's columns.
    pub(crate) struct AuditSaleRow {
        id: Uuid,
        number: i64,
        at: DateTime<Utc>,
        currency: String,
        total_minor: i64,
        cashier: String,
        journal_sequence: i64,
        document: String,
    }
}

sql_row! {
    /// A sale line with its sale's currency.
    pub(crate) struct AuditLineRow {
        sale_id: Uuid,
        line_id: i64,
        sku: String,
        quantity_milli: i64,
        discount_minor: i64,
        tax_minor: i64,
        total_minor: i64,
        currency: String,
    }
}

sql_row! {
    /// A sale payment with its sale's currency (in position order: its place is its position).
    pub(crate) struct AuditPaymentRow {
        sale_id: Uuid,
        kind: String,
        amount_minor: i64,
        state: String,
        reference: Option<String>,
        brand: Option<String>,
        last4: Option<String>,
        currency: String,
    }
}

sql_row! {
    /// A return's columns.
    pub(crate) struct AuditReturnRow {
        id: Uuid,
        number: i64,
        kind: String,
        sale_id: Uuid,
        at: DateTime<Utc>,
        currency: String,
        total_minor: i64,
        journal_sequence: i64,
        document: String,
    }
}

sql_row! {
    /// A returned line.
    pub(crate) struct AuditRefundLineRow {
        refund_id: Uuid,
        sale_id: Uuid,
        line_id: i64,
        quantity_milli: i64,
        amount_minor: i64,
        currency: String,
    }
}

sql_row! {
    /// Money a return gave back.
    pub(crate) struct AuditRefundPaymentRow {
        refund_id: Uuid,
        position: i64,
        kind: String,
        amount_minor: i64,
        reference: Option<String>,
        currency: String,
    }
}

sql_row! {
    /// A movement with its document.
    pub(crate) struct AuditMovementRow {
        location_id: String,
        sku: String,
        kind: String,
        reference: Option<String>,
        on_hand_milli: i64,
        reserved_milli: i64,
        document: Option<String>,
        actor: String,
        at: DateTime<Utc>,
    }
}

sql_row! {
    /// A ledger entry.
    pub(crate) struct AuditPointsRow {
        member_id: String,
        document_id: Uuid,
        sequence: i64,
        kind: String,
        points: i64,
        at: DateTime<Utc>,
    }
}

sql_row! {
    /// A used coupon.
    pub(crate) struct AuditCouponRow { code: String, used_on: String }
}

impl AuditPointsRow {
    pub(crate) fn record(self) -> Result<PointsRecord, StoreError> {
        Ok(PointsRecord {
            member: self.member_id,
            document: self.document_id,
            sequence: uint(self.sequence)?,
            kind: EntryKind::from_code(&self.kind).ok_or_else(|| corrupt(&self.kind))?,
            points: self.points,
            at: self.at,
        })
    }
}

fn line_id(n: i64) -> Result<u32, StoreError> {
    u32::try_from(n).map_err(corrupt)
}

fn counter(name: &str) -> Result<Counter, StoreError> {
    [Counter::Sale, Counter::Return, Counter::ShiftClose]
        .into_iter()
        .find(|c| c.code() == name)
        .ok_or_else(|| corrupt(format!("counter {name}")))
}

#[async_trait]
impl<D: Dialect> AuditStore for SqlStore<D> {
    async fn terminal_rows(&self, store: &StoreId, terminal: &str) -> Result<TerminalRows, StoreError> {
        let sql = &Self::sql().audit;
        let of = |q: &'static str| Self::q(q).bind(&store.0).bind(terminal);
        let head: Option<HeadRow> = self.one(of(sql.head)).await?;
        let head = head.map(|h| Ok::<_, StoreError>(ChainHead { sequence: uint(h.sequence)?, hash: h.hash }));
        let counters: Vec<CounterRow> = self.all(of(sql.counters)).await?;

        let mut lines: BTreeMap<Uuid, Vec<LineRecord>> = BTreeMap::new();
        for l in self.all::<AuditLineRow>(of(sql.sale_lines)).await? {
            let c = currency(&l.currency)?;
            lines.entry(l.sale_id).or_default().push(LineRecord {
                line_id: line_id(l.line_id)?,
                sku: sku(&l.sku)?,
                quantity: from_milli(l.quantity_milli),
                discount: money(l.discount_minor, c),
                tax: money(l.tax_minor, c),
                total: money(l.total_minor, c),
            });
        }
        let mut payments: BTreeMap<Uuid, Vec<PaymentRecord>> = BTreeMap::new();
        for p in self.all::<AuditPaymentRow>(of(sql.payments)).await? {
            payments.entry(p.sale_id).or_default().push(PaymentRecord {
                kind: from_code(&p.kind)?,
                amount: money(p.amount_minor, currency(&p.currency)?),
                state: from_code(&p.state)?,
                reference: p.reference,
                brand: p.brand,
                last4: p.last4,
            });
        }
        let sales = self
            .all::<AuditSaleRow>(of(sql.sales))
            .await?
            .into_iter()
            .map(|s| {
                Ok(SaleRows {
                    id: s.id,
                    number: uint(s.number)?,
                    at: s.at,
                    total: money(s.total_minor, currency(&s.currency)?),
                    cashier: s.cashier,
                    journal_sequence: uint(s.journal_sequence)?,
                    document: s.document,
                    lines: lines.remove(&s.id).unwrap_or_default(),
                    payments: payments.remove(&s.id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let mut refund_lines: BTreeMap<Uuid, Vec<RefundLineRecord>> = BTreeMap::new();
        for l in self.all::<AuditRefundLineRow>(of(sql.refund_lines)).await? {
            refund_lines.entry(l.refund_id).or_default().push(RefundLineRecord {
                sale_id: l.sale_id,
                line_id: line_id(l.line_id)?,
                quantity: from_milli(l.quantity_milli),
                amount: money(l.amount_minor, currency(&l.currency)?),
            });
        }
        let mut refund_payments: BTreeMap<Uuid, Vec<RefundPayment>> = BTreeMap::new();
        for p in self.all::<AuditRefundPaymentRow>(of(sql.refund_payments)).await? {
            refund_payments.entry(p.refund_id).or_default().push(RefundPayment {
                payment: usize::try_from(p.position).map_err(corrupt)?,
                kind: from_code(&p.kind)?,
                amount: money(p.amount_minor, currency(&p.currency)?),
                reference: p.reference,
            });
        }
        let returns = self
            .all::<AuditReturnRow>(of(sql.refunds))
            .await?
            .into_iter()
            .map(|r| {
                Ok(ReturnRows {
                    id: r.id,
                    number: uint(r.number)?,
                    kind: from_code(&r.kind)?,
                    sale_id: r.sale_id,
                    at: r.at,
                    total: money(r.total_minor, currency(&r.currency)?),
                    journal_sequence: uint(r.journal_sequence)?,
                    document: r.document,
                    lines: refund_lines.remove(&r.id).unwrap_or_default(),
                    payments: refund_payments.remove(&r.id).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        let movements = self
            .all::<AuditMovementRow>(of(sql.movements))
            .await?
            .into_iter()
            .map(|m| {
                Ok(MovementRecord {
                    location: LocationId::new(&m.location_id),
                    sku: sku(&m.sku)?,
                    kind: MovementKind::from_code(&m.kind, m.reference.as_deref()).map_err(corrupt)?,
                    on_hand: from_milli(m.on_hand_milli),
                    reserved: from_milli(m.reserved_milli),
                    document: m.document,
                    actor: m.actor,
                    at: m.at,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let points = self
            .all::<AuditPointsRow>(of(sql.points))
            .await?
            .into_iter()
            .map(AuditPointsRow::record)
            .collect::<Result<Vec<_>, StoreError>>()?;
        let coupons: Vec<AuditCouponRow> = self.all(of(sql.coupons)).await?;
        Ok(TerminalRows {
            head: head.transpose()?,
            counters: counters
                .iter()
                .map(|c| Ok((counter(&c.name)?, uint(c.n)?)))
                .collect::<Result<_, StoreError>>()?,
            sales,
            returns,
            movements,
            points,
            coupons: coupons.into_iter().map(|c| (c.code, c.used_on)).collect(),
        })
    }
}

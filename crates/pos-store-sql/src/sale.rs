//! Sales: per-terminal counters, the sale row, its lines and payments, and reading sales back
//! with what was returned of them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::ports::{
    Counter, PaymentRecord, PriorCommit, ReturnClaim, Returned, SaleCommit, SaleSteps, SaleStore,
    StoredDocument, StoredSale, receipt_number,
};
use pos_app::reports::{Dim, ReportFact};
use pos_app::{ReturnDocument, SaleDocument, StoreError, documents::decode};
use pos_core::{Currency, Money, StoreId};
use uuid::Uuid;

use crate::backend::Query;
use crate::error::{backend, constraint, unique_violation};
use crate::rows::{
    DataRow, DocumentRow, NumberRow, NumberedDocumentRow, PaymentRow, PriorDocumentRow, PriorRow,
    ReturnedLineRow, ReturnedPaymentRow, SaleRow, code, corrupt, currency, from_code, from_json, from_milli,
    int, json, milli, minor, money, uint,
};
use crate::{Dialect, SqlStore, SqlTx, sql_row};

impl PriorDocumentRow {
    fn prior(&self) -> Result<PriorCommit, StoreError> {
        Ok(PriorCommit {
            id: self.id,
            terminal: self.terminal_id.clone(),
            number: uint(self.number)?,
            kind: self.kind.as_deref().map(from_code).transpose()?,
            journal_sequence: uint(self.journal_sequence)?,
            request_hash: self.request_hash.clone(),
        })
    }
}

impl PriorRow {
    pub(crate) fn prior(&self) -> Result<PriorCommit, StoreError> {
        Ok(PriorCommit {
            id: self.id,
            terminal: self.terminal_id.clone(),
            number: uint(self.number)?,
            kind: self.kind.as_deref().map(from_code).transpose()?,
            journal_sequence: uint(self.journal_sequence)?,
            request_hash: self.request_hash.clone(),
        })
    }
}

impl PaymentRow {
    fn record(&self, currency: Currency) -> Result<PaymentRecord, StoreError> {
        Ok(PaymentRecord {
            kind: from_code(&self.kind)?,
            amount: money(self.amount_minor, currency),
            state: from_code(&self.state)?,
            reference: self.reference.clone(),
            brand: self.brand.clone(),
            last4: self.last4.clone(),
        })
    }
}

/// What was returned or claimed of a sale with `payments` payments so far, from its claimed
/// lines, its return payments and its open claims.
pub(crate) async fn returned_of<D: Dialect>(
    conn: &mut <D::Db as sqlx::Database>::Connection,
    sale: Uuid,
    payments: usize,
    currency: Currency,
) -> Result<Returned, StoreError> {
    let sql = &D::SQL.returns;
    let lines: Vec<ReturnedLineRow> = Query::<D::Db>::new(sql.lines).bind(sale).all(&mut *conn).await?;
    let paid: Vec<ReturnedPaymentRow> = Query::<D::Db>::new(sql.payments).bind(sale).all(&mut *conn).await?;
    let claims: Vec<DataRow> = Query::<D::Db>::new(sql.claims).bind(sale).all(&mut *conn).await?;
    let mut per_payment = vec![Money::zero(currency); payments];
    let mut add = |position: usize, amount: &Money| -> Result<(), StoreError> {
        if let Some(x) = per_payment.get_mut(position) {
            *x = x.checked_add(amount).map_err(corrupt)?;
        }
        Ok(())
    };
    for p in &paid {
        add(usize::try_from(p.position).map_err(corrupt)?, &money(p.amount_minor, currency))?;
    }
    for c in &claims {
        let claim: ReturnClaim = from_json(&c.data)?;
        for p in &claim.payments {
            add(p.payment, &p.amount)?;
        }
    }
    let (mut all, mut claimed) = (Vec::new(), Vec::new());
    for l in &lines {
        let id = u32::try_from(l.line_id).map_err(corrupt)?;
        all.push(id);
        if l.open != 0 {
            claimed.push(id);
        }
    }
    all.sort_unstable();
    claimed.sort_unstable();
    Ok(Returned { lines: all, claimed, per_payment })
}

#[async_trait]
impl<D: Dialect> SaleSteps for SqlTx<D> {
    async fn next_number(
        &mut self,
        store: &StoreId,
        terminal: &str,
        counter: Counter,
    ) -> Result<u64, StoreError> {
        let q = Self::q(Self::sql().sale.next_number).bind(&store.0).bind(terminal).bind(counter.code());
        let row: Option<NumberRow> = self.one(q).await?;
        uint(row.map_or(0, |r| r.n))
    }

    async fn sale_by_key(&mut self, store: &StoreId, key: &str) -> Result<Option<PriorCommit>, StoreError> {
        let row: Option<PriorRow> =
            self.one(Self::q(Self::sql().sale.by_key).bind(&store.0).bind(key)).await?;
        row.as_ref().map(PriorRow::prior).transpose()
    }

    async fn insert_sale(&mut self, c: &SaleCommit, number: u64, sequence: u64) -> Result<(), StoreError> {
        let doc = &c.document;
        let q = Self::q(Self::sql().sale.insert)
            .bind(doc.sale_id)
            .bind(&c.store.0)
            .bind(&c.terminal)
            .bind(int(number)?)
            .bind(&c.idempotency_key)
            .bind(&c.request_hash)
            .bind(doc.at)
            .bind(doc.priced.currency.code())
            .bind(minor(&doc.total())?)
            .bind(&doc.cashier)
            .bind(int(sequence)?)
            .bind(json(doc)?)
            .bind(doc.loyalty.as_ref().map(|l| l.member.as_str()));
        self.run_mapped(q, |e| match unique_violation(&e) {
            Some(Some(constraint::SALE_KEY)) => StoreError::KeyTaken { key: c.idempotency_key.clone() },
            _ => backend(e),
        })
        .await
    }

    async fn insert_sale_lines(&mut self, c: &SaleCommit) -> Result<(), StoreError> {
        for l in &c.document.line_records() {
            let q = Self::q(Self::sql().sale.insert_line)
                .bind(Uuid::now_v7())
                .bind(&c.store.0)
                .bind(c.document.sale_id)
                .bind(i64::from(l.line_id))
                .bind(l.sku.as_str())
                .bind(milli(l.quantity)?)
                .bind(minor(&l.discount)?)
                .bind(minor(&l.tax)?)
                .bind(minor(&l.total)?);
            self.run(q).await?;
        }
        Ok(())
    }

    async fn add_report_facts(
        &mut self,
        store: &StoreId,
        currency: Currency,
        facts: &[ReportFact],
    ) -> Result<(), StoreError> {
        self.add_facts(store, facts, currency).await
    }

    async fn use_promotion(
        &mut self,
        store: &StoreId,
        promotion: &str,
        limit: u32,
    ) -> Result<bool, StoreError> {
        let q = Self::q(Self::sql().sale.use_promotion).bind(&store.0).bind(promotion).bind(i64::from(limit));
        self.hit(q).await
    }

    async fn insert_payments(&mut self, c: &SaleCommit) -> Result<(), StoreError> {
        for (position, p) in c.document.payments.iter().enumerate() {
            let q = Self::q(Self::sql().sale.insert_payment)
                .bind(Uuid::now_v7())
                .bind(&c.store.0)
                .bind(c.document.sale_id)
                .bind(int(position as u64)?)
                .bind(code(&p.kind)?)
                .bind(minor(&p.amount)?)
                .bind(code(&p.state)?)
                .bind(p.reference.as_deref())
                .bind(p.brand.as_deref())
                .bind(p.last4.as_deref());
            self.run(q).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl<D: Dialect> SaleStore for SqlStore<D> {
    async fn sale_by_key(
        &self,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(PriorCommit, SaleDocument)>, StoreError> {
        let row: Option<PriorDocumentRow> =
            self.one(Self::q(Self::sql().sale.by_key_document).bind(&store.0).bind(key)).await?;
        row.map(|r| Ok((r.prior()?, decode(&r.document)?))).transpose()
    }

    async fn return_by_key(
        &self,
        store: &StoreId,
        key: &str,
    ) -> Result<Option<(PriorCommit, ReturnDocument)>, StoreError> {
        let row: Option<PriorDocumentRow> =
            self.one(Self::q(Self::sql().returns.by_key_document).bind(&store.0).bind(key)).await?;
        row.map(|r| Ok((r.prior()?, decode(&r.document)?))).transpose()
    }

    async fn report_facts(
        &self,
        store: &StoreId,
        currency: Currency,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Result<Vec<ReportFact>, StoreError> {
        self.facts_between(store, currency, first, last).await
    }

    async fn claim_by_key(&self, store: &StoreId, key: &str) -> Result<Option<ReturnClaim>, StoreError> {
        let row: Option<DataRow> =
            self.one(Self::q(Self::sql().returns.claim_by_key).bind(&store.0).bind(key)).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn load_sale(
        &self,
        store: &StoreId,
        terminal: &str,
        number: u64,
    ) -> Result<Option<StoredSale>, StoreError> {
        let sql = &Self::sql().sale;
        let by_number = Self::q(sql.by_number).bind(&store.0).bind(terminal).bind(int(number)?);
        let Some(sale): Option<SaleRow> = self.one(by_number).await? else { return Ok(None) };
        let currency = currency(&sale.currency)?;
        let rows: Vec<PaymentRow> = self.all(Self::q(sql.payments).bind(sale.id)).await?;
        let payments = rows.iter().map(|p| p.record(currency)).collect::<Result<Vec<_>, _>>()?;
        let mut conn = self.pool().acquire().await.map_err(backend)?;
        let returned = returned_of::<D>(&mut conn, sale.id, payments.len(), currency).await?;
        let document = decode(&sale.document)?;
        Ok(Some(StoredSale { terminal: terminal.to_owned(), number, document, payments, returned }))
    }

    async fn sale_documents(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Vec<(String, SaleDocument)>, StoreError> {
        let q = Self::q(Self::sql().sale.documents).bind(&store.0).bind(terminal);
        let rows: Vec<NumberedDocumentRow> = self.all(q).await?;
        rows.iter().map(|r| Ok((receipt_number(terminal, uint(r.number)?), decode(&r.document)?))).collect()
    }

    async fn documents_between(
        &self,
        store: &StoreId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<StoredDocument>, StoreError> {
        let sql = Self::sql();
        let between = |q: &'static str| Self::q(q).bind(&store.0).bind(from).bind(to);
        let sales: Vec<DocumentRow> = self.all(between(sql.sale.between)).await?;
        let returns: Vec<DocumentRow> = self.all(between(sql.returns.between)).await?;
        let mut docs = sales
            .iter()
            .map(|r| Ok(StoredDocument::Sale(Box::new(decode(&r.document)?))))
            .chain(returns.iter().map(|r| Ok(StoredDocument::Return(Box::new(decode(&r.document)?)))))
            .collect::<Result<Vec<_>, StoreError>>()?;
        docs.sort_by_key(StoredDocument::at);
        Ok(docs)
    }
}

sql_row! {
    /// A summary row, or a sum of them.
    pub(crate) struct FactRow {
        dim: String,
        key: String,
        day: String,
        hour: i64,
        label: String,
        sales: i64,
        quantity_milli: i64,
        gross_minor: i64,
        tax_minor: i64,
        discount_minor: i64,
        net_minor: i64,
    }
}

impl FactRow {
    fn fact(self, currency: Currency) -> Result<ReportFact, StoreError> {
        let amount = |minor: i64| money(minor, currency).amount();
        Ok(ReportFact {
            day: self.day.parse().map_err(corrupt)?,
            hour: u32::try_from(self.hour).map_err(corrupt)?,
            dim: Dim::from_code(&self.dim).ok_or_else(|| corrupt(&self.dim))?,
            key: self.key,
            label: self.label,
            sales: self.sales,
            quantity: from_milli(self.quantity_milli),
            gross: amount(self.gross_minor),
            tax: amount(self.tax_minor),
            discount: amount(self.discount_minor),
            net: amount(self.net_minor),
        })
    }
}

/// A summary amount in minor units.
fn minor_of(amount: rust_decimal::Decimal, currency: Currency) -> Result<i64, StoreError> {
    minor(&Money::new(amount, currency))
}

impl<D: Dialect> SqlTx<D> {
    /// Adds summary rows.
    pub(crate) async fn add_facts(
        &mut self,
        store: &StoreId,
        facts: &[ReportFact],
        currency: Currency,
    ) -> Result<(), StoreError> {
        for f in facts {
            let q = Self::q(Self::sql().sale.add_fact)
                .bind(&store.0)
                .bind(f.day.to_string())
                .bind(i64::from(f.hour))
                .bind(f.dim.code())
                .bind(f.key.as_str())
                .bind(f.label.as_str())
                .bind(f.sales)
                .bind(milli(f.quantity)?)
                .bind(minor_of(f.gross, currency)?)
                .bind(minor_of(f.tax, currency)?)
                .bind(minor_of(f.discount, currency)?)
                .bind(minor_of(f.net, currency)?);
            self.run(q).await?;
        }
        Ok(())
    }
}

impl<D: Dialect> SqlStore<D> {
    /// Summed summary rows of the days, read in the store's currency.
    pub(crate) async fn facts_between(
        &self,
        store: &StoreId,
        currency: Currency,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Result<Vec<ReportFact>, StoreError> {
        let q = Self::q(Self::sql().sale.facts).bind(&store.0).bind(first.to_string()).bind(last.to_string());
        let rows: Vec<FactRow> = self.all(q).await?;
        rows.into_iter().map(|r| r.fact(currency)).collect()
    }
}

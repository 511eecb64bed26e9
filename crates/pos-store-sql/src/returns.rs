//! Refunds and voids: the return row, its lines (each sale line returned once) and the money
//! returned per sale payment.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::StoreError;
use pos_app::ports::{PaymentAttempt, PriorCommit, ReturnClaim, ReturnCommit, ReturnSteps, Returned};
use pos_core::StoreId;
use uuid::Uuid;

use crate::error::{backend, constraint, on_unique, unique_violation};
use crate::rows::{LockedSaleRow, PriorRow, code, currency, int, json, milli, minor};
use crate::sale::returned_of;
use crate::{Dialect, SqlTx};

#[async_trait]
impl<D: Dialect> ReturnSteps for SqlTx<D> {
    async fn return_by_key(&mut self, store: &StoreId, key: &str) -> Result<Option<PriorCommit>, StoreError> {
        let row: Option<PriorRow> =
            self.one(Self::q(Self::sql().returns.by_key).bind(&store.0).bind(key)).await?;
        row.as_ref().map(PriorRow::prior).transpose()
    }

    async fn lock_sale(&mut self, store: &StoreId, sale: Uuid) -> Result<Option<Returned>, StoreError> {
        let q = Self::q(Self::sql().returns.lock_sale).bind(&store.0).bind(sale);
        let Some(locked): Option<LockedSaleRow> = self.one(q).await? else { return Ok(None) };
        let payments = usize::try_from(locked.payments).unwrap_or(0);
        returned_of::<D>(&mut self.tx, sale, payments, currency(&locked.currency)?).await.map(Some)
    }

    async fn insert_return(
        &mut self,
        r: &ReturnCommit,
        number: u64,
        sequence: u64,
    ) -> Result<(), StoreError> {
        let sql = &Self::sql().returns;
        let doc = &r.document;
        let q = Self::q(sql.insert)
            .bind(doc.refund_id)
            .bind(&r.store.0)
            .bind(&r.terminal)
            .bind(int(number)?)
            .bind(doc.kind.code())
            .bind(&r.idempotency_key)
            .bind(&r.request_hash)
            .bind(doc.sale_id)
            .bind(doc.at)
            .bind(minor(&doc.quote.amount)?)
            .bind(int(sequence)?)
            .bind(json(doc)?);
        self.run_mapped(q, |e| match unique_violation(&e) {
            Some(Some(constraint::RETURN_KEY)) => StoreError::KeyTaken { key: r.idempotency_key.clone() },
            _ => backend(e),
        })
        .await?;
        for l in &doc.lines {
            let q = Self::q(sql.insert_line)
                .bind(Uuid::now_v7())
                .bind(&r.store.0)
                .bind(doc.refund_id)
                .bind(doc.sale_id)
                .bind(i64::from(l.line_id))
                .bind(milli(l.quantity)?)
                .bind(minor(&l.amount)?);
            // The sale is locked, so only a bug could return a line twice; the constraint says so.
            self.run_mapped(q, |e| match unique_violation(&e) {
                Some(Some(constraint::LINE_ONCE) | None) => StoreError::AlreadyRefunded { line: l.line_id },
                _ => backend(e),
            })
            .await?;
        }
        for p in &doc.payments {
            let q = Self::q(sql.insert_payment)
                .bind(Uuid::now_v7())
                .bind(&r.store.0)
                .bind(doc.refund_id)
                .bind(doc.sale_id)
                .bind(int(p.payment as u64)?)
                .bind(code(&p.kind)?)
                .bind(minor(&p.amount)?)
                .bind(p.reference.as_deref());
            self.run(q).await?;
        }
        Ok(())
    }

    async fn insert_claim(&mut self, store: &StoreId, claim: &ReturnClaim) -> Result<(), StoreError> {
        let sql = &Self::sql().returns;
        let q = Self::q(sql.insert_claim)
            .bind(&store.0)
            .bind(claim.id)
            .bind(claim.sale_id)
            .bind(&claim.idempotency_key)
            .bind(&claim.request_hash)
            .bind(json(claim)?);
        self.run_mapped(q, |e| on_unique(e, || StoreError::KeyTaken { key: claim.idempotency_key.clone() }))
            .await?;
        for line in &claim.request.lines {
            let q = Self::q(sql.claim_line)
                .bind(&store.0)
                .bind(claim.sale_id)
                .bind(i64::from(*line))
                .bind(claim.id);
            self.run_mapped(q, |e| on_unique(e, || StoreError::AlreadyRefunded { line: *line })).await?;
        }
        Ok(())
    }

    async fn close_claim(&mut self, store: &StoreId, claim: Uuid, release: bool) -> Result<(), StoreError> {
        let sql = &Self::sql().returns;
        self.run(Self::q(sql.close_claim).bind(&store.0).bind(claim)).await?;
        if release {
            self.run(Self::q(sql.release_lines).bind(&store.0).bind(claim)).await?;
        }
        Ok(())
    }

    async fn insert_attempt(&mut self, store: &StoreId, attempt: &PaymentAttempt) -> Result<(), StoreError> {
        self.put_attempt(store, attempt).await
    }

    async fn commit_attempts(
        &mut self,
        store: &StoreId,
        document: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        self.commit_approved(store, document, at).await
    }
}

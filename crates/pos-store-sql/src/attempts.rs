//! Payment attempts: written ahead of every gateway call, outside any transaction (and, for a
//! return's payouts, in its claim's transaction).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::StoreError;
use pos_app::ports::{AttemptState, AttemptStore, PaymentAttempt};
use pos_core::StoreId;
use pos_payments::Approval;

use crate::backend::Query;
use crate::rows::{code, corrupt, currency, from_code, minor, money};
use crate::{Dialect, Q, SqlStore, SqlTx, sql_row};

sql_row! {
    /// An attempt.
    pub(crate) struct AttemptRow {
        key: String,
        document: String,
        operation: String,
        kind: String,
        amount_minor: i64,
        currency: String,
        original: Option<String>,
        state: String,
        reference: Option<String>,
        brand: Option<String>,
        last4: Option<String>,
        note: Option<String>,
        opened_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
}

sql_row! {
    /// A key a statement returned (counted, not read).
    pub(crate) struct KeyRow {
        #[allow(dead_code, reason = "the rows are counted")]
        key: String,
    }
}

impl AttemptRow {
    fn attempt(self) -> Result<PaymentAttempt, StoreError> {
        Ok(PaymentAttempt {
            key: self.key,
            document: self.document,
            operation: from_code(&self.operation)?,
            kind: from_code(&self.kind)?,
            amount: money(self.amount_minor, currency(&self.currency)?),
            original: self.original,
            state: from_code(&self.state)?,
            approval: self.reference.map(|reference| Approval {
                reference,
                brand: self.brand,
                last4: self.last4,
            }),
            note: self.note,
            opened_at: self.opened_at,
            updated_at: self.updated_at,
        })
    }
}

/// An attempt's insert.
pub(crate) fn insert<D: Dialect>(
    sql: &'static str,
    store: &StoreId,
    a: &PaymentAttempt,
) -> Result<Q<D>, StoreError> {
    let approval = a.approval.as_ref();
    Ok(Query::new(sql)
        .bind(&store.0)
        .bind(&a.key)
        .bind(&a.document)
        .bind(code(&a.operation)?)
        .bind(code(&a.kind)?)
        .bind(minor(&a.amount)?)
        .bind(a.amount.currency().code())
        .bind(a.original.as_deref())
        .bind(code(&a.state)?)
        .bind(approval.map(|x| x.reference.as_str()))
        .bind(approval.and_then(|x| x.brand.as_deref()))
        .bind(approval.and_then(|x| x.last4.as_deref()))
        .bind(a.note.as_deref())
        .bind(a.opened_at)
        .bind(a.updated_at))
}

fn rows(rows: Vec<AttemptRow>) -> Result<Vec<PaymentAttempt>, StoreError> {
    rows.into_iter().map(AttemptRow::attempt).collect()
}

#[async_trait]
impl<D: Dialect> AttemptStore for SqlStore<D> {
    async fn begin_attempt(
        &self,
        store: &StoreId,
        attempt: &PaymentAttempt,
    ) -> Result<Option<PaymentAttempt>, StoreError> {
        let sql = &Self::sql().attempts;
        if self.hit(insert::<D>(sql.begin, store, attempt)?).await? {
            return Ok(None);
        }
        let row: Option<AttemptRow> = self.one(Self::q(sql.by_key).bind(&store.0).bind(&attempt.key)).await?;
        row.map(AttemptRow::attempt).transpose()?.map(Some).ok_or_else(|| corrupt("an attempt vanished"))
    }

    async fn update_attempt(
        &self,
        store: &StoreId,
        attempt: &PaymentAttempt,
        from: &[AttemptState],
    ) -> Result<bool, StoreError> {
        let Some(first) = from.first() else { return Ok(false) };
        let state = |i: usize| code(from.get(i).unwrap_or(first));
        let approval = attempt.approval.as_ref();
        let q = Self::q(Self::sql().attempts.update)
            .bind(code(&attempt.state)?)
            .bind(approval.map(|x| x.reference.as_str()))
            .bind(approval.and_then(|x| x.brand.as_deref()))
            .bind(approval.and_then(|x| x.last4.as_deref()))
            .bind(attempt.note.as_deref())
            .bind(attempt.updated_at)
            .bind(&store.0)
            .bind(&attempt.key)
            .bind(state(0)?)
            .bind(state(1)?)
            .bind(state(2)?);
        self.hit(q).await
    }

    async fn open_attempts(
        &self,
        store: &StoreId,
        before: DateTime<Utc>,
    ) -> Result<Vec<PaymentAttempt>, StoreError> {
        rows(self.all(Self::q(Self::sql().attempts.open).bind(&store.0).bind(before)).await?)
    }

    async fn attempts_of(&self, store: &StoreId, document: &str) -> Result<Vec<PaymentAttempt>, StoreError> {
        rows(self.all(Self::q(Self::sql().attempts.of_document).bind(&store.0).bind(document)).await?)
    }
}

impl<D: Dialect> SqlTx<D> {
    /// Writes an attempt in the transaction.
    pub(crate) async fn put_attempt(
        &mut self,
        store: &StoreId,
        a: &PaymentAttempt,
    ) -> Result<(), StoreError> {
        self.run(insert::<D>(Self::sql().attempts.insert, store, a)?).await
    }

    /// Commits the approved attempts of a request; how many.
    pub(crate) async fn commit_approved(
        &mut self,
        store: &StoreId,
        document: &str,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let q = Self::q(Self::sql().attempts.commit).bind(at).bind(&store.0).bind(document);
        Ok(self.all::<KeyRow>(q).await?.len())
    }
}

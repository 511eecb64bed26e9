//! Shifts: one open per terminal, cash events saved while open, closed with the Z report.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::documents::ShiftCloseDocument;
use pos_app::ports::{Counter, ShiftClose, ShiftRecord, ShiftSteps, ShiftStore, valid};
use pos_core::StoreId;

use crate::error::on_unique;
use crate::rows::{DataRow, NumberRow, from_json, json, uint};
use crate::{Dialect, SqlStore, SqlTx};

#[async_trait]
impl<D: Dialect> ShiftStore for SqlStore<D> {
    async fn open_shift(&self, store: &StoreId, shift: &ShiftRecord) -> Result<(), StoreError> {
        valid::shift(shift)?;
        let q = Self::q(Self::sql().shift.open)
            .bind(&store.0)
            .bind(shift.id)
            .bind(&shift.terminal)
            .bind(shift.opened_at)
            .bind(json(shift)?);
        self.run_mapped(q, |e| {
            on_unique(e, || StoreError::Duplicate { what: "open shift on terminal".into() })
        })
        .await
    }

    async fn current_shift(
        &self,
        store: &StoreId,
        terminal: &str,
    ) -> Result<Option<ShiftRecord>, StoreError> {
        let row: Option<DataRow> =
            self.one(Self::q(Self::sql().shift.current).bind(&store.0).bind(terminal)).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }

    async fn save_shift(
        &self,
        store: &StoreId,
        shift: &ShiftRecord,
        expected: usize,
    ) -> Result<(), StoreError> {
        valid::shift(shift)?;
        let q = Self::q(Self::sql().shift.save)
            .bind(json(shift)?)
            .bind(&store.0)
            .bind(shift.id)
            .bind(crate::rows::bound(expected as u64));
        if !self.hit(q).await? {
            return Err(StoreError::Conflict { what: "shift (closed or changed meanwhile)".into() });
        }
        Ok(())
    }

    async fn last_z(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError> {
        let q =
            Self::q(Self::sql().sale.counter).bind(&store.0).bind(terminal).bind(Counter::ShiftClose.code());
        let row: Option<NumberRow> = self.one(q).await?;
        uint(row.map_or(0, |r| r.n))
    }

    async fn z_report(
        &self,
        store: &StoreId,
        terminal: &str,
        sequence: u64,
    ) -> Result<Option<ShiftCloseDocument>, StoreError> {
        let q = Self::q(Self::sql().shift.z_report)
            .bind(&store.0)
            .bind(terminal)
            .bind(crate::rows::bound(sequence));
        let row: Option<DataRow> = self.one(q).await?;
        row.map(|r| from_json(&r.data)).transpose()
    }
}

#[async_trait]
impl<D: Dialect> ShiftSteps for SqlTx<D> {
    async fn close_shift(&mut self, close: &ShiftClose) -> Result<bool, StoreError> {
        let q = Self::q(Self::sql().shift.close)
            .bind(close.document.closed_at)
            .bind(json(&close.document)?)
            .bind(json(&close.shift)?)
            .bind(&close.store.0)
            .bind(close.shift.id);
        self.hit(q).await
    }
}

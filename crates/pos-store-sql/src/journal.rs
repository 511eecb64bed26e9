//! The journal: each terminal's records and its chain head. The chain itself (sequences and
//! hashes) is built by pos-app's commit scripts with pos-core; this file only stores it.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::ports::{ChainHead, JournalSteps, JournalStore};
use pos_core::journal::GENESIS;
use pos_core::{JournalEntry, StoreId};

use crate::rows::{HeadRow, JournalRow, code, corrupt, from_code, int, uint};
use crate::{Dialect, SqlStore, SqlTx};

impl JournalRow {
    fn entry(&self) -> Result<JournalEntry, StoreError> {
        Ok(JournalEntry {
            terminal: self.terminal_id.clone(),
            sequence: uint(self.sequence)?,
            kind: from_code(&self.kind)?,
            document_id: self.document_id.clone(),
            recorded_at: self.recorded_at,
            payload: self.payload.clone(),
            prev_hash: self.prev_hash.clone(),
            hash: self.hash.clone(),
        })
    }
}

#[async_trait]
impl<D: Dialect> JournalStore for SqlStore<D> {
    async fn journal(&self, store: &StoreId, terminal: &str) -> Result<Vec<JournalEntry>, StoreError> {
        let rows: Vec<JournalRow> =
            self.all(Self::q(Self::sql().journal.records).bind(&store.0).bind(terminal)).await?;
        rows.iter().map(JournalRow::entry).collect()
    }

    async fn journal_after(
        &self,
        store: &StoreId,
        terminal: &str,
        after: u64,
    ) -> Result<Vec<JournalEntry>, StoreError> {
        let q = Self::q(Self::sql().journal.records_after)
            .bind(&store.0)
            .bind(terminal)
            .bind(crate::rows::bound(after));
        let rows: Vec<JournalRow> = self.all(q).await?;
        rows.iter().map(JournalRow::entry).collect()
    }

    async fn journal_last(&self, store: &StoreId, terminal: &str) -> Result<u64, StoreError> {
        let row: Option<HeadRow> =
            self.one(Self::q(Self::sql().audit.head).bind(&store.0).bind(terminal)).await?;
        row.map_or(Ok(0), |h| uint(h.sequence))
    }
}

#[async_trait]
impl<D: Dialect> JournalSteps for SqlTx<D> {
    async fn journal_head(&mut self, store: &StoreId, terminal: &str) -> Result<ChainHead, StoreError> {
        let q = Self::q(Self::sql().journal.lock_head).bind(&store.0).bind(terminal).bind(GENESIS);
        let row: HeadRow = self.one(q).await?.ok_or_else(|| corrupt("the journal head was not created"))?;
        Ok(ChainHead { sequence: uint(row.sequence)?, hash: row.hash })
    }

    async fn append_journal(&mut self, store: &StoreId, e: &JournalEntry) -> Result<(), StoreError> {
        let sql = &Self::sql().journal;
        let record = Self::q(sql.insert)
            .bind(&store.0)
            .bind(&e.terminal)
            .bind(int(e.sequence)?)
            .bind(code(&e.kind)?)
            .bind(&e.document_id)
            .bind(e.recorded_at)
            .bind(&e.payload)
            .bind(&e.prev_hash)
            .bind(&e.hash);
        self.run(record).await?;
        self.run(Self::q(sql.move_head).bind(int(e.sequence)?).bind(&e.hash).bind(&store.0).bind(&e.terminal))
            .await
    }
}

//! The event outbox: appended in the transaction of the change it reports, the store's event
//! head locked last; read in sequence order.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use pos_app::ports::{EventSteps, EventStore};
use pos_app::{Event, EventData, NewEvent, StoreError};
use pos_core::StoreId;
use uuid::Uuid;

use crate::error::backend;
use crate::rows::{NumberRow, corrupt, from_json, json, uint};
use crate::{Dialect, Q, SqlStore, SqlTx, sql_row};

sql_row! {
    /// An event.
    pub(crate) struct EventRow { sequence: i64, id: Uuid, kind: String, schema: i64, at: DateTime<Utc>, payload: String }
}

/// An event's payload as stored: its data without the type, which has a column of its own (a
/// JSON column may reorder keys, and the data must read back after its type).
fn payload(data: &EventData) -> Result<String, StoreError> {
    let value = serde_json::to_value(data).map_err(|e| StoreError::Backend { message: e.to_string() })?;
    Ok(value.get("data").map_or_else(|| "null".to_owned(), serde_json::Value::to_string))
}

/// The data of an event from its type and stored payload.
fn data(kind: &str, payload: &str) -> Result<EventData, StoreError> {
    from_json(&format!("{{\"type\":{},\"data\":{payload}}}", json(&kind)?))
}

#[async_trait]
impl<D: Dialect> EventStore for SqlStore<D> {
    async fn events_after(
        &self,
        store: &StoreId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<Event>, StoreError> {
        let q = Self::q(Self::sql().events.after)
            .bind(&store.0)
            .bind(crate::rows::bound(after))
            .bind(crate::rows::bound(limit as u64));
        events(self.all(q).await?)
    }

    async fn pricing_events_after(&self, store: &StoreId, after: u64) -> Result<Vec<Event>, StoreError> {
        events(
            self.all(
                Self::q(Self::sql().events.pricing_after).bind(&store.0).bind(crate::rows::bound(after)),
            )
            .await?,
        )
    }

    async fn last_event(&self, store: &StoreId) -> Result<u64, StoreError> {
        let row: Option<NumberRow> = self.one(Self::q(Self::sql().events.last).bind(&store.0)).await?;
        row.map_or(Ok(0), |r| uint(r.n))
    }
}

/// Events from their rows.
fn events(rows: Vec<EventRow>) -> Result<Vec<Event>, StoreError> {
    rows.into_iter()
        .map(|r| {
            let data = data(&r.kind, &r.payload)?;
            Ok(Event {
                sequence: uint(r.sequence)?,
                id: r.id,
                schema: u32::try_from(r.schema).map_err(corrupt)?,
                at: r.at,
                data,
            })
        })
        .collect()
}

#[async_trait]
impl<D: Dialect> EventSteps for SqlTx<D> {
    async fn append_event(&mut self, store: &StoreId, event: &NewEvent) -> Result<u64, StoreError> {
        let sql = &Self::sql().events;
        let head: NumberRow =
            self.one(Self::q(sql.next).bind(&store.0)).await?.ok_or_else(|| corrupt("no event head"))?;
        let q = Self::q(sql.insert)
            .bind(&store.0)
            .bind(head.n)
            .bind(event.id)
            .bind(event.data.kind())
            .bind(i64::from(pos_app::EVENT_SCHEMA))
            .bind(event.at)
            .bind(payload(&event.data)?);
        self.run(q).await?;
        uint(head.n)
    }
}

/// Events per multi-row insert (7 parameters each: well under both drivers' limits).
const EVENTS_PER_STATEMENT: usize = 200;

/// `VALUES` rows of `columns` numbered parameters each, from `first`; `cast` follows the
/// parameter of column `cast_at` (the JSON column).
pub(crate) fn values_rows(
    param: &str,
    first: usize,
    rows: usize,
    columns: usize,
    cast_at: usize,
    cast: &str,
) -> String {
    let mut out = String::with_capacity(rows * columns * 6);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push_str(param);
            out.push_str(&(first + r * columns + c).to_string());
            if c == cast_at {
                out.push_str(cast);
            }
        }
        out.push(')');
    }
    out
}

impl<D: Dialect> SqlTx<D> {
    /// Appends events in order with as few statements as the drivers allow: the head moves on
    /// once (locked, as [`EventSteps::append_event`] locks it, so call this last), then the
    /// events go in by the hundred. Returns the last sequence.
    pub(crate) async fn append_events(
        &mut self,
        store: &StoreId,
        events: &[NewEvent],
    ) -> Result<u64, StoreError> {
        let sql = &Self::sql().events;
        let n = i64::try_from(events.len()).map_err(corrupt)?;
        let head: NumberRow = self
            .one(Self::q(sql.advance).bind(&store.0).bind(n))
            .await?
            .ok_or_else(|| corrupt("no event head"))?;
        let mut sequence = head.n - n;
        let dialect = &Self::sql().dialect;
        for chunk in events.chunks(EVENTS_PER_STATEMENT) {
            let text = format!(
                "INSERT INTO events (store_id, sequence, id, type, schema, at, payload) VALUES {}",
                values_rows(dialect.param, 1, chunk.len(), 7, 6, dialect.json_cast)
            );
            let mut q: Q<D> = crate::backend::Query::new(sqlx::AssertSqlSafe(text));
            for event in chunk {
                sequence += 1;
                q = q
                    .bind(&store.0)
                    .bind(sequence)
                    .bind(event.id)
                    .bind(event.data.kind())
                    .bind(i64::from(pos_app::EVENT_SCHEMA))
                    .bind(event.at)
                    .bind(payload(&event.data)?);
            }
            self.run(q).await?;
        }
        uint(head.n)
    }
}

impl<D: Dialect> SqlStore<D> {
    /// Runs a single write and appends its event, in one transaction.
    pub(crate) async fn write_with_event(
        &self,
        store: &StoreId,
        q: Q<D>,
        map: impl FnOnce(sqlx::Error) -> StoreError + Send,
        event: EventData,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        tx.run_mapped(q, map).await?;
        tx.append_event(store, &NewEvent::now(event)).await?;
        tx.tx.commit().await.map_err(backend)
    }
}

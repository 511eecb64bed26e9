//! Points accounts (written optimistically, by version), their ledger entries, coupons.

use async_trait::async_trait;
use pos_app::ports::{CouponStore, LoyaltySteps, LoyaltyStore, PointsEntries, PointsRecord, valid};
use pos_app::{EventData, StoreError};
use pos_core::StoreId;
use pos_loyalty::{Coupon, PointsAccount};
use uuid::Uuid;

use crate::error::on_unique;
use crate::rows::{AccountRow, CouponRow, from_json, int, json};
use crate::{Dialect, SqlStore, SqlTx};

#[async_trait]
impl<D: Dialect> LoyaltyStore for SqlStore<D> {
    async fn load_account(
        &self,
        store: &StoreId,
        member: &str,
    ) -> Result<Option<(PointsAccount, i64)>, StoreError> {
        let row: Option<AccountRow> =
            self.one(Self::q(Self::sql().loyalty.account).bind(&store.0).bind(member)).await?;
        row.map(|r| Ok((from_json(&r.account)?, r.version))).transpose()
    }

    async fn accounts(&self, store: &StoreId) -> Result<Vec<PointsAccount>, StoreError> {
        let rows: Vec<AccountRow> = self.all(Self::q(Self::sql().loyalty.accounts).bind(&store.0)).await?;
        rows.iter().map(|r| from_json(&r.account)).collect()
    }

    async fn ledger(&self, store: &StoreId, member: &str) -> Result<Vec<PointsRecord>, StoreError> {
        let rows: Vec<crate::audit::AuditPointsRow> =
            self.all(Self::q(Self::sql().loyalty.ledger).bind(&store.0).bind(member)).await?;
        rows.into_iter().map(crate::audit::AuditPointsRow::record).collect()
    }
}

#[async_trait]
impl<D: Dialect> CouponStore for SqlStore<D> {
    async fn issue_coupon(&self, store: &StoreId, coupon: &Coupon) -> Result<(), StoreError> {
        valid::coupon(coupon)?;
        let q = Self::q(Self::sql().loyalty.issue_coupon)
            .bind(&store.0)
            .bind(&coupon.code)
            .bind(coupon.member.as_deref())
            .bind(json(coupon)?);
        let map = |e| on_unique(e, || StoreError::Duplicate { what: format!("coupon {}", coupon.code) });
        let event = EventData::CouponIssued { code: coupon.code.clone(), member: coupon.member.clone() };
        self.write_with_event(store, q, map, event).await
    }

    async fn coupon(&self, store: &StoreId, code: &str) -> Result<Option<Coupon>, StoreError> {
        let row: Option<CouponRow> =
            self.one(Self::q(Self::sql().loyalty.coupon).bind(&store.0).bind(code)).await?;
        row.map(|r| Ok(Coupon { used_on: r.used_on, ..from_json(&r.data)? })).transpose()
    }
}

#[async_trait]
impl<D: Dialect> LoyaltySteps for SqlTx<D> {
    async fn save_account(
        &mut self,
        store: &StoreId,
        account: &PointsAccount,
        expected_version: i64,
    ) -> Result<(), StoreError> {
        let sql = &Self::sql().loyalty;
        let member = account.member();
        // The ledger is stored entry by entry; the account keeps the balance and its lots.
        let account = &account.compacted(chrono::Utc::now());
        let q = if expected_version == 0 {
            Self::q(sql.insert_account).bind(&store.0).bind(member).bind(json(account)?)
        } else {
            Self::q(sql.update_account)
                .bind(json(account)?)
                .bind(&store.0)
                .bind(member)
                .bind(expected_version)
        };
        if !self.hit(q).await? {
            return Err(StoreError::Conflict { what: format!("points account of {member}") });
        }
        Ok(())
    }

    async fn insert_ledger_entries(
        &mut self,
        store: &StoreId,
        points: &PointsEntries,
        document: Uuid,
    ) -> Result<(), StoreError> {
        for e in &points.entries {
            let q = Self::q(Self::sql().loyalty.insert_entry)
                .bind(Uuid::now_v7())
                .bind(&store.0)
                .bind(&points.member)
                .bind(document)
                .bind(int(e.sequence)?)
                .bind(e.kind.code())
                .bind(e.points)
                .bind(e.at);
            self.run(q).await?;
        }
        Ok(())
    }

    async fn use_coupon(&mut self, store: &StoreId, code: &str, receipt: &str) -> Result<bool, StoreError> {
        self.hit(Self::q(Self::sql().loyalty.use_coupon).bind(receipt).bind(&store.0).bind(code)).await
    }
}

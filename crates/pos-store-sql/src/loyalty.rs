//! Points accounts (written optimistically, by version), their ledger entries, coupons.

use async_trait::async_trait;
use pos_app::StoreError;
use pos_app::ports::{CouponStore, LoyaltyCommit, LoyaltySteps, LoyaltyStore};
use pos_core::StoreId;
use pos_loyalty::{Coupon, PointsAccount};
use uuid::Uuid;

use crate::backend::Query;
use crate::error::{backend, on_unique};
use crate::rows::{AccountRow, CouponRow, from_json, int, json};
use crate::{Dialect, SqlStore, SqlTx};

#[async_trait]
impl<D: Dialect> LoyaltyStore for SqlStore<D> {
    async fn load_account(
        &self,
        store: &StoreId,
        member: &str,
    ) -> Result<Option<(PointsAccount, i64)>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<AccountRow> = Query::<D::Db>::new(Self::sql().loyalty.account)
            .bind(&store.0)
            .bind(member)
            .one(&mut *conn)
            .await
            .map_err(backend)?;
        row.map(|r| Ok((from_json(&r.account)?, r.version))).transpose()
    }

    async fn accounts(&self, store: &StoreId) -> Result<Vec<PointsAccount>, StoreError> {
        let mut conn = self.conn().await?;
        let rows: Vec<AccountRow> = Query::<D::Db>::new(Self::sql().loyalty.accounts)
            .bind(&store.0)
            .all(&mut *conn)
            .await
            .map_err(backend)?;
        rows.iter().map(|r| from_json(&r.account)).collect()
    }
}

#[async_trait]
impl<D: Dialect> CouponStore for SqlStore<D> {
    async fn issue_coupon(&self, store: &StoreId, coupon: &Coupon) -> Result<(), StoreError> {
        let mut conn = self.conn().await?;
        Query::<D::Db>::new(Self::sql().loyalty.issue_coupon)
            .bind(&store.0)
            .bind(&coupon.code)
            .bind(coupon.member.as_deref())
            .bind(json(coupon)?)
            .run(&mut *conn)
            .await
            .map_err(|e| on_unique(e, || StoreError::Duplicate { what: format!("coupon {}", coupon.code) }))
    }

    async fn coupon(&self, store: &StoreId, code: &str) -> Result<Option<Coupon>, StoreError> {
        let mut conn = self.conn().await?;
        let row: Option<CouponRow> = Query::<D::Db>::new(Self::sql().loyalty.coupon)
            .bind(&store.0)
            .bind(code)
            .one(&mut *conn)
            .await
            .map_err(backend)?;
        row.map(|r| {
            let mut coupon: Coupon = from_json(&r.data)?;
            coupon.used_on = r.used_on;
            Ok(coupon)
        })
        .transpose()
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
        let saved = if expected_version == 0 {
            Query::<D::Db>::new(sql.insert_account).bind(&store.0).bind(member).bind(json(account)?)
        } else {
            Query::<D::Db>::new(sql.update_account)
                .bind(json(account)?)
                .bind(&store.0)
                .bind(member)
                .bind(expected_version)
        }
        .hit(&mut *self.tx)
        .await
        .map_err(backend)?;
        if !saved {
            return Err(StoreError::Conflict { what: format!("points account of {member}") });
        }
        Ok(())
    }

    async fn insert_ledger_entries(
        &mut self,
        store: &StoreId,
        loyalty: &LoyaltyCommit,
        document: Uuid,
    ) -> Result<(), StoreError> {
        for e in &loyalty.entries {
            Query::<D::Db>::new(Self::sql().loyalty.insert_entry)
                .bind(Uuid::now_v7())
                .bind(&store.0)
                .bind(&loyalty.member)
                .bind(document)
                .bind(int(e.sequence)?)
                .bind(e.kind.code())
                .bind(e.points)
                .bind(e.at)
                .run(&mut *self.tx)
                .await
                .map_err(backend)?;
        }
        Ok(())
    }

    async fn use_coupon(&mut self, store: &StoreId, code: &str, receipt: &str) -> Result<bool, StoreError> {
        Query::<D::Db>::new(Self::sql().loyalty.use_coupon)
            .bind(receipt)
            .bind(&store.0)
            .bind(code)
            .hit(&mut *self.tx)
            .await
            .map_err(backend)
    }
}

//! Completing a sale: validate, price, take payments through the gateway, then commit
//! everything in one transaction.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use pos_core::journal::{JournalKey, canonical_json};
use pos_core::{Basket, Catalog, Money, PricedBasket, PricingContext, PricingEngine, StoreConfig};
use pos_inventory::LocationId;
use pos_loyalty::{LoyaltyConfig, LoyaltySale, PointsAccount, SaleInput, SaleLine};
use pos_payments::{PaymentGateway, PaymentState, Settlement, TenderInput, TenderKind, settle};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::RwLock;
use uuid::Uuid;

use crate::commit::{self, FailPoint};
use crate::documents::{LineFacts, SCHEMA, SaleDocument};
use crate::error::{AppError, StoreError};
use crate::events::EventData;
use crate::payments::{Gate, attempt};
use crate::ports::{
    AccountChange, AttemptOperation, AttemptState, AttemptStore, CatalogStore, CouponStore, EventStore,
    LoyaltyStore, MemberStore, ParkStore, ParkedBasket, PaymentAttempt, PaymentRecord, PointsEntries,
    SaleCommit, SaleStore, Transactional, receipt_number,
};
use crate::requests::{MAX_COUPONS, MAX_REDEEM_POINTS, check_field, check_key, check_time, field_error};
use crate::settings::Settings;

/// What checkout needs from a store: the catalog, coupons and points to price and settle, parked
/// baskets, and transactions to commit.
pub trait CheckoutStore:
    CatalogStore
    + CouponStore
    + LoyaltyStore
    + MemberStore
    + ParkStore
    + SaleStore
    + AttemptStore
    + EventStore
    + Transactional
{
}

impl<
    T: CatalogStore
        + CouponStore
        + LoyaltyStore
        + MemberStore
        + ParkStore
        + SaleStore
        + AttemptStore
        + EventStore
        + Transactional,
> CheckoutStore for T
{
}

/// A sale as the till submits it. Deserialising one checks it as [`SaleRequest::check`] does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaleRequest {
    /// Idempotency key: a retry with the same key never records a second sale.
    pub idempotency_key: String,
    /// Terminal.
    pub terminal: String,
    /// Cashier.
    pub cashier: String,
    /// Location the stock leaves from.
    pub location: LocationId,
    /// The basket (with the customer, if identified).
    pub basket: Basket,
    /// Tenders (cash tendered, card amounts, ...). Points are given in `redeem_points`.
    pub tenders: Vec<TenderInput>,
    /// Loyalty points to spend.
    pub redeem_points: i64,
    /// Personal single-use coupon codes presented (birthday, win-back, ...). Each is checked
    /// and its campaign code added to the basket; it is marked used with the sale.
    #[serde(default)]
    pub coupons: Vec<String>,
    /// When.
    pub at: DateTime<Utc>,
}

pos_core::deserialize_checked!(SaleRequest, SaleRequest::check, {
    idempotency_key: String,
    terminal: String,
    cashier: String,
    location: LocationId,
    basket: Basket,
    tenders: Vec<TenderInput>,
    redeem_points: i64,
    #[serde(default)]
    coupons: Vec<String>,
    at: DateTime<Utc>,
});

impl SaleRequest {
    /// Checks the request: the idempotency key, the terminal, cashier and location ids, a basket
    /// with lines, the tenders, the points and coupons, and the time (see [`crate::requests`]).
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming the field.
    pub fn check(&self) -> Result<(), AppError> {
        check_key(&self.idempotency_key)?;
        check_field("terminal", &self.terminal)?;
        check_field("cashier", &self.cashier)?;
        check_field("location", &self.location.0)?;
        if self.basket.is_empty() {
            return Err(AppError::invalid("basket", "has no lines"));
        }
        self.basket.check().map_err(field_error)?;
        if self.tenders.len() > pos_payments::MAX_TENDERS {
            return Err(AppError::invalid(
                "tenders",
                format!("at most {} tenders", pos_payments::MAX_TENDERS),
            ));
        }
        for (i, t) in self.tenders.iter().enumerate() {
            t.check().map_err(|e| match e {
                pos_payments::PaymentError::InvalidField { field, reason } => {
                    AppError::InvalidField { field: format!("tenders[{i}].{field}"), reason }
                }
                other => AppError::invalid(format!("tenders[{i}]"), other.to_string()),
            })?;
        }
        if !(0..=MAX_REDEEM_POINTS).contains(&self.redeem_points) {
            return Err(AppError::invalid("redeem_points", format!("must be from 0 to {MAX_REDEEM_POINTS}")));
        }
        if self.coupons.len() > MAX_COUPONS {
            return Err(AppError::invalid("coupons", format!("at most {MAX_COUPONS} coupons")));
        }
        for c in &self.coupons {
            check_field("coupons", c)?;
        }
        check_time("at", self.at)
    }
}

/// A completed sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletedSale {
    /// Sale id.
    pub sale_id: Uuid,
    /// Receipt number.
    pub receipt: String,
    /// Gapless number per terminal.
    pub number: u64,
    /// Journal sequence.
    pub journal_sequence: u64,
    /// Total due.
    pub total: Money,
    /// True when this was a retry of a sale already recorded.
    pub replayed: bool,
    /// The priced basket (absent on a replay: the stored document has it).
    pub priced: Option<PricedBasket>,
    /// Tender settlement (absent on a replay).
    pub settlement: Option<Settlement>,
    /// Loyalty effect (absent on a replay or without a member).
    pub loyalty: Option<LoyaltySale>,
}

/// How often a sale starts over after a concurrent change before giving up.
const CONFLICT_RETRIES: usize = 4;

/// The catalog and the engine checkout prices with, kept up to date by [`Checkout::reload`].
struct Pricing {
    catalog: Catalog,
    /// The store's promotions (the engine has the tiers' too).
    promotions: Vec<pos_core::Promotion>,
    engine: PricingEngine,
    /// Usage limits by promotion id.
    limits: HashMap<String, u32>,
    /// The outbox sequence the cache is up to date with.
    version: u64,
}

/// The checkout use case for one store: live totals, parking, completing a sale.
pub struct Checkout<S: CheckoutStore, G: PaymentGateway> {
    store: Arc<S>,
    gateway: Arc<G>,
    config: StoreConfig,
    loyalty: LoyaltyConfig,
    key: JournalKey,
    pricing: RwLock<Option<Arc<Pricing>>>,
    loading: tokio::sync::Mutex<()>,
    fail: FailPoint,
}

impl<S: CheckoutStore, G: PaymentGateway> Checkout<S, G> {
    /// A checkout over a store adapter and a payment gateway.
    pub fn new(store: Arc<S>, gateway: Arc<G>, settings: Settings) -> Self {
        let Settings { store: config, loyalty, journal_key: key } = settings;
        Checkout {
            store,
            gateway,
            config,
            loyalty,
            key,
            pricing: RwLock::new(None),
            loading: tokio::sync::Mutex::new(()),
            fail: FailPoint::default(),
        }
    }

    /// Test support: makes the following sale commits fail right after `step`.
    #[cfg(feature = "test-hooks")]
    pub fn fail_after(&self, step: Option<commit::CommitStep>) {
        self.fail.set(step);
    }

    /// Prices a basket (live totals at the till) without recording anything.
    ///
    /// # Errors
    /// [`AppError::Pricing`] for an unknown SKU or a bad quantity.
    pub async fn price(&self, basket: &Basket, at: DateTime<Utc>) -> Result<PricedBasket, AppError> {
        let pricing = self.catalog_and_engine().await?;
        let (basket, ctx, _) = self.context(basket, at).await?;
        Ok(pricing.engine.price(&pricing.catalog, &basket, &ctx)?)
    }

    /// What pricing a basket at `at` depends on beyond the basket: the member's tier, evaluated
    /// from their stored purchases of the last 12 months (whatever tier the till sent), and the
    /// uses of usage-limited promotions so far. Returns the basket with its tier, the context,
    /// and the tier's earn multiplier.
    async fn context(
        &self,
        basket: &Basket,
        at: DateTime<Utc>,
    ) -> Result<(Basket, PricingContext, Decimal), AppError> {
        let mut basket = basket.clone();
        let mut customer = basket.customer().clone();
        let mut multiplier = Decimal::ONE;
        customer.tier = None;
        if let Some(member) = &customer.member_id
            && !self.loyalty.tiers.is_empty()
        {
            let since = at.checked_sub_months(chrono::Months::new(12)).unwrap_or(at);
            let purchases = self.store.purchases(&self.config.id, member, since).await?;
            if let Some(tier) = pos_loyalty::evaluate_tier(&self.loyalty.tiers, &purchases, at) {
                customer.tier = Some(tier.name.clone());
                multiplier = tier.earn_multiplier;
            }
        }
        basket.set_customer(customer);
        let mut ctx = PricingContext::at(at);
        for (id, n) in self.store.promotion_uses(&self.config.id).await? {
            ctx.promotion_uses.insert(pos_core::PromotionId::new(&id), n);
        }
        Ok((basket, ctx, multiplier))
    }

    /// Parks the basket on a terminal; returns the id to recall it by.
    ///
    /// # Errors
    /// [`AppError::InvalidField`] naming `basket` when empty or `terminal` when blank.
    pub async fn park(&self, terminal: &str, basket: &Basket, at: DateTime<Utc>) -> Result<Uuid, AppError> {
        if basket.is_empty() {
            return Err(AppError::invalid("basket", "has no lines"));
        }
        check_field("terminal", terminal)?;
        basket.check().map_err(field_error)?;
        let id = Uuid::now_v7();
        let parked = ParkedBasket { id, terminal: terminal.to_owned(), at, basket: basket.clone() };
        self.store.park(&self.config.id, &parked).await?;
        Ok(id)
    }

    /// Takes a parked basket back (on any terminal).
    ///
    /// # Errors
    /// [`AppError::NotFound`] when there is no such parked basket (or another till took it).
    pub async fn recall(&self, id: Uuid) -> Result<ParkedBasket, AppError> {
        self.store
            .recall(&self.config.id, id)
            .await?
            .ok_or_else(|| AppError::NotFound { what: "parked basket", id: id.to_string() })
    }

    /// Baskets parked at a terminal.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn parked(&self, terminal: &str) -> Result<Vec<ParkedBasket>, AppError> {
        Ok(self.store.parked(&self.config.id, terminal).await?)
    }

    /// Brings the cached catalog and promotions up to date with the changes committed since it
    /// was loaded (call after catalog, price or promotion changes): it applies the outbox's
    /// pricing events in order, not a reload of everything.
    ///
    /// # Errors
    /// [`AppError::Store`]; a change the catalog refuses (the cache is then loaded afresh).
    pub async fn reload(&self) -> Result<(), AppError> {
        let _one = self.loading.lock().await;
        let Some(current) = self.pricing.read().await.clone() else { return Ok(()) };
        let events = self.store.pricing_events_after(&self.config.id, current.version).await?;
        let Some(last) = events.last().map(|e| e.sequence) else { return Ok(()) };
        let mut catalog = current.catalog.clone();
        let mut promotions = current.promotions.clone();
        let mut promotions_changed = false;
        for e in events {
            let applied = match e.data {
                EventData::ProductChanged { product } => catalog.upsert_product(*product),
                EventData::CategoryChanged { category } => catalog.upsert_category(
                    &category.id.0,
                    &category.name,
                    category.parent.as_ref().map(|p| p.0.as_str()),
                ),
                EventData::PriceListChanged { price_list } => catalog.add_price_list(*price_list),
                EventData::PromotionChanged { promotion } => {
                    promotions.retain(|p| p.id() != promotion.id());
                    promotions.push(*promotion);
                    promotions_changed = true;
                    Ok(())
                }
                _ => Ok(()),
            };
            if applied.is_err() {
                // Something the incremental path cannot apply: start over from the store.
                *self.pricing.write().await = None;
                drop(_one);
                self.catalog_and_engine().await?;
                return Ok(());
            }
        }
        let (engine, limits) = if promotions_changed {
            self.engine(&promotions)?
        } else {
            (current.engine.clone(), current.limits.clone())
        };
        *self.pricing.write().await =
            Some(Arc::new(Pricing { catalog, promotions, engine, limits, version: last }));
        Ok(())
    }

    /// Forgets the cached catalog and promotions: the next sale loads them afresh.
    pub async fn forget(&self) {
        *self.pricing.write().await = None;
    }

    async fn catalog_and_engine(&self) -> Result<Arc<Pricing>, AppError> {
        if let Some(p) = self.pricing.read().await.as_ref() {
            return Ok(p.clone());
        }
        // One loader: concurrent misses wait for it and take what it loaded.
        let _one = self.loading.lock().await;
        if let Some(p) = self.pricing.read().await.as_ref() {
            return Ok(p.clone());
        }
        let version = self.store.last_event(&self.config.id).await?;
        let catalog = self.store.load_catalog(&self.config.id, self.config.currency).await?;
        let promotions = self.store.load_promotions(&self.config.id).await?;
        let (engine, limits) = self.engine(&promotions)?;
        let p = Arc::new(Pricing { catalog, promotions, engine, limits, version });
        *self.pricing.write().await = Some(p.clone());
        Ok(p)
    }

    /// The engine over the store's promotions and the tiers' member discounts, and the usage
    /// limits by promotion.
    fn engine(
        &self,
        promotions: &[pos_core::Promotion],
    ) -> Result<(PricingEngine, HashMap<String, u32>), AppError> {
        let mut all = promotions.to_vec();
        // The tiers' member discounts are promotions like any other, gated by tier.
        all.extend(pos_loyalty::tier_promotions(&self.loyalty.tiers)?);
        let limits =
            all.iter().filter_map(|p| p.spec().max_uses.map(|n| (p.id().as_str().to_owned(), n))).collect();
        Ok((PricingEngine::builder(self.config.clone()).promotions(all).build()?, limits))
    }

    /// Completes a sale. The idempotency key is looked up first: a retry of a committed request
    /// replays its stored result (the same numbers, totals and document, whatever changed since),
    /// and the same key with a different request is a conflict that touches no payment. Cards are
    /// charged through written-ahead payment attempts; when the commit then fails, they are
    /// reversed, and what cannot be reversed at once is left to [`Checkout::reconcile`].
    ///
    /// # Errors
    /// [`AppError::InvalidField`] for a bad request; pricing, tender, loyalty errors;
    /// [`AppError::Declined`] (the other cards of the sale are reversed) and
    /// [`AppError::PaymentPending`] (retry with the same key: approved cards are kept for the
    /// retry, and reversed by the reconciler if none comes) from the gateway;
    /// [`AppError::Inventory`] with `InsufficientStock`; [`AppError::IdempotencyConflict`];
    /// [`AppError::PromotionLimit`] when another till took the last use of a promotion the
    /// basket was priced with. A failed sale writes no sale.
    pub async fn complete_sale(&self, req: &SaleRequest) -> Result<CompletedSale, AppError> {
        req.check()?;
        let request_hash = hash_request(req)?;
        // A concurrent change (the member's account moved on under another till, a
        // serialisation failure) is retried from the start: the cards approved on the way are
        // reused, not charged again.
        let mut tries = 0;
        loop {
            match self.complete_once(req, &request_hash).await {
                Err(AppError::Store(StoreError::Conflict { .. })) if tries < CONFLICT_RETRIES => tries += 1,
                Err(e @ AppError::Store(StoreError::Conflict { .. })) => {
                    let attempts = self.store.attempts_of(&self.config.id, &req.idempotency_key).await?;
                    let approved =
                        attempts.into_iter().filter(|a| a.state == AttemptState::Approved).collect();
                    self.reverse_all(approved).await;
                    return Err(e);
                }
                other => return other,
            }
        }
    }

    async fn complete_once(&self, req: &SaleRequest, request_hash: &str) -> Result<CompletedSale, AppError> {
        if let Some(done) = self.replay(&req.idempotency_key, request_hash).await? {
            return Ok(done);
        }
        let pricing = self.catalog_and_engine().await?;
        let (catalog, engine) = (&pricing.catalog, &pricing.engine);
        let (mut basket, ctx, tier_multiplier) = self.context(&req.basket, req.at).await?;
        let local_day = req.at.with_timezone(&self.config.time_zone).date_naive();
        let member_id = req.basket.customer().member_id.clone();
        let mut used = Vec::with_capacity(req.coupons.len());
        for code in &req.coupons {
            let normal = pos_core::basket::normalise_coupon(code);
            let coupon = self.store.coupon(&self.config.id, &normal).await?.ok_or_else(|| {
                pos_loyalty::LoyaltyError::Coupon { code: code.clone(), reason: "no such coupon".into() }
            })?;
            let mut book = pos_loyalty::CouponBook::new();
            book.issue(coupon)?;
            let campaign = book.check(&normal, member_id.as_deref(), local_day)?;
            basket.add_coupon(campaign)?;
            used.push(normal);
        }
        let priced = engine.price(catalog, &basket, &ctx)?;
        let limited: Vec<(String, u32)> = priced
            .promotions
            .iter()
            .filter_map(|a| {
                pricing
                    .limits
                    .get(a.promotion.id().as_str())
                    .map(|n| (a.promotion.id().as_str().to_owned(), *n))
            })
            .collect();

        // Loyalty: spend and earn on the member's account, committed with the sale.
        let member = req.basket.customer().member_id.clone();
        let (loyalty_sale, loyalty_commit) = match &member {
            Some(m) => {
                let (mut account, version) =
                    self.store.load_account(&self.config.id, m).await?.unwrap_or((PointsAccount::new(m), 0));
                let before = account.ledger().len();
                let lines = priced
                    .lines
                    .iter()
                    .map(|l| {
                        let path = catalog
                            .product(&l.sku)
                            .map(|p| catalog.category_path(&p.category))
                            .unwrap_or(&[]);
                        SaleLine::from_priced(l, priced.tax_mode, path)
                    })
                    .collect();
                let input = SaleInput {
                    document: req.idempotency_key.clone(),
                    at: req.at,
                    lines,
                    redeem: req.redeem_points,
                    tier_multiplier,
                    first_purchase: account.last_sequence() == 0,
                };
                let sale = account.sale(&self.loyalty, &input)?;
                let entries = account.ledger()[before..].to_vec();
                (
                    Some(sale),
                    Some((
                        PointsEntries { member: m.clone(), entries },
                        AccountChange { expected_version: version, account },
                    )),
                )
            }
            None if req.redeem_points > 0 => {
                return Err(AppError::invalid("redeem_points", "points need an identified member"));
            }
            None => (None, None),
        };

        let mut tenders = req.tenders.clone();
        if req.redeem_points > 0 {
            let value = Decimal::from(req.redeem_points) * self.loyalty.point_value;
            tenders
                .insert(0, TenderInput::new(TenderKind::LoyaltyPoints, Money::new(value, priced.currency)));
        }
        let settlement = settle(priced.total, &tenders, &self.config.cash_rounding)?;

        // Card and wallet payments go through the gateway, each written ahead as an attempt.
        let gate = self.gate();
        let mut payments = Vec::with_capacity(settlement.tenders.len());
        let mut charged: Vec<PaymentAttempt> = Vec::new();
        for (i, t) in settlement.tenders.iter().enumerate() {
            let mut record = PaymentRecord {
                kind: t.kind,
                amount: t.amount,
                state: PaymentState::Captured,
                reference: t.reference.clone(),
                // A standalone terminal's slip gives them; a gateway's answer fills them below.
                brand: tenders.get(i).and_then(|input| input.brand.clone()),
                last4: tenders.get(i).and_then(|input| input.last4.clone()),
            };
            if t.kind.via_gateway() && !t.amount.is_zero() {
                let key = format!("{}/{i}", req.idempotency_key);
                let mut a =
                    attempt(key, &req.idempotency_key, AttemptOperation::Charge, t.kind, t.amount, None);
                match gate.charge(a.clone(), t.reference.clone()).await {
                    Ok(approval) => {
                        record.reference = Some(approval.reference.clone());
                        record.brand.clone_from(&approval.brand);
                        record.last4.clone_from(&approval.last4);
                        a.state = AttemptState::Approved;
                        a.approval = Some(approval);
                        charged.push(a);
                    }
                    Err(e @ AppError::Declined { .. }) => {
                        self.reverse_all(charged).await;
                        return Err(e);
                    }
                    // Approved cards stay approved for a retry with the same key; the
                    // reconciler reverses them if none comes.
                    Err(e) => return Err(e),
                }
            }
            payments.push(record);
        }
        self.fail.after(commit::CommitStep::Charged)?;

        let facts = priced
            .lines
            .iter()
            .map(|l| {
                let product = catalog.product(&l.sku);
                LineFacts {
                    line_id: l.line_id,
                    category: product.map_or_else(|| "?".to_owned(), |p| p.category.0.clone()),
                    cost: product.and_then(|p| p.cost),
                }
            })
            .collect();
        let (points, account) = loyalty_commit.unzip();
        let document = SaleDocument {
            schema: SCHEMA,
            sale_id: Uuid::now_v7(),
            terminal: req.terminal.clone(),
            cashier: req.cashier.clone(),
            at: req.at,
            priced,
            settlement,
            loyalty: loyalty_sale,
            lines: facts,
            location: req.location.clone(),
            payments,
            coupons: used,
            points,
        };
        let commit = SaleCommit {
            store: self.config.id.clone(),
            terminal: req.terminal.clone(),
            idempotency_key: req.idempotency_key.clone(),
            request_hash: request_hash.to_owned(),
            facts: Vec::new(),
            document,
            account,
            limited,
        };
        let mut commit = commit;
        commit.facts = crate::reports::facts(
            &crate::ports::StoredDocument::Sale(Box::new(commit.document.clone())),
            &crate::reports::local_of(self.config.time_zone),
        );
        let outcome = match commit::sale(&*self.store, &self.fail, &self.key, &commit).await {
            Ok(o) => o,
            Err(e) => {
                // A conflicting request's cards were the first request's (the gateway keys are
                // the same): never touch them. A concurrent change is retried with these cards.
                if !matches!(
                    e,
                    AppError::IdempotencyConflict { .. } | AppError::Store(StoreError::Conflict { .. })
                ) {
                    self.reverse_all(charged).await;
                }
                return Err(e);
            }
        };
        let total = commit.document.total();
        if outcome.replayed {
            // A concurrent try of the same request committed first; its cards were these.
            return self.replay(&req.idempotency_key, request_hash).await?.ok_or_else(|| {
                AppError::Store(StoreError::Conflict { what: format!("sale `{}`", req.idempotency_key) })
            });
        }
        let SaleDocument { sale_id, priced, settlement, loyalty, .. } = commit.document;
        Ok(CompletedSale {
            sale_id,
            receipt: outcome.receipt,
            number: outcome.number,
            journal_sequence: outcome.journal_sequence,
            total,
            replayed: false,
            priced: Some(priced),
            settlement: Some(settlement),
            loyalty,
        })
    }

    /// The stored result of a committed request with this key, or a conflict when the key
    /// committed a different request.
    async fn replay(&self, key: &str, request_hash: &str) -> Result<Option<CompletedSale>, AppError> {
        let Some((prior, doc)) = self.store.sale_by_key(&self.config.id, key).await? else { return Ok(None) };
        if prior.request_hash != request_hash {
            return Err(AppError::IdempotencyConflict { key: key.to_owned() });
        }
        Ok(Some(CompletedSale {
            sale_id: prior.id,
            receipt: receipt_number(&prior.terminal, prior.number),
            number: prior.number,
            journal_sequence: prior.journal_sequence,
            total: doc.total(),
            replayed: true,
            priced: Some(doc.priced),
            settlement: Some(doc.settlement),
            loyalty: doc.loyalty,
        }))
    }

    fn gate(&self) -> Gate<'_, S, G> {
        Gate { store: &*self.store, gateway: &*self.gateway, store_id: &self.config.id }
    }

    /// Reverses the charges of a sale that did not commit; what the gateway does not confirm
    /// stays `Reversing` for the reconciler.
    async fn reverse_all(&self, charged: Vec<PaymentAttempt>) {
        let gate = self.gate();
        for a in charged {
            // A store error here leaves the attempt as it was: the reconciler finds it.
            let _ = gate.reverse(a).await;
        }
    }

    /// Finishes the sale payments a crash or a lost answer left open, last changed before
    /// `before`: a charge whose sale committed is marked so; any other is reversed. Safe to run
    /// concurrently and repeatedly.
    ///
    /// # Errors
    /// [`AppError::Store`].
    pub async fn reconcile(&self, before: DateTime<Utc>) -> Result<Reconciled, AppError> {
        let mut done = Reconciled::default();
        let gate = self.gate();
        for mut a in self.store.open_attempts(&self.config.id, before).await? {
            if a.operation != AttemptOperation::Charge {
                continue;
            }
            let committed = match self.store.sale_by_key(&self.config.id, &a.document).await? {
                Some((_, doc)) => doc.payments.iter().any(|p| {
                    p.reference.is_some() && p.reference == a.approval.as_ref().map(|x| x.reference.clone())
                }),
                None => false,
            };
            if committed {
                if gate.advance(&mut a, &[AttemptState::Approved], AttemptState::Committed).await? {
                    done.committed += 1;
                }
            } else if gate.reverse(a).await? {
                done.reversed += 1;
            } else {
                done.open += 1;
            }
        }
        Ok(done)
    }
}

/// What a reconciler run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciled {
    /// Attempts found to belong to a committed document.
    pub committed: usize,
    /// Charges reversed.
    pub reversed: usize,
    /// Returns completed after their payout.
    pub completed: usize,
    /// Return claims released after a declined payout.
    pub released: usize,
    /// Attempts still open (the gateway has no answer yet).
    pub open: usize,
}

/// SHA-256 of the request's canonical JSON.
fn hash_request(req: &SaleRequest) -> Result<String, AppError> {
    let json = canonical_json(req)?;
    let digest = Sha256::digest(json.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect())
}

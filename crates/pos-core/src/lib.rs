//! # pos-core
//!
//! The pure domain of the point-of-sale platform: exact money, tax, catalog, baskets, pricing
//! and promotions, receipts and the tamper-evident journal. No I/O, no async, no database:
//! time and configuration come in as arguments, so every function is deterministic and every
//! invariant can be property-tested.
//!
//! - [`Money`] is a `rust_decimal::Decimal` with a [`Currency`]; mixing currencies is an error,
//!   rounding happens only at named points ([`RoundingMode`], [`CashRounding`]).
//! - [`Catalog`] holds products, variants, a category tree and price lists.
//! - [`Basket`] is what the cashier builds; [`PricingEngine`] prices it against promotions and
//!   tax into a [`PricedBasket`] whose line totals add up to the document total exactly.
//! - [`Receipt`] is the printable document; [`receipt::render_text`] lays it out by display width.
//! - [`journal`] chains finalised documents with SHA-256 and verifies the chain.
//!
//! ## Example: a Korean shop, VAT included
//!
//! ```
//! use pos_core::{Basket, Catalog, Currency, PricingContext, PricingEngine, Product, Promotion,
//!                PromotionKind, Quantity, Sku, StoreConfig, Target};
//! use rust_decimal::Decimal;
//!
//! let mut catalog = Catalog::new(Currency::KRW);
//! catalog.upsert_category("drinks", "음료", None)?;
//! catalog.upsert_product(Product::new("8801", "바나나우유", "drinks", "standard", Decimal::from(1_650))?)?;
//!
//! let two_plus_one = Promotion::builder("2+1", "2+1 행사", PromotionKind::BuyXGetY {
//!     buy: Target::items(&["8801"])?, buy_qty: 2,
//!     get: Target::items(&["8801"])?, get_qty: 1,
//!     reward: pos_core::Reward::Free,
//! }).build()?;
//! let engine = PricingEngine::builder(StoreConfig::korea("seoul-1")).promotion(two_plus_one).build()?;
//!
//! let mut basket = Basket::new();
//! basket.add(Sku::parse("8801")?, Quantity::each(3)?);
//! let at = "2026-11-23T10:00:00Z".parse().unwrap();
//! let priced = engine.price(&catalog, &basket, &PricingContext::at(at))?;
//!
//! assert_eq!(priced.total.amount(), Decimal::from(3_300));     // one of three is free
//! assert_eq!(priced.tax_total.amount(), Decimal::from(300));   // 10 % VAT included
//! # Ok::<(), pos_core::CoreError>(())
//! ```
#![deny(missing_docs)]

pub mod allocation;
pub mod barcode;
pub mod basket;
pub mod catalog;
pub mod currency;
pub mod error;
pub mod journal;
pub mod limits;
pub mod money;
pub mod pricing;
pub mod promotion;
pub mod quantity;
pub mod receipt;
pub mod rounding;
pub mod sku;
pub mod tax;

pub use barcode::{Barcode, EmbeddedBarcode, EmbeddedKind, EmbeddedLayout, Scan, Symbology, parse_scan};
pub use basket::{Basket, BasketLine, CustomerContext, ManualDiscount, PriceOverride};
pub use catalog::{Catalog, Category, CategoryId, PriceList, Product, StoreId};
pub use currency::Currency;
pub use error::CoreError;
pub use journal::{DocumentKind, JournalChain, JournalEntry, JournalError, JournalKey};
pub use money::Money;
pub use pricing::{
    AppliedPromotion, DiscountSource, LineDiscount, LineDiscounts, PricedBasket, PricedLine, PricingContext,
    PricingEngine, PricingEngineBuilder, PromotionLabel, PromotionRef, RefundQuote, StoreConfig,
    TaxBreakdown,
};
pub use promotion::{
    BasketReward, Promotion, PromotionBuilder, PromotionId, PromotionKind, PromotionSpec, Reward, SpendTier,
    Stacking, Target, TimeWindow,
};
pub use quantity::{Quantity, Unit};
pub use receipt::{Labels, LineRole, Receipt, StoreHeader, Width};
pub use rounding::{CashRounding, RoundingMode};
pub use sku::Sku;
pub use tax::{TaxClassId, TaxMode, TaxRate, TaxRounding, TaxTable};

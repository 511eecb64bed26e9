//! The pricing engine: catalog prices, promotions, manual discounts and tax, applied to a basket.
//!
//! # Order of application
//! 1. Each line gets its unit price (override, else the most specific price list, else the
//!    catalog price) and its base amount `unit price x quantity`, rounded to minor units (the
//!    *line* rounding point). A price-embedded barcode gives the base amount directly.
//! 2. Item promotions. Stackable ones apply in priority order (higher first, then id), each on
//!    what the previous ones left. An exclusive item promotion takes the lines it discounts for
//!    itself; among exclusive promotions that compete for lines the engine keeps the
//!    combination with the largest gain over the stackable promotions they displace
//!    (ties: the combination found first in id order). Percent-off, amount-off and fixed-price
//!    promotions without a cap compete for each line on its own, so each item gets the one best
//!    for it; bundles and capped promotions compete for their lines together.
//! 3. Manual line discounts, on what is left of each line.
//! 4. Basket promotions (percent or amount off the basket, spend tiers) on the subtotal after
//!    item discounts; a spend threshold is measured on that subtotal, before any basket
//!    discount, whatever order the basket promotions apply in. An exclusive basket promotion excludes every other promotion: the engine
//!    prices the basket both ways and keeps the one cheaper for the customer.
//! 5. The manual basket discount.
//! 6. Tax per line or per document.
//!
//! Every discount is computed at full precision and rounded once (the *document* rounding
//! point); a discount that spans lines is allocated to them by largest remainder, so line
//! totals always add up to the document total and no line goes below zero.
//!
//! # Where each phase lives
//! [`PricingEngine::price`] runs the phases in that order, each a named function over the
//! run's [`workspace`]: `resolve_lines` and `collect_item_promotions` (`lines.rs`, phase 1
//! and the candidates of phase 2), `item_phase` (`items.rs`, phase 2, with
//! `exclusive_item_phase` in `exclusive.rs` and the unit promotions in `units.rs`),
//! `apply_manual_lines` (`items.rs`, phase 3), `basket_phase` and `manual_basket_discount`
//! (`basket.rs`, phases 4 and 5), `taxes` (`tax.rs`, phase 6), and `assemble` (`result.rs`).
//! The engine and its builder are in `engine.rs`, each promotion's hot-path record in
//! `meta.rs`, the indexes and product table in `index.rs`, the gates in `gate.rs`.

mod basket;
mod config;
mod engine;
mod exclusive;
mod gate;
mod index;
mod items;
mod lines;
mod meta;
mod result;
mod tax;
#[cfg(test)]
mod tests;
mod units;
mod workspace;

pub use config::{PricingContext, StoreConfig};
pub use engine::{PricingEngine, PricingEngineBuilder};
pub use result::{
    AppliedPromotion, DiscountSource, LineDiscount, LineDiscounts, PricedBasket, PricedLine, PromotionLabel,
    PromotionRef, RefundQuote, TaxBreakdown,
};

use crate::basket::Basket;
use crate::catalog::Catalog;
use crate::error::CoreError;
use engine::Run;
use gate::GateFacts;
use workspace::Workspace;

impl PricingEngine {
    /// Prices a basket.
    ///
    /// # Errors
    /// [`CoreError::CurrencyMismatch`] when the catalog is in another currency,
    /// [`CoreError::UnknownSku`] for a line whose product is not in the catalog,
    /// [`CoreError::InvalidQuantity`] when a line's unit differs from the product's,
    /// [`CoreError::InvalidField`] naming `tax_class` for a product whose class has no rate,
    /// [`CoreError::Overflow`] for amounts beyond the representable range.
    pub fn price(
        &self,
        catalog: &Catalog,
        basket: &Basket,
        ctx: &PricingContext,
    ) -> Result<PricedBasket, CoreError> {
        let mut ws = self.workspaces.take();
        let priced = self.price_in(&mut ws, catalog, basket, ctx);
        self.workspaces.put_back(ws);
        priced
    }

    /// [`Self::price`] with the buffers of `ws`: the phases in the order of application.
    fn price_in(
        &self,
        ws: &mut Workspace,
        catalog: &Catalog,
        basket: &Basket,
        ctx: &PricingContext,
    ) -> Result<PricedBasket, CoreError> {
        if catalog.currency() != self.store.currency {
            return Err(CoreError::CurrencyMismatch {
                left: self.store.currency.code().to_owned(),
                right: catalog.currency().code().to_owned(),
            });
        }
        let local = ctx.at.with_timezone(&self.store.time_zone).naive_local();
        let resolved = self.resolve_lines(catalog, basket, local, ws)?;
        let run = Run { basket, ctx, local, facts: GateFacts::new(basket, local) };
        self.collect_item_promotions(&run, ws);
        self.item_phase(ws);
        self.apply_manual_lines(basket, &ws.infos, &mut ws.state);
        self.basket_phase(&run, ws);
        self.manual_basket_discount(basket, ws)?;
        let Workspace { infos, state, sc, taxes, .. } = &mut *ws;
        self.taxes(infos, &state.remaining, resolved.tax_slots.len(), sc, taxes);
        Ok(self.assemble(basket, &resolved, ws))
    }
}

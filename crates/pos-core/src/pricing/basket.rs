//! Phase 4, basket promotions (percent or amount off, spend tiers) on the subtotal after item
//! discounts, exclusive ones priced on their own against the rest; and phase 5, the manual
//! basket discount. A basket discount is spread over the lines by what each has left. A spend
//! threshold is measured on the subtotal after item discounts, before any basket discount, so
//! whether it is reached does not depend on the order basket promotions apply in.

use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::PricingEngine;
use super::engine::Run;
use super::workspace::{LineInfo, Scratch, Src, State, Workspace};
use crate::allocation::allocate_int_into;
use crate::basket::ManualDiscountKind;
use crate::error::CoreError;
use crate::promotion::{BasketReward, PromotionKind};

impl PricingEngine {
    /// Phase 4: stackable basket promotions in application order; then each exclusive one
    /// (which excludes every other promotion), priced on its own in id order, replaces the
    /// result when it gives the customer more.
    pub(super) fn basket_phase(&self, run: &Run<'_>, ws: &mut Workspace) {
        let Workspace { infos, basket_promos, state, alt, sc, .. } = ws;
        basket_promos.clear();
        basket_promos.extend(self.basket_level.iter().copied().filter(|p| self.passes(run, *p)));
        basket_promos.sort_unstable_by(|a, b| self.application_order(a, b));
        let spend: i64 = state.remaining.iter().sum();
        for &p in basket_promos.iter() {
            if !self.meta[p as usize].exclusive {
                self.apply_basket(p, spend, infos, state, sc);
            }
        }
        let mut best_total = state.discount_total();
        let mut exclusive: SmallVec<[u32; 8]> =
            basket_promos.iter().copied().filter(|p| self.meta[*p as usize].exclusive).collect();
        exclusive.sort_unstable_by_key(|p| self.id_rank[*p as usize]);
        for p in exclusive {
            alt.reset(infos);
            self.apply_manual_lines(run.basket, infos, alt);
            let spend: i64 = alt.remaining.iter().sum();
            self.apply_basket(p, spend, infos, alt, sc);
            let t = alt.discount_total();
            if t > best_total {
                best_total = t;
                std::mem::swap(state, alt);
            }
        }
    }

    /// Phase 5: the manual basket discount, on what the lines have left.
    ///
    /// # Errors
    /// [`CoreError::Overflow`] for an amount beyond the representable range.
    pub(super) fn manual_basket_discount(
        &self,
        basket: &crate::basket::Basket,
        ws: &mut Workspace,
    ) -> Result<(), CoreError> {
        let Some(d) = basket.discount() else { return Ok(()) };
        let Workspace { infos, state, sc, .. } = ws;
        let subtotal: i64 = state.remaining.iter().sum();
        let want = match d.kind() {
            ManualDiscountKind::Percent(p) => {
                self.round_minor(Decimal::from(subtotal) * p / Decimal::ONE_HUNDRED)
            }
            ManualDiscountKind::Amount(a) => self.to_minor_exact(a)?,
        };
        self.spread(Src::ManualBasket, want, infos, state, sc);
        Ok(())
    }

    /// Applies one basket promotion to what the lines have left; a spend tier is chosen by
    /// `spend`, the subtotal after item discounts.
    pub(super) fn apply_basket(
        &self,
        p: u32,
        spend: i64,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        let spec = self.promotions[p as usize].spec();
        let subtotal: i64 = state.remaining.iter().sum();
        if subtotal <= 0 {
            return 0;
        }
        let sub = Decimal::from(subtotal);
        let scale = self.scale();
        let reward = match &spec.kind {
            PromotionKind::BasketPercentOff { percent } => BasketReward::PercentOff(*percent),
            PromotionKind::BasketAmountOff { amount } => BasketReward::AmountOff(*amount),
            PromotionKind::SpendTiers { tiers } => {
                let spend = Decimal::from(spend);
                match tiers.iter().rev().find(|t| spend >= t.threshold * scale) {
                    Some(t) => t.reward,
                    None => return 0,
                }
            }
            _ => return 0,
        };
        let exact = match reward {
            BasketReward::PercentOff(pc) => sub * pc / Decimal::ONE_HUNDRED,
            BasketReward::AmountOff(a) => (a * scale).min(sub),
        };
        let meta = &self.meta[p as usize];
        let total = self.round_minor(exact).min(meta.cap_minor).min(subtotal);
        if total <= 0 {
            return 0;
        }
        self.spread(Src::Promo(p), total, infos, state, sc)
    }

    /// Spreads `total` over the lines in proportion to what each has left (a line with nothing
    /// left gets nothing) and commits it.
    pub(super) fn spread(
        &self,
        src: Src,
        total: i64,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        sc.keys.clear();
        sc.keys.extend(infos.iter().map(|l| l.id));
        let remaining = &state.remaining;
        allocate_int_into(total, remaining, remaining, &sc.keys, &mut sc.shares, &mut sc.remainders);
        let mut committed = 0;
        for (l, &share) in sc.shares.iter().enumerate() {
            if share > 0 {
                state.remaining[l] -= share;
                state.log.push((src, l, share));
                committed += share;
            }
        }
        committed
    }
}

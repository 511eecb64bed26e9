//! Phase 2, item promotions: each on the unclaimed lines it looks at, computed in integers
//! where it has an integer form and in `Decimal` otherwise, rounded once and allocated over its
//! lines by largest remainder; and phase 3, manual line discounts.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::PricingEngine;
use super::meta::{FastKind, Meta};
use super::units::Fractions;
use super::workspace::{LineInfo, Scratch, Src, State, Workspace};
use crate::allocation::allocate_int_into;
use crate::basket::{Basket, ManualDiscountKind};
use crate::promotion::PromotionKind;
use crate::rounding::RoundingMode;

impl PricingEngine {
    /// Phase 2: the item promotions, stackable ones in application order, each on what the
    /// previous ones left; exclusive ones compete for the lines they discount.
    pub(super) fn item_phase(&self, ws: &mut Workspace) {
        ws.state.reset(&ws.infos);
        if !ws.exclusive.is_empty() {
            return self.exclusive_item_phase(ws);
        }
        let Workspace { infos, targets, item_promos, stackable, state, sc, .. } = ws;
        for &i in stackable.iter() {
            self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
        }
    }

    /// Evaluates one item promotion on the unclaimed lines and commits it. Returns the discount.
    pub(super) fn apply_item(
        &self,
        p: u32,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        let meta = &self.meta[p as usize];
        // Most promotions meet one line of a basket.
        if let [(l, _)] = *lines
            && let Some(total) = self.one_line(meta, l, infos, state)
        {
            if total <= 0 {
                return 0;
            }
            return state.commit(Src::Promo(p), &[l], &[total]);
        }
        let open = |l: usize| !state.claimed[l] && state.remaining[l] > 0;
        // Integer fast paths: the exact discount is a whole number of minor units (amount off,
        // fixed price on whole pieces) or a ratio rounded once (percent off).
        sc.ints.clear();
        let exact_minor: Option<i64> = match meta.kind {
            FastKind::Percent => {
                // Proportional to what each line has left: integer weights, one exact total.
                sc.ints.extend(lines.iter().filter(|(l, _)| open(*l)).map(|&(l, _)| (l, state.remaining[l])));
                let base: i64 = sc.ints.iter().map(|w| w.1).sum();
                let rounded = self
                    .store
                    .rounding
                    .round_ratio(i128::from(base) * i128::from(meta.figure), i128::from(meta.den()));
                Some(i64::try_from(rounded).unwrap_or(i64::MAX))
            }
            FastKind::AmountOff => {
                let per_unit = meta.figure;
                let mut ok = true;
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    match infos[l].pieces.and_then(|n| per_unit.checked_mul(i64::from(n))) {
                        Some(off) => sc.ints.push((l, off.min(state.remaining[l]))),
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                ok.then(|| sc.ints.iter().map(|w| w.1).sum())
            }
            FastKind::FixedPrice => {
                let per_unit = meta.figure;
                let mut ok = true;
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    match infos[l].pieces.and_then(|n| per_unit.checked_mul(i64::from(n))) {
                        Some(target) if state.remaining[l] > target => {
                            sc.ints.push((l, state.remaining[l] - target));
                        }
                        Some(_) => {}
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                ok.then(|| sc.ints.iter().map(|w| w.1).sum())
            }
            FastKind::BuyXGetY | FastKind::MixAndMatch => {
                let Some(rule) = meta.unit_rule() else { return 0 };
                return self.apply_units_whole(p, rule, lines, infos, state, sc);
            }
            FastKind::None => None,
        };
        if let Some(total) = exact_minor {
            return self.commit_int(p, total, infos, state, sc);
        }
        sc.ints.clear();
        self.apply_item_exact(p, lines, infos, state, sc)
    }

    /// The capped discount of a percent-off, amount-off or fixed-price promotion on line `l`
    /// alone: what the general path of [`Self::apply_item`] gives for one line, without its
    /// buffers. `None` for other kinds and for weighed goods, which that path prices.
    pub(super) fn one_line(&self, meta: &Meta, l: usize, infos: &[LineInfo], state: &State) -> Option<i64> {
        let left = state.remaining[l];
        if state.claimed[l] || left <= 0 {
            return Some(0);
        }
        let off = match meta.kind {
            FastKind::Percent => {
                let rounded = self
                    .store
                    .rounding
                    .round_ratio(i128::from(left) * i128::from(meta.figure), i128::from(meta.den()));
                i64::try_from(rounded).unwrap_or(i64::MAX)
            }
            FastKind::AmountOff => meta.figure.checked_mul(i64::from(infos[l].pieces?))?.min(left),
            FastKind::FixedPrice => (left - meta.figure.checked_mul(i64::from(infos[l].pieces?))?).max(0),
            _ => return None,
        };
        Some(off.min(meta.cap_minor).min(left))
    }

    /// [`Self::apply_item`] in `Decimal` arithmetic, for any figures and quantities.
    pub(super) fn apply_item_exact(
        &self,
        p: u32,
        lines: &[(usize, u8)],
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        let spec = self.promotions[p as usize].spec();
        let scale = self.scale();
        let open = |l: usize| !state.claimed[l] && state.remaining[l] > 0;
        match &spec.kind {
            PromotionKind::PercentOff { percent, .. } => {
                sc.ints.extend(lines.iter().filter(|(l, _)| open(*l)).map(|&(l, _)| (l, state.remaining[l])));
                let base: i64 = sc.ints.iter().map(|w| w.1).sum();
                let exact = Decimal::from(base) * *percent / Decimal::ONE_HUNDRED;
                return self.commit_int(p, self.round_minor(exact), infos, state, sc);
            }
            PromotionKind::BuyXGetY { .. } | PromotionKind::MixAndMatch { .. } => {
                return self.apply_units_exact(p, lines, infos, state, sc);
            }
            _ => {}
        }
        // Exact discount per line, in minor units at full precision.
        let mut weights = std::mem::take(&mut sc.weights);
        weights.clear();
        match &spec.kind {
            PromotionKind::AmountOff { amount, .. } => {
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    let off = *amount * scale * infos[l].quantity;
                    weights.push((l, off.min(Decimal::from(state.remaining[l]))));
                }
            }
            PromotionKind::FixedPrice { price, .. } => {
                for &(l, _) in lines.iter().filter(|(l, _)| open(*l)) {
                    let target = *price * scale * infos[l].quantity;
                    let off = Decimal::from(state.remaining[l]) - target;
                    if off > Decimal::ZERO {
                        weights.push((l, off));
                    }
                }
            }
            _ => {}
        }
        self.commit_weights(p, weights, infos, state, sc)
    }

    /// [`Self::commit_weights`] for discounts given as exact fractions of minor units: the same
    /// rounding and weights in integers. `None` when an amount is beyond what the decimal path
    /// represents exactly; that path then prices the promotion.
    pub(super) fn commit_fractions(
        &self,
        p: u32,
        f: Fractions<'_>,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> Option<i64> {
        if f.parts.is_empty() {
            return Some(0);
        }
        let den = i128::from(f.den);
        let mut sum = 0_i128;
        for &(_, num) in f.parts {
            sum = sum.checked_add(num)?;
        }
        // Within 10^26 a sum with at most 9 decimals is exact in `Decimal`.
        if !(0..100_000_000_000_000_000_000_000_000).contains(&sum) {
            return None;
        }
        let rounded = i64::try_from(self.store.rounding.round_ratio(sum, den)).ok()?;
        sc.ints.clear();
        if f.parts.iter().all(|(_, num)| num % den == 0) {
            for &(l, num) in f.parts {
                sc.ints.push((l, i64::try_from(num / den).ok()?));
            }
        } else {
            // Weights in thousandths of a minor unit, rounded half to even as `Decimal::round`.
            for &(l, num) in f.parts {
                sc.ints.push((l, i64::try_from(RoundingMode::HalfEven.round_ratio(num * 1000, den)).ok()?));
            }
        }
        Some(self.commit_int(p, rounded, infos, state, sc))
    }

    /// Rounds the sum of the exact per-line discounts `weights` once, allocates it over those
    /// lines by weight and commits it; gives the buffer back to `sc`.
    pub(super) fn commit_weights(
        &self,
        p: u32,
        weights: Vec<(usize, Decimal)>,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        if weights.is_empty() {
            sc.weights = weights;
            return 0;
        }
        let exact: Decimal = weights.iter().map(|w| w.1).sum();
        let rounded = self.round_minor(exact);
        sc.ints.clear();
        if weights.iter().all(|w| w.1.fract().is_zero()) {
            sc.ints.extend(weights.iter().map(|w| (w.0, w.1.to_i64().unwrap_or(i64::MAX))));
        } else {
            // Proportional shares need far less precision than the total: weights in
            // thousandths of a minor unit go through the exact integer allocator.
            sc.ints.extend(
                weights.iter().map(|w| {
                    (w.0, (w.1 * Decimal::ONE_THOUSAND).round().to_i64().unwrap_or(i64::MAX / 1024))
                }),
            );
        }
        sc.weights = weights;
        self.commit_int(p, rounded, infos, state, sc)
    }

    /// Caps the rounded discount `rounded` of promotion `p` (at most the promotion's cap and
    /// what the weighted lines in `sc.ints` have left), allocates it over those lines by weight
    /// and commits it. Returns what was committed.
    pub(super) fn commit_int(
        &self,
        p: u32,
        rounded: i64,
        infos: &[LineInfo],
        state: &mut State,
        sc: &mut Scratch,
    ) -> i64 {
        if sc.ints.is_empty() {
            return 0;
        }
        let room: i64 = sc.ints.iter().map(|w| state.remaining[w.0]).sum();
        let meta = &self.meta[p as usize];
        let total = rounded.min(meta.cap_minor).min(room);
        if total <= 0 {
            return 0;
        }
        if let [(l, _)] = sc.ints[..] {
            return state.commit(Src::Promo(p), &[l], &[total]);
        }
        sc.weights_int.clear();
        sc.caps.clear();
        sc.keys.clear();
        sc.lines.clear();
        for &(l, w) in &sc.ints {
            sc.weights_int.push(w);
            sc.caps.push(state.remaining[l]);
            sc.keys.push(infos[l].id);
            sc.lines.push(l);
        }
        allocate_int_into(total, &sc.weights_int, &sc.caps, &sc.keys, &mut sc.shares, &mut sc.remainders);
        state.commit(Src::Promo(p), &sc.lines, &sc.shares)
    }

    /// Phase 3: manual line discounts, each on what is left of its line.
    pub(super) fn apply_manual_lines(&self, basket: &Basket, infos: &[LineInfo], state: &mut State) {
        for (l, info) in infos.iter().enumerate() {
            let Some(d) = info.manual.then(|| basket.lines()[l].discount.as_ref()).flatten() else {
                continue;
            };
            let rest = state.remaining[l];
            let off = match d.kind() {
                ManualDiscountKind::Percent(p) => {
                    self.round_minor(Decimal::from(rest) * p / Decimal::ONE_HUNDRED)
                }
                ManualDiscountKind::Amount(a) => self.round_minor(a * self.scale()),
            };
            let off = off.min(rest);
            if off > 0 {
                state.commit(Src::ManualLine, &[l], &[off]);
            }
        }
    }
}

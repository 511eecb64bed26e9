//! Phase 1, the lines: each line's unit price, base amount and tax rate; and the item
//! promotions that look at each line, from the product table.

use rust_decimal::Decimal;
use smallvec::SmallVec;

use super::PricingEngine;
use super::engine::Run;
use super::workspace::{LineInfo, Workspace};
use crate::basket::Basket;
use crate::catalog::{Catalog, Product};
use crate::error::CoreError;
use crate::limits::{MAX_LINES, MAX_MINOR};

/// What phase 1 resolved that the result needs: each line's product and the tax rates met.
pub(super) struct Resolved<'a> {
    pub(super) products: Vec<&'a Product>,
    /// The (label, rate) of each tax slot lines point to.
    pub(super) tax_slots: Vec<(&'a str, Decimal)>,
}

impl PricingEngine {
    /// Phase 1: resolves every line (unit price: override, else the most specific price list,
    /// else the catalog; base amount rounded to minor units at the *line* rounding point; tax
    /// slot) into `ws.infos`, and collects into `ws.hits` the (promotion, line, role) of every
    /// item promotion that looks at a line.
    pub(super) fn resolve_lines<'a>(
        &'a self,
        catalog: &'a Catalog,
        basket: &Basket,
        local: chrono::NaiveDateTime,
        ws: &mut Workspace,
    ) -> Result<Resolved<'a>, CoreError> {
        let Workspace { infos, hits, .. } = ws;
        let price_lists =
            catalog.applicable_price_lists(&self.store.id, basket.customer().group.as_deref(), local.date());
        let n = basket.lines().len();
        if n > MAX_LINES {
            return Err(CoreError::invalid("lines", format!("a basket holds at most {MAX_LINES} lines")));
        }
        infos.clear();
        let mut products = Vec::with_capacity(n);
        let mut tax_slots: Vec<(&str, Decimal)> = Vec::new();
        // Per catalog tax class: its slot in `tax_slots`, resolved at its first line.
        let mut class_slots: SmallVec<[usize; 8]> =
            SmallVec::from_elem(usize::MAX, catalog.tax_class_count());
        hits.clear();
        let table = (!self.promotions.is_empty())
            .then(|| self.product_table.table(&self.by_sku, &self.by_category, &self.all_items, catalog));
        for bl in basket.lines() {
            let (product, slot_facts) = catalog
                .product_in_slot(&bl.sku)
                .ok_or_else(|| CoreError::UnknownSku { sku: bl.sku.to_string() })?;
            if product.unit != bl.quantity.unit() {
                return Err(CoreError::InvalidQuantity {
                    quantity: bl.quantity.value(),
                    reason: format!(
                        "`{}` is sold in {:?}, not {:?}",
                        bl.sku,
                        product.unit,
                        bl.quantity.unit()
                    ),
                });
            }
            let unit_price = match &bl.price_override {
                Some(o) => o.price(),
                None => {
                    price_lists.iter().find_map(|l| l.prices.get(&bl.sku).copied()).unwrap_or(product.price)
                }
            };
            let qty = bl.quantity.value();
            let base = match bl.embedded_price {
                Some(p) if bl.price_override.is_none() => self.to_minor_exact(p)?,
                _ => self
                    .to_minor_exact(
                        unit_price
                            .checked_mul(qty)
                            .ok_or(CoreError::Overflow { operation: "line amount" })?,
                    )
                    .map_err(|e| match e {
                        CoreError::InvalidField { reason, .. } => {
                            CoreError::invalid(format!("lines[{}].amount", bl.id), reason)
                        }
                        other => other,
                    })?,
            };
            let class = slot_facts.tax_class as usize;
            if class_slots[class] == usize::MAX {
                let rate = self.store.tax.rate(catalog.tax_class(slot_facts.tax_class))?;
                class_slots[class] =
                    match tax_slots.iter().position(|(l, r)| *l == rate.label() && *r == rate.rate()) {
                        Some(s) => s,
                        None => {
                            tax_slots.push((rate.label(), rate.rate()));
                            tax_slots.len() - 1
                        }
                    };
            }
            let slot = class_slots[class];
            infos.push(LineInfo {
                id: bl.id,
                pieces: bl.quantity.pieces(),
                quantity: qty,
                unit_price: match bl.embedded_price {
                    Some(p) if bl.price_override.is_none() => p,
                    _ => unit_price,
                },
                base,
                tax_rate: tax_slots[slot].1,
                tax_slot: slot,
                manual: bl.discount.is_some(),
                product: slot_facts.number,
            });
            products.push(product);
        }
        // Promotions that look at each line. A loop of its own, so that the reads of many
        // lines' rows are in flight at once instead of each waiting behind a line's arithmetic.
        if let Some(table) = &table {
            for (idx, info) in infos.iter().enumerate() {
                let line = u64::from(idx as u32) << 2;
                hits.extend(
                    table
                        .get(info.product)
                        .iter()
                        .map(|&(p, role)| u64::from(p) << 32 | line | u64::from(role)),
                );
            }
        }
        // Lines within the limits sum within 64 bits; the document must be within them too.
        let subtotal: i64 = infos.iter().map(|l| l.base).sum();
        if subtotal.abs() > MAX_MINOR {
            return Err(CoreError::invalid(
                "total",
                format!("the basket is beyond the limit of {MAX_MINOR} minor units"),
            ));
        }
        Ok(Resolved { products, tax_slots })
    }

    /// The eligible item promotions with the lines each looks at (`ws.item_promos`, as ranges
    /// of `ws.targets`), split into stackable and exclusive ones, each in promotion number
    /// order, which is application order.
    pub(super) fn collect_item_promotions(&self, run: &Run<'_>, ws: &mut Workspace) {
        let Workspace { hits, targets, item_promos, stackable, exclusive, .. } = ws;
        hits.sort_unstable();
        // One flat list of (line, role) per promotion, as ranges into `targets`.
        targets.clear();
        item_promos.clear();
        for &hit in hits.iter() {
            let (p, line, role) = ((hit >> 32) as u32, (hit as u32 >> 2) as usize, (hit & 3) as u8);
            match item_promos.last_mut() {
                Some((lp, range)) if *lp == p => match targets.last_mut() {
                    Some((ll, r)) if *ll == line => *r |= role,
                    _ => {
                        targets.push((line, role));
                        range.end += 1;
                    }
                },
                _ => {
                    targets.push((line, role));
                    item_promos.push((p, targets.len() - 1..targets.len()));
                }
            }
        }
        item_promos.retain(|(p, _)| self.passes(run, *p));
        stackable.clear();
        exclusive.clear();
        for (i, (p, _)) in item_promos.iter().enumerate() {
            if self.meta[*p as usize].exclusive {
                exclusive.push(i);
            } else {
                stackable.push(i);
            }
        }
    }
}

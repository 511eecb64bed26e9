//! Phase 6, tax: per line, or per document and rate with the document's tax allocated to the
//! lines by amount in exact integer arithmetic.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::PricingEngine;
use super::workspace::{LineInfo, Scratch};
use crate::allocation::allocate_int_into;
use crate::rounding::settle;
use crate::tax::TaxRounding;

impl PricingEngine {
    /// Phase 6: tax per line into `out`, rounded per line or per document and rate; `sc` lends
    /// its buffers.
    pub(super) fn taxes(
        &self,
        infos: &[LineInfo],
        amounts: &[i64],
        slots: usize,
        sc: &mut Scratch,
        out: &mut Vec<i64>,
    ) {
        let tax = &self.store.tax;
        let round = |d: Decimal| tax.rounding_mode().round(settle(d), 0).to_i64().unwrap_or(0);
        out.clear();
        match tax.rounding() {
            TaxRounding::PerLine => out.extend(
                infos.iter().zip(amounts).map(|(i, a)| round(tax.exact_tax(Decimal::from(*a), i.tax_rate))),
            ),
            TaxRounding::PerDocument => {
                // Within one rate each line's exact tax is proportional to its amount, so the
                // document tax, rounded once, is allocated by amount in exact integer arithmetic.
                out.resize(infos.len(), 0);
                for slot in 0..slots {
                    let members = &mut sc.lines;
                    members.clear();
                    members.extend((0..infos.len()).filter(|i| infos[*i].tax_slot == slot));
                    let Some(&first) = members.first() else { continue };
                    sc.weights_int.clear();
                    sc.weights_int.extend(members.iter().map(|i| amounts[*i]));
                    sc.keys.clear();
                    sc.keys.extend(members.iter().map(|i| infos[*i].id));
                    let sum: i64 = sc.weights_int.iter().sum();
                    let total = round(tax.exact_tax(Decimal::from(sum), infos[first].tax_rate));
                    let weights = &sc.weights_int;
                    allocate_int_into(total, weights, weights, &sc.keys, &mut sc.shares, &mut sc.remainders);
                    for (i, share) in members.iter().zip(&sc.shares) {
                        out[*i] = *share;
                    }
                }
            }
        }
    }
}

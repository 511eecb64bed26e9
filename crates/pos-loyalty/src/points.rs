//! The points account: lots consumed first-in-first-out, expiry, and the ledger every balance
//! change is written to. The balance is always the sum of the ledger and never negative.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Months, Utc};
use pos_core::allocation::allocate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::config::EarnRate;
use crate::config::LoyaltyConfig;
use crate::earn::{SaleLine, earn_basis, exact_points};
use crate::error::LoyaltyError;

/// Points earned together, expiring together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    /// Id within the account.
    pub id: u64,
    /// When earned.
    pub earned_at: DateTime<Utc>,
    /// When the rest expires.
    pub expires_at: DateTime<Utc>,
    /// Points earned.
    pub points: i64,
    /// Points left.
    pub remaining: i64,
}

/// Why the balance changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EntryKind {
    /// Earned on a sale.
    Earn,
    /// First-purchase bonus.
    SignupBonus,
    /// Bonus for referring a member.
    ReferralBonus,
    /// Spent as a tender.
    Redeem,
    /// Expired.
    Expire,
    /// Earned points taken back by a refund.
    ReverseEarn,
    /// Signup bonus taken back when its sale was refunded in full.
    ReverseBonus,
    /// Spent points given back by a refund.
    RestoreRedeem,
}

impl EntryKind {
    /// A stable code for storage and exports (`earn`, `redeem`, ...), the same as the serde tag.
    pub fn code(&self) -> &'static str {
        match self {
            EntryKind::Earn => "earn",
            EntryKind::SignupBonus => "signup_bonus",
            EntryKind::ReferralBonus => "referral_bonus",
            EntryKind::Redeem => "redeem",
            EntryKind::Expire => "expire",
            EntryKind::ReverseEarn => "reverse_earn",
            EntryKind::ReverseBonus => "reverse_bonus",
            EntryKind::RestoreRedeem => "restore_redeem",
        }
    }

    /// The kind with this [`EntryKind::code`].
    pub fn from_code(code: &str) -> Option<Self> {
        [
            EntryKind::Earn,
            EntryKind::SignupBonus,
            EntryKind::ReferralBonus,
            EntryKind::Redeem,
            EntryKind::Expire,
            EntryKind::ReverseEarn,
            EntryKind::ReverseBonus,
            EntryKind::RestoreRedeem,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One balance change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    /// Sequence within the account, from 1.
    pub sequence: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub kind: EntryKind,
    /// Signed change.
    pub points: i64,
    /// The sale or refund document, if any.
    pub document: Option<String>,
}

/// What loyalty needs to know about a sale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaleInput {
    /// Sale document (receipt number).
    pub document: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Lines.
    pub lines: Vec<SaleLine>,
    /// Points the member spends on this sale.
    pub redeem: i64,
    /// The member's tier earn multiplier (1 without a tier).
    pub tier_multiplier: Decimal,
    /// Whether this is the member's first purchase (signup bonus).
    pub first_purchase: bool,
}

/// What a sale did to an account; kept with the sale so refunds can reverse it line by line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoyaltySale {
    /// Sale document.
    pub document: String,
    /// Member.
    pub member: String,
    /// Points earned per line.
    pub earned: BTreeMap<u32, i64>,
    /// Points spent per line (the redemption allocated by line amount).
    pub spent: BTreeMap<u32, i64>,
    /// Lot the earned points went to.
    pub earned_lot: Option<u64>,
    /// Lots the spent points came from, and how many are not yet restored.
    pub spent_lots: Vec<(u64, i64)>,
    /// Signup bonus given.
    pub bonus: i64,
    /// Lot of the bonus.
    pub bonus_lot: Option<u64>,
    /// Lines refunded so far.
    pub refunded: BTreeSet<u32>,
}

impl LoyaltySale {
    /// Points earned in all.
    pub fn earned_total(&self) -> i64 {
        self.earned.values().sum()
    }

    /// Points spent in all.
    pub fn spent_total(&self) -> i64 {
        self.spent.values().sum()
    }
}

/// What a refund did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RefundOutcome {
    /// Earned points taken back.
    pub reversed: i64,
    /// Earned points that could not be taken back because the member had already spent them;
    /// the caller may deduct their value from the money refunded.
    pub unrecovered: i64,
    /// Spent points given back.
    pub restored: i64,
    /// Spent points not given back because their lot expired meanwhile.
    pub expired: i64,
    /// Signup bonus taken back (when the sale is now refunded in full).
    pub bonus_reversed: i64,
}

/// One member's points: the balance, the lots it is made of, and the ledger entries this value
/// holds (all of them for an account built in memory; only the ones added since it was loaded
/// for an account a store keeps [`PointsAccount::compacted`], whose full ledger is stored entry
/// by entry). The balance is kept, not summed, so a sale costs the same whatever the member's
/// history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsAccount {
    member: String,
    lots: Vec<Lot>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    ledger: Vec<LedgerEntry>,
    /// The sum of every ledger entry ever.
    #[serde(default)]
    balance: i64,
    /// The sequence of the last ledger entry ever (0 before the first).
    #[serde(default)]
    sequence: u64,
}

impl PointsAccount {
    /// An empty account.
    pub fn new(member: &str) -> Self {
        PointsAccount {
            member: member.to_owned(),
            lots: Vec::new(),
            ledger: Vec::new(),
            balance: 0,
            sequence: 0,
        }
    }

    /// The account as a store keeps it: without the ledger entries (stored one by one) and
    /// without lots that are spent and expired by `now`, so its size does not grow with the
    /// member's history.
    #[must_use]
    pub fn compacted(&self, now: DateTime<Utc>) -> Self {
        PointsAccount {
            member: self.member.clone(),
            lots: self.lots.iter().filter(|l| l.remaining > 0 || l.expires_at > now).cloned().collect(),
            ledger: Vec::new(),
            balance: self.balance,
            sequence: self.sequence,
        }
    }

    /// The sequence of the last ledger entry ever (0 for an account that never moved).
    pub fn last_sequence(&self) -> u64 {
        self.sequence
    }

    /// The member.
    pub fn member(&self) -> &str {
        &self.member
    }

    /// The balance: the sum of the ledger.
    pub fn balance(&self) -> i64 {
        self.balance
    }

    /// The balance at `at`, counting lots that will have expired by then as gone.
    pub fn balance_at(&self, at: DateTime<Utc>) -> i64 {
        self.balance() - self.lots.iter().filter(|l| l.expires_at <= at).map(|l| l.remaining).sum::<i64>()
    }

    /// Lots, oldest first.
    pub fn lots(&self) -> &[Lot] {
        &self.lots
    }

    /// The ledger entries this value holds (see the type's documentation).
    pub fn ledger(&self) -> &[LedgerEntry] {
        &self.ledger
    }

    fn entry(&mut self, at: DateTime<Utc>, kind: EntryKind, points: i64, document: Option<&str>) {
        if points == 0 {
            return;
        }
        self.sequence += 1;
        self.balance += points;
        let sequence = self.sequence;
        self.ledger.push(LedgerEntry { sequence, at, kind, points, document: document.map(str::to_owned) });
    }

    /// Expires every lot whose time has come; returns the points expired.
    pub fn expire(&mut self, now: DateTime<Utc>) -> i64 {
        let mut total = 0;
        for lot in self.lots.iter_mut().filter(|l| l.expires_at <= now && l.remaining > 0) {
            total += lot.remaining;
            lot.remaining = 0;
        }
        self.entry(now, EntryKind::Expire, -total, None);
        total
    }

    /// Credits points in a new lot that expires after `config.expiry_months`.
    fn credit(
        &mut self,
        config: &LoyaltyConfig,
        kind: EntryKind,
        points: i64,
        at: DateTime<Utc>,
        document: Option<&str>,
    ) -> Option<u64> {
        if points <= 0 {
            return None;
        }
        let id = self.lots.last().map_or(1, |l| l.id + 1);
        let expires_at =
            at.checked_add_months(Months::new(config.expiry_months)).unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.lots.push(Lot { id, earned_at: at, expires_at, points, remaining: points });
        self.entry(at, kind, points, document);
        Some(id)
    }

    /// Credits a referral bonus (for the referrer, when the referred member first buys).
    pub fn referral_bonus(&mut self, config: &LoyaltyConfig, at: DateTime<Utc>, document: &str) -> i64 {
        self.expire(at);
        self.credit(config, EntryKind::ReferralBonus, config.referral_bonus, at, Some(document));
        config.referral_bonus.max(0)
    }

    /// Takes up to `points` from lots, `first` lot first, then oldest-expiring first. Returns
    /// what was taken per lot.
    fn take(&mut self, points: i64, first: Option<u64>) -> Vec<(u64, i64)> {
        let mut order: Vec<usize> = (0..self.lots.len()).collect();
        order.sort_by_key(|i| (Some(self.lots[*i].id) != first, self.lots[*i].expires_at, self.lots[*i].id));
        let mut left = points;
        let mut taken = Vec::new();
        for i in order {
            if left == 0 {
                break;
            }
            let lot = &mut self.lots[i];
            let t = lot.remaining.min(left);
            if t > 0 {
                lot.remaining -= t;
                left -= t;
                taken.push((lot.id, t));
            }
        }
        taken
    }

    /// The most points that may be redeemed on a basket of `basket_total` at `at`: zero below
    /// the minimum balance, and never above the balance, the basket or its capped share.
    pub fn redeemable(&self, config: &LoyaltyConfig, basket_total: Decimal, at: DateTime<Utc>) -> i64 {
        let balance = self.balance_at(at);
        if balance < config.min_redeem_balance {
            return 0;
        }
        balance.min(redeem_cap(config, basket_total))
    }

    /// Records a sale: spends `redeem` points (oldest lots first), gives the signup bonus on a
    /// first purchase, and credits the points the lines earn in a new lot. Points earned are
    /// rounded down once for the whole sale and allocated to lines by largest remainder.
    ///
    /// # Errors
    /// [`LoyaltyError::BelowMinimumBalance`], [`LoyaltyError::InsufficientPoints`],
    /// [`LoyaltyError::ExceedsRedeemCap`], [`LoyaltyError::InvalidField`] naming `redeem`,
    /// `lines` or `lines[i].paid`. On error the account is unchanged.
    pub fn sale(&mut self, config: &LoyaltyConfig, input: &SaleInput) -> Result<LoyaltySale, LoyaltyError> {
        let at = input.at;
        if input.redeem < 0 {
            return Err(LoyaltyError::invalid("redeem", "must not be negative"));
        }
        let mut ids = BTreeSet::new();
        for (i, l) in input.lines.iter().enumerate() {
            if !ids.insert(l.line_id) {
                return Err(LoyaltyError::invalid("lines", format!("line {} appears twice", l.line_id)));
            }
            if l.paid < Decimal::ZERO || l.base < Decimal::ZERO || l.tax < Decimal::ZERO || l.tax > l.paid {
                return Err(LoyaltyError::invalid(
                    format!("lines[{i}].paid"),
                    "amounts must not be negative and tax must not exceed paid",
                ));
            }
        }
        if input.tier_multiplier < Decimal::ZERO {
            return Err(LoyaltyError::invalid("tier_multiplier", "must not be negative"));
        }
        let total: Decimal = input.lines.iter().map(|l| l.paid).sum();
        if input.redeem > 0 {
            let balance = self.balance_at(at);
            if balance < config.min_redeem_balance {
                return Err(LoyaltyError::BelowMinimumBalance {
                    balance,
                    minimum: config.min_redeem_balance,
                });
            }
            if input.redeem > balance {
                return Err(LoyaltyError::InsufficientPoints { balance, requested: input.redeem });
            }
            let cap = redeem_cap(config, total);
            if input.redeem > cap {
                return Err(LoyaltyError::ExceedsRedeemCap { cap, requested: input.redeem });
            }
        }

        // Spent points per line, in proportion to what each line costs.
        let keys: Vec<u32> = input.lines.iter().map(|l| l.line_id).collect();
        let caps: Vec<i64> = input.lines.iter().map(|l| points_for(config, l.paid)).collect();
        let weights: Vec<Decimal> = input.lines.iter().map(|l| l.paid).collect();
        let spent_parts = allocate(input.redeem, &weights, &caps, &keys);

        // Earned points: exact per line, rounded down once, allocated back to lines.
        let mut exact: Vec<Decimal> = input
            .lines
            .iter()
            .zip(&spent_parts)
            .map(|(l, s)| exact_points(config, l, *s, input.tier_multiplier, at))
            .collect();
        if let EarnRate::PerFullAmount { per, .. } = config.earn {
            // Only full units of the sale's basis earn: scale every line's share down to them.
            let units: Decimal =
                input.lines.iter().zip(&spent_parts).map(|(l, s)| earn_basis(config, l, *s)).sum::<Decimal>()
                    / per;
            let full = units.floor();
            for e in &mut exact {
                *e = if units > Decimal::ZERO { *e * full / units } else { Decimal::ZERO };
            }
        }
        let earned_total = exact.iter().sum::<Decimal>().floor().to_i64().unwrap_or(0).max(0);
        let earned_parts = allocate(earned_total, &exact, &vec![i64::MAX / 4; exact.len()], &keys);

        // Everything is valid: apply.
        self.expire(at);
        let spent_lots = self.take(input.redeem, None);
        self.entry(at, EntryKind::Redeem, -input.redeem, Some(&input.document));
        let bonus = if input.first_purchase { config.signup_bonus.max(0) } else { 0 };
        let bonus_lot = self.credit(config, EntryKind::SignupBonus, bonus, at, Some(&input.document));
        let earned_lot = self.credit(config, EntryKind::Earn, earned_total, at, Some(&input.document));
        Ok(LoyaltySale {
            document: input.document.clone(),
            member: self.member.clone(),
            earned: keys.iter().copied().zip(earned_parts).collect(),
            spent: keys.iter().copied().zip(spent_parts).collect(),
            earned_lot,
            spent_lots,
            bonus,
            bonus_lot,
            refunded: BTreeSet::new(),
        })
    }

    /// Refunds lines of a sale: takes back the points they earned and gives back the points
    /// spent on them, into the lots they came from (points of lots that expired meanwhile are
    /// not given back). When the last line is refunded, the signup bonus is taken back too.
    /// Nothing is ever taken below a zero balance; what could not be taken is reported.
    ///
    /// # Errors
    /// [`LoyaltyError::WrongMember`], [`LoyaltyError::UnknownLine`],
    /// [`LoyaltyError::AlreadyRefunded`], [`LoyaltyError::InvalidField`] naming `lines`. On error
    /// nothing changes.
    pub fn refund(
        &mut self,
        sale: &mut LoyaltySale,
        lines: &[u32],
        document: &str,
        at: DateTime<Utc>,
    ) -> Result<RefundOutcome, LoyaltyError> {
        if sale.member != self.member {
            return Err(LoyaltyError::WrongMember { document: sale.document.clone() });
        }
        if lines.is_empty() {
            return Err(LoyaltyError::invalid("lines", "name at least one line"));
        }
        let mut seen = BTreeSet::new();
        for l in lines {
            if !sale.earned.contains_key(l) {
                return Err(LoyaltyError::UnknownLine { document: sale.document.clone(), line: *l });
            }
            if sale.refunded.contains(l) || !seen.insert(*l) {
                return Err(LoyaltyError::AlreadyRefunded { document: sale.document.clone(), line: *l });
            }
        }
        self.expire(at);
        let mut out = RefundOutcome::default();

        // Take back what the lines earned, from the sale's own lot first.
        let reverse: i64 = lines.iter().map(|l| sale.earned[l]).sum();
        let taken: i64 = self.take(reverse.min(self.balance()), sale.earned_lot).iter().map(|t| t.1).sum();
        self.entry(at, EntryKind::ReverseEarn, -taken, Some(document));
        out.reversed = taken;
        out.unrecovered = reverse - taken;

        // Give back what was spent on them, latest-consumed lot first.
        let mut restore: i64 = lines.iter().map(|l| sale.spent[l]).sum();
        for (lot_id, open) in sale.spent_lots.iter_mut().rev() {
            if restore == 0 {
                break;
            }
            let give = (*open).min(restore);
            if give == 0 {
                continue;
            }
            *open -= give;
            restore -= give;
            match self.lots.iter_mut().find(|l| l.id == *lot_id && l.expires_at > at) {
                Some(lot) => {
                    lot.remaining += give;
                    out.restored += give;
                }
                None => out.expired += give,
            }
        }
        self.entry(at, EntryKind::RestoreRedeem, out.restored, Some(document));

        sale.refunded.extend(lines.iter().copied());
        if sale.refunded.len() == sale.earned.len() && sale.bonus > 0 {
            let taken: i64 =
                self.take(sale.bonus.min(self.balance()), sale.bonus_lot).iter().map(|t| t.1).sum();
            self.entry(at, EntryKind::ReverseBonus, -taken, Some(document));
            out.bonus_reversed = taken;
            out.unrecovered += sale.bonus - taken;
        }
        Ok(out)
    }
}

/// Points worth `amount` (rounded down).
fn points_for(config: &LoyaltyConfig, amount: Decimal) -> i64 {
    (amount / config.point_value).floor().to_i64().unwrap_or(i64::MAX / 4)
}

/// The most points a basket of `total` may take: all of it, or the configured share.
fn redeem_cap(config: &LoyaltyConfig, total: Decimal) -> i64 {
    let share = config.redeem_cap_share.unwrap_or(Decimal::ONE);
    points_for(config, total * share)
}

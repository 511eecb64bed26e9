//! Member segments for campaigns.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::points::PointsAccount;
use crate::tier::Purchase;

/// The top `percent` % of members by spend in `[from, to)`, biggest first (ties by member id).
pub fn top_spenders(
    purchases: &BTreeMap<String, Vec<Purchase>>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    percent: Decimal,
) -> Vec<String> {
    let mut spend: Vec<(Decimal, &String)> = purchases
        .iter()
        .map(|(m, ps)| {
            (ps.iter().filter(|p| p.at >= from && p.at < to).map(|p| p.amount).sum::<Decimal>(), m)
        })
        .filter(|(s, _)| *s > Decimal::ZERO)
        .collect();
    spend.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let n = (Decimal::from(spend.len()) * percent / Decimal::ONE_HUNDRED).ceil().to_usize().unwrap_or(0);
    spend.into_iter().take(n).map(|(_, m)| m.clone()).collect()
}

/// Members with no visit in the `days` before `now`.
pub fn dormant(last_visits: &BTreeMap<String, DateTime<Utc>>, now: DateTime<Utc>, days: i64) -> Vec<String> {
    last_visits
        .iter()
        // Days beyond what a date can hold read as "never": nobody is that dormant.
        .filter(|(_, last)| Duration::try_days(days).is_some_and(|d| now.signed_duration_since(**last) >= d))
        .map(|(m, _)| m.clone())
        .collect()
}

/// Members with points that expire within `days` after `now`, with how many.
pub fn expiring_points<'a>(
    accounts: impl IntoIterator<Item = &'a PointsAccount>,
    now: DateTime<Utc>,
    days: i64,
) -> Vec<(String, i64)> {
    // Days beyond what a date can hold reach the end of time.
    let until =
        Duration::try_days(days).and_then(|d| now.checked_add_signed(d)).unwrap_or(DateTime::<Utc>::MAX_UTC);
    accounts
        .into_iter()
        .filter_map(|a| {
            let pts: i64 = a
                .lots()
                .iter()
                .filter(|l| l.expires_at > now && l.expires_at <= until)
                .map(|l| l.remaining)
                .sum();
            (pts > 0).then(|| (a.member().to_owned(), pts))
        })
        .collect()
}

#[cfg(test)]
mod far {
    use super::*;

    #[test]
    fn days_past_what_a_date_holds_do_not_panic() {
        let now = Utc::now();
        let visits: BTreeMap<String, DateTime<Utc>> = [("m".to_owned(), now)].into();
        assert!(dormant(&visits, now, i64::MAX).is_empty());
        assert!(dormant(&visits, now, 3_036_772_225).is_empty());
        assert!(expiring_points(std::iter::empty(), now, i64::MAX).is_empty());
    }
}

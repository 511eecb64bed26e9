//! Phase 2 with exclusive item promotions: the combination of exclusive promotions best for
//! the customer, deterministically. A promotion whose discount on a line does not depend on the
//! other lines (percent or amount off, fixed price, uncapped) competes for each line on its own,
//! so every item gets the exclusive promotion best for it; bundle promotions (buy X get Y,
//! mix and match) and capped ones compete for all their lines at once.

use super::PricingEngine;
use super::workspace::{Candidate, Exclusives, LineInfo, Workspace};

/// Exhaustive search of exclusive combinations is used up to this many competing promotions;
/// above it the engine picks greedily by gain (still deterministic).
const EXHAUSTIVE_LIMIT: usize = 16;

impl PricingEngine {
    /// Phase 2 with exclusive item promotions competing for lines: each exclusive promotion
    /// is tried on its own, its gain is its discount minus what the stackable promotions would
    /// have given the lines it takes, the best disjoint combination is kept (exhaustively up
    /// to [`EXHAUSTIVE_LIMIT`] competitors, greedily by gain above), then the stackable ones
    /// apply on what is left.
    pub(super) fn exclusive_item_phase(&self, ws: &mut Workspace) {
        let Workspace { infos, targets, item_promos, stackable, exclusive, state, sc, ex, .. } = ws;
        let (infos, targets): (&[LineInfo], &[(usize, u8)]) = (infos, targets);
        // Each exclusive promotion on its own: its discount and the lines it takes. The logs and
        // line lists of all candidates share two flat buffers; a candidate holds ranges.
        let Exclusives { candidates, logs, taken, touched, displaced, component, chosen, members, current } =
            ex;
        let n = state.remaining.len();
        candidates.clear();
        logs.clear();
        taken.clear();
        touched.clear();
        touched.resize(n, false);
        for &i in exclusive.iter() {
            // A trial on the live state, rolled back at once: applying reads only `remaining`
            // and `claimed` and appends to the log.
            let mark = state.log.len();
            let value =
                self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
            let log_start = logs.len();
            for e in state.log.drain(mark..) {
                state.remaining[e.1] += e.2;
                logs.push(e);
            }
            if value <= 0 {
                logs.truncate(log_start);
                continue;
            }
            let lines_start = taken.len();
            taken.extend(logs[log_start..].iter().map(|e| e.1));
            taken[lines_start..].sort_unstable();
            let mut kept = lines_start;
            for j in lines_start..taken.len() {
                if j == lines_start || taken[j] != taken[kept - 1] {
                    taken[kept] = taken[j];
                    kept += 1;
                }
            }
            taken.truncate(kept);
            for &l in &taken[lines_start..] {
                touched[l] = true;
            }
            let promo = item_promos[i].0;
            if self.per_item(promo) && taken.len() - lines_start > 1 {
                // A promotion whose discount on a line does not depend on the other lines
                // competes line by line: each item gets the exclusive promotion best for it.
                let (log_end, lines_end) = (logs.len(), taken.len());
                for k in lines_start..lines_end {
                    let l = taken[k];
                    let start = logs.len();
                    for e in log_start..log_end {
                        if logs[e].1 == l {
                            logs.push(logs[e]);
                        }
                    }
                    let gain = logs[start..].iter().map(|e| e.2).sum();
                    taken.push(l);
                    candidates.push(Candidate {
                        promo,
                        log: start..logs.len(),
                        lines: taken.len() - 1..taken.len(),
                        gain,
                    });
                }
                continue;
            }
            candidates.push(Candidate {
                promo,
                log: log_start..logs.len(),
                lines: lines_start..taken.len(),
                gain: value,
            });
        }
        // What the stackable promotions would give those lines instead: the gain of an exclusive
        // promotion is its discount minus what it displaces. Stackables that touch none of
        // those lines cannot be displaced and are left out of the estimate. They run on the
        // live state and are rolled back, like the trials above.
        let mark = state.log.len();
        for &i in
            stackable.iter().filter(|i| targets[item_promos[**i].1.clone()].iter().any(|(l, _)| touched[*l]))
        {
            self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
        }
        displaced.clear();
        displaced.resize(n, 0);
        for (_, l, amount) in state.log.drain(mark..) {
            state.remaining[l] += amount;
            displaced[l] += amount;
        }
        for c in candidates.iter_mut() {
            c.gain -= taken[c.lines.clone()].iter().map(|l| displaced[*l]).sum::<i64>();
        }
        candidates.retain(|c| c.gain > 0);
        candidates.sort_by_key(|c| self.id_rank[c.promo as usize]);

        let overlaps = |a: &[usize], b: &[usize]| {
            let (mut i, mut j) = (0, 0);
            while i < a.len() && j < b.len() {
                match a[i].cmp(&b[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => return true,
                }
            }
            false
        };
        let cands: Vec<(&[usize], i64)> =
            candidates.iter().map(|c| (&taken[c.lines.clone()], c.gain)).collect();
        // Connected components of the conflict graph, each solved on its own.
        let k = candidates.len();
        component.clear();
        component.resize(k, usize::MAX);
        chosen.clear();
        for start in 0..k {
            if component[start] != usize::MAX {
                continue;
            }
            members.clear();
            members.push(start);
            component[start] = start;
            let mut q = 0;
            while q < members.len() {
                let a = members[q];
                for b in 0..k {
                    if component[b] == usize::MAX && overlaps(cands[a].0, cands[b].0) {
                        component[b] = start;
                        members.push(b);
                    }
                }
                q += 1;
            }
            if members.len() == 1 {
                chosen.push(start);
                continue;
            }
            members.sort_unstable();
            if members.len() <= EXHAUSTIVE_LIMIT {
                let mut best = (0_i64, Vec::new());
                current.clear();
                search(&cands, members, 0, 0, current, &mut best, &overlaps);
                chosen.extend(best.1);
            } else {
                let mut by_gain = members.clone();
                by_gain.sort_by(|a, b| cands[*b].1.cmp(&cands[*a].1).then(a.cmp(b)));
                let first = chosen.len();
                for c in by_gain {
                    if chosen[first..].iter().all(|t| !overlaps(cands[*t].0, cands[c].0)) {
                        chosen.push(c);
                    }
                }
            }
        }
        chosen.sort_unstable();
        for &c in chosen.iter() {
            let cand = &candidates[c];
            for &(src, l, amount) in &logs[cand.log.clone()] {
                state.remaining[l] -= amount;
                state.log.push((src, l, amount));
            }
            for &l in &taken[cand.lines.clone()] {
                state.claimed[l] = true;
            }
        }
        for &i in stackable.iter() {
            self.apply_item(item_promos[i].0, &targets[item_promos[i].1.clone()], infos, state, sc);
        }
    }
}

impl PricingEngine {
    /// Whether a promotion's discount on each line is independent of the other lines (percent
    /// or amount off, or a fixed price, with no cap across lines), so it can compete for each
    /// line on its own.
    fn per_item(&self, promo: u32) -> bool {
        use crate::promotion::PromotionKind;
        matches!(
            self.promotions[promo as usize].spec().kind,
            PromotionKind::PercentOff { .. }
                | PromotionKind::AmountOff { .. }
                | PromotionKind::FixedPrice { .. }
        ) && self.meta[promo as usize].cap_minor == i64::MAX
    }
}

/// Depth-first search for the disjoint subset of `members` with the largest total gain.
/// Members are visited in id order and only a strictly better total replaces the best, so ties
/// go to the combination found first.
fn search(
    cands: &[(&[usize], i64)],
    members: &[usize],
    at: usize,
    gain: i64,
    current: &mut Vec<usize>,
    best: &mut (i64, Vec<usize>),
    overlaps: &dyn Fn(&[usize], &[usize]) -> bool,
) {
    if at == members.len() {
        if gain > best.0 {
            *best = (gain, current.clone());
        }
        return;
    }
    // Upper bound: take every remaining member.
    let bound: i64 = gain + members[at..].iter().map(|m| cands[*m].1).sum::<i64>();
    if bound <= best.0 {
        return;
    }
    let m = members[at];
    if current.iter().all(|c| !overlaps(cands[*c].0, cands[m].0)) {
        current.push(m);
        search(cands, members, at + 1, gain + cands[m].1, current, best, overlaps);
        current.pop();
    }
    search(cands, members, at + 1, gain, current, best, overlaps);
}

//! The buffers of a pricing run, kept by the engine between runs (one per run in flight) so
//! that pricing a basket allocates little besides its result, and the mutable state a run's
//! phases work on.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::result::Labels;
use super::units::Units;

/// Buffers reused by every promotion of one pricing run, so applying a promotion allocates
/// nothing.
#[derive(Default)]
pub(super) struct Scratch {
    pub(super) ints: Vec<(usize, i64)>,
    pub(super) lines: Vec<usize>,
    pub(super) shares: Vec<i64>,
    pub(super) remainders: Vec<u64>,
    /// Exact per-line discounts of the `Decimal` path.
    pub(super) weights: Vec<(usize, Decimal)>,
    /// Weights, caps and keys of an allocation.
    pub(super) weights_int: Vec<i64>,
    pub(super) caps: Vec<i64>,
    pub(super) keys: Vec<u32>,
    /// Exact per-line discounts of the integer path of unit promotions.
    pub(super) fractions: Vec<(usize, i128)>,
    /// Unit-based promotions (buy X get Y, mix-and-match).
    pub(super) units: Units,
}

/// The buffers of one pricing run. The engine keeps a few between runs (see [`Pool`]), so
/// that pricing a basket allocates little besides its result.
#[derive(Default)]
pub(super) struct Workspace {
    pub(super) infos: Vec<LineInfo>,
    /// (promotion, line, role) packed in one word, so that sorting groups them cheaply:
    /// promotion in the high 32 bits, then the line, then the role in the low 2 bits.
    pub(super) hits: Vec<u64>,
    /// The lines (with their roles) each item promotion looks at, as ranges of `targets`.
    pub(super) targets: Vec<(usize, u8)>,
    pub(super) item_promos: Vec<(u32, std::ops::Range<usize>)>,
    pub(super) stackable: Vec<usize>,
    pub(super) exclusive: Vec<usize>,
    pub(super) basket_promos: Vec<u32>,
    pub(super) state: State,
    pub(super) alt: State,
    pub(super) sc: Scratch,
    pub(super) ex: Exclusives,
    pub(super) applied: Vec<(u32, i64)>,
    /// Per line: its tax.
    pub(super) taxes: Vec<i64>,
    /// This run's handle on the engine's labels, which the discounts it prices cite.
    pub(super) labels: Option<Arc<Labels>>,
}

impl Workspace {
    /// Whether keeping it is worth its memory: not after a giant basket.
    pub(super) fn worth_keeping(&self) -> bool {
        self.infos.capacity() <= 4_096 && self.state.log.capacity() <= 65_536
    }
}

/// Buffers of the exclusive item promotions' trials.
#[derive(Default)]
pub(super) struct Exclusives {
    pub(super) candidates: Vec<Candidate>,
    /// The trial logs of all candidates, one after the other.
    pub(super) logs: Vec<(Src, usize, i64)>,
    /// The lines each candidate takes, sorted, one list after the other.
    pub(super) taken: Vec<usize>,
    /// Per line: whether a candidate takes it.
    pub(super) touched: Vec<bool>,
    /// Per line: what the stackable promotions would give it.
    pub(super) displaced: Vec<i64>,
    pub(super) component: Vec<usize>,
    pub(super) chosen: Vec<usize>,
    pub(super) members: Vec<usize>,
    pub(super) current: Vec<usize>,
}

/// An exclusive promotion tried on its own: its discount and the lines it takes, as ranges of
/// the buffers in [`Exclusives`].
pub(super) struct Candidate {
    pub(super) promo: u32,
    pub(super) log: std::ops::Range<usize>,
    pub(super) lines: std::ops::Range<usize>,
    pub(super) gain: i64,
}

/// Workspaces kept by an engine for its next pricing runs, one per run in flight. A clone of
/// the engine starts with none.
#[derive(Default)]
#[allow(clippy::vec_box, reason = "a workspace is dozens of vectors: a box moves as one pointer")]
pub(super) struct Pool(std::sync::Mutex<Vec<Box<Workspace>>>);

/// More workspaces than this are dropped: as many pricing runs in flight at once are rare.
const POOLED: usize = 16;

impl Pool {
    pub(super) fn take(&self) -> Box<Workspace> {
        self.0.lock().ok().and_then(|mut pool| pool.pop()).unwrap_or_default()
    }

    pub(super) fn put_back(&self, ws: Box<Workspace>) {
        if ws.worth_keeping()
            && let Ok(mut pool) = self.0.lock()
            && pool.len() < POOLED
        {
            pool.push(ws);
        }
    }
}

impl Clone for Pool {
    fn clone(&self) -> Self {
        Pool::default()
    }
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pool")
    }
}

/// Static facts about a line during pricing.
pub(super) struct LineInfo {
    pub(super) id: u32,
    pub(super) pieces: Option<u32>,
    pub(super) quantity: Decimal,
    pub(super) unit_price: Decimal,
    pub(super) base: i64,
    pub(super) tax_rate: Decimal,
    pub(super) tax_slot: usize,
    /// Whether the basket line has a manual discount.
    pub(super) manual: bool,
    /// The product's number in the catalog.
    pub(super) product: u32,
}

/// Who caused a committed discount: a promotion index or a manual action.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Src {
    Promo(u32),
    ManualLine,
    ManualBasket,
}

/// The mutable part of a pricing run; trials append to its log and roll back.
#[derive(Default)]
pub(super) struct State {
    pub(super) remaining: Vec<i64>,
    pub(super) claimed: Vec<bool>,
    pub(super) log: Vec<(Src, usize, i64)>,
}

impl State {
    pub(super) fn commit(&mut self, src: Src, lines: &[usize], shares: &[i64]) -> i64 {
        let mut total = 0;
        for (&l, &s) in lines.iter().zip(shares) {
            if s > 0 {
                self.remaining[l] -= s;
                self.log.push((src, l, s));
                total += s;
            }
        }
        total
    }

    /// Back to the state before any discount: every line has its base amount left.
    pub(super) fn reset(&mut self, infos: &[LineInfo]) {
        self.remaining.clear();
        self.remaining.extend(infos.iter().map(|l| l.base));
        self.claimed.clear();
        self.claimed.resize(infos.len(), false);
        self.log.clear();
    }

    pub(super) fn discount_total(&self) -> i64 {
        self.log.iter().map(|e| e.2).sum()
    }
}

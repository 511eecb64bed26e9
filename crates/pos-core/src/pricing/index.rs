//! Where a line finds its promotions: the SKU index, laid out so that a lookup reads one cache
//! line, and the category table of one catalog tree.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::catalog::Catalog;

/// The category promotions of every category slot of one catalog tree, each slot with those of
/// its ancestors: a line finds its category promotions by its product's slot, without names.
#[derive(Debug)]
pub(super) struct CategoryTable {
    /// The catalog tree version it was built for.
    version: u64,
    ranges: Vec<(u32, u32)>,
    entries: Vec<(u32, u8)>,
}

impl CategoryTable {
    fn build(index: &Index, catalog: &Catalog) -> Self {
        let mut ranges = Vec::with_capacity(catalog.slot_count());
        let mut entries = Vec::new();
        for slot in 0..catalog.slot_count() as u32 {
            let start = entries.len() as u32;
            for &s in catalog.slot_path(slot).1 {
                entries.extend_from_slice(index.get(&catalog.slot_path(s).0.0));
            }
            ranges.push((start, entries.len() as u32));
        }
        CategoryTable { version: catalog.tree_version(), ranges, entries }
    }

    pub(super) fn get(&self, slot: u32) -> &[(u32, u8)] {
        let (start, end) = self.ranges[slot as usize];
        &self.entries[start as usize..end as usize]
    }
}

/// The last [`CategoryTable`] built, shared by concurrent pricing runs. Rebuilt when a catalog
/// with another tree version comes along. A clone of the engine starts empty.
#[derive(Debug, Default)]
pub(super) struct CategoryCache(std::sync::RwLock<Option<Arc<CategoryTable>>>);

impl Clone for CategoryCache {
    fn clone(&self) -> Self {
        CategoryCache::default()
    }
}

impl CategoryCache {
    pub(super) fn table(&self, index: &Index, catalog: &Catalog) -> Arc<CategoryTable> {
        let version = catalog.tree_version();
        if let Ok(guard) = self.0.read()
            && let Some(table) = guard.as_ref().filter(|t| t.version == version)
        {
            return table.clone();
        }
        let table = Arc::new(CategoryTable::build(index, catalog));
        if let Ok(mut guard) = self.0.write() {
            *guard = Some(table.clone());
        }
        table
    }
}

/// Promotion lists by SKU or category id, laid out so that a lookup reads one cache line.
///
/// Keys of up to 23 bytes (every EAN and most SKUs) live in an open-addressed table of 64-byte
/// buckets, two slots each, probed linearly from the key's home bucket. A slot holds the packed
/// key and, for the common key with one promotion, that promotion itself; a key with several
/// points into `entries`, where its list is stored after a header holding the length. Longer
/// keys have an ordinary map.
///
/// Most SKUs of a basket have no promotion at all. A filter byte per bucket, with one of its
/// bits set for each key whose home that bucket is, answers most of those lookups without
/// reading the bucket, from a table small enough to stay in the cache (32 KB for 30,000 keys).
#[derive(Debug, Clone, Default)]
pub(super) struct Index {
    buckets: Vec<Bucket>,
    filters: Vec<u8>,
    long: FxHashMap<Box<str>, (u32, u32)>,
    entries: Vec<(u32, u8)>,
    len: usize,
}

/// One cache line of [`Index`].
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Bucket([Slot; 2]);

#[derive(Debug, Clone, Copy)]
struct Slot {
    key: [u64; 3],
    /// The one promotion of this key, or `(start, 0)`: the list is at `entries[start + 1..]`,
    /// its length in `entries[start].0` (roles are never 0).
    one: (u32, u8),
}

/// A slot no key packs to: its length byte is 255.
const EMPTY_SLOT: Slot = Slot { key: [0, 0, u64::MAX], one: (0, 0) };

impl Index {
    pub(super) fn new(lists: FxHashMap<&str, Vec<(u32, u8)>>) -> Self {
        let mut index = Index::default();
        let mut lists: Vec<(&str, Vec<(u32, u8)>)> =
            lists.into_iter().filter(|(_, l)| !l.is_empty()).collect();
        // Sorted, so that the layout does not depend on hash map order.
        lists.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let short = lists.iter().filter(|(k, _)| short_key(k).is_some()).count();
        if short > 0 {
            // At most half the slots used: probes stay short.
            index.buckets = vec![Bucket([EMPTY_SLOT; 2]); short.next_power_of_two()];
            index.filters = vec![0; index.buckets.len()];
        }
        for (key, list) in lists {
            index.len += 1;
            let one = if let [single] = list[..] {
                single
            } else {
                let start = index.entries.len() as u32;
                index.entries.push((list.len() as u32, 0));
                index.entries.extend(&list);
                (start, 0)
            };
            match short_key(key) {
                Some(k) => index.insert(k, one),
                None => {
                    let (start, len) = match one {
                        (start, 0) => (start + 1, list.len() as u32),
                        _ => {
                            let start = index.entries.len() as u32;
                            index.entries.push(one);
                            (start, 1)
                        }
                    };
                    index.long.insert(key.into(), (start, start + len));
                }
            }
        }
        index
    }

    /// The key's home bucket and its bit in that bucket's filter.
    fn home(&self, key: &[u64; 3]) -> (usize, u8) {
        let mut h = 0_u64;
        for w in key {
            h = (h.rotate_left(5) ^ w).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        // High bits of a final multiply: every key byte reaches them.
        let h = (h ^ (h >> 29)).wrapping_mul(0x9e_37_79_b9_7f_4a_7c_15);
        ((h >> 32) as usize & (self.buckets.len() - 1), 1 << ((h >> 16) & 7))
    }

    fn insert(&mut self, key: [u64; 3], one: (u32, u8)) {
        let mask = self.buckets.len() - 1;
        let (mut b, bit) = self.home(&key);
        self.filters[b] |= bit;
        loop {
            if let Some(slot) = self.buckets[b].0.iter_mut().find(|s| s.key[2] == u64::MAX) {
                *slot = Slot { key, one };
                return;
            }
            b = (b + 1) & mask;
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(super) fn get(&self, key: &str) -> &[(u32, u8)] {
        if self.len == 0 {
            return &[];
        }
        let Some(k) = short_key(key) else {
            return self
                .long
                .get(key)
                .map_or(&[], |&(start, end)| &self.entries[start as usize..end as usize]);
        };
        if self.buckets.is_empty() {
            return &[];
        }
        let mask = self.buckets.len() - 1;
        let (mut b, bit) = self.home(&k);
        if self.filters[b] & bit == 0 {
            return &[];
        }
        loop {
            for slot in &self.buckets[b].0 {
                if slot.key[0] == k[0] && slot.key[1] == k[1] && slot.key[2] == k[2] {
                    return match slot.one {
                        (start, 0) => {
                            let start = start as usize;
                            &self.entries[start + 1..start + 1 + self.entries[start].0 as usize]
                        }
                        _ => std::slice::from_ref(&slot.one),
                    };
                }
                if slot.key[2] == u64::MAX {
                    return &[];
                }
            }
            b = (b + 1) & mask;
        }
    }
}

/// A key of up to 23 bytes packed into three words with its length, so two keys are equal
/// exactly when their packed forms are.
fn short_key(key: &str) -> Option<[u64; 3]> {
    let bytes = key.as_bytes();
    if bytes.len() > 23 {
        return None;
    }
    let mut buf = [0_u8; 24];
    buf[..bytes.len()].copy_from_slice(bytes);
    buf[23] = bytes.len() as u8;
    let word = |i: usize| {
        let mut w = [0_u8; 8];
        w.copy_from_slice(&buf[i * 8..i * 8 + 8]);
        u64::from_le_bytes(w)
    };
    Some([word(0), word(1), word(2)])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::pricing::{ROLE_GET, ROLE_MAIN};

    proptest! {
        /// The cache-line index finds every key's list, short keys and long, single entries
        /// and several, and nothing for keys it does not hold.
        #[test]
        fn index_finds_exactly_its_keys(
            keys in prop::collection::btree_map("[a-c0-9]{0,30}", prop::collection::vec((0_u32..50, 1_u8..4), 1..4), 0..120),
            absent in prop::collection::vec("[a-d0-9]{0,30}", 0..40),
        ) {
            let lists: FxHashMap<&str, Vec<(u32, u8)>> =
                keys.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            let index = Index::new(lists);
            prop_assert_eq!(index.is_empty(), keys.is_empty());
            for (k, v) in &keys {
                prop_assert_eq!(index.get(k), &v[..]);
            }
            for k in absent.iter().filter(|k| !keys.contains_key(*k)) {
                prop_assert!(index.get(k).is_empty());
            }
        }
    }

    #[test]
    fn short_keys_keep_length_and_bytes() {
        assert_ne!(short_key("ab"), short_key("ab\0"));
        assert_eq!(short_key(&"x".repeat(23)).map(|k| k[2] >> 56), Some(23));
        assert_eq!(short_key(&"x".repeat(24)), None);
        let mut lists: FxHashMap<&str, Vec<(u32, u8)>> = FxHashMap::default();
        let long = "a-category-id-longer-than-23-bytes";
        lists.insert("880123", vec![(1, ROLE_MAIN)]);
        lists.insert(long, vec![(2, ROLE_GET), (3, ROLE_MAIN)]);
        let index = Index::new(lists);
        assert_eq!(index.get("880123"), &[(1, ROLE_MAIN)]);
        assert_eq!(index.get(long), &[(2, ROLE_GET), (3, ROLE_MAIN)]);
        assert!(index.get("88012").is_empty());
    }
}

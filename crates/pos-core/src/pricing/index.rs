//! Where a line finds its promotions: the product table of one catalog, which resolves every
//! product's promotions (its own, its parent's, its categories' and those on all items) once, by
//! product number, from the SKU and category indexes.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::catalog::Catalog;

/// Every promotion that looks at each product of one catalog, by product number: what the
/// SKU index holds for the product and its variant parent, what the category index holds for
/// its category and that category's ancestors, and the promotions on all items.
///
/// A line reads one bit of `present` (a bit per product: 6 KB for 50,000 products, small
/// enough to stay in the cache) and, only when it is set, the product's row.
#[derive(Debug)]
pub(super) struct ProductTable {
    /// The catalog versions it was built for.
    versions: (u64, u64),
    present: Vec<u64>,
    /// Per product number: its one promotion, or `(start, 0)` for a list at
    /// `entries[start + 1..]` whose length is in `entries[start].0` (roles are never 0).
    rows: Vec<(u32, u8)>,
    entries: Vec<(u32, u8)>,
}

impl ProductTable {
    fn build(by_sku: &Index, by_category: &Index, all_items: &[(u32, u8)], catalog: &Catalog) -> Self {
        // Each category slot's promotions with those of its ancestors.
        let mut category_ranges = Vec::with_capacity(catalog.slot_count());
        let mut category_entries = Vec::new();
        for slot in 0..catalog.slot_count() as u32 {
            let start = category_entries.len();
            for &s in catalog.slot_path(slot).1 {
                category_entries.extend_from_slice(by_category.get(&catalog.slot_path(s).0.0));
            }
            category_ranges.push(start..category_entries.len());
        }
        let count = catalog.slotted_products().map(|(_, slot)| slot.number as usize + 1).max().unwrap_or(0);
        let mut table = ProductTable {
            versions: (catalog.product_version(), catalog.tree_version()),
            present: vec![0; count.div_ceil(64)],
            rows: vec![(0, 0); count],
            entries: Vec::new(),
        };
        let mut list = Vec::new();
        for (product, slot) in catalog.slotted_products() {
            list.clear();
            list.extend_from_slice(by_sku.get(product.sku.as_str()));
            if let Some(parent) = &product.parent {
                list.extend_from_slice(by_sku.get(parent.as_str()));
            }
            list.extend_from_slice(&category_entries[category_ranges[slot.category as usize].clone()]);
            list.extend_from_slice(all_items);
            let n = slot.number as usize;
            match list[..] {
                [] => continue,
                [one] => table.rows[n] = one,
                _ => {
                    table.rows[n] = (table.entries.len() as u32, 0);
                    table.entries.push((list.len() as u32, 0));
                    table.entries.extend_from_slice(&list);
                }
            }
            table.present[n / 64] |= 1 << (n % 64);
        }
        table
    }

    /// The promotions that look at product `number`, as `(promotion, role)`.
    pub(super) fn get(&self, number: u32) -> &[(u32, u8)] {
        let n = number as usize;
        if self.present.get(n / 64).is_none_or(|bits| bits & (1 << (n % 64)) == 0) {
            return &[];
        }
        match &self.rows[n] {
            &(start, 0) => {
                let start = start as usize;
                &self.entries[start + 1..start + 1 + self.entries[start].0 as usize]
            }
            one => std::slice::from_ref(one),
        }
    }
}

/// The last [`ProductTable`] built, shared by concurrent pricing runs. Rebuilt when a catalog
/// with other products or another category tree comes along. A clone of the engine starts
/// empty.
#[derive(Debug, Default)]
pub(super) struct ProductCache(std::sync::RwLock<Option<Arc<ProductTable>>>);

impl Clone for ProductCache {
    fn clone(&self) -> Self {
        ProductCache::default()
    }
}

impl ProductCache {
    pub(super) fn table(
        &self,
        by_sku: &Index,
        by_category: &Index,
        all_items: &[(u32, u8)],
        catalog: &Catalog,
    ) -> Arc<ProductTable> {
        let versions = (catalog.product_version(), catalog.tree_version());
        if let Ok(guard) = self.0.read()
            && let Some(table) = guard.as_ref().filter(|t| t.versions == versions)
        {
            return table.clone();
        }
        let table = Arc::new(ProductTable::build(by_sku, by_category, all_items, catalog));
        if let Ok(mut guard) = self.0.write() {
            *guard = Some(table.clone());
        }
        table
    }
}

/// Promotion lists by SKU or by category id. Pricing does not read it: the [`ProductTable`]
/// resolves it once per catalog.
#[derive(Debug, Clone, Default)]
pub(super) struct Index(FxHashMap<Box<str>, Box<[(u32, u8)]>>);

impl Index {
    pub(super) fn new(lists: FxHashMap<&str, Vec<(u32, u8)>>) -> Self {
        Index(lists.into_iter().filter(|(_, l)| !l.is_empty()).map(|(k, l)| (k.into(), l.into())).collect())
    }

    pub(super) fn get(&self, key: &str) -> &[(u32, u8)] {
        self.0.get(key).map_or(&[], |l| l)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::*;
    use crate::catalog::Product;
    use crate::currency::Currency;
    use crate::pricing::engine::{ROLE_GET, ROLE_MAIN};

    proptest! {
        /// Each product's row holds exactly its own, its parent's, its categories' and the
        /// all-items promotions, whatever the number of each (none, one, several).
        #[test]
        fn product_rows_hold_exactly_their_promotions(
            skus in prop::collection::vec(prop::collection::vec((0_u32..50, 1_u8..4), 0..3), 1..40),
            parents in prop::collection::vec(prop::option::of(0_usize..40), 1..40),
            cats in prop::collection::vec((0_usize..3, prop::collection::vec((50_u32..60, 1_u8..4), 0..3)), 3),
            all in prop::collection::vec((60_u32..64, 1_u8..4), 0..2),
        ) {
            let mut catalog = Catalog::new(Currency::KRW);
            catalog.upsert_category("c0", "c0", None).unwrap();
            catalog.upsert_category("c1", "c1", Some("c0")).unwrap();
            catalog.upsert_category("c2", "c2", Some("c1")).unwrap();
            let names: Vec<String> = (0..skus.len()).map(|i| format!("s{i}")).collect();
            for (i, name) in names.iter().enumerate() {
                let mut p = Product::new(name, "p", &format!("c{}", i % 3), "standard", Decimal::ONE).unwrap();
                if let Some(parent) = parents.get(i).copied().flatten().filter(|j| *j < names.len() && *j != i) {
                    p = p.variant_of(&names[parent], &[]).unwrap();
                }
                catalog.upsert_product(p).unwrap();
            }
            let by_sku = Index::new(names.iter().map(String::as_str).zip(skus.iter().cloned()).collect());
            let by_category = Index::new(
                cats.iter().enumerate().map(|(i, (_, l))| (["c0", "c1", "c2"][i], l.clone())).collect(),
            );
            let table = ProductTable::build(&by_sku, &by_category, &all, &catalog);
            for (product, slot) in catalog.slotted_products() {
                let mut want = by_sku.get(product.sku.as_str()).to_vec();
                if let Some(parent) = &product.parent {
                    want.extend_from_slice(by_sku.get(parent.as_str()));
                }
                for c in catalog.category_path(&product.category) {
                    want.extend_from_slice(by_category.get(&c.0));
                }
                want.extend_from_slice(&all);
                prop_assert_eq!(table.get(slot.number), &want[..]);
            }
            // Numbers past the catalog's are simply empty.
            prop_assert!(table.get(catalog.len() as u32 + 64).is_empty());
        }
    }

    #[test]
    fn an_index_finds_its_keys_and_nothing_else() {
        let mut lists: FxHashMap<&str, Vec<(u32, u8)>> = FxHashMap::default();
        lists.insert("880123", vec![(1, ROLE_MAIN)]);
        lists.insert("a-category-id", vec![(2, ROLE_GET), (3, ROLE_MAIN)]);
        lists.insert("none", Vec::new());
        let index = Index::new(lists);
        assert_eq!(index.get("880123"), &[(1, ROLE_MAIN)]);
        assert_eq!(index.get("a-category-id"), &[(2, ROLE_GET), (3, ROLE_MAIN)]);
        assert!(index.get("88012").is_empty());
        assert!(index.get("none").is_empty());
    }
}

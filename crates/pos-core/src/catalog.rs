//! Catalog: products and variants, a category tree, and price lists by store and customer group.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::currency::Currency;
use crate::error::CoreError;
use crate::limits::{check_id, check_price, check_required_text, check_text};
use crate::quantity::Unit;
use crate::sku::Sku;
use crate::tax::TaxClassId;

/// Identifier of a category.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryId(pub String);

impl TryFrom<String> for CategoryId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        check_id("category", &s)?;
        Ok(CategoryId(s))
    }
}

impl From<CategoryId> for String {
    fn from(c: CategoryId) -> String {
        c.0
    }
}

impl CategoryId {
    /// A category id.
    pub fn new(s: &str) -> Self {
        CategoryId(s.to_owned())
    }
}

/// Identifier of a store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StoreId(pub String);

impl TryFrom<String> for StoreId {
    type Error = CoreError;
    fn try_from(s: String) -> Result<Self, CoreError> {
        check_id("store", &s)?;
        Ok(StoreId(s))
    }
}

impl From<StoreId> for String {
    fn from(s: StoreId) -> String {
        s.0
    }
}

/// A category in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    /// Its id.
    pub id: CategoryId,
    /// Display name.
    pub name: String,
    /// Parent category, `None` for a root.
    pub parent: Option<CategoryId>,
}

crate::deserialize_checked!(Category, Category::check, {
    id: CategoryId,
    name: String,
    parent: Option<CategoryId>,
});

impl Category {
    /// Checks the category: a name, and not its own parent.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `name` or `parent`.
    pub fn check(&self) -> Result<(), CoreError> {
        check_required_text("name", &self.name)?;
        if self.parent.as_ref() == Some(&self.id) {
            return Err(CoreError::invalid("parent", "a category cannot be its own parent"));
        }
        Ok(())
    }
}

/// A sellable product or a variant of one (a variant names its parent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Product {
    /// Stock-keeping unit.
    pub sku: Sku,
    /// Name as printed on receipts.
    pub name: String,
    /// The product this is a variant of (size, colour), if any. Promotions on the parent apply.
    pub parent: Option<Sku>,
    /// Variant attributes, e.g. `size = L`.
    pub attributes: BTreeMap<String, String>,
    /// Category.
    pub category: CategoryId,
    /// Tax class.
    pub tax_class: TaxClassId,
    /// Base unit price in the catalog currency (tax-inclusive or not, per the store's tax mode).
    pub price: Decimal,
    /// Unit cost, for margin reports.
    pub cost: Option<Decimal>,
    /// Unit of measure.
    pub unit: Unit,
    /// Barcodes (GTINs or in-store item codes) that resolve to this product.
    pub barcodes: Vec<String>,
}

impl Product {
    /// A product sold by the piece, with no cost, variants or barcodes.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `sku`, `name` or `price`.
    pub fn new(
        sku: &str,
        name: &str,
        category: &str,
        tax_class: &str,
        price: Decimal,
    ) -> Result<Self, CoreError> {
        let p = Product {
            sku: Sku::parse(sku)?,
            name: name.to_owned(),
            parent: None,
            attributes: BTreeMap::new(),
            category: CategoryId::new(category),
            tax_class: TaxClassId::new(tax_class),
            price,
            cost: None,
            unit: Unit::Each,
            barcodes: Vec::new(),
        };
        p.validate()?;
        Ok(p)
    }

    /// Sets the unit of measure.
    pub fn with_unit(mut self, unit: Unit) -> Self {
        self.unit = unit;
        self
    }

    /// Sets the cost.
    pub fn with_cost(mut self, cost: Decimal) -> Self {
        self.cost = Some(cost);
        self
    }

    /// Adds a barcode.
    pub fn with_barcode(mut self, code: &str) -> Self {
        self.barcodes.push(code.to_owned());
        self
    }

    /// Makes this a variant of `parent`.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `parent` when it is not a valid SKU.
    pub fn variant_of(mut self, parent: &str, attributes: &[(&str, &str)]) -> Result<Self, CoreError> {
        self.parent = Some(Sku::parse(parent)?);
        self.attributes = attributes.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        Ok(self)
    }

    /// Checks the product: a name, a price and cost within the limits, identifiers and
    /// attributes as text (see [`crate::limits`]), and not a variant of itself. Products from
    /// outside (deserialised, or written through a store) must pass it.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming the field.
    pub fn validate(&self) -> Result<(), CoreError> {
        check_required_text("name", &self.name)?;
        check_price("price", self.price)?;
        if let Some(c) = self.cost {
            check_price("cost", c)?;
        }
        check_id("tax_class", &self.tax_class.0)?;
        for (k, v) in &self.attributes {
            check_id("attributes", k)?;
            check_text("attributes", v)?;
        }
        for b in &self.barcodes {
            check_id("barcodes", b)?;
        }
        if self.parent.as_ref() == Some(&self.sku) {
            return Err(CoreError::invalid("parent", "a product cannot be a variant of itself"));
        }
        Ok(())
    }
}

crate::deserialize_checked!(Product, Product::validate, {
    sku: Sku,
    name: String,
    parent: Option<Sku>,
    attributes: BTreeMap<String, String>,
    category: CategoryId,
    tax_class: TaxClassId,
    price: Decimal,
    cost: Option<Decimal>,
    unit: Unit,
    barcodes: Vec<String>,
});

/// Prices that replace the base price for a store and/or a customer group within a date range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PriceList {
    /// Its id.
    pub id: String,
    /// Only for this store (`None`: every store).
    pub store: Option<StoreId>,
    /// Only for this customer group (`None`: everybody).
    pub customer_group: Option<String>,
    /// First day it applies (store-local date), inclusive.
    pub valid_from: Option<NaiveDate>,
    /// Last day it applies, inclusive.
    pub valid_to: Option<NaiveDate>,
    /// Unit prices by SKU.
    pub prices: HashMap<Sku, Decimal>,
}

impl PriceList {
    /// Validates the list.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] for an inverted date range or a negative price.
    pub fn validate(&self) -> Result<(), CoreError> {
        if let (Some(f), Some(t)) = (self.valid_from, self.valid_to)
            && f > t
        {
            return Err(CoreError::invalid("price_list.valid_to", "is before valid_from"));
        }
        check_id("price_list.id", &self.id)?;
        if let Some(g) = &self.customer_group {
            check_id("price_list.customer_group", g)?;
        }
        for (sku, p) in &self.prices {
            check_price("price_list.prices", *p)
                .map_err(|e| CoreError::invalid("price_list.prices", format!("price of `{sku}`: {e}")))?;
        }
        Ok(())
    }

    fn applies(&self, store: &StoreId, group: Option<&str>, day: NaiveDate) -> bool {
        self.store.as_ref().is_none_or(|s| s == store)
            && self.customer_group.as_deref().is_none_or(|g| Some(g) == group)
            && self.valid_from.is_none_or(|f| f <= day)
            && self.valid_to.is_none_or(|t| day <= t)
    }

    /// More specific lists win: customer group beats store beats general; then the later start.
    fn specificity(&self) -> (bool, bool, Option<NaiveDate>) {
        (self.customer_group.is_some(), self.store.is_some(), self.valid_from)
    }
}

crate::deserialize_checked!(PriceList, PriceList::validate, {
    id: String,
    store: Option<StoreId>,
    customer_group: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
    prices: HashMap<Sku, Decimal>,
});

/// What the catalog keeps beside each product for pricing: a small record next to the
/// product's key, so that pricing a line reads numbers instead of names.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProductSlot {
    /// The slot of the product's category (see [`Catalog::slot_path`]).
    pub(crate) category: u32,
    /// The product's tax class, as a number (see [`Catalog::tax_class`]).
    pub(crate) tax_class: u32,
    /// The product's number: dense, given when its SKU is first added and kept for the
    /// catalog's life, so that the pricing engine can keep per-product facts in an array.
    pub(crate) number: u32,
}

/// The catalog of one currency: products, categories and price lists.
#[derive(Debug, Clone)]
pub struct Catalog {
    currency: Currency,
    /// Each product with the facts pricing needs before it reads the product.
    products: FxHashMap<Sku, (Product, ProductSlot)>,
    barcodes: FxHashMap<String, Sku>,
    categories: BTreeMap<CategoryId, Category>,
    /// Each category followed by its ancestors, root last.
    paths: FxHashMap<CategoryId, Vec<CategoryId>>,
    /// A dense number per category, kept for the catalog's life, so that the pricing engine
    /// can look categories up by number instead of by name.
    slots: FxHashMap<CategoryId, u32>,
    /// Per slot: the category.
    slot_ids: Vec<CategoryId>,
    /// Per slot: the slots of the category and its ancestors, root last.
    slot_paths: Vec<Vec<u32>>,
    /// Names this category tree: a new number whenever it changes. Clones share it, because they
    /// share the tree.
    tree_version: u64,
    /// Names the set of products with their categories and parents: a new number whenever a
    /// product is added or replaced. Clones share it, like `tree_version`.
    product_version: u64,
    /// The tax classes products use, each numbered once, so that pricing resolves a class's
    /// rate once per basket and not by name on every line.
    tax_classes: Vec<TaxClassId>,
    tax_class_numbers: FxHashMap<TaxClassId, u32>,
    price_lists: Vec<PriceList>,
}

/// Source of [`Catalog::tree_version`] numbers, unique in the process.
static TREE_VERSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn next_tree_version() -> u64 {
    TREE_VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Catalog {
    /// An empty catalog priced in `currency`.
    pub fn new(currency: Currency) -> Self {
        Catalog {
            currency,
            products: FxHashMap::default(),
            barcodes: FxHashMap::default(),
            categories: BTreeMap::new(),
            paths: FxHashMap::default(),
            slots: FxHashMap::default(),
            slot_ids: Vec::new(),
            slot_paths: Vec::new(),
            tree_version: next_tree_version(),
            product_version: next_tree_version(),
            tax_classes: Vec::new(),
            tax_class_numbers: FxHashMap::default(),
            price_lists: Vec::new(),
        }
    }

    /// A catalog from stored rows, in any order: parents are added before their children.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `category.parent` when a parent is missing or the
    /// categories form a cycle, or the field of an invalid product.
    pub fn from_rows(
        currency: Currency,
        categories: Vec<Category>,
        products: Vec<Product>,
    ) -> Result<Self, CoreError> {
        let mut c = Catalog::new(currency);
        let mut pending = categories;
        while !pending.is_empty() {
            let before = pending.len();
            let mut rest = Vec::new();
            for cat in pending {
                if cat.parent.as_ref().is_none_or(|p| c.categories.contains_key(p)) {
                    c.upsert_category(&cat.id.0, &cat.name, cat.parent.as_ref().map(|p| p.0.as_str()))?;
                } else {
                    rest.push(cat);
                }
            }
            if rest.len() == before {
                return Err(CoreError::invalid(
                    "category.parent",
                    "a category's parent is missing or they form a cycle",
                ));
            }
            pending = rest;
        }
        for p in products {
            c.upsert_product(p)?;
        }
        Ok(c)
    }

    /// The catalog currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Adds or replaces a category.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming `category.parent` when the parent is unknown or the
    /// change would make a cycle.
    pub fn upsert_category(&mut self, id: &str, name: &str, parent: Option<&str>) -> Result<(), CoreError> {
        let id = CategoryId::new(id);
        let parent = parent.map(CategoryId::new);
        if let Some(p) = &parent {
            if !self.categories.contains_key(p) {
                return Err(CoreError::invalid("category.parent", format!("unknown category `{}`", p.0)));
            }
            if self.paths.get(p).is_some_and(|path| path.contains(&id)) {
                return Err(CoreError::invalid("category.parent", "would create a cycle"));
            }
        }
        if !self.slots.contains_key(&id) {
            self.slots.insert(id.clone(), self.slot_ids.len() as u32);
            self.slot_ids.push(id.clone());
        }
        self.categories.insert(id.clone(), Category { id, name: name.to_owned(), parent });
        self.rebuild_paths();
        Ok(())
    }

    fn rebuild_paths(&mut self) {
        self.paths.clear();
        for id in self.categories.keys() {
            let mut path = vec![id.clone()];
            let mut cur = self.categories[id].parent.clone();
            while let Some(p) = cur {
                if path.contains(&p) {
                    break;
                }
                cur = self.categories.get(&p).and_then(|c| c.parent.clone());
                path.push(p);
            }
            self.paths.insert(id.clone(), path);
        }
        self.slot_paths =
            self.slot_ids.iter().map(|id| self.paths[id].iter().map(|c| self.slots[c]).collect()).collect();
        self.tree_version = next_tree_version();
    }

    /// Adds or replaces a product. Its category must exist.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] naming the field that is wrong.
    pub fn upsert_product(&mut self, product: Product) -> Result<(), CoreError> {
        product.validate()?;
        if !self.categories.contains_key(&product.category) {
            return Err(CoreError::invalid("category", format!("unknown category `{}`", product.category.0)));
        }
        // A replaced product keeps its number; checked before anything changes.
        let number = match self.products.get(&product.sku) {
            Some((_, old)) => old.number,
            None => u32::try_from(self.products.len())
                .map_err(|_| CoreError::invalid("sku", "a catalog holds fewer than 2^32 products"))?,
        };
        if let Some((old, _)) = self.products.get(&product.sku) {
            for b in &old.barcodes {
                self.barcodes.remove(b);
            }
        }
        for b in &product.barcodes {
            self.barcodes.insert(b.clone(), product.sku.clone());
        }
        let tax_class = match self.tax_class_numbers.get(&product.tax_class) {
            Some(n) => *n,
            None => {
                let n = self.tax_classes.len() as u32;
                self.tax_classes.push(product.tax_class.clone());
                self.tax_class_numbers.insert(product.tax_class.clone(), n);
                n
            }
        };
        let slot = ProductSlot { category: self.slots[&product.category], tax_class, number };
        self.products.insert(product.sku.clone(), (product, slot));
        self.product_version = next_tree_version();
        Ok(())
    }

    /// Adds a price list.
    ///
    /// # Errors
    /// [`CoreError::InvalidField`] when the list is invalid.
    pub fn add_price_list(&mut self, list: PriceList) -> Result<(), CoreError> {
        list.validate()?;
        self.price_lists.retain(|l| l.id != list.id);
        self.price_lists.push(list);
        Ok(())
    }

    /// A product by SKU.
    pub fn product(&self, sku: &Sku) -> Option<&Product> {
        self.products.get(sku).map(|(p, _)| p)
    }

    /// The tax class numbered `n` (see [`ProductSlot::tax_class`]).
    pub(crate) fn tax_class(&self, n: u32) -> &TaxClassId {
        &self.tax_classes[n as usize]
    }

    /// How many tax classes are numbered.
    pub(crate) fn tax_class_count(&self) -> usize {
        self.tax_classes.len()
    }

    /// A product by SKU with the slot of its category (see [`Catalog::slot_path`]).
    pub(crate) fn product_in_slot(&self, sku: &Sku) -> Option<(&Product, ProductSlot)> {
        self.products.get(sku).map(|(p, slot)| (p, *slot))
    }

    /// The version of the category tree: equal versions mean the same slots and paths.
    pub(crate) fn tree_version(&self) -> u64 {
        self.tree_version
    }

    /// The version of the products, their categories and parents: equal versions mean the
    /// same products under the same numbers.
    pub(crate) fn product_version(&self) -> u64 {
        self.product_version
    }

    /// Every product with its slot, in no particular order.
    pub(crate) fn slotted_products(&self) -> impl Iterator<Item = (&Product, ProductSlot)> {
        self.products.values().map(|(p, slot)| (p, *slot))
    }

    /// Number of category slots.
    pub(crate) fn slot_count(&self) -> usize {
        self.slot_ids.len()
    }

    /// The category in a slot and the slots of its path (itself, then its ancestors).
    pub(crate) fn slot_path(&self, slot: u32) -> (&CategoryId, &[u32]) {
        (&self.slot_ids[slot as usize], &self.slot_paths[slot as usize])
    }

    /// A product by one of its barcodes (or in-store item code).
    pub fn by_barcode(&self, code: &str) -> Option<&Product> {
        self.barcodes.get(code).and_then(|s| self.product(s))
    }

    /// Every product, by SKU.
    pub fn products(&self) -> Vec<&Product> {
        let mut out: Vec<&Product> = self.products.values().map(|(p, _)| p).collect();
        out.sort_by(|a, b| a.sku.cmp(&b.sku));
        out
    }

    /// Every category, by id.
    pub fn categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.values()
    }

    /// Every price list, in the order they were added.
    pub fn price_lists(&self) -> &[PriceList] {
        &self.price_lists
    }

    /// Number of products.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// True when there are no products.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// A category by id.
    pub fn category(&self, id: &CategoryId) -> Option<&Category> {
        self.categories.get(id)
    }

    /// The category and its ancestors, the category itself first.
    pub fn category_path(&self, id: &CategoryId) -> &[CategoryId] {
        self.paths.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True when `category` is `ancestor` or lies below it.
    pub fn is_within(&self, category: &CategoryId, ancestor: &CategoryId) -> bool {
        self.category_path(category).contains(ancestor)
    }

    /// The price lists that apply to a sale, most specific first.
    pub fn applicable_price_lists(
        &self,
        store: &StoreId,
        group: Option<&str>,
        day: NaiveDate,
    ) -> Vec<&PriceList> {
        let mut lists: Vec<&PriceList> =
            self.price_lists.iter().filter(|l| l.applies(store, group, day)).collect();
        lists.sort_by(|a, b| b.specificity().cmp(&a.specificity()).then_with(|| a.id.cmp(&b.id)));
        lists
    }

    /// The unit price of `sku` for a store, customer group and day: the most specific applicable
    /// price list that prices it, else the base price.
    pub fn price_for(
        &self,
        sku: &Sku,
        store: &StoreId,
        group: Option<&str>,
        day: NaiveDate,
    ) -> Option<Decimal> {
        let product = self.product(sku)?;
        Some(
            self.applicable_price_lists(store, group, day)
                .iter()
                .find_map(|l| l.prices.get(sku).copied())
                .unwrap_or(product.price),
        )
    }
}

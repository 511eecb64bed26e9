//! CSV imports and exports of products, stock counts and members: the columns of each, and the
//! check that turns one row into the value it writes or into every problem it has, each as
//! (line, field, reason). The CSV text itself is the server's; what makes a row right is here,
//! so an import refuses what the API would refuse.
//!
//! A file's first line names its columns, in any order; unknown columns are refused (a
//! misspelt `prcie` must not import products without prices). Cells are trimmed; an empty cell
//! is an absent value. A cell starting with `'` followed by `=`, `+`, `-` or `@` loses the `'`:
//! exports write it so a spreadsheet does not run a name as a formula, and imports take it back.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use pos_core::limits::{check_id, check_price};
use pos_core::{Catalog, CategoryId, Currency, Product, Sku, TaxClassId, TaxTable, Unit};
use pos_inventory::LocationId;
use pos_loyalty::{Consent, Member};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::StoreError;
use crate::ports::MemberStore;
use pos_core::StoreId;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    /// Products with prices, barcodes and categories.
    Products,
    /// Counted stock per location and SKU.
    StockCounts,
    /// Loyalty members.
    Members,
}

/// Product columns, in export order; the first five are required.
pub const PRODUCT_COLUMNS: &[&str] =
    &["sku", "name", "category", "tax_class", "price", "cost", "unit", "barcodes", "parent", "attributes"];
/// Stock count columns; all required.
pub const STOCK_COLUMNS: &[&str] = &["location", "sku", "counted"];
/// Member columns, in export order; the first three are required.
pub const MEMBER_COLUMNS: &[&str] =
    &["id", "name", "phone", "email", "birthday", "sms_consent", "email_consent", "joined_at"];

impl ImportKind {
    /// From its name in a URL (`products`, `stock-counts`, `members`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "products" => Some(ImportKind::Products),
            "stock-counts" => Some(ImportKind::StockCounts),
            "members" => Some(ImportKind::Members),
            _ => None,
        }
    }

    /// Its name in a URL.
    pub fn name(self) -> &'static str {
        match self {
            ImportKind::Products => "products",
            ImportKind::StockCounts => "stock-counts",
            ImportKind::Members => "members",
        }
    }

    /// Its columns, in export order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ImportKind::Products => PRODUCT_COLUMNS,
            ImportKind::StockCounts => STOCK_COLUMNS,
            ImportKind::Members => MEMBER_COLUMNS,
        }
    }

    /// How many of its first columns are required.
    fn required(self) -> usize {
        match self {
            ImportKind::Products => 5,
            ImportKind::StockCounts | ImportKind::Members => 3,
        }
    }
}

/// A problem with a row: its line in the file (the header is line 1), the column, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The line (of the record's start, counting the header as 1).
    pub line: u64,
    /// The column, or `row` for the row as a whole.
    pub field: String,
    /// Why.
    pub reason: String,
}

impl RowError {
    fn new(line: u64, field: &str, reason: impl Into<String>) -> Self {
        RowError { line, field: field.to_owned(), reason: reason.into() }
    }
}

/// Where each known column is in a file.
#[derive(Debug, Clone)]
pub struct Header {
    kind: ImportKind,
    at: Vec<Option<usize>>,
    width: usize,
}

impl Header {
    /// Reads a header line.
    ///
    /// # Errors
    /// Every unknown, repeated or missing required column, on line 1.
    pub fn new(kind: ImportKind, names: &[&str]) -> Result<Header, Vec<RowError>> {
        let columns = kind.columns();
        let mut at = vec![None; columns.len()];
        let mut errors = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let name = name.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            match columns.iter().position(|c| *c == name) {
                Some(c) if at[c].is_some() => {
                    errors.push(RowError::new(1, &name, "the column is given twice"))
                }
                Some(c) => at[c] = Some(i),
                None => errors.push(RowError::new(
                    1,
                    &name,
                    format!("unknown column; the columns are {}", columns.join(", ")),
                )),
            }
        }
        for (c, name) in columns.iter().enumerate().take(kind.required()) {
            if at[c].is_none() {
                errors.push(RowError::new(1, name, "a required column is missing"));
            }
        }
        if errors.is_empty() { Ok(Header { kind, at, width: names.len() }) } else { Err(errors) }
    }

    /// The kind of file.
    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    /// A cell: trimmed, `None` when empty, a formula guard taken off.
    fn cell<'a>(&self, fields: &[&'a str], column: &str) -> Option<&'a str> {
        let c = self.kind.columns().iter().position(|n| *n == column)?;
        let value = fields.get(self.at[c]?)?.trim();
        let value = match value.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
            _ => value,
        };
        (!value.is_empty()).then_some(value)
    }

    fn width(&self, line: u64, fields: &[&str]) -> Result<(), RowError> {
        if fields.len() == self.width {
            Ok(())
        } else {
            Err(RowError::new(
                line,
                "row",
                format!("{} cells where the header has {}", fields.len(), self.width),
            ))
        }
    }
}

fn decimal(line: u64, field: &str, text: &str, errors: &mut Vec<RowError>) -> Option<Decimal> {
    match text.parse::<Decimal>() {
        Ok(d) => Some(d.normalize()),
        Err(_) => {
            errors.push(RowError::new(
                line,
                field,
                format!("`{text}` is not a number (use a dot for decimals)"),
            ));
            None
        }
    }
}

fn core(line: u64, e: &pos_core::CoreError) -> RowError {
    RowError::new(line, e.field().unwrap_or("row"), e.to_string())
}

/// Checks product rows against the catalog, the store's tax classes and currency, and the rows
/// before them (a SKU or barcode twice in a file is refused on its second line).
pub struct ProductRows {
    header: Header,
    catalog: Arc<Catalog>,
    tax: TaxTable,
    currency: Currency,
    skus: HashMap<Sku, u64>,
    barcodes: HashMap<String, (Sku, u64)>,
}

impl ProductRows {
    /// A checker for a file with this header, against the catalog as it is.
    pub fn new(header: Header, catalog: Arc<Catalog>, tax: TaxTable, currency: Currency) -> Self {
        ProductRows { header, catalog, tax, currency, skus: HashMap::new(), barcodes: HashMap::new() }
    }

    fn price(&self, line: u64, field: &str, text: &str, errors: &mut Vec<RowError>) -> Option<Decimal> {
        let d = decimal(line, field, text, errors)?;
        if let Err(e) = check_price(field, d) {
            errors.push(core(line, &e));
            return None;
        }
        if d.scale() > self.currency.minor_units() {
            errors.push(RowError::new(
                line,
                field,
                format!("{} has {} decimal places", self.currency, self.currency.minor_units()),
            ));
            return None;
        }
        Some(d)
    }

    /// The product of a row.
    ///
    /// # Errors
    /// Every problem of the row.
    pub fn row(&mut self, line: u64, fields: &[&str]) -> Result<Product, Vec<RowError>> {
        let h = &self.header;
        h.width(line, fields).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let required = |name: &str, errors: &mut Vec<RowError>| {
            let v = h.cell(fields, name);
            if v.is_none() {
                errors.push(RowError::new(line, name, "is required"));
            }
            v
        };
        let sku = required("sku", &mut errors).and_then(|s| match Sku::parse(s) {
            Ok(sku) => Some(sku),
            Err(e) => {
                errors.push(core(line, &e));
                None
            }
        });
        let name = required("name", &mut errors);
        let category = required("category", &mut errors).map(CategoryId::new);
        if let Some(c) = &category
            && self.catalog.category(c).is_none()
        {
            errors.push(RowError::new(line, "category", format!("unknown category `{}`", c.0)));
        }
        let tax_class = required("tax_class", &mut errors).map(TaxClassId::new);
        if let Some(t) = &tax_class
            && self.tax.rate(t).is_err()
        {
            errors.push(RowError::new(line, "tax_class", format!("the store has no tax class `{}`", t.0)));
        }
        let price = required("price", &mut errors).and_then(|p| self.price(line, "price", p, &mut errors));
        let cost = match h.cell(fields, "cost") {
            Some(c) => self.price(line, "cost", c, &mut errors),
            None => None,
        };
        let unit = match h.cell(fields, "unit") {
            None => Unit::Each,
            Some(u) => {
                match serde_json::from_value::<Unit>(serde_json::Value::String(u.to_ascii_lowercase())) {
                    Ok(unit) => unit,
                    Err(_) => {
                        errors.push(RowError::new(
                            line,
                            "unit",
                            format!("unknown unit `{u}`: each, kg, g, l, ml, m"),
                        ));
                        Unit::Each
                    }
                }
            }
        };
        let barcodes: Vec<String> = h
            .cell(fields, "barcodes")
            .map(|b| b.split('|').map(str::trim).filter(|b| !b.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default();
        let parent = h.cell(fields, "parent").and_then(|p| match Sku::parse(p) {
            Ok(sku) => Some(sku),
            Err(e) => {
                errors.push(RowError::new(line, "parent", e.to_string()));
                None
            }
        });
        let mut attributes = BTreeMap::new();
        for pair in h.cell(fields, "attributes").map(|a| a.split(';')).into_iter().flatten() {
            match pair.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    attributes.insert(k.trim().to_owned(), v.trim().to_owned());
                }
                _ => errors.push(RowError::new(line, "attributes", "write them as key=value;key=value")),
            }
        }
        if let Some(sku) = &sku {
            if let Some(first) = self.skus.get(sku) {
                errors.push(RowError::new(line, "sku", format!("`{sku}` is also on line {first}")));
            }
            for b in &barcodes {
                if let Some((other, at)) = self.barcodes.get(b)
                    && other != sku
                {
                    errors.push(RowError::new(
                        line,
                        "barcodes",
                        format!("`{b}` is also on line {at} (`{other}`)"),
                    ));
                } else if let Some(p) = self.catalog.by_barcode(b)
                    && &p.sku != sku
                    && !self.skus.contains_key(&p.sku)
                {
                    errors.push(RowError::new(
                        line,
                        "barcodes",
                        format!("`{b}` belongs to product `{}`", p.sku),
                    ));
                }
            }
        }
        let (Some(sku), Some(name), Some(category), Some(tax_class), Some(price), true) =
            (sku, name, category, tax_class, price, errors.is_empty())
        else {
            return Err(errors);
        };
        let product = Product {
            sku,
            name: name.to_owned(),
            parent,
            attributes,
            category,
            tax_class,
            price,
            cost,
            unit,
            barcodes,
        };
        product.validate().map_err(|e| vec![core(line, &e)])?;
        self.skus.entry(product.sku.clone()).or_insert(line);
        for b in &product.barcodes {
            self.barcodes.entry(b.clone()).or_insert((product.sku.clone(), line));
        }
        Ok(product)
    }
}

/// A counted line: where, what, how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountRow {
    /// The location counted.
    pub location: LocationId,
    /// The SKU.
    pub sku: Sku,
    /// How many are there.
    pub counted: Decimal,
}

/// Checks stock count rows against the catalog and the rows before them.
pub struct CountRows {
    header: Header,
    catalog: Arc<Catalog>,
    seen: HashMap<(String, Sku), u64>,
}

impl CountRows {
    /// A checker for a file with this header.
    pub fn new(header: Header, catalog: Arc<Catalog>) -> Self {
        CountRows { header, catalog, seen: HashMap::new() }
    }

    /// The counted line of a row.
    ///
    /// # Errors
    /// Every problem of the row.
    pub fn row(&mut self, line: u64, fields: &[&str]) -> Result<CountRow, Vec<RowError>> {
        let h = &self.header;
        h.width(line, fields).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let location = match h.cell(fields, "location") {
            None => {
                errors.push(RowError::new(line, "location", "is required"));
                None
            }
            Some(l) => match check_id("location", l) {
                Ok(()) => Some(LocationId(l.to_owned())),
                Err(e) => {
                    errors.push(core(line, &e));
                    None
                }
            },
        };
        let sku = match h.cell(fields, "sku").map(Sku::parse) {
            None => {
                errors.push(RowError::new(line, "sku", "is required"));
                None
            }
            Some(Err(e)) => {
                errors.push(core(line, &e));
                None
            }
            Some(Ok(sku)) => match self.catalog.product(&sku) {
                None => {
                    errors.push(RowError::new(line, "sku", format!("no product `{sku}`")));
                    None
                }
                Some(p) => Some((sku, p.unit)),
            },
        };
        let counted = match h.cell(fields, "counted") {
            None => {
                errors.push(RowError::new(line, "counted", "is required"));
                None
            }
            Some(c) => decimal(line, "counted", c, &mut errors),
        };
        if let Some(c) = counted {
            if c < Decimal::ZERO {
                errors.push(RowError::new(line, "counted", "must not be negative"));
            } else if c.scale() > 3 {
                errors.push(RowError::new(line, "counted", "at most 3 decimal places"));
            } else if let Some((_, Unit::Each)) = &sku
                && !c.fract().is_zero()
            {
                errors.push(RowError::new(
                    line,
                    "counted",
                    "the product is sold by the piece: a whole number",
                ));
            }
        }
        if let (Some(l), Some((s, _))) = (&location, &sku)
            && let Some(first) = self.seen.get(&(l.0.clone(), s.clone()))
        {
            errors.push(RowError::new(line, "sku", format!("`{s}` at `{}` is also on line {first}", l.0)));
        }
        match (location, sku, counted, errors.is_empty()) {
            (Some(location), Some((sku, _)), Some(counted), true) => {
                self.seen.insert((location.0.clone(), sku.clone()), line);
                Ok(CountRow { location, sku, counted })
            }
            _ => Err(errors),
        }
    }
}

/// Checks member rows and the rows before them (an id or phone twice in a file is refused on
/// its second line). Whether a phone is another stored member's is the caller's to ask the
/// store.
pub struct MemberRows {
    header: Header,
    now: DateTime<Utc>,
    ids: HashMap<String, u64>,
    phones: HashMap<String, u64>,
}

fn flag(line: u64, field: &str, text: Option<&str>, errors: &mut Vec<RowError>) -> bool {
    match text.map(str::to_ascii_lowercase).as_deref() {
        None | Some("false" | "no" | "n" | "0") => false,
        Some("true" | "yes" | "y" | "1") => true,
        Some(other) => {
            errors.push(RowError::new(line, field, format!("`{other}` is not true or false")));
            false
        }
    }
}

impl MemberRows {
    /// A checker for a file with this header; members without `joined_at` join `now`.
    pub fn new(header: Header, now: DateTime<Utc>) -> Self {
        MemberRows { header, now, ids: HashMap::new(), phones: HashMap::new() }
    }

    /// The member of a row.
    ///
    /// # Errors
    /// Every problem of the row.
    pub fn row(&mut self, line: u64, fields: &[&str]) -> Result<Member, Vec<RowError>> {
        let h = &self.header;
        h.width(line, fields).map_err(|e| vec![e])?;
        let mut errors = Vec::new();
        let get = |name: &str, errors: &mut Vec<RowError>| {
            let v = h.cell(fields, name);
            if v.is_none() {
                errors.push(RowError::new(line, name, "is required"));
            }
            v
        };
        let (id, name, phone) = (get("id", &mut errors), get("name", &mut errors), get("phone", &mut errors));
        let joined_at = match h.cell(fields, "joined_at") {
            None => self.now,
            Some(t) => DateTime::parse_from_rfc3339(t).map(|t| t.with_timezone(&Utc)).unwrap_or_else(|_| {
                errors.push(RowError::new(line, "joined_at", "write it as 2026-12-07T09:00:00+09:00"));
                self.now
            }),
        };
        let birthday =
            h.cell(fields, "birthday").and_then(|b| match NaiveDate::parse_from_str(b, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(RowError::new(line, "birthday", "write it as YYYY-MM-DD"));
                    None
                }
            });
        let consent = Consent {
            sms: flag(line, "sms_consent", h.cell(fields, "sms_consent"), &mut errors),
            email: flag(line, "email_consent", h.cell(fields, "email_consent"), &mut errors),
        };
        let email = h.cell(fields, "email");
        let (Some(id), Some(name), Some(phone)) = (id, name, phone) else { return Err(errors) };
        let member = Member::new(id, name, phone, joined_at)
            .and_then(|m| match email {
                Some(e) => m.with_email(e),
                None => Ok(m),
            })
            .map_err(|e| match e {
                pos_loyalty::LoyaltyError::InvalidField { field, reason } => RowError { line, field, reason },
                other => RowError::new(line, "row", other.to_string()),
            });
        let mut member = match member {
            Ok(m) => m,
            Err(e) => {
                errors.push(e);
                return Err(errors);
            }
        };
        member.birthday = birthday;
        member.consent = consent;
        if let Some(first) = self.ids.get(&member.id) {
            errors.push(RowError::new(line, "id", format!("`{}` is also on line {first}", member.id)));
        }
        let phone_key = member.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default();
        if let Some(first) = self.phones.get(&phone_key) {
            errors.push(RowError::new(line, "phone", format!("the number is also on line {first}")));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.ids.insert(member.id.clone(), line);
        self.phones.insert(phone_key, line);
        Ok(member)
    }
}

/// Checked members against the store: a row whose phone number is another stored member's is
/// an error on its line; the others are kept, in order.
///
/// # Errors
/// [`StoreError`] when the store cannot be asked.
pub async fn members_free_phones(
    store: &dyn MemberStore,
    store_id: &StoreId,
    members: Vec<(u64, Member)>,
) -> Result<(Vec<(u64, Member)>, Vec<RowError>), StoreError> {
    let mut kept = Vec::with_capacity(members.len());
    let mut errors = Vec::new();
    for (line, m) in members {
        let owner = match &m.phone {
            Some(p) => store.member_by_phone(store_id, p).await?,
            None => None,
        };
        match owner {
            Some(o) if o.id != m.id => {
                errors.push(RowError::new(line, "phone", format!("the number is member `{}`'s", o.id)));
            }
            _ => kept.push((line, m)),
        }
    }
    Ok((kept, errors))
}

/// Writes checked members: a member already stored keeps when they joined and who referred
/// them. A phone number taken meanwhile is an error on its line; the others are written.
/// Calls `written` after each member written.
///
/// # Errors
/// [`StoreError`] other than a taken phone number.
pub async fn write_members(
    store: &dyn MemberStore,
    store_id: &StoreId,
    members: Vec<(u64, Member)>,
    mut written: impl FnMut() + Send,
) -> Result<Vec<RowError>, StoreError> {
    let mut errors = Vec::new();
    for (line, mut m) in members {
        if let Some(old) = store.member(store_id, &m.id).await? {
            m.joined_at = old.joined_at;
            m.referred_by = old.referred_by;
        }
        match store.upsert_member(store_id, &m).await {
            Ok(()) => written(),
            Err(StoreError::Duplicate { what }) => {
                errors.push(RowError::new(line, "phone", format!("{what} is taken")));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(errors)
}

/// A product as an export row, in [`PRODUCT_COLUMNS`] order (what an import reads back).
pub fn product_row(p: &Product) -> Vec<String> {
    let unit =
        serde_json::to_value(p.unit).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    vec![
        p.sku.as_str().to_owned(),
        p.name.clone(),
        p.category.0.clone(),
        p.tax_class.0.clone(),
        p.price.to_string(),
        p.cost.map(|c| c.to_string()).unwrap_or_default(),
        unit,
        p.barcodes.join("|"),
        p.parent.as_ref().map(|s| s.as_str().to_owned()).unwrap_or_default(),
        p.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";"),
    ]
}

/// A stock level as an export row, in [`STOCK_COLUMNS`] order (on hand as the count).
pub fn stock_row(location: &LocationId, sku: &Sku, on_hand: Decimal) -> Vec<String> {
    vec![location.0.clone(), sku.as_str().to_owned(), on_hand.normalize().to_string()]
}

/// A member as an export row, in [`MEMBER_COLUMNS`] order.
pub fn member_row(m: &Member) -> Vec<String> {
    vec![
        m.id.clone(),
        m.name.clone().unwrap_or_default(),
        m.phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
        m.email.clone().unwrap_or_default(),
        m.birthday.map(|b| b.to_string()).unwrap_or_default(),
        m.consent.sms.to_string(),
        m.consent.email.to_string(),
        m.joined_at.to_rfc3339(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_core::StoreConfig;

    fn catalog() -> Catalog {
        let mut c = Catalog::new(Currency::KRW);
        c.upsert_category("drinks", "음료", None).unwrap_or_else(|e| panic!("{e}"));
        let cola = Product::new("0001", "콜라", "drinks", "standard", Decimal::from(1_500))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_barcode("8801234567893");
        c.upsert_product(cola).unwrap_or_else(|e| panic!("{e}"));
        c
    }

    fn fields(line: &str) -> Vec<&str> {
        line.split(',').collect()
    }

    #[test]
    fn the_header_names_known_columns_once_with_the_required_ones() {
        assert!(Header::new(ImportKind::Products, &fields("sku,name,category,tax_class,price")).is_ok());
        let e = Header::new(ImportKind::Products, &fields("sku,name,category,price,prcie,sku")).unwrap_err();
        let got: Vec<(&str, &str)> = e.iter().map(|e| (e.field.as_str(), &e.reason[..10])).collect();
        assert_eq!(got, [("prcie", "unknown co"), ("sku", "the column"), ("tax_class", "a required")]);
        assert!(e.iter().all(|e| e.line == 1));
        assert!(Header::new(ImportKind::StockCounts, &fields("\u{feff}Location,SKU,counted")).is_ok());
    }

    #[test]
    fn a_product_row_reports_every_problem_with_its_field() {
        let (c, config) = (Arc::new(catalog()), StoreConfig::korea("s"));
        let header = Header::new(
            ImportKind::Products,
            &fields("sku,name,category,tax_class,price,cost,unit,barcodes"),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let mut rows = ProductRows::new(header, c.clone(), config.tax.clone(), Currency::KRW);
        let p = rows.row(2, &fields("0002, 사이다 ,drinks,standard,1400,900,each,8801111111111|2000001"));
        let p = p.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((p.name.as_str(), p.price, p.barcodes.len()), ("사이다", Decimal::from(1_400), 2));
        let e = rows.row(3, &fields("0003,,snacks,luxury,12.5,x,box,8801234567893")).unwrap_err();
        let got: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(got, ["name", "category", "tax_class", "price", "cost", "unit", "barcodes"], "{e:?}");
        assert!(e.iter().all(|e| e.line == 3));
        let e = rows.row(4, &fields("0002,again,drinks,standard,1,,,2000001")).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["sku"], "{e:?}");
        assert!(e[0].reason.contains("line 2"));
        let e = rows.row(5, &fields("0004,x,drinks,standard,-1,,,2000001")).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["price", "barcodes"], "{e:?}");
        let e = rows.row(6, &fields("0005,x,drinks")).unwrap_err();
        assert_eq!(e[0].field, "row");
        // The cola keeps its own barcode when it is imported again.
        assert!(rows.row(7, &fields("0001,콜라,drinks,standard,1600,,,8801234567893")).is_ok());
        // A formula guard comes off.
        let p = rows.row(8, &fields("0006,'=1+2,drinks,standard,100,,,")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.name, "=1+2");
    }

    #[test]
    fn an_exported_product_imports_as_it_was() {
        let (c, config) = (Arc::new(catalog()), StoreConfig::korea("s"));
        let mut p = Product::new("0100", "생수 2L", "drinks", "standard", Decimal::from(900))
            .unwrap_or_else(|e| panic!("{e}"))
            .with_barcode("8800000000017");
        p.cost = Some(Decimal::from(450));
        p.unit = Unit::Each;
        p.parent = Some(Sku::parse("0001").unwrap_or_else(|e| panic!("{e}")));
        p.attributes.insert("size".into(), "2L".into());
        let row = product_row(&p);
        let header = Header::new(ImportKind::Products, PRODUCT_COLUMNS).unwrap_or_else(|e| panic!("{e:?}"));
        let mut rows = ProductRows::new(header, c.clone(), config.tax.clone(), Currency::KRW);
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        assert_eq!(rows.row(2, &cells), Ok(p));
    }

    #[test]
    fn count_and_member_rows() {
        let c = Arc::new(catalog());
        let header = Header::new(ImportKind::StockCounts, STOCK_COLUMNS).unwrap_or_else(|e| panic!("{e:?}"));
        let mut counts = CountRows::new(header, c.clone());
        assert!(counts.row(2, &fields("s/floor,0001,12")).is_ok());
        let e = counts.row(3, &fields("s/floor,0001,1.5")).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["counted", "sku"]);
        let e = counts.row(4, &fields(",0009,-1")).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["location", "sku", "counted"]);

        let now = Utc::now();
        let header = Header::new(ImportKind::Members, &fields("id,name,phone,email,sms_consent,birthday"))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let mut members = MemberRows::new(header, now);
        let m = members.row(2, &fields("m-1,김민수,010-1234-5678,minsu@example.kr,yes,1990-05-01"));
        let m = m.unwrap_or_else(|e| panic!("{e:?}"));
        assert!(m.consent.sms && !m.consent.email && m.joined_at == now);
        let e = members.row(3, &fields("m-2,이영희,+82 10 1234 5678,bad,maybe,1990-13-01")).unwrap_err();
        let got: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(got, ["birthday", "sms_consent", "email"], "{e:?}");
        let e = members.row(4, &fields("m-1,다시,+82 10 1234 5678,,,")).unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["id", "phone"]);
        let exported = member_row(&m);
        let header = Header::new(ImportKind::Members, MEMBER_COLUMNS).unwrap_or_else(|e| panic!("{e:?}"));
        let cells: Vec<&str> = exported.iter().map(String::as_str).collect();
        let back = MemberRows::new(header, now).row(2, &cells).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(back.phone, m.phone);
        assert_eq!((back.birthday, back.consent, back.email), (m.birthday, m.consent, m.email.clone()));
    }
}

//! The statements a dialect provides, by aggregate. Each field documents its parameters in
//! order and the columns it returns (by name); a dialect writes them in its own SQL.

/// Catalog documents.
#[derive(Debug, Clone, Copy)]
pub struct CatalogSql {
    /// (store, id, data): insert or replace a category.
    pub upsert_category: &'static str,
    /// (store, sku, data): insert or replace a product.
    pub upsert_product: &'static str,
    /// (store, id, data): insert or replace a promotion.
    pub upsert_promotion: &'static str,
    /// (store, id, data): insert or replace a price list.
    pub upsert_price_list: &'static str,
    /// (store) -> data: the store's categories.
    pub categories: &'static str,
    /// (store) -> data: the store's products.
    pub products: &'static str,
    /// (store) -> data: the store's promotions.
    pub promotions: &'static str,
    /// (store) -> data: the store's price lists.
    pub price_lists: &'static str,
    /// (store, sku) -> data: one product.
    pub product: &'static str,
    /// (store) -> `promotion_id, uses` of every usage-limited promotion used so far.
    pub promotion_uses: &'static str,
}

/// Stock levels, movements and documents.
#[derive(Debug, Clone, Copy)]
pub struct StockSql {
    /// (store, location, sku, allow_negative, reorder_point_milli, reorder_quantity_milli):
    /// insert the row or change its policy.
    pub set_policy: &'static str,
    /// (store, location, sku) -> a stock row (`location_id, sku, on_hand_milli, reserved_milli,
    /// allow_negative, reorder_point_milli, reorder_quantity_milli`).
    pub level: &'static str,
    /// (store) -> stock rows, by location and SKU.
    pub stock: &'static str,
    /// (store) -> stock rows with a reorder rule at or below their point.
    pub below_reorder_point: &'static str,
    /// (store) -> movements (`location_id, sku, kind, reference, on_hand_milli,
    /// reserved_milli, actor, at`), oldest first.
    pub movements: &'static str,
    /// (store, location, sku) -> a stock row: creates it at zero with the default policy if
    /// missing, and locks it until the end of the transaction.
    pub lock: &'static str,
    /// (on_hand_milli, reserved_milli, store, location, sku): writes a level.
    pub put_level: &'static str,
    /// (id, store, location, sku, kind, reference, on_hand_milli, reserved_milli, document,
    /// actor, at): appends a movement.
    pub insert_movement: &'static str,
    /// (store, kind, id) -> data: a stock document.
    pub document: &'static str,
    /// (store, kind, id) -> data: a stock document, locked until the end of the transaction.
    pub lock_document: &'static str,
    /// (store, kind, state) -> data: the documents of a kind in a state.
    pub documents_in_state: &'static str,
    /// (store, kind, id, state, data): inserts a stock document.
    pub insert_document: &'static str,
    /// (state, data, store, kind, id): updates a stock document.
    pub update_document: &'static str,
    /// (store, key) -> `key` when taken now (nothing when a committed request has it).
    pub claim_request: &'static str,
}

/// Counters, sales, their lines and payments.
#[derive(Debug, Clone, Copy)]
pub struct SaleSql {
    /// (store, terminal, name) -> n: increments a terminal's counter (from 1), locking it.
    pub next_number: &'static str,
    /// (store, terminal, name) -> n: a counter's last value, without changing it.
    pub counter: &'static str,
    /// (store, key) -> prior (`id, terminal_id, number, kind (NULL), journal_sequence,
    /// request_hash`): the sale committed with an idempotency key.
    pub by_key: &'static str,
    /// (store, key) -> prior and `document`: the same, with its document, outside a transaction.
    pub by_key_document: &'static str,
    /// (id, store, terminal, number, key, request_hash, at, currency, total_minor, cashier,
    /// journal_sequence, document): inserts a sale; its idempotency key is unique per store under
    /// the constraint `sales_idempotency_key`.
    pub insert: &'static str,
    /// (id, store, sale, line_id, sku, quantity_milli, discount_minor, tax_minor, total_minor).
    pub insert_line: &'static str,
    /// (id, store, sale, position, kind, amount_minor, state, reference, brand, last4).
    pub insert_payment: &'static str,
    /// (store, promotion, limit) -> `uses` when one more use fits under the limit (nothing
    /// otherwise): counts a use.
    pub use_promotion: &'static str,
    /// (store, day, hour, dim, key, label, sales, quantity_milli, gross_minor, tax_minor,
    /// discount_minor, net_minor): adds a summary row to its day and hour (days are
    /// `YYYY-MM-DD` text, which sorts as dates).
    pub add_fact: &'static str,
    /// (store, first, last) -> `dim, key, day, hour, label, sales, quantity_milli, gross_minor,
    /// tax_minor, discount_minor, net_minor`: the rows of the days summed per dim and key, and
    /// for `hour` per day and hour (others report `first` and hour 0).
    pub facts: &'static str,
    /// (store, terminal, number) -> `id, currency, document`.
    pub by_number: &'static str,
    /// (sale) -> payments (`kind, amount_minor, state, reference, brand, last4`) by position.
    pub payments: &'static str,
    /// (store, terminal) -> `number, document`, by number.
    pub documents: &'static str,
    /// (store, from, to) -> document: sales recorded in `[from, to)`.
    pub between: &'static str,
}

/// Refunds and voids.
#[derive(Debug, Clone, Copy)]
pub struct ReturnSql {
    /// (store, key) -> prior (`id, terminal_id, number, kind, journal_sequence, request_hash`).
    pub by_key: &'static str,
    /// (store, key) -> prior and `document`.
    pub by_key_document: &'static str,
    /// (store, sale) -> `currency, payments` (the number of payments): locks the sale.
    pub lock_sale: &'static str,
    /// (sale) -> `line_id, open` (BIGINT 1 while its claim is open) of every claimed line.
    pub lines: &'static str,
    /// (sale) -> `position, amount_minor` of every refund payment.
    pub payments: &'static str,
    /// (sale) -> `data` of every open claim.
    pub claims: &'static str,
    /// (store, key) -> `data`: the open claim of an idempotency key.
    pub claim_by_key: &'static str,
    /// (store, id, sale, key, request_hash, data): inserts a claim; the key is unique per store.
    pub insert_claim: &'static str,
    /// (store, sale, line_id, claim): claims a line, once per sale (the primary key).
    pub claim_line: &'static str,
    /// (store, claim): deletes a claim.
    pub close_claim: &'static str,
    /// (store, claim): frees a claim's lines.
    pub release_lines: &'static str,
    /// (id, store, terminal, number, kind, key, request_hash, sale, at, total_minor,
    /// journal_sequence, document); the key is unique under `refunds_idempotency_key`.
    pub insert: &'static str,
    /// (id, store, refund, sale, line_id, quantity_milli, amount_minor); a line is returned once,
    /// under `refund_lines_once`.
    pub insert_line: &'static str,
    /// (id, store, refund, sale, position, kind, amount_minor, reference).
    pub insert_payment: &'static str,
    /// (store, from, to) -> document: returns recorded in `[from, to)`.
    pub between: &'static str,
}

/// Payment attempts. An attempt row is (`key, document, operation, kind, amount_minor, currency,
/// original, state, reference, brand, last4, note, opened_at, updated_at`).
#[derive(Debug, Clone, Copy)]
pub struct AttemptSql {
    /// (store, key, document, operation, kind, amount_minor, currency, original, state, reference,
    /// brand, last4, note, opened_at, updated_at) -> `key` when inserted: nothing when the key
    /// exists.
    pub begin: &'static str,
    /// The same insert, failing when the key exists (in a transaction).
    pub insert: &'static str,
    /// (store, key) -> an attempt row.
    pub by_key: &'static str,
    /// (state, reference, brand, last4, note, updated_at, store, key, from1, from2, from3) ->
    /// `key` when updated.
    pub update: &'static str,
    /// (store, before) -> attempt rows open, approved or reversing, last changed before, oldest
    /// first.
    pub open: &'static str,
    /// (store, document) -> attempt rows of a request, by key.
    pub of_document: &'static str,
    /// (updated_at, store, document) -> `key` of every approved attempt of the request, now
    /// committed.
    pub commit: &'static str,
}

/// The event outbox.
#[derive(Debug, Clone, Copy)]
pub struct EventSql {
    /// (store) -> n: the store's next event sequence (from 1), locking its event head until the
    /// end of the transaction.
    pub next: &'static str,
    /// (store, sequence, id, type, schema, at, payload): appends an event.
    pub insert: &'static str,
    /// (store, n) -> n: moves the store's event head on by `n` and returns the last sequence
    /// taken (the batch has the `n` sequences up to it), locking the head as [`Self::next`].
    pub advance: &'static str,
    /// (store, after, limit) -> `sequence, id, kind, schema, at, payload` in sequence order.
    pub after: &'static str,
    /// (store, after) -> the product, category, promotion and price list events after, in order.
    pub pricing_after: &'static str,
    /// (store) -> n: the store's last event sequence, if any.
    pub last: &'static str,
}

/// The server's own state (documents as JSON text).
#[derive(Debug, Clone, Copy)]
pub struct AccessSql {
    /// (id, data): insert or replace a store profile.
    pub put_store: &'static str,
    /// () -> data of every store profile, by id.
    pub stores: &'static str,
    /// (store, id, data): insert or replace a staff member.
    pub put_staff: &'static str,
    /// (store, id) -> data.
    pub staff: &'static str,
    /// (store) -> data, by id.
    pub staff_list: &'static str,
    /// (token_hash, store, data): insert or replace a session.
    pub put_session: &'static str,
    /// (token_hash) -> data.
    pub session: &'static str,
    /// (token_hash): deletes a session.
    pub delete_session: &'static str,
    /// (id, store, data): insert or replace an API token.
    pub put_token: &'static str,
    /// (id) -> data.
    pub token: &'static str,
    /// (id, store, data): appends to the access log.
    pub log: &'static str,
    /// (store, limit) -> data, newest first.
    pub access_log: &'static str,
    /// (id, store, document, data): appends to the print log.
    pub log_print: &'static str,
    /// (store, document) -> data, oldest first.
    pub prints: &'static str,
    /// (store, key) -> data: a recorded response.
    pub response: &'static str,
    /// (store, key, data) -> `key` when recorded (nothing when one exists).
    pub put_response: &'static str,
    /// (store, key, data): replaces a recorded response.
    pub finish_response: &'static str,
    /// (store, key): forgets a recorded response.
    pub drop_response: &'static str,
    /// (store, id, data): insert or replace a webhook subscription.
    pub put_webhook: &'static str,
    /// (store, id) -> data.
    pub webhook: &'static str,
    /// (store, or the empty string for every store) -> data, by store and id.
    pub webhooks: &'static str,
    /// (id, store, subscription, data): appends to the delivery log.
    pub log_delivery: &'static str,
    /// (store, subscription, limit) -> data, newest first.
    pub deliveries: &'static str,
}

/// Points accounts, ledger entries, coupons.
#[derive(Debug, Clone, Copy)]
pub struct LoyaltySql {
    /// (store, member) -> `version, account`.
    pub account: &'static str,
    /// (store) -> `version, account` of every account.
    pub accounts: &'static str,
    /// (store, member) -> `member_id, document_id, sequence, kind, points, at` by sequence.
    pub ledger: &'static str,
    /// (store, member, account) -> n: inserts version 1 unless it exists (returns a row when
    /// inserted).
    pub insert_account: &'static str,
    /// (account, store, member, expected_version) -> n: bumps the version if it is the expected
    /// one (returns a row when updated).
    pub update_account: &'static str,
    /// (id, store, member, document, sequence, kind, points, at).
    pub insert_entry: &'static str,
    /// (store, code, member, data): issues a coupon; the code is the primary key.
    pub issue_coupon: &'static str,
    /// (store, code) -> `data, used_on`.
    pub coupon: &'static str,
    /// (receipt, store, code) -> n: marks an unused coupon used (returns a row when it did).
    pub use_coupon: &'static str,
}

/// Members and parked baskets.
#[derive(Debug, Clone, Copy)]
pub struct MemberSql {
    /// (store, id, phone, data): insert or replace; the phone is unique per store.
    pub upsert: &'static str,
    /// (store, id) -> data.
    pub by_id: &'static str,
    /// (store, phone) -> data.
    pub by_phone: &'static str,
    /// (store, after, limit) -> data of the members with an id after, by id.
    pub after: &'static str,
    /// (store, member, since) -> `at, total_minor, currency`: the member's sales since, and
    /// their returns as negative totals.
    pub purchases: &'static str,
    /// (store, from, to) -> `member_id, n` (the sum of `total_minor`) per member with sales in
    /// `[from, to)`.
    pub spend: &'static str,
    /// (store, before) -> `member_id, at` (the latest sale) per member.
    pub last_visits: &'static str,
    /// (store, id, terminal, at, data): parks a basket.
    pub park: &'static str,
    /// (store, id) -> `id, terminal_id, at, data`: deletes a parked basket and returns it.
    pub recall: &'static str,
    /// (store, terminal) -> `id, terminal_id, at, data`, oldest first.
    pub parked: &'static str,
}

/// Shifts.
#[derive(Debug, Clone, Copy)]
pub struct ShiftSql {
    /// (store, id, terminal, opened_at, data); one open shift per terminal.
    pub open: &'static str,
    /// (store, terminal) -> data: the open shift.
    pub current: &'static str,
    /// (data, store, id, expected) -> n: saves an open shift that has `expected` cash events
    /// stored (returns a row when it did).
    pub save: &'static str,
    /// (closed_at, report, data, store, id) -> n: closes an open shift (returns a row when it
    /// did).
    pub close: &'static str,
    /// (store, terminal, sequence) -> data: the close document of the shift whose Z report has
    /// that number.
    pub z_report: &'static str,
}

/// The journal.
#[derive(Debug, Clone, Copy)]
pub struct JournalSql {
    /// (store, terminal) -> records (`terminal_id, sequence, kind, document_id, recorded_at,
    /// payload, prev_hash, hash`) by sequence.
    pub records: &'static str,
    /// (store, terminal, after) -> the records after a sequence, by sequence.
    pub records_after: &'static str,
    /// (store, terminal, genesis) -> `sequence, hash`: the chain head, created empty if missing
    /// and locked until the end of the transaction.
    pub lock_head: &'static str,
    /// (store, terminal, sequence, kind, document_id, recorded_at, payload, prev_hash, hash).
    pub insert: &'static str,
    /// (sequence, hash, store, terminal): moves the head.
    pub move_head: &'static str,
}

/// What the audit reads of one terminal. Every statement takes (store, terminal) and returns
/// the rows of the terminal's documents only (movements and coupons by a document number
/// starting with `terminal-`, which the audit narrows to the terminal exactly).
#[derive(Debug, Clone, Copy)]
pub struct AuditSql {
    /// -> `sequence, hash`: the journal head, if any.
    pub head: &'static str,
    /// -> `name, n`: the counters.
    pub counters: &'static str,
    /// -> `id, number, at, currency, total_minor, cashier, journal_sequence, document`, by number.
    pub sales: &'static str,
    /// -> `sale_id, line_id, sku, quantity_milli, discount_minor, tax_minor, total_minor`.
    pub sale_lines: &'static str,
    /// -> `sale_id, position, kind, amount_minor, state, reference, brand, last4`.
    pub payments: &'static str,
    /// -> `id, number, kind, sale_id, at, currency, total_minor, journal_sequence, document`, by
    /// number (the currency is the sale's).
    pub refunds: &'static str,
    /// -> `refund_id, sale_id, line_id, quantity_milli, amount_minor, currency`.
    pub refund_lines: &'static str,
    /// -> `refund_id, position, kind, amount_minor, reference, currency`.
    pub refund_payments: &'static str,
    /// -> `location_id, sku, kind, reference, on_hand_milli, reserved_milli, document, actor, at`.
    pub movements: &'static str,
    /// -> `member_id, document_id, sequence, kind, points, at` of the terminal's sales and
    /// returns.
    pub points: &'static str,
    /// -> `code, used_on`.
    pub coupons: &'static str,
}

/// How a dialect writes what is not a statement of one aggregate.
#[derive(Debug, Clone, Copy)]
pub struct DialectSql {
    /// The statement that begins a write transaction (`BEGIN IMMEDIATE` takes SQLite's write
    /// lock up front, so a commit's reads and writes are one serialised transaction).
    pub begin: &'static str,
    /// What turns a text value into the JSON column type (`::jsonb` in Postgres, nothing in
    /// SQLite, which keeps JSON as text).
    pub json_cast: &'static str,
    /// What turns a JSON column into text (`::text` in Postgres, nothing in SQLite).
    pub json_text: &'static str,
    /// What a numbered parameter starts with (`$` in Postgres, `?` in SQLite), for the
    /// multi-row statements built at run time.
    pub param: &'static str,
}

/// Every statement of a dialect.
#[derive(Debug, Clone, Copy)]
pub struct Sql {
    /// Transactions and JSON.
    pub dialect: DialectSql,
    /// Catalog.
    pub catalog: CatalogSql,
    /// Stock.
    pub stock: StockSql,
    /// Sales.
    pub sale: SaleSql,
    /// Returns.
    pub returns: ReturnSql,
    /// Loyalty and coupons.
    pub loyalty: LoyaltySql,
    /// Members and parked baskets.
    pub members: MemberSql,
    /// Shifts.
    pub shift: ShiftSql,
    /// Journal.
    pub journal: JournalSql,
    /// The audit's reads.
    pub audit: AuditSql,
    /// Payment attempts.
    pub attempts: AttemptSql,
    /// The event outbox.
    pub events: EventSql,
    /// The server's own state.
    pub access: AccessSql,
}

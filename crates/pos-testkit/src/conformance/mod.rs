//! The storage conformance suite. Every adapter runs every case with [`crate::conformance_tests`],
//! on a fresh store per case.

use std::collections::BTreeMap;
use std::sync::Arc;

use pos_app::Store;

use crate::fixtures::store_id;
use crate::gateway::{FakeGateway, Script};
use crate::inspect::Inspect;

pub(crate) fn approve() -> Arc<FakeGateway> {
    Arc::new(FakeGateway::new(Script::Approve))
}

pub(crate) async fn counts<S: Inspect>(store: &S) -> BTreeMap<String, i64> {
    store.row_counts().await
}

/// The stored levels are the fold of the stored movements.
pub async fn assert_stock_is_fold<S: Store>(store: &S) {
    let movements = store.movements(&store_id()).await.unwrap_or_else(|e| panic!("movements: {e}"));
    let folded = pos_inventory::levels(&movements);
    let stored = store.stock(&store_id()).await.unwrap_or_else(|e| panic!("stock: {e}"));
    for line in &stored {
        let fold = folded.get(&(line.sku.clone(), line.location.clone())).copied().unwrap_or_default();
        assert_eq!(line.row.level, fold, "{} at {}: stored level is not the fold", line.sku, line.location.0);
    }
    for key in folded.keys() {
        assert!(
            stored.iter().any(|l| (&l.sku, &l.location) == (&key.0, &key.1)),
            "{} at {} moved but has no level",
            key.0,
            key.1.0
        );
    }
}

mod audit;
mod events;
mod limits;
mod members;
mod money;
mod prints;
mod returns;
mod sales;
mod shifts;
mod stock;

pub use audit::*;
pub use events::*;
pub use limits::*;
pub use members::*;
pub use money::*;
pub use prints::*;
pub use returns::*;
pub use sales::*;
pub use shifts::*;
pub use stock::*;

/// Generates one `#[tokio::test]` per conformance case for an adapter.
///
/// `$make` is an async fn returning `Option<Arc<Store>>` (a fresh, empty store per call; `None`
/// skips the case, which adapters allow only outside CI). The store implements
/// [`crate::Inspect`] too.
#[macro_export]
macro_rules! conformance_tests {
    ($make:path) => {
        $crate::conformance_tests!(
            @cases $make,
            sale_writes_everything,
            atomic_at_every_step,
            idempotent_under_concurrency,
            no_oversell,
            gapless_numbering_under_concurrency,
            bad_input_writes_nothing,
            unknown_gateway_outcome_is_reconciled,
            park_and_recall,
            shifts_and_z_reports,
            sales_report,
            void_a_sale,
            stock_operations,
            coupons,
            price_lists_and_low_stock,
            every_use_case_refuses_bad_input,
            members,
            refunds_by_line,
            audit_detects_and_locates_tampering,
            a_taken_receipt_number_is_not_a_replay,
            values_at_the_limits_round_trip,
            hostile_input_reaches_no_store,
            the_gateway_and_the_books_agree_after_any_failure,
            a_refused_retry_touches_no_payment,
            retries_replay_what_was_committed,
            a_line_is_paid_out_once,
            a_cash_rounded_sale_returns_in_full,
            spent_points_are_deducted_from_a_refund,
            a_usage_limit_holds_under_concurrency,
            tiers_come_from_stored_purchases,
            every_change_has_its_event,
            a_reader_sees_every_event_once,
            reports_equal_the_fold,
            a_batch_of_products_is_one_change,
            a_standalone_terminal_payment_is_recorded_with_its_approvals,
            a_request_changes_stock_and_cash_once,
            prints_are_kept_per_document,
            a_document_is_printed_once_as_its_original,
        );
    };
    (@cases $make:path, $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(store) = $make().await {
                    $crate::conformance::$case(store).await
                }
            }
        )*
    };
}

//! The first start of a server: an admin for a store, or, with `--demo`, a Korean demo shop (a
//! catalog of about 50 products with Hangul names and EAN-13 barcodes, tax classes, promotions
//! including 2+1, members with points, staff with PINs, two terminals).

use chrono::Utc;
use pos_app::Store;
use pos_app::access::{Role, StaffMember};
use pos_app::ports::{StoreProfile, TerminalProfile};
use pos_core::{Category, CategoryId, Promotion, PromotionKind, Quantity, Reward, Target};
use pos_inventory::LocationId;
use pos_payments::{TenderInput, TenderKind};
use rust_decimal::Decimal;

use crate::auth::{hash_secret, random_secret};
use crate::error::ApiError;
use crate::state::AppState;

/// The demo store.
pub const DEMO_STORE: &str = "seoul-1";

/// The demo logins: (staff id, role, PIN).
pub const DEMO_STAFF: [(&str, Role, &str); 3] =
    [("admin", Role::Admin, "1234"), ("manager", Role::Manager, "2345"), ("kim", Role::Cashier, "3456")];

/// The demo's registered terminals: (id, name).
pub const DEMO_TERMINALS: [(&str, &str); 2] = [("T1", "카운터 1"), ("T2", "카운터 2")];

/// An EAN-13 with a Korean (880) prefix.
fn ean(n: u32) -> String {
    let body = format!("880{:09}", 1_000_000 + n);
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!("{body}{}", pos_core::barcode::gs1_check_digit(&digits))
}

/// Creates an admin for `store` (a store with the Korean preset if it does not exist) and
/// returns the one-time password, unless the store has staff already.
///
/// # Errors
/// Store errors.
pub async fn bootstrap<S: Store>(state: &AppState<S>, store: &str) -> Result<Option<String>, ApiError> {
    let shop = match state.shop(store).await {
        Ok(shop) => shop,
        Err(_) => state.open_shop(StoreProfile::new(store, store, "korea")).await?,
    };
    if !state.inner.store.staff_list(&shop.profile.id).await?.is_empty() {
        return Ok(None);
    }
    let password: String = random_secret().chars().take(12).collect();
    let admin = StaffMember {
        id: "admin".into(),
        name: "Administrator".into(),
        role: Role::Admin,
        secret_hash: hash_secret(&password)?,
        failed_attempts: 0,
        locked_until: None,
        active: true,
    };
    state.inner.store.put_staff(&shop.profile.id, &admin).await?;
    Ok(Some(password))
}

/// Seeds the demo shop (once: a store that has products already is left as it is).
///
/// # Errors
/// Store and domain errors.
pub async fn seed<S: Store>(state: &AppState<S>) -> Result<bool, ApiError> {
    // The store as stored, with the terminals registered since; the demo's two tills added
    // when it has none.
    let mut profile = match state.shop(DEMO_STORE).await {
        Ok(shop) => shop.profile.clone(),
        Err(_) => StoreProfile::new(DEMO_STORE, "강남역점", "korea"),
    };
    if profile.terminals.is_empty() {
        profile.terminals = DEMO_TERMINALS.iter().map(|(id, name)| TerminalProfile::new(id, name)).collect();
    }
    let shop = state.open_shop(profile).await?;
    let id = shop.profile.id.clone();
    let store = &state.inner.store;
    if !store.load_catalog(&id, shop.settings.store.currency).await?.is_empty() {
        return Ok(false);
    }
    for (c, name, parent) in [
        ("food", "식품", None),
        ("drinks", "음료", Some("food")),
        ("snacks", "과자", Some("food")),
        ("dairy", "유제품", Some("food")),
        ("noodles", "라면", Some("food")),
        ("household", "생활용품", None),
    ] {
        let category =
            Category { id: CategoryId::new(c), name: name.into(), parent: parent.map(CategoryId::new) };
        store.upsert_category(&id, &category).await?;
    }
    let products: [(&str, &str, i64); 50] = [
        ("drinks", "바나나맛 우유", 1_700),
        ("drinks", "코카콜라 500ml", 2_200),
        ("drinks", "칠성사이다 500ml", 2_100),
        ("drinks", "포카리스웨트 620ml", 2_500),
        ("drinks", "삼다수 2L", 1_500),
        ("drinks", "옥수수수염차", 2_000),
        ("drinks", "아메리카노 캔", 1_800),
        ("drinks", "식혜", 1_600),
        ("drinks", "비타500", 1_300),
        ("drinks", "박카스", 1_000),
        ("snacks", "새우깡", 1_500),
        ("snacks", "포카칩 오리지널", 1_800),
        ("snacks", "초코파이 12개입", 4_800),
        ("snacks", "허니버터칩", 1_900),
        ("snacks", "꼬깔콘", 1_700),
        ("snacks", "빼빼로", 1_800),
        ("snacks", "오징어땅콩", 1_600),
        ("snacks", "맛동산", 2_000),
        ("snacks", "홈런볼", 1_700),
        ("snacks", "양파링", 1_500),
        ("dairy", "서울우유 1L", 2_900),
        ("dairy", "요구르트 5입", 2_300),
        ("dairy", "슬라이스 치즈", 3_500),
        ("dairy", "그릭요거트", 2_400),
        ("dairy", "딸기 우유", 1_700),
        ("noodles", "신라면", 1_000),
        ("noodles", "진라면 매운맛", 950),
        ("noodles", "짜파게티", 1_100),
        ("noodles", "너구리", 1_050),
        ("noodles", "불닭볶음면", 1_400),
        ("noodles", "컵라면 육개장", 1_200),
        ("noodles", "안성탕면", 950),
        ("food", "삼각김밥 참치마요", 1_300),
        ("food", "삼각김밥 전주비빔", 1_300),
        ("food", "도시락 제육", 4_900),
        ("food", "샌드위치 햄치즈", 3_200),
        ("food", "훈제 계란 2입", 2_000),
        ("food", "핫바", 2_300),
        ("food", "즉석밥", 1_600),
        ("food", "김 도시락용", 1_000),
        ("household", "물티슈 100매", 2_500),
        ("household", "건전지 AA 4입", 4_500),
        ("household", "칫솔", 2_000),
        ("household", "치약", 3_000),
        ("household", "화장지 12롤", 9_900),
        ("household", "우산", 7_000),
        ("household", "마스크 5입", 3_000),
        ("household", "라이터", 1_000),
        ("household", "종이컵 50개", 2_000),
        ("household", "고무장갑", 2_500),
    ];
    let floor = LocationId::new(&format!("{DEMO_STORE}/floor"));
    for (i, (category, name, price)) in products.iter().enumerate() {
        let sku = format!("{:04}", i + 1);
        let product = pos_core::Product::new(&sku, name, category, "standard", Decimal::from(*price))
            .map_err(ApiError::internal)?
            .with_barcode(&ean(i as u32 + 1))
            .with_cost(Decimal::from(*price * 6 / 10));
        store.upsert_product(&id, &product).await?;
        shop.stock.receive(&floor, &product.sku, Decimal::from(200), "demo", Utc::now()).await?;
    }
    // 2+1 on drinks, 10 % off snacks for members, 500 won off a meal box.
    let promotions = [
        Promotion::builder(
            "drinks-2-plus-1",
            "음료 2+1",
            PromotionKind::BuyXGetY {
                buy: Target::categories(&["drinks"]),
                buy_qty: 2,
                get: Target::categories(&["drinks"]),
                get_qty: 1,
                reward: Reward::Free,
            },
        )
        .build(),
        Promotion::builder(
            "snacks-members",
            "회원 과자 10%",
            PromotionKind::PercentOff { target: Target::categories(&["snacks"]), percent: Decimal::TEN },
        )
        .members_only()
        .build(),
    ];
    for p in promotions {
        store.upsert_promotion(&id, &p.map_err(ApiError::internal)?).await?;
    }
    for (staff, role, pin) in DEMO_STAFF {
        let member = StaffMember {
            id: staff.into(),
            name: staff.into(),
            role,
            secret_hash: hash_secret(pin)?,
            failed_attempts: 0,
            locked_until: None,
            active: true,
        };
        store.put_staff(&id, &member).await?;
    }
    // Members, two of them with a first purchase (and so points).
    for (m, name, phone) in [
        ("m-1", "김민수", "010-1234-5678"),
        ("m-2", "이영희", "010-2345-6789"),
        ("m-3", "박지성", "010-3456-7890"),
    ] {
        shop.members.create(m, name, phone, Utc::now()).await?;
    }
    shop.checkout.reload().await?;
    for (i, (member, items)) in [("m-1", [1_usize, 11, 26]), ("m-2", [2, 3, 21])].into_iter().enumerate() {
        let mut basket = pos_core::Basket::new();
        for item in items {
            basket.add(
                pos_core::Sku::parse(&format!("{item:04}")).map_err(ApiError::internal)?,
                Quantity::each(2).map_err(ApiError::internal)?,
            );
        }
        basket.set_customer(pos_core::CustomerContext {
            member_id: Some(member.into()),
            tier: None,
            group: None,
        });
        let request = pos_app::SaleRequest {
            idempotency_key: format!("demo-{i}"),
            terminal: if i == 0 { "T1".into() } else { "T2".into() },
            cashier: "kim".into(),
            location: floor.clone(),
            basket,
            tenders: vec![TenderInput::new(
                TenderKind::Cash,
                pos_core::Money::new(Decimal::from(50_000), shop.settings.store.currency),
            )],
            redeem_points: 0,
            coupons: Vec::new(),
            at: Utc::now(),
        };
        shop.checkout.complete_sale(&request).await?;
    }
    Ok(true)
}

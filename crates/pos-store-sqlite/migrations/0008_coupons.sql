-- Personal single-use coupons; used_on is set in the transaction of the sale that used it.
CREATE TABLE coupons (
    store_id TEXT NOT NULL,
    code TEXT NOT NULL,
    member_id TEXT,
    data TEXT NOT NULL,
    used_on TEXT,
    PRIMARY KEY (store_id, code)
);

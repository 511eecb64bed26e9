-- Webhook subscriptions (each with its cursor into the store's event feed and its retry state)
-- and their delivery log. Documents as JSON text.

CREATE TABLE webhooks (
    store_id TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (store_id, id)
);

CREATE TABLE webhook_deliveries (
    id UUID PRIMARY KEY,
    store_id TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (store_id, subscription_id, id);

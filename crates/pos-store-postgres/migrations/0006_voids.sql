-- Voids are stored with refunds (they share the return-document numbering), marked by kind.
ALTER TABLE refunds ADD COLUMN kind TEXT NOT NULL DEFAULT 'refund';

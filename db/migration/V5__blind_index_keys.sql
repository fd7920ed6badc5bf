-- Privacy: each tenant's blind-index key (HMAC-SHA256), used to search sealed titles without
-- the database ever holding a readable word. The key itself is sealed like content, under
-- the data key of a reserved per-tenant key conversation (in data_keys), so the KEK re-wrap
-- job covers it and shredding that key conversation makes the whole tenant index meaningless.
CREATE TABLE blind_index_keys (
    tenant_id   uuid PRIMARY KEY,
    sealed_key  bytea NOT NULL,
    created_at  timestamptz NOT NULL
);

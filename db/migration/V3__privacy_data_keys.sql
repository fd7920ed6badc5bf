-- Privacy: one data-encryption key (DEK) per conversation, stored only wrapped by the
-- installation's key-encryption keyset (KEK). Shredding a conversation wipes its wrapped key
-- and keeps the row as a tombstone, so the conversation can never get a new key and any
-- ciphertext restored later stays unreadable.
CREATE TABLE data_keys (
    id              uuid        PRIMARY KEY,
    tenant_id       uuid        NOT NULL,
    conversation_id uuid        NOT NULL,
    -- A Tink keyset (one AES-256-GCM key) encrypted by the KEK; NULL once destroyed.
    wrapped_key     bytea,
    -- Id of the KEK key that wrapped it (Tink key ids are unsigned 32-bit).
    kek_key_id      bigint,
    created_at      timestamptz NOT NULL,
    destroyed_at    timestamptz,
    CONSTRAINT data_keys_one_per_conversation UNIQUE (conversation_id),
    CONSTRAINT data_keys_live_or_destroyed CHECK ((destroyed_at IS NULL) = (wrapped_key IS NOT NULL)),
    CONSTRAINT data_keys_live_has_kek CHECK (wrapped_key IS NULL OR kek_key_id IS NOT NULL)
);

-- The re-wrap job looks for live keys not yet wrapped by the current primary.
CREATE INDEX data_keys_live_by_kek ON data_keys (kek_key_id, id) WHERE destroyed_at IS NULL;

CREATE INDEX data_keys_by_tenant ON data_keys (tenant_id);

-- Conversations and their messages. Columns with user content hold AES-256-GCM ciphertext
-- sealed with the conversation's data key (privacy module); usage columns stay plain so
-- analytics never decrypts anything.

CREATE TABLE conversations (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    -- the user, or the API key for conversations stored through the OpenAI-compatible API
    owner_id         uuid NOT NULL,
    title            bytea,
    system_prompt    bytea,
    model            text NOT NULL,
    status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deleting')),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    retention_until  timestamptz,
    -- set while a turn is generating: one turn at a time, across replicas
    turn_started_at  timestamptz
);
CREATE INDEX conversations_by_owner ON conversations (tenant_id, owner_id, created_at DESC, id DESC);
CREATE INDEX conversations_due ON conversations (retention_until) WHERE retention_until IS NOT NULL;

-- Blind index of title terms: HMAC-SHA256 of each normalised term under the tenant's key.
-- Lets an owner search titles without the database ever holding a readable word.
CREATE TABLE conversation_title_terms (
    conversation_id  uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    term             bytea NOT NULL,
    PRIMARY KEY (conversation_id, term)
);
CREATE INDEX conversation_title_terms_by_term ON conversation_title_terms (term);

CREATE TABLE messages (
    id                 uuid PRIMARY KEY,
    conversation_id    uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq                integer NOT NULL,
    role               text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content            bytea NOT NULL,
    tool_calls         bytea,
    status             text NOT NULL CHECK (status IN ('complete', 'partial', 'failed')),
    prompt_tokens      integer,
    completion_tokens  integer,
    model              text,
    finish_reason      text,
    latency_ms         integer,
    ttft_ms            integer,
    created_at         timestamptz NOT NULL,
    UNIQUE (conversation_id, seq)
);

CREATE TABLE message_feedback (
    message_id  uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL,
    rating      text NOT NULL CHECK (rating IN ('up', 'down')),
    comment     bytea,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- Every completion Enclave served, stored conversation or stateless API call alike.
-- Ids and numbers only: the source of /api/v1/usage.
CREATE TABLE usage_events (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL,
    subject_id         uuid NOT NULL,
    auth_method        text NOT NULL,
    model              text NOT NULL,
    prompt_tokens      integer NOT NULL,
    completion_tokens  integer NOT NULL,
    latency_ms         integer NOT NULL,
    finish_reason      text,
    created_at         timestamptz NOT NULL
);
CREATE INDEX usage_events_by_tenant ON usage_events (tenant_id, created_at);

CREATE TABLE retention_settings (
    tenant_id       uuid PRIMARY KEY REFERENCES tenants (id),
    retention_days  integer CHECK (retention_days IS NULL OR retention_days > 0),
    updated_at      timestamptz NOT NULL
);

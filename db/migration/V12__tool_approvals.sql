-- The tool loop (module tools, driven by assistant).
--
-- A tool call of an OpenAI-compatible API request that stores nothing belongs to no
-- conversation; it is audited (tool, status, who, how long) with no arguments or result,
-- since there is no conversation key to seal them with and the request asked to keep nothing.
ALTER TABLE tool_invocations ALTER COLUMN conversation_id DROP NOT NULL;
ALTER TABLE tool_invocations ADD CONSTRAINT tool_invocations_content_needs_conversation
    CHECK (conversation_id IS NOT NULL OR (arguments IS NULL AND result IS NULL));

-- Pending approvals of a conversation are read on every turn of it.
CREATE INDEX tool_invocations_pending_by_conversation ON tool_invocations (conversation_id)
    WHERE status = 'awaiting_approval';

-- A tenant's own bound on the rounds of tool calls one turn may make (at most the
-- installation's enclave.tools.max-steps); no row means the installation's bound.
CREATE TABLE tool_settings (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants (id),
    max_steps   integer NOT NULL CHECK (max_steps BETWEEN 1 AND 64),
    updated_by  uuid NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Tenants that were given the demo knowledge base (embedded default only), so articles an
-- administrator deleted are not added again at the next start.
CREATE TABLE demo_data (
    tenant_id   uuid PRIMARY KEY REFERENCES tenants (id),
    seeded_at   timestamptz NOT NULL
);

-- Every tool call Enclave decides on (module tools): proposed by the model, checked,
-- perhaps held for a person's approval, run or refused. The arguments and the result are
-- content (what a customer asked about, what a system answered) and are sealed with the
-- conversation's data key like message content, so erasing the conversation shreds them
-- too; everything else here is the audit trail and holds no content. A call waiting for
-- approval is a row in 'awaiting_approval', so pending approvals survive a restart and any
-- replica can resume them.
CREATE TABLE tool_invocations (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    conversation_id   uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    tool_call_id      text NOT NULL,
    tool              text NOT NULL,
    mode              text NOT NULL CHECK (mode IN ('read', 'write')),
    status            text NOT NULL CHECK (status IN ('awaiting_approval', 'approved', 'rejected', 'expired',
                          'succeeded', 'failed', 'timed_out', 'unavailable', 'unknown', 'denied', 'invalid')),
    arguments         bytea,
    result            bytea,
    requested_by      uuid NOT NULL,
    approver          uuid,
    trace_id          text,
    duration_ms       integer,
    created_at        timestamptz NOT NULL,
    decided_at        timestamptz,
    expires_at        timestamptz,
    finished_at       timestamptz
);

CREATE INDEX tool_invocations_by_conversation ON tool_invocations (conversation_id, created_at, id);
CREATE INDEX tool_invocations_awaiting ON tool_invocations (expires_at) WHERE status = 'awaiting_approval';

-- Support tickets (module tools): opened by create_ticket (a write tool, so only after a
-- person approved the call) and read by get_ticket. What a ticket says came from a
-- conversation, so its subject and description are sealed with that conversation's data
-- key: erasing the conversation shreds them too, while the ticket's number, status and
-- times stay for the support team's records. Numbers come from one sequence and are shown
-- as T-<number>.
CREATE SEQUENCE ticket_numbers START 1001;

CREATE TABLE tickets (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants (id),
    number           bigint NOT NULL UNIQUE DEFAULT nextval('ticket_numbers'),
    conversation_id  uuid REFERENCES conversations (id) ON DELETE SET NULL,
    sealed_by        uuid NOT NULL,
    status           text NOT NULL CHECK (status IN ('open', 'pending', 'solved', 'closed')),
    priority         text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    subject          bytea NOT NULL,
    description      bytea NOT NULL,
    opened_by        uuid NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE INDEX tickets_by_tenant ON tickets (tenant_id, created_at DESC, id);

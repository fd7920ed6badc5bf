-- Rate limits and token quotas (module ratelimit).

-- Per-key, per-user and per-tenant overrides of the default tier. A null column inherits the
-- default. Lookups always include the caller's own tenant, so an override can never reach
-- another tenant's key or user, whatever id an administrator writes.
CREATE TABLE ratelimit_overrides (
    tenant_id           uuid        NOT NULL,
    scope               text        NOT NULL CHECK (scope IN ('key', 'user', 'tenant')),
    scope_id            uuid        NOT NULL,
    requests_per_minute integer     CHECK (requests_per_minute > 0),
    tokens_per_minute   bigint      CHECK (tokens_per_minute > 0),
    tokens_per_day      bigint      CHECK (tokens_per_day > 0),
    concurrent_requests integer     CHECK (concurrent_requests > 0),
    updated_by          uuid        NOT NULL,
    updated_at          timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, scope, scope_id)
);

-- Bucket4j's token buckets, shared by every replica (select-for-update per bucket).
-- expires_at (epoch millis) lets full, idle buckets be swept.
CREATE TABLE ratelimit_buckets (
    id         text   PRIMARY KEY,
    state      bytea,
    expires_at bigint
);

-- Concurrency leases: one row per in-flight request and limited scope. Counted under a
-- transaction-scoped advisory lock of the scope; a replica that dies leaves rows that stop
-- counting at expires_at, which live replicas push forward while their requests run.
CREATE TABLE ratelimit_leases (
    lease_id   uuid        NOT NULL,
    scope      text        NOT NULL,
    replica_id uuid        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (lease_id, scope)
);
CREATE INDEX ratelimit_leases_scope ON ratelimit_leases (scope, expires_at);
CREATE INDEX ratelimit_leases_replica ON ratelimit_leases (replica_id);

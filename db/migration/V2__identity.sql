-- Identity: tenants, users, sign-in sessions, API keys and the audit log.
-- Usernames and display names are personal data kept in plain columns because sign-in needs
-- them; no conversation content ever lives in these tables.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE TABLE users (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    username          text NOT NULL,
    display_name      text NOT NULL,
    auth_method       text NOT NULL CHECK (auth_method IN ('local', 'oidc')),
    -- local accounts only: a DelegatingPasswordEncoder hash ({bcrypt}…), never the password
    password_hash     text,
    -- OIDC accounts only: who vouches for them
    oidc_issuer       text,
    oidc_subject      text,
    roles             text[] NOT NULL DEFAULT '{}',
    enabled           boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    CHECK ((auth_method = 'local' AND password_hash IS NOT NULL AND oidc_subject IS NULL)
        OR (auth_method = 'oidc' AND oidc_issuer IS NOT NULL AND oidc_subject IS NOT NULL AND password_hash IS NULL))
);
-- Local sign-in names are global: the login form asks for no tenant.
CREATE UNIQUE INDEX users_local_username ON users (lower(username)) WHERE auth_method = 'local';
CREATE UNIQUE INDEX users_oidc_identity ON users (oidc_issuer, oidc_subject) WHERE auth_method = 'oidc';
CREATE INDEX users_by_tenant ON users (tenant_id, created_at DESC, id DESC);

-- One row per sign-in. Access tokens name their session (sid), so revoking it ends them too.
CREATE TABLE auth_sessions (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoked_reason  text
);
CREATE INDEX auth_sessions_by_user ON auth_sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens rotate: each is used once; a reused one revokes its whole session (family).
CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES auth_sessions (id),
    token_hash  bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenants (id),
    name          text NOT NULL,
    -- shown in listings so people can tell keys apart; the key itself is never stored
    prefix        text NOT NULL,
    key_hash      bytea NOT NULL UNIQUE,
    scopes        text[] NOT NULL,
    created_by    uuid NOT NULL,
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    expires_at    timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at DESC, id DESC);

-- Append-only: rows are inserted, never changed or removed (enforced below).
CREATE TABLE audit_events (
    id           uuid PRIMARY KEY,
    tenant_id    uuid,
    actor        text NOT NULL,
    action       text NOT NULL,
    target       text,
    trace_id     text,
    occurred_at  timestamptz NOT NULL
);
CREATE INDEX audit_events_by_tenant ON audit_events (tenant_id, occurred_at DESC, id DESC);

CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

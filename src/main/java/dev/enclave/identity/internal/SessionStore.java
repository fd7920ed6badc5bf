package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import dev.enclave.identity.SubjectId;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/** Sign-in sessions and their rotating refresh tokens (stored only as SHA-256 hashes). */
@Repository
class SessionStore {

	private final DatabaseClient db;

	private final Clock clock;

	private final CredentialCache credentials;

	SessionStore(DatabaseClient db, Clock clock, CredentialCache credentials) {
		this.credentials = credentials;
		this.db = db;
		this.clock = clock;
	}

	Mono<UUID> create(SubjectId user, Instant expiresAt) {
		UUID id = UUID.randomUUID();
		return this.db
			.sql("INSERT INTO auth_sessions (id, user_id, created_at, expires_at) VALUES (:id, :user, :now, :expires)")
			.bind("id", id)
			.bind("user", user.value())
			.bind("now", this.clock.instant())
			.bind("expires", expiresAt)
			.then()
			.thenReturn(id);
	}

	/**
	 * The user behind a live session: the session exists, belongs to the user, is neither
	 * revoked nor expired, and the user's tenant is not suspended. Checked on every request
	 * made with a local access token (in the one query it already took), so a logout, a
	 * disabled account or a disabled tenant takes effect at once, on every replica.
	 */
	Mono<UserRecord> activeUser(UUID session, SubjectId user) {
		return this.db
			.sql("SELECT " + UserStore.COLUMNS + " FROM users u JOIN auth_sessions s ON s.user_id = u.id "
					+ "JOIN tenants t ON t.id = u.tenant_id "
					+ "WHERE s.id = :session AND u.id = :user AND s.revoked_at IS NULL AND s.expires_at > :now "
					+ "AND t.disabled_at IS NULL")
			.bind("session", session)
			.bind("user", user.value())
			.bind("now", this.clock.instant())
			.map(UserStore::user)
			.one();
	}

	Mono<Void> addRefreshToken(UUID session, byte[] tokenHash, Instant expiresAt) {
		Instant now = this.clock.instant();
		return this.db
			.sql("INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at) "
					+ "VALUES (:id, :session, :hash, :now, :expires)")
			.bind("id", UUID.randomUUID())
			.bind("session", session)
			.bind("hash", tokenHash)
			.bind("now", now)
			.bind("expires", expiresAt)
			.then()
			.then(this.db.sql("UPDATE auth_sessions SET expires_at = :expires WHERE id = :session")
				.bind("session", session)
				.bind("expires", expiresAt)
				.then());
	}

	/**
	 * Marks a refresh token used, atomically: of two requests racing with the same token only
	 * one gets its session back.
	 * @return the session of a token that was unused, unexpired and whose session is live
	 */
	Mono<UUID> useRefreshToken(byte[] tokenHash) {
		Instant now = this.clock.instant();
		return this.db
			.sql("UPDATE refresh_tokens t SET used_at = :now FROM auth_sessions s "
					+ "WHERE t.token_hash = :hash AND t.used_at IS NULL AND t.expires_at > :now "
					+ "AND s.id = t.session_id AND s.revoked_at IS NULL AND s.expires_at > :now RETURNING t.session_id")
			.bind("hash", tokenHash)
			.bind("now", now)
			.map((row) -> row.get("session_id", UUID.class))
			.one();
	}

	/** What is known of a refresh token that could not be used: was it used before? */
	Mono<RefreshTokenState> refreshTokenState(byte[] tokenHash) {
		return this.db
			.sql("SELECT t.session_id, t.used_at, u.id AS user_id, u.tenant_id FROM refresh_tokens t "
					+ "JOIN auth_sessions s ON s.id = t.session_id JOIN users u ON u.id = s.user_id WHERE t.token_hash = :hash")
			.bind("hash", tokenHash)
			.map(SessionStore::state)
			.one();
	}

	Mono<SubjectId> userOf(UUID session) {
		return this.db.sql("SELECT user_id FROM auth_sessions WHERE id = :session")
			.bind("session", session)
			.map((row) -> new SubjectId(row.get("user_id", UUID.class)))
			.one();
	}

	/** The tenant of the session's user, disabled or not: for the audit row of a refused refresh. */
	Mono<TenantId> tenantOf(UUID session) {
		return this.db.sql("SELECT u.tenant_id FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = :session")
			.bind("session", session)
			.map((row) -> new TenantId(row.get("tenant_id", UUID.class)))
			.one();
	}

	Mono<Void> revoke(UUID session, String reason) {
		return this.db
			.sql("UPDATE auth_sessions SET revoked_at = :now, revoked_reason = :reason "
					+ "WHERE id = :session AND revoked_at IS NULL")
			.bind("session", session)
			.bind("reason", reason)
			.bind("now", this.clock.instant())
			.then()
			.then(this.credentials.changed(this.db, "session", session));
	}

	Mono<Void> revokeAll(SubjectId user, String reason) {
		return this.db
			.sql("UPDATE auth_sessions SET revoked_at = :now, revoked_reason = :reason "
					+ "WHERE user_id = :user AND revoked_at IS NULL")
			.bind("user", user.value())
			.bind("reason", reason)
			.bind("now", this.clock.instant())
			.then()
			.then(this.credentials.changed(this.db, "user", user.value()));
	}

	record RefreshTokenState(UUID session, @Nullable Instant usedAt, SubjectId user,
			TenantId tenant) {
	}

	private static RefreshTokenState state(Readable row) {
		return new RefreshTokenState(row.get("session_id", UUID.class), row.get("used_at", Instant.class),
				new SubjectId(row.get("user_id", UUID.class)),
				new TenantId(row.get("tenant_id", UUID.class)));
	}

}

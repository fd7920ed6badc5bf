package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

@Repository
class UserStore {

	static final String COLUMNS = "u.id, u.tenant_id, u.username, u.display_name, u.auth_method, u.password_hash, "
			+ "u.oidc_issuer, u.oidc_subject, u.roles, u.enabled, u.created_at, u.updated_at";

	private final DatabaseClient db;

	private final Clock clock;

	private final CredentialCache credentials;

	UserStore(DatabaseClient db, Clock clock, CredentialCache credentials) {
		this.credentials = credentials;
		this.db = db;
		this.clock = clock;
	}

	Mono<UserRecord> findById(SubjectId id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM users u WHERE u.id = :id")
			.bind("id", id.value())
			.map(UserStore::user)
			.one();
	}

	Mono<UserRecord> findLocalByUsername(String username) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM users u WHERE u.auth_method = 'local' AND lower(u.username) = lower(:username)")
			.bind("username", username)
			.map(UserStore::user)
			.one();
	}

	Mono<UserRecord> findOidc(String issuer, String subject) {
		return this.db
			.sql("SELECT " + COLUMNS
					+ " FROM users u WHERE u.auth_method = 'oidc' AND u.oidc_issuer = :issuer AND u.oidc_subject = :subject")
			.bind("issuer", issuer)
			.bind("subject", subject)
			.map(UserStore::user)
			.one();
	}

	/**
	 * Creates a local account.
	 * @return the account; a {@code DuplicateKeyException} if the user name is taken
	 */
	Mono<UserRecord> insertLocal(TenantId tenant, String username, String displayName, String passwordHash,
			Set<Role> roles) {
		Instant now = this.clock.instant();
		UUID id = UUID.randomUUID();
		return this.db
			.sql("INSERT INTO users (id, tenant_id, username, display_name, auth_method, password_hash, roles, enabled, "
					+ "created_at, updated_at) VALUES (:id, :tenant, :username, :display, 'local', :hash, :roles, true, :now, :now)")
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("username", username)
			.bind("display", displayName)
			.bind("hash", passwordHash)
			.bind("roles", roleNames(roles))
			.bind("now", now)
			.then()
			.then(findById(new SubjectId(id)));
	}

	/**
	 * Creates an SSO account on first sight.
	 * @return the new account, or empty when another request created it first
	 */
	Mono<UserRecord> insertOidc(TenantId tenant, String issuer, String subject, String username, String displayName,
			Set<Role> roles) {
		Instant now = this.clock.instant();
		UUID id = UUID.randomUUID();
		return this.db
			.sql("INSERT INTO users (id, tenant_id, username, display_name, auth_method, oidc_issuer, oidc_subject, roles, "
					+ "enabled, created_at, updated_at) VALUES (:id, :tenant, :username, :display, 'oidc', :issuer, :subject, "
					+ ":roles, true, :now, :now) ON CONFLICT (oidc_issuer, oidc_subject) WHERE auth_method = 'oidc' DO NOTHING")
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("username", username)
			.bind("display", displayName)
			.bind("issuer", issuer)
			.bind("subject", subject)
			.bind("roles", roleNames(roles))
			.bind("now", now)
			.fetch()
			.rowsUpdated()
			.flatMap((inserted) -> (inserted > 0) ? findById(new SubjectId(id)) : Mono.empty());
	}

	Mono<UserRecord> updateProfile(SubjectId id, String username, String displayName, Set<Role> roles) {
		return this.db
			.sql("UPDATE users SET username = :username, display_name = :display, roles = :roles, updated_at = :now "
					+ "WHERE id = :id")
			.bind("id", id.value())
			.bind("username", username)
			.bind("display", displayName)
			.bind("roles", roleNames(roles))
			.bind("now", this.clock.instant())
			.then()
			.then(this.credentials.changed(this.db, "user", id.value()))
			.then(findById(id));
	}

	Mono<UserRecord> setRoles(SubjectId id, Set<Role> roles) {
		return this.db.sql("UPDATE users SET roles = :roles, updated_at = :now WHERE id = :id")
			.bind("id", id.value())
			.bind("roles", roleNames(roles))
			.bind("now", this.clock.instant())
			.then()
			.then(this.credentials.changed(this.db, "user", id.value()))
			.then(findById(id));
	}

	Mono<UserRecord> setEnabled(SubjectId id, boolean enabled) {
		return this.db.sql("UPDATE users SET enabled = :enabled, updated_at = :now WHERE id = :id")
			.bind("id", id.value())
			.bind("enabled", enabled)
			.bind("now", this.clock.instant())
			.then()
			.then(this.credentials.changed(this.db, "user", id.value()))
			.then(findById(id));
	}

	/** Newest first, {@code limit + 1} rows so the caller can tell whether a next page exists. */
	Flux<UserRecord> listByTenant(TenantId tenant, @Nullable PageCursor after, int limit) {
		String keyset = (after != null) ? " AND (u.created_at, u.id) < (:created, :after)" : "";
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("SELECT " + COLUMNS + " FROM users u WHERE u.tenant_id = :tenant" + keyset
					+ " ORDER BY u.created_at DESC, u.id DESC LIMIT :limit")
			.bind("tenant", tenant.value())
			.bind("limit", limit + 1);
		if (after != null) {
			spec = spec.bind("created", after.created()).bind("after", after.id());
		}
		return spec.map(UserStore::user).all();
	}

	static UserRecord user(Readable row) {
		String[] roles = row.get("roles", String[].class);
		Set<Role> parsed = EnumSet.noneOf(Role.class);
		if (roles != null) {
			Arrays.stream(roles).map(Role::valueOf).forEach(parsed::add);
		}
		String method = row.get("auth_method", String.class);
		return new UserRecord(new SubjectId(row.get("id", UUID.class)), new TenantId(row.get("tenant_id", UUID.class)),
				row.get("username", String.class), row.get("display_name", String.class),
				"oidc".equals(method) ? AuthMethod.OIDC : AuthMethod.LOCAL, row.get("password_hash", String.class),
				row.get("oidc_issuer", String.class), row.get("oidc_subject", String.class), parsed,
				Boolean.TRUE.equals(row.get("enabled", Boolean.class)), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class));
	}

	private static String[] roleNames(Set<Role> roles) {
		return roles.stream().map(Role::name).sorted().toArray(String[]::new);
	}

}

package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

@Repository
class ApiKeyStore {

	private static final String COLUMNS = "id, tenant_id, name, prefix, scopes, created_by, created_at, last_used_at, "
			+ "expires_at, revoked_at, priority, response_cache";

	private final DatabaseClient db;

	private final Clock clock;

	private final CredentialCache credentials;

	ApiKeyStore(DatabaseClient db, Clock clock, CredentialCache credentials) {
		this.credentials = credentials;
		this.db = db;
		this.clock = clock;
	}

	Mono<ApiKeyRecord> insert(TenantId tenant, String name, String prefix, byte[] keyHash, Set<String> scopes,
			UUID createdBy, @Nullable Instant expiresAt, Priority priority, boolean responseCache) {
		UUID id = UUID.randomUUID();
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO api_keys (id, tenant_id, name, prefix, key_hash, scopes, created_by, created_at, expires_at, "
					+ "priority, response_cache) VALUES (:id, :tenant, :name, :prefix, :hash, :scopes, :by, :now, :expires, "
					+ ":priority, :responseCache)")
			.bind("priority", priority.value())
			.bind("responseCache", responseCache)
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("name", name)
			.bind("prefix", prefix)
			.bind("hash", keyHash)
			.bind("scopes", scopes.stream().sorted().toArray(String[]::new))
			.bind("by", createdBy)
			.bind("now", this.clock.instant());
		spec = (expiresAt != null) ? spec.bind("expires", expiresAt) : spec.bindNull("expires", Instant.class);
		return spec.then().then(findById(id));
	}

	Mono<ApiKeyRecord> findById(UUID id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM api_keys WHERE id = :id")
			.bind("id", id)
			.map(ApiKeyStore::key)
			.one();
	}

	/**
	 * The key with this hash, unless its tenant is suspended: checked in the same lookup every
	 * request makes, like revocation, so suspending a tenant stops its keys at once.
	 */
	Mono<ApiKeyRecord> findByHash(byte[] keyHash) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM api_keys k WHERE key_hash = :hash AND NOT EXISTS "
					+ "(SELECT 1 FROM tenants t WHERE t.id = k.tenant_id AND t.disabled_at IS NOT NULL)")
			.bind("hash", keyHash)
			.map(ApiKeyStore::key)
			.one();
	}

	Flux<ApiKeyRecord> listByTenant(TenantId tenant, int max) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM api_keys WHERE tenant_id = :tenant ORDER BY created_at DESC, id DESC LIMIT :max")
			.bind("tenant", tenant.value())
			.bind("max", max)
			.map(ApiKeyStore::key)
			.all();
	}

	/** Revokes a key of this tenant; a key of another tenant is left alone (and not found). */
	Mono<ApiKeyRecord> revoke(UUID id, TenantId tenant) {
		return this.db
			.sql("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, :now) WHERE id = :id AND tenant_id = :tenant")
			.bind("id", id)
			.bind("tenant", tenant.value())
			.bind("now", this.clock.instant())
			.fetch()
			.rowsUpdated()
			.flatMap((updated) -> (updated > 0)
					? this.credentials.changed(this.db, "key", id).then(findById(id)) : Mono.empty());
	}

	/** Records when keys were last used, in statements of up to 500 keys; an older time never overwrites a newer one. */
	Mono<Void> touchAll(Map<UUID, Instant> usedAt) {
		return Flux.fromIterable(LastUsedKeys.chunks(usedAt, 500)).concatMap((chunk) -> {
			StringBuilder values = new StringBuilder();
			for (int i = 0; i < chunk.size(); i++) {
				values.append((i == 0) ? "" : ", ").append("(CAST(:id").append(i).append(" AS uuid), CAST(:at").append(i)
					.append(" AS timestamptz))");
			}
			DatabaseClient.GenericExecuteSpec spec = this.db.sql("UPDATE api_keys k SET last_used_at = v.at FROM (VALUES "
					+ values + ") AS v(id, at) WHERE k.id = v.id AND (k.last_used_at IS NULL OR k.last_used_at < v.at)");
			for (int i = 0; i < chunk.size(); i++) {
				spec = spec.bind("id" + i, chunk.get(i).getKey()).bind("at" + i, chunk.get(i).getValue());
			}
			return spec.then();
		}).then();
	}

	private static ApiKeyRecord key(Readable row) {
		String[] scopes = row.get("scopes", String[].class);
		return new ApiKeyRecord(row.get("id", UUID.class), new TenantId(row.get("tenant_id", UUID.class)),
				row.get("name", String.class), row.get("prefix", String.class),
				(scopes != null) ? Set.of(scopes) : Set.of(), row.get("created_by", UUID.class),
				row.get("created_at", Instant.class), row.get("last_used_at", Instant.class),
				row.get("expires_at", Instant.class), row.get("revoked_at", Instant.class),
				Priority.of(row.get("priority", String.class)), Boolean.TRUE.equals(row.get("response_cache", Boolean.class)));
	}

}

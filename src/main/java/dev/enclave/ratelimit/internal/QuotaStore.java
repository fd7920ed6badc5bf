package dev.enclave.ratelimit.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * The overrides table. Every statement is bound to the caller's tenant, so an override can
 * neither be read nor written across tenants, whichever scope id is named.
 */
final class QuotaStore {

	private static final String COLUMNS = "scope, scope_id, requests_per_minute, tokens_per_minute, tokens_per_day, "
			+ "concurrent_requests, updated_by, updated_at";

	private final DatabaseClient db;

	QuotaStore(DatabaseClient db) {
		this.db = db;
	}

	/** The overrides that apply to a request of {@code subject} in {@code tenant}. */
	Flux<QuotaOverride> forRequest(TenantId tenant, Scope subject) {
		return this.db
			.sql("SELECT " + COLUMNS + " FROM ratelimit_overrides WHERE tenant_id = :tenant "
					+ "AND ((scope = :kind AND scope_id = :id) OR (scope = 'tenant' AND scope_id = :tenant))")
			.bind("tenant", tenant.value())
			.bind("kind", subject.kind().value())
			.bind("id", subject.id())
			.map(QuotaStore::row)
			.all();
	}

	Flux<QuotaOverride> list(TenantId tenant, int max) {
		return this.db.sql("SELECT " + COLUMNS + " FROM ratelimit_overrides WHERE tenant_id = :tenant "
				+ "ORDER BY scope, scope_id LIMIT :max")
			.bind("tenant", tenant.value())
			.bind("max", max)
			.map(QuotaStore::row)
			.all();
	}

	Mono<QuotaOverride> upsert(TenantId tenant, QuotaOverride override) {
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("INSERT INTO ratelimit_overrides (tenant_id, scope, scope_id, requests_per_minute, tokens_per_minute, "
					+ "tokens_per_day, concurrent_requests, updated_by, updated_at) "
					+ "VALUES (:tenant, :kind, :id, :rpm, :tpm, :tpd, :concurrent, :by, :at) "
					+ "ON CONFLICT (tenant_id, scope, scope_id) DO UPDATE SET requests_per_minute = EXCLUDED.requests_per_minute, "
					+ "tokens_per_minute = EXCLUDED.tokens_per_minute, tokens_per_day = EXCLUDED.tokens_per_day, "
					+ "concurrent_requests = EXCLUDED.concurrent_requests, updated_by = EXCLUDED.updated_by, "
					+ "updated_at = EXCLUDED.updated_at")
			.bind("tenant", tenant.value())
			.bind("kind", override.scope().kind().value())
			.bind("id", override.scope().id())
			.bind("by", override.updatedBy())
			.bind("at", override.updatedAt());
		spec = bindInt(spec, "rpm", override.requestsPerMinute());
		spec = bindLong(spec, "tpm", override.tokensPerMinute());
		spec = bindLong(spec, "tpd", override.tokensPerDay());
		spec = bindInt(spec, "concurrent", override.concurrentRequests());
		return spec.then().thenReturn(override);
	}

	/** @return whether there was an override to delete */
	Mono<Boolean> delete(TenantId tenant, Scope scope) {
		return this.db
			.sql("DELETE FROM ratelimit_overrides WHERE tenant_id = :tenant AND scope = :kind AND scope_id = :id")
			.bind("tenant", tenant.value())
			.bind("kind", scope.kind().value())
			.bind("id", scope.id())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	private static DatabaseClient.GenericExecuteSpec bindInt(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable Long value) {
		return (value != null) ? spec.bind(name, Math.toIntExact(value)) : spec.bindNull(name, Integer.class);
	}

	private static DatabaseClient.GenericExecuteSpec bindLong(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable Long value) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, Long.class);
	}

	private static QuotaOverride row(Readable row) {
		return new QuotaOverride(
				new Scope(Scope.Kind.of(row.get("scope", String.class)), row.get("scope_id", UUID.class)),
				asLong(row.get("requests_per_minute", Integer.class)), row.get("tokens_per_minute", Long.class),
				row.get("tokens_per_day", Long.class), asLong(row.get("concurrent_requests", Integer.class)),
				row.get("updated_by", UUID.class), row.get("updated_at", Instant.class));
	}

	private static @Nullable Long asLong(@Nullable Integer value) {
		return (value != null) ? value.longValue() : null;
	}

}

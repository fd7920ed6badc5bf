package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import dev.enclave.gateway.PageCursor;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

@Repository
class TenantStore {

	private static final String COLUMNS = "t.id, t.slug, t.name, t.created_at, t.disabled_at";

	private final DatabaseClient db;

	private final Clock clock;

	private final CredentialCache credentials;

	TenantStore(DatabaseClient db, Clock clock, CredentialCache credentials) {
		this.credentials = credentials;
		this.db = db;
		this.clock = clock;
	}

	Mono<TenantRecord> findById(TenantId id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM tenants t WHERE t.id = :id")
			.bind("id", id.value())
			.map(TenantStore::tenant)
			.one();
	}

	Mono<TenantRecord> findBySlug(String slug) {
		return this.db.sql("SELECT " + COLUMNS + " FROM tenants t WHERE t.slug = :slug")
			.bind("slug", slug)
			.map(TenantStore::tenant)
			.one();
	}

	/** The tenant with this slug, created if it does not exist yet (safe under races). */
	Mono<TenantRecord> ensure(String slug) {
		return this.db
			.sql("INSERT INTO tenants (id, slug, name, created_at) VALUES (:id, :slug, :slug, :now) "
					+ "ON CONFLICT (slug) DO NOTHING")
			.bind("id", UUID.randomUUID())
			.bind("slug", slug)
			.bind("now", this.clock.instant())
			.then()
			.then(findBySlug(slug));
	}

	/**
	 * Creates a tenant.
	 * @return the tenant; a {@code DuplicateKeyException} if the slug is taken
	 */
	Mono<TenantRecord> insert(String slug, String name) {
		UUID id = UUID.randomUUID();
		return this.db.sql("INSERT INTO tenants (id, slug, name, created_at) VALUES (:id, :slug, :name, :now)")
			.bind("id", id)
			.bind("slug", slug)
			.bind("name", name)
			.bind("now", this.clock.instant())
			.then()
			.then(findById(new TenantId(id)));
	}

	/**
	 * Suspends or restores a tenant.
	 * @return the tenant if this call changed its state, empty if it already was so (or is unknown)
	 */
	Mono<TenantRecord> setDisabled(TenantId id, boolean disabled) {
		DatabaseClient.GenericExecuteSpec spec = disabled
				? this.db.sql("UPDATE tenants SET disabled_at = :now WHERE id = :id AND disabled_at IS NULL")
					.bind("now", this.clock.instant())
				: this.db.sql("UPDATE tenants SET disabled_at = NULL WHERE id = :id AND disabled_at IS NOT NULL");
		return spec.bind("id", id.value())
			.fetch()
			.rowsUpdated()
			.flatMap((updated) -> (updated > 0)
					? this.credentials.changed(this.db, "tenant", id.value()).then(findById(id)) : Mono.empty());
	}

	/** Oldest first, {@code limit + 1} rows so the caller can tell whether a next page exists. */
	Flux<TenantSummary> list(@Nullable PageCursor after, int limit) {
		String keyset = (after != null) ? " WHERE (t.created_at, t.id) > (:created, :after)" : "";
		DatabaseClient.GenericExecuteSpec spec = this.db
			.sql("SELECT " + COLUMNS + ", (SELECT count(*) FROM users u WHERE u.tenant_id = t.id) AS users "
					+ "FROM tenants t" + keyset + " ORDER BY t.created_at, t.id LIMIT :limit")
			.bind("limit", limit + 1);
		if (after != null) {
			spec = spec.bind("created", after.created()).bind("after", after.id());
		}
		return spec.map((row) -> new TenantSummary(tenant(row), row.get("users", Long.class))).all();
	}

	record TenantSummary(TenantRecord tenant, long users) {
	}

	private static TenantRecord tenant(Readable row) {
		return new TenantRecord(new TenantId(row.get("id", UUID.class)), row.get("slug", String.class),
				row.get("name", String.class), row.get("created_at", Instant.class),
				row.get("disabled_at", Instant.class));
	}

}

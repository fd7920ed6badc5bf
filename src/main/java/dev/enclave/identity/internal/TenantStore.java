package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

@Repository
class TenantStore {

	private static final String COLUMNS = "id, slug, name, created_at";

	private final DatabaseClient db;

	private final Clock clock;

	TenantStore(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	Mono<TenantRecord> findById(TenantId id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM tenants WHERE id = :id")
			.bind("id", id.value())
			.map(TenantStore::tenant)
			.one();
	}

	Mono<TenantRecord> findBySlug(String slug) {
		return this.db.sql("SELECT " + COLUMNS + " FROM tenants WHERE slug = :slug")
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

	private static TenantRecord tenant(Readable row) {
		return new TenantRecord(new TenantId(row.get("id", UUID.class)), row.get("slug", String.class),
				row.get("name", String.class), row.get("created_at", Instant.class));
	}

}

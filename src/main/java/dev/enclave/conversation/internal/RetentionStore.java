package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Retention in SQL: each tenant's setting, the deadline it gives every conversation, and
 * the conversations due for erasure.
 */
final class RetentionStore {

	private final DatabaseClient db;

	RetentionStore(DatabaseClient db) {
		this.db = db;
	}

	/** The tenant's retention in days; empty when conversations are kept until deleted. */
	Mono<Optional<Integer>> days(TenantId tenant) {
		return this.db.sql("SELECT retention_days FROM retention_settings WHERE tenant_id = :tenant")
			.bind("tenant", tenant.value())
			.map((row) -> Optional.ofNullable(row.get("retention_days", Integer.class)))
			.one()
			.defaultIfEmpty(Optional.empty());
	}

	/**
	 * Sets the tenant's retention and moves the deadline of every one of its conversations,
	 * counted from its last activity; run it in a transaction.
	 */
	Mono<Void> setDays(TenantId tenant, @Nullable Integer days, Instant now) {
		DatabaseClient.GenericExecuteSpec upsert = this.db
			.sql("INSERT INTO retention_settings (tenant_id, retention_days, updated_at) VALUES (:tenant, :days, :now) "
					+ "ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, "
					+ "updated_at = EXCLUDED.updated_at")
			.bind("tenant", tenant.value())
			.bind("now", now);
		upsert = (days != null) ? upsert.bind("days", days) : upsert.bindNull("days", Integer.class);
		Mono<Void> apply = this.db
			.sql("UPDATE conversations c SET retention_until = (SELECT c.updated_at + make_interval(days => r.retention_days) "
					+ "FROM retention_settings r WHERE r.tenant_id = c.tenant_id) WHERE c.tenant_id = :tenant")
			.bind("tenant", tenant.value())
			.then();
		return upsert.then().then(apply);
	}

	/**
	 * Takes this transaction's advisory lock {@code key} if no other transaction holds it.
	 * @return whether it was taken
	 */
	Mono<Boolean> tryLock(long key) {
		return this.db.sql("SELECT pg_try_advisory_xact_lock(:lock) AS locked")
			.bind("lock", key)
			.map((row) -> Boolean.TRUE.equals(row.get("locked", Boolean.class)))
			.one();
	}

	/** Conversations due for erasure: past their retention, or marked by an interrupted delete. */
	Flux<Due> due(Instant now, int limit) {
		return this.db
			.sql("SELECT id, tenant_id, status FROM conversations WHERE retention_until < :now OR status = 'deleting' "
					+ "ORDER BY retention_until NULLS FIRST LIMIT :limit FOR UPDATE SKIP LOCKED")
			.bind("now", now)
			.bind("limit", limit)
			.map((row) -> new Due(new ConversationId(row.get("id", UUID.class)),
					new TenantId(row.get("tenant_id", UUID.class)), "deleting".equals(row.get("status", String.class))))
			.all();
	}

	/** A conversation to erase; {@code deleting} when a delete was interrupted, else its retention ended. */
	record Due(ConversationId id, TenantId tenant, boolean deleting) {
	}

}

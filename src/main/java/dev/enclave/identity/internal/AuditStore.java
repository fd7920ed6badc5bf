package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.enclave.gateway.PageCursor;
import dev.enclave.gateway.TraceIds;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.shared.TenantId;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/** The audit log on the append-only {@code audit_events} table. */
@Repository
class AuditStore implements AuditLog {

	private final DatabaseClient db;

	private final Clock clock;

	AuditStore(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	@Override
	public Mono<Void> record(AuditEvent event) {
		return TraceIds.current().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((trace) -> {
			DatabaseClient.GenericExecuteSpec spec = this.db
				.sql("INSERT INTO audit_events (id, tenant_id, actor, action, target, trace_id, occurred_at) "
						+ "VALUES (:id, :tenant, :actor, :action, :target, :trace, :now)")
				.bind("id", UUID.randomUUID())
				.bind("actor", event.actor())
				.bind("action", event.action())
				.bind("now", this.clock.instant());
			spec = (event.tenant() != null) ? spec.bind("tenant", event.tenant().value())
					: spec.bindNull("tenant", UUID.class);
			spec = (event.target() != null) ? spec.bind("target", event.target()) : spec.bindNull("target", String.class);
			spec = trace.isPresent() ? spec.bind("trace", trace.get()) : spec.bindNull("trace", String.class);
			return spec.then();
		});
	}

	/** Newest first, {@code limit + 1} rows so the caller can tell whether a next page exists. */
	Flux<AuditRow> list(TenantId tenant, @Nullable String action, @Nullable PageCursor after, int limit) {
		StringBuilder sql = new StringBuilder(
				"SELECT id, tenant_id, actor, action, target, trace_id, occurred_at FROM audit_events WHERE tenant_id = :tenant");
		if (action != null) {
			sql.append(" AND action = :action");
		}
		if (after != null) {
			sql.append(" AND (occurred_at, id) < (:occurred, :after)");
		}
		sql.append(" ORDER BY occurred_at DESC, id DESC LIMIT :limit");
		DatabaseClient.GenericExecuteSpec spec = this.db.sql(sql.toString())
			.bind("tenant", tenant.value())
			.bind("limit", limit + 1);
		if (action != null) {
			spec = spec.bind("action", action);
		}
		if (after != null) {
			spec = spec.bind("occurred", after.created()).bind("after", after.id());
		}
		return spec.map(AuditStore::row).all();
	}

	record AuditRow(UUID id, String actor, String action, @Nullable String target, @Nullable String traceId,
			Instant occurredAt) {
	}

	private static AuditRow row(Readable row) {
		return new AuditRow(row.get("id", UUID.class), row.get("actor", String.class), row.get("action", String.class),
				row.get("target", String.class), row.get("trace_id", String.class), row.get("occurred_at", Instant.class));
	}

}

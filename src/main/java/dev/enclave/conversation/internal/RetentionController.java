package dev.enclave.conversation.internal;

import java.time.Clock;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The tenant's retention: conversations are erased (crypto-shredded) this many days after
 * their last activity. No setting keeps them until deleted.
 */
@RestController
@RequestMapping(path = "/api/v1/retention", produces = MediaType.APPLICATION_JSON_VALUE)
@PreAuthorize("hasAuthority('SCOPE_admin')")
@Tag(name = "Retention", description = "How long the tenant's conversations are kept (scope admin)")
class RetentionController {

	private final DatabaseClient db;

	private final AuditLog audit;

	private final TransactionalOperator tx;

	private final Clock clock;

	RetentionController(DatabaseClient db, AuditLog audit, TransactionalOperator tx, Clock clock) {
		this.db = db;
		this.audit = audit;
		this.tx = tx;
		this.clock = clock;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record SetRetention(@Nullable @Min(1) @Max(36_500) Integer retentionDays) {
	}

	@GetMapping
	@Operation(summary = "The tenant's retention")
	Mono<Views.Retention> get(@AuthenticationPrincipal Principal admin) {
		return this.db.sql("SELECT retention_days FROM retention_settings WHERE tenant_id = :tenant")
			.bind("tenant", admin.tenantId().value())
			.map((row) -> new Views.Retention(row.get("retention_days", Integer.class)))
			.one()
			.defaultIfEmpty(new Views.Retention(null));
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Set the tenant's retention", description = "Applies at once to every conversation of the "
			+ "tenant, counted from its last activity; null keeps conversations until deleted.")
	Mono<Views.Retention> set(@AuthenticationPrincipal Principal admin, @Valid @RequestBody SetRetention request) {
		DatabaseClient.GenericExecuteSpec upsert = this.db
			.sql("INSERT INTO retention_settings (tenant_id, retention_days, updated_at) VALUES (:tenant, :days, :now) "
					+ "ON CONFLICT (tenant_id) DO UPDATE SET retention_days = EXCLUDED.retention_days, "
					+ "updated_at = EXCLUDED.updated_at")
			.bind("tenant", admin.tenantId().value())
			.bind("now", this.clock.instant());
		upsert = (request.retentionDays() != null) ? upsert.bind("days", request.retentionDays())
				: upsert.bindNull("days", Integer.class);
		Mono<Void> apply = this.db
			.sql("UPDATE conversations c SET retention_until = (SELECT c.updated_at + make_interval(days => r.retention_days) "
					+ "FROM retention_settings r WHERE r.tenant_id = c.tenant_id) WHERE c.tenant_id = :tenant")
			.bind("tenant", admin.tenantId().value())
			.then();
		return upsert.then()
			.then(apply)
			.as(this.tx::transactional)
			.then(this.audit.record(AuditEvent.by(admin, "retention_changed",
					(request.retentionDays() != null) ? request.retentionDays() + " days" : "none")))
			.thenReturn(new Views.Retention(request.retentionDays()));
	}

}

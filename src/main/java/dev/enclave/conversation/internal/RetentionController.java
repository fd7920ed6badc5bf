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

	private final RetentionStore store;

	private final AuditLog audit;

	private final TransactionalOperator tx;

	private final Clock clock;

	RetentionController(RetentionStore store, AuditLog audit, TransactionalOperator tx, Clock clock) {
		this.store = store;
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
		return this.store.days(admin.tenantId()).map((days) -> new Views.Retention(days.orElse(null)));
	}

	@PutMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Set the tenant's retention", description = "Applies at once to every conversation of the "
			+ "tenant, counted from its last activity; null keeps conversations until deleted.")
	Mono<Views.Retention> set(@AuthenticationPrincipal Principal admin, @Valid @RequestBody SetRetention request) {
		return this.store.setDays(admin.tenantId(), request.retentionDays(), this.clock.instant())
			.as(this.tx::transactional)
			.then(this.audit.record(AuditEvent.by(admin, "retention_changed",
					(request.retentionDays() != null) ? request.retentionDays() + " days" : "none")))
			.thenReturn(new Views.Retention(request.retentionDays()));
	}

}

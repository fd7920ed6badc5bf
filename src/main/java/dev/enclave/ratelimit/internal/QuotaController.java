package dev.enclave.ratelimit.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's administrators edit the limits of its keys, users and the tenant itself:
 * {@code /api/v1/admin/quotas/{scope}/{id}} with scope {@code key}, {@code user} or
 * {@code tenant}. Every row is bound to the administrator's tenant, so naming another
 * tenant's key or user only ever creates an override that nothing of theirs reads.
 */
@RestController
@RequestMapping(path = "/api/v1/admin/quotas", produces = MediaType.APPLICATION_JSON_VALUE)
@PreAuthorize("hasAuthority('SCOPE_admin')")
@Tag(name = "Quotas", description = "Rate limits and token quotas per key, user and tenant (scope admin)")
class QuotaController {

	/** Far more than any tenant has overrides; the list is small by nature. */
	private static final int MAX_LISTED = 1000;

	private final QuotaStore store;

	private final QuotaPlans plans;

	private final RateLimitSettings settings;

	private final Clock clock;

	private final AuditLog audit;

	QuotaController(QuotaStore store, QuotaPlans plans, RateLimitSettings settings, Clock clock, AuditLog audit) {
		this.store = store;
		this.plans = plans;
		this.settings = settings;
		this.clock = clock;
		this.audit = audit;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Limits(@Nullable @Positive @Max(Integer.MAX_VALUE) Long requestsPerMinute,
			@Nullable @Positive Long tokensPerMinute, @Nullable @Positive Long tokensPerDay,
			@Nullable @Positive @Max(Integer.MAX_VALUE) Long concurrentRequests) {

		static Limits of(Tier tier) {
			return new Limits(tier.requestsPerMinute(), tier.tokensPerMinute(), tier.tokensPerDay(),
					tier.concurrentRequests());
		}

	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record OverrideView(String scope, UUID id, @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute,
			@Nullable Long tokensPerDay, @Nullable Long concurrentRequests, UUID updatedBy, Instant updatedAt) {

		static OverrideView of(QuotaOverride override) {
			return new OverrideView(override.scope().kind().value(), override.scope().id(),
					override.requestsPerMinute(), override.tokensPerMinute(), override.tokensPerDay(),
					override.concurrentRequests(), override.updatedBy(), override.updatedAt());
		}

	}

	record QuotaList(Map<String, Limits> defaults, List<OverrideView> data) {
	}

	@GetMapping
	@Operation(summary = "The default tiers and this tenant's overrides")
	Mono<QuotaList> list(@AuthenticationPrincipal Principal admin) {
		Map<String, Limits> defaults = Map.of("key", Limits.of(this.settings.key()), "user",
				Limits.of(this.settings.user()), "tenant", Limits.of(this.settings.tenant()));
		return this.store.list(admin.tenantId(), MAX_LISTED)
			.map(OverrideView::of)
			.collectList()
			.map((data) -> new QuotaList(defaults, data));
	}

	@PutMapping(path = "/{scope}/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Set the limits of a key, user or the tenant",
			description = "A limit left out or null inherits the default tier. Applies at once on this replica, "
					+ "within enclave.ratelimit.override-cache-ttl on the others. A changed limit starts a fresh budget.")
	Mono<OverrideView> put(@AuthenticationPrincipal Principal admin, @PathVariable String scope, @PathVariable UUID id,
			@Valid @RequestBody Limits limits) {
		Scope target = scope(admin, scope, id);
		QuotaOverride override = new QuotaOverride(target, limits.requestsPerMinute(), limits.tokensPerMinute(),
				limits.tokensPerDay(), limits.concurrentRequests(), admin.subjectId().value(), this.clock.instant());
		return this.store.upsert(admin.tenantId(), override)
			.doOnSuccess((saved) -> this.plans.invalidate())
			.flatMap((saved) -> this.audit.record(AuditEvent.by(admin, "quota_changed", scope + ":" + id))
				.thenReturn(OverrideView.of(saved)));
	}

	@DeleteMapping("/{scope}/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Remove an override: the scope goes back to the default tier")
	Mono<Void> delete(@AuthenticationPrincipal Principal admin, @PathVariable String scope, @PathVariable UUID id) {
		return this.store.delete(admin.tenantId(), scope(admin, scope, id))
			.doOnSuccess((deleted) -> this.plans.invalidate())
			.flatMap((deleted) -> deleted ? this.audit.record(AuditEvent.by(admin, "quota_removed", scope + ":" + id))
					: Mono.error(ApiException.notFound("Quota override")));
	}

	private static Scope scope(Principal admin, String scope, UUID id) {
		Scope.Kind kind;
		try {
			kind = Scope.Kind.of(scope);
		}
		catch (IllegalArgumentException ex) {
			throw ApiException.invalidParam("scope", "scope must be one of key, user, tenant");
		}
		if (kind == Scope.Kind.TENANT && !id.equals(admin.tenantId().value())) {
			// Another tenant is not ours to see, not even whether it exists.
			throw ApiException.notFound("Tenant");
		}
		return new Scope(kind, id);
	}

}

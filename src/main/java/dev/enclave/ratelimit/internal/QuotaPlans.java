package dev.enclave.ratelimit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.shared.CachedLoads;
import dev.enclave.shared.TenantId;
import reactor.core.publisher.Mono;

/**
 * Which limits apply to a caller: its API key's (an app) or its user's (a person), and its
 * tenant's, each the default tier with the scope's override applied. Resolved plans are
 * cached briefly per caller; an edit on this replica applies at once, on another replica
 * within {@code overrideCacheTtl}.
 */
final class QuotaPlans {

	private record Caller(TenantId tenant, Scope subject) {
	}

	private final QuotaStore store;

	private final RateLimitSettings settings;

	private final AsyncLoadingCache<Caller, List<ScopedLimits>> cache;

	QuotaPlans(QuotaStore store, RateLimitSettings settings) {
		this.store = store;
		this.settings = settings;
		// Reloaded ahead of expiry while in use: a busy key's requests never wait for the store.
		this.cache = CachedLoads.refreshing(settings.overrideCacheTtl(), 100_000, Ticker.systemTicker(), this::resolve);
	}

	static Scope subjectScope(Principal principal) {
		Scope.Kind kind = (principal.authMethod() == AuthMethod.API_KEY) ? Scope.Kind.KEY : Scope.Kind.USER;
		return new Scope(kind, principal.subjectId().value());
	}

	Mono<List<ScopedLimits>> limitsOf(Principal principal) {
		Caller caller = new Caller(principal.tenantId(), subjectScope(principal));
		return CachedLoads.get(this.cache, caller);
	}

	/** Forgets every cached plan, after an override changed. */
	void invalidate() {
		this.cache.synchronous().invalidateAll();
	}

	private Mono<List<ScopedLimits>> resolve(Caller caller) {
		Scope tenant = new Scope(Scope.Kind.TENANT, caller.tenant().value());
		return this.store.forRequest(caller.tenant(), caller.subject())
			.collect(Collectors.toMap(QuotaOverride::scope, Function.identity()))
			.map((overrides) -> plan(List.of(caller.subject(), tenant), overrides));
	}

	private List<ScopedLimits> plan(List<Scope> scopes, Map<Scope, QuotaOverride> overrides) {
		List<ScopedLimits> plan = new ArrayList<>();
		for (Scope scope : scopes) {
			Tier defaults = this.settings.defaults(scope.kind());
			QuotaOverride override = overrides.get(scope);
			plan.add(new ScopedLimits(scope, (override != null) ? override.applyTo(defaults) : defaults));
		}
		return List.copyOf(plan);
	}

}

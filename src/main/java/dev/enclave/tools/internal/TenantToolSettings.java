package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.CachedLoads;
import dev.enclave.shared.TenantId;
import dev.enclave.tools.ToolLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/** A tenant's own tool settings ({@code tool_settings}), within the installation's bounds. */
final class TenantToolSettings implements ToolLimits {

	static final Duration CACHED = Duration.ofSeconds(10);

	private final DatabaseClient db;

	private final Clock clock;

	private final int installationMaxSteps;

	/**
	 * Each tenant's effective bound, kept for {@link #CACHED} and reloaded ahead of that while
	 * in use: an edit applies at once on the replica that saved it, and within that time on
	 * the others.
	 */
	private final AsyncLoadingCache<TenantId, Integer> effective;

	TenantToolSettings(DatabaseClient db, Clock clock, int installationMaxSteps) {
		this.db = db;
		this.clock = clock;
		this.installationMaxSteps = installationMaxSteps;
		this.effective = CachedLoads.refreshing(CACHED, 100_000, Ticker.systemTicker(), (tenant) -> ownMaxSteps(tenant)
			.map((own) -> Math.min(own, this.installationMaxSteps))
			.defaultIfEmpty(this.installationMaxSteps));
	}

	@Override
	public Mono<Integer> maxSteps(TenantId tenant) {
		// Asked on every chat completion: kept briefly, so a request does not cost a query.
		return CachedLoads.get(this.effective, tenant);
	}

	/** The installation's bound, which a tenant's cannot exceed. */
	int installationMaxSteps() {
		return this.installationMaxSteps;
	}

	/** The tenant's own bound, if it set one. */
	Mono<Integer> ownMaxSteps(TenantId tenant) {
		return this.db.sql("SELECT max_steps FROM tool_settings WHERE tenant_id = :tenant")
			.bind("tenant", tenant.value())
			.map((row) -> row.get("max_steps", Integer.class))
			.one();
	}

	/** Sets the tenant's bound, or clears it (null) to follow the installation's. */
	Mono<Void> setMaxSteps(TenantId tenant, @Nullable Integer maxSteps, SubjectId by) {
		Mono<Void> forget = Mono.fromRunnable(() -> this.effective.synchronous().invalidate(tenant));
		if (maxSteps == null) {
			return this.db.sql("DELETE FROM tool_settings WHERE tenant_id = :tenant")
				.bind("tenant", tenant.value())
				.then()
				.then(forget);
		}
		return this.db
			.sql("INSERT INTO tool_settings (tenant_id, max_steps, updated_by, updated_at) "
					+ "VALUES (:tenant, :steps, :by, :now) ON CONFLICT (tenant_id) DO UPDATE "
					+ "SET max_steps = EXCLUDED.max_steps, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
			.bind("tenant", tenant.value())
			.bind("steps", maxSteps)
			.bind("by", by.value())
			.bind("now", this.clock.instant().atOffset(ZoneOffset.UTC))
			.then()
			.then(forget);
	}

}

package dev.enclave.tools.internal;

import java.time.Clock;
import java.time.ZoneOffset;

import dev.enclave.identity.SubjectId;
import dev.enclave.shared.TenantId;
import dev.enclave.tools.ToolLimits;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;

/** A tenant's own tool settings ({@code tool_settings}), within the installation's bounds. */
final class TenantToolSettings implements ToolLimits {

	private final DatabaseClient db;

	private final Clock clock;

	private final int installationMaxSteps;

	TenantToolSettings(DatabaseClient db, Clock clock, int installationMaxSteps) {
		this.db = db;
		this.clock = clock;
		this.installationMaxSteps = installationMaxSteps;
	}

	@Override
	public Mono<Integer> maxSteps(TenantId tenant) {
		return ownMaxSteps(tenant).map((own) -> Math.min(own, this.installationMaxSteps))
			.defaultIfEmpty(this.installationMaxSteps);
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
		if (maxSteps == null) {
			return this.db.sql("DELETE FROM tool_settings WHERE tenant_id = :tenant")
				.bind("tenant", tenant.value())
				.then();
		}
		return this.db
			.sql("INSERT INTO tool_settings (tenant_id, max_steps, updated_by, updated_at) "
					+ "VALUES (:tenant, :steps, :by, :now) ON CONFLICT (tenant_id) DO UPDATE "
					+ "SET max_steps = EXCLUDED.max_steps, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
			.bind("tenant", tenant.value())
			.bind("steps", maxSteps)
			.bind("by", by.value())
			.bind("now", this.clock.instant().atOffset(ZoneOffset.UTC))
			.then();
	}

}

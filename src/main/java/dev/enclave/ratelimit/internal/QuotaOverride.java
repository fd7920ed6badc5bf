package dev.enclave.ratelimit.internal;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** An administrator's override of a scope's limits; a null limit inherits the default tier. */
record QuotaOverride(Scope scope, @Nullable Long requestsPerMinute, @Nullable Long tokensPerMinute,
		@Nullable Long tokensPerDay, @Nullable Long concurrentRequests, UUID updatedBy, Instant updatedAt) {

	Tier applyTo(Tier defaults) {
		return new Tier(or(this.requestsPerMinute, defaults.requestsPerMinute()),
				or(this.tokensPerMinute, defaults.tokensPerMinute()), or(this.tokensPerDay, defaults.tokensPerDay()),
				or(this.concurrentRequests, defaults.concurrentRequests()));
	}

	private static long or(@Nullable Long value, long fallback) {
		return (value != null) ? value : fallback;
	}

}

package dev.enclave.ratelimit.internal;

import dev.enclave.observability.EnclaveMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The module's counters. Tags are small fixed vocabularies: never a tenant, user, key or
 * anything a client wrote.
 */
final class RateLimitMetrics {

	/** Prometheus: {@code enclave_ratelimit_decisions_total{outcome, limit}}. */
	static final String DECISIONS = EnclaveMeter.RATELIMIT_DECISIONS.getName();

	/** Prometheus: {@code enclave_admission_rejections_total{reason}}. */
	static final String REJECTIONS = EnclaveMeter.ADMISSION_REJECTIONS.getName();

	private final MeterRegistry registry;

	RateLimitMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * @param outcome {@code allowed}, {@code rejected}, {@code fail_open} or {@code fail_closed}
	 * @param limit {@code requests}, {@code concurrency}, {@code tokens_per_minute},
	 * {@code tokens_per_day}, {@code tokens} (an admitted reservation) or {@code store}
	 */
	void decision(String outcome, String limit) {
		Counter.builder(DECISIONS)
			.description(EnclaveMeter.RATELIMIT_DECISIONS.description())
			.tag("outcome", outcome)
			.tag("limit", limit)
			.register(this.registry)
			.increment();
	}

	/**
	 * @param reason {@code rate_limit_exceeded}, {@code quota_exceeded},
	 * {@code ratelimit_unavailable}, {@code overloaded} (shed by the inference scheduler) or
	 * {@code admission_saturated} (shed by the limit checks' own bulkhead)
	 */
	void rejection(String reason) {
		Counter.builder(REJECTIONS)
			.description(EnclaveMeter.ADMISSION_REJECTIONS.description())
			.tag("reason", reason)
			.register(this.registry)
			.increment();
	}

}

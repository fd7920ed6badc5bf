package dev.enclave.ratelimit.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

	/** The decision counters by outcome and limit: both small fixed vocabularies. */
	private final Map<String, Counter> decisions = new ConcurrentHashMap<>();

	/** Every reason a request may be refused, counted from zero so rates and alerts see them before the first. */
	private static final String[] SHED = { "ratelimit_unavailable", "overloaded", "admission_saturated" };

	RateLimitMetrics(MeterRegistry registry) {
		this.registry = registry;
		for (Decision.Limit limit : Decision.Limit.values()) {
			rejections(limit.tag());
		}
		for (String reason : SHED) {
			rejections(reason);
		}
	}

	/**
	 * @param outcome {@code allowed}, {@code rejected}, {@code fail_open} or {@code fail_closed}
	 * @param limit {@code requests}, {@code concurrency}, {@code tokens_per_minute},
	 * {@code tokens_per_day}, {@code tokens} (an admitted reservation) or {@code store}
	 */
	void decision(String outcome, String limit) {
		// Every admitted request counts twice: looked up once per pair, not registered per call.
		this.decisions.computeIfAbsent(outcome + ' ' + limit, (key) -> Counter.builder(DECISIONS)
			.description(EnclaveMeter.RATELIMIT_DECISIONS.description())
			.tag("outcome", outcome)
			.tag("limit", limit)
			.register(this.registry)).increment();
	}

	/**
	 * @param reason the limit met ({@code requests}, {@code concurrency},
	 * {@code tokens_per_minute} or {@code tokens_per_day}: answered 429),
	 * {@code ratelimit_unavailable}, {@code overloaded} (shed by the inference scheduler) or
	 * {@code admission_saturated} (shed by the limit checks' own bulkhead)
	 */
	void rejection(String reason) {
		rejections(reason).increment();
	}

	private Counter rejections(String reason) {
		return Counter.builder(REJECTIONS)
			.description(EnclaveMeter.ADMISSION_REJECTIONS.description())
			.tag(EnclaveMeter.Tags.REASON.asString(), reason)
			.register(this.registry);
	}

}

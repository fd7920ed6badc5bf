package dev.enclave.inference.internal.remote;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What happens between Enclave and its model servers, tagged by server or model name and
 * outcome, never by tenant, user or content: {@code enclave_upstream_requests_total} (by
 * {@code backend} and {@code outcome}: {@code ok}, {@code cancelled}, {@code timeout},
 * {@code server_error}, {@code rate_limited}, ...), and
 * {@code enclave_upstream_failovers_total} (by {@code model}). The circuit breakers'
 * states are Resilience4j's own meters ({@code resilience4j_circuitbreaker_state}).
 */
public final class UpstreamMetrics {

	private final MeterRegistry registry;

	public UpstreamMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	void request(String backend, String outcome) {
		Counter.builder("enclave.upstream.requests")
			.description("Requests to model servers, by outcome")
			.tag("backend", backend)
			.tag("outcome", outcome)
			.register(this.registry)
			.increment();
	}

	void failover(String model) {
		Counter.builder("enclave.upstream.failovers")
			.description("Requests tried again on another model server before their first token")
			.tag("model", model)
			.register(this.registry)
			.increment();
	}

}

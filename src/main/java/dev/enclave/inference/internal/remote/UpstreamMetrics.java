package dev.enclave.inference.internal.remote;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.enclave.observability.EnclaveMeter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What happens between Enclave and its model servers, tagged by server or model name and
 * outcome, never by tenant, user or content: {@code enclave_upstream_requests_total} (by
 * {@code backend} and {@code outcome}: {@code ok}, {@code cancelled}, {@code timeout},
 * {@code server_error}, {@code rate_limited}, ...), and
 * {@code enclave_upstream_failovers_total} (by {@code model}), and {@code enclave_upstream_up}
 * (by {@code backend}: 1 while its health check passes). The circuit breakers'
 * states are Resilience4j's own meters ({@code resilience4j_circuitbreaker_state}).
 */
public final class UpstreamMetrics {

	private final MeterRegistry registry;

	/** The request counters by server and outcome, both bounded by configuration: no registry lookup per request. */
	private final Map<String, Counter> requests = new ConcurrentHashMap<>();

	public UpstreamMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/**
	 * One gauge per server, following its health checks, and each model's failover count
	 * from zero.
	 */
	public void health(List<Backend> backends) {
		for (Backend backend : backends) {
			backend.models().forEach(this::failovers);
			Gauge.builder(EnclaveMeter.UPSTREAM_UP.getName(), backend, (server) -> server.health().up() ? 1 : 0)
				.description(EnclaveMeter.UPSTREAM_UP.description())
				.tag(EnclaveMeter.Tags.BACKEND.asString(), backend.name())
				.strongReference(true)
				.register(this.registry);
		}
	}

	void request(String backend, String outcome) {
		this.requests.computeIfAbsent(backend + '\n' + outcome, (key) -> Counter
			.builder(EnclaveMeter.UPSTREAM_REQUESTS.getName())
			.description(EnclaveMeter.UPSTREAM_REQUESTS.description())
			.tag(EnclaveMeter.Tags.BACKEND.asString(), backend)
			.tag(EnclaveMeter.Tags.OUTCOME.asString(), outcome)
			.register(this.registry)).increment();
	}

	void failover(String model) {
		failovers(model).increment();
	}

	private Counter failovers(String model) {
		return Counter.builder(EnclaveMeter.UPSTREAM_FAILOVERS.getName())
			.description(EnclaveMeter.UPSTREAM_FAILOVERS.description())
			.tag(EnclaveMeter.Tags.MODEL.asString(), model)
			.register(this.registry);
	}

}

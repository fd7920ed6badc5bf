package dev.enclave.inference.internal.remote;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the model servers: each server's state (its last health check, its circuit
 * breaker, its requests in flight, and the configured models it does not list). DOWN when
 * some remote model has no server that is up with its breaker closed, since this instance
 * cannot serve that model; UP otherwise, and when no server is configured.
 */
public final class BackendsHealthIndicator implements HealthIndicator {

	private final RemoteModels remote;

	public BackendsHealthIndicator(RemoteModels remote) {
		this.remote = remote;
	}

	@Override
	public Health health() {
		boolean ready = true;
		for (RemoteModel model : this.remote.models()) {
			ready &= model.backends().stream().anyMatch((backend) -> healthy(backend, model.name()));
		}
		Health.Builder health = ready ? Health.up() : Health.down();
		for (Backend backend : this.remote.backends()) {
			health.withDetail(backend.name(), describe(backend));
		}
		return health.build();
	}

	private static boolean healthy(Backend backend, String model) {
		return backend.health().serves(model) && backend.breakerState() != CircuitBreaker.State.OPEN
				&& backend.breakerState() != CircuitBreaker.State.FORCED_OPEN;
	}

	private static Map<String, Object> describe(Backend backend) {
		BackendHealth health = backend.health();
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("status", !health.checked() ? "unchecked" : health.up() ? "up" : "down");
		if (health.reason() != null) {
			details.put("reason", health.reason());
		}
		details.put("breaker", backend.breakerState().name().toLowerCase(java.util.Locale.ROOT));
		details.put("inFlight", backend.inFlight());
		if (health.up() && health.checked()) {
			List<String> unlisted = backend.models().stream().filter((model) -> !health.listed().containsKey(model)).toList();
			if (!unlisted.isEmpty()) {
				details.put("unlisted", unlisted);
			}
		}
		return details;
	}

}

package dev.enclave.inference.internal.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which server a request goes to: the least work in hand for its weight, the least recently
 * chosen among equals, never one already tried, at its concurrency limit or with its breaker
 * open; and what the client hears when none can take it.
 */
class RemoteRoutingTests {

	private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();

	private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();

	private RemoteModels models;

	private RemoteModel model;

	@BeforeEach
	void servers() {
		UpstreamSettings upstream = new UpstreamSettings(Duration.ofSeconds(10), Duration.ofSeconds(3),
				Duration.ofSeconds(4), Duration.ofSeconds(5), org.springframework.util.unit.DataSize.ofMegabytes(16),
				new UpstreamSettings.Breaker(50, 4, 2, Duration.ofSeconds(30), 1));
		this.models = new RemoteModels(List.of(server("light", 1), server("heavy", 3), server("other", 1)), upstream,
				List.of(), this.breakers, this.bulkheads, JsonMapper.builder().build(),
				Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC), ObservationRegistry.NOOP);
		this.model = this.models.models().get(0);
	}

	@AfterEach
	void close() {
		this.models.close();
	}

	@Test
	void theLeastWorkForItsWeightWinsAndEqualsTakeTurns() {
		hold("light", 1);
		hold("heavy", 2);
		hold("other", 1);
		// light (1+1)/1 = 2, heavy (2+1)/3 = 1, other (1+1)/1 = 2
		assertThat(this.models.choose(this.model, Set.of()).name()).isEqualTo("heavy");
		hold("heavy", 1);
		// heavy (3+1)/3 = 1.33 now; light and other tie at 2, and light was never chosen before other
		Backend first = this.models.choose(this.model, Set.of());
		Backend second = this.models.choose(this.model, Set.of());
		assertThat(List.of(first.name(), second.name())).containsExactly("heavy", "heavy");
		hold("heavy", 3);
		assertThat(this.models.choose(this.model, Set.of()).name()).isEqualTo("light");
		assertThat(this.models.choose(this.model, Set.of()).name()).as("equals take turns").isEqualTo("other");
	}

	@Test
	void aServerAlreadyTriedAtItsLimitOrWithItsBreakerOpenIsSkipped() {
		Backend light = byName("light");
		hold("heavy", 64);
		this.breakers.circuitBreaker("upstream-other").transitionToOpenState();
		assertThat(this.models.choose(this.model, Set.of()).name()).isEqualTo("light");
		assertThat(this.models.choose(this.model, Set.of(light))).isNull();
	}

	@Test
	void whenEveryServerIsAtItsLimitTheRequestIsOverloaded() {
		hold("light", 64);
		hold("heavy", 64);
		hold("other", 64);
		assertThat(this.models.choose(this.model, Set.of())).isNull();
		ApiException refused = this.models.unavailable(this.model);
		assertThat(refused.code()).isEqualTo(ErrorCode.OVERLOADED);
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
	}

	@Test
	void whenEveryBreakerIsOpenTheModelIsUnavailableUntilTheSoonestTrial() {
		for (String name : List.of("light", "heavy", "other")) {
			this.breakers.circuitBreaker("upstream-" + name).transitionToOpenState();
		}
		assertThat(this.models.choose(this.model, Set.of())).isNull();
		ApiException refused = this.models.unavailable(this.model);
		assertThat(refused.code()).isEqualTo(ErrorCode.MODEL_UNAVAILABLE);
		assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(30));
	}

	private Backend byName(String name) {
		return this.model.backends().stream().filter((backend) -> backend.name().equals(name)).findFirst().orElseThrow();
	}

	private void hold(String backend, int permits) {
		for (int i = 0; i < permits; i++) {
			this.bulkheads.bulkhead("upstream-" + backend).tryAcquirePermission();
		}
	}

	private static BackendSettings server(String name, int weight) {
		return new BackendSettings(name, "openai", URI.create("http://127.0.0.1:9/v1"), null, null,
				List.of(new BackendSettings.ModelSettings("m", List.of(), "chat", null, 0)), weight,
				Duration.ofSeconds(1), Duration.ofSeconds(1), 64);
	}

}

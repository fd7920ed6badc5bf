package dev.enclave.privacy.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Metric labels carry no personal data, even when a caller puts some there. */
class RedactingMeterFilterTests {

	@Test
	void redactsTagValuesAndLeavesOthersAlone() {
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		registry.config().meterFilter(new RedactingMeterFilter());

		Counter careless = registry.counter("enclave.test.requests", "user", "zhang.san@example.com", "route",
				"/api/v1/conversations/{id}");
		careless.increment();

		assertThat(careless.getId().getTag("user")).isEqualTo("[email]");
		assertThat(careless.getId().getTag("route")).isEqualTo("/api/v1/conversations/{id}");
		assertThat(registry.get("enclave.test.requests").tag("user", "[email]").counter().count()).isEqualTo(1);
	}

}

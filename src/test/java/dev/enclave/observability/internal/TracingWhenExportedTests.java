package dev.enclave.observability.internal;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** Tracing's auto-configurations are imported only when spans have somewhere to go. */
class TracingWhenExportedTests {

	private static final String[] CANDIDATES = {
			"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
			"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
			"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
			"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration", null };

	@Test
	void withoutAnEndpointTracingIsLeftOutAndMetricsAndObservationsStay() {
		assertThat(match(new MockEnvironment())).containsExactly(false, false, true, true, true);
	}

	@Test
	void aBlankEndpointIsNoEndpoint() {
		assertThat(match(new MockEnvironment().withProperty(TracingWhenExported.ENDPOINT, " ")))
			.containsExactly(false, false, true, true, true);
	}

	@Test
	void withAnEndpointEverythingIsImported() {
		assertThat(match(new MockEnvironment().withProperty(TracingWhenExported.ENDPOINT,
				"http://otel-collector:4318/v1/traces")))
			.containsExactly(true, true, true, true, true);
	}

	private static boolean[] match(MockEnvironment environment) {
		TracingWhenExported filter = new TracingWhenExported();
		filter.setEnvironment(environment);
		return filter.match(CANDIDATES, null);
	}

}

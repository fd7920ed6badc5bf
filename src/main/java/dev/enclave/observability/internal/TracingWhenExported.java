package dev.enclave.observability.internal;

import java.util.Set;

import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Spans are made only when they have somewhere to go. Without a trace exporter
 * ({@code management.opentelemetry.tracing.export.otlp.endpoint} unset, the default), Micrometer
 * Tracing and its OpenTelemetry tracer are left out: every observation still feeds its metrics,
 * but no request pays for spans, scopes and propagation that no one receives (measured in
 * {@code docs/benchmarks.md}). Responses and error envelopes still carry a trace id
 * ({@code TraceIds}: the inbound {@code traceparent}'s, or a new one). Setting the endpoint
 * brings tracing back, sampled by {@code management.tracing.sampling.probability}.
 */
public final class TracingWhenExported implements AutoConfigurationImportFilter, EnvironmentAware {

	/** The property that names where spans are sent. */
	static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	/** The auto-configurations that make spans: the tracer, and the observation handlers that start them. */
	static final Set<String> TRACING = Set.of(
			"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
			"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration");

	private boolean exported = true;

	@Override
	public void setEnvironment(Environment environment) {
		String endpoint = environment.getProperty(ENDPOINT);
		this.exported = endpoint != null && !endpoint.isBlank();
	}

	@Override
	public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata metadata) {
		boolean[] matches = new boolean[autoConfigurationClasses.length];
		for (int i = 0; i < autoConfigurationClasses.length; i++) {
			matches[i] = this.exported || autoConfigurationClasses[i] == null
					|| !TRACING.contains(autoConfigurationClasses[i]);
		}
		return matches;
	}

}

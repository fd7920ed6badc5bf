package dev.enclave.privacy.internal;

import java.util.Map;
import java.util.Set;

import dev.enclave.privacy.Redactor;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.json.WritableJson;
import org.springframework.boot.logging.structured.StructuredLoggingJsonMembersCustomizer;

/**
 * Redacts every value of every structured log line: the message, the stack trace (which
 * carries exception messages), MDC entries and SLF4J key-value pairs, whatever the format
 * (logstash, ecs, gelf) and whichever appender (console, file). So a careless
 * {@code log.info(userText)} is masked too.
 *
 * <p>Registered in {@code META-INF/spring.factories} rather than through the
 * {@code logging.structured.json.customizer} property: Spring Boot applies factories
 * customizers in addition to any configured one, so an operator setting that property for
 * their own reasons cannot switch redaction off by accident.
 */
public final class RedactingLogCustomizer implements StructuredLoggingJsonMembersCustomizer<Object> {

	/** Written by the logging system itself, never from user input; trace ids are hex. */
	private static final Set<String> STRUCTURAL = Set.of("@timestamp", "@version", "level", "level_value",
			"traceId", "spanId");

	@Override
	public void customize(JsonWriter.Members<Object> members) {
		members.applyingValueProcessor(this::redact);
	}

	private @Nullable Object redact(JsonWriter.MemberPath path, @Nullable Object value) {
		if (value == null || value instanceof Number || value instanceof Boolean || value instanceof Map
				|| value instanceof Iterable || value instanceof WritableJson || value.getClass().isArray()) {
			// Scalars cannot hold text; the elements of containers pass through here one by one.
			return value;
		}
		if (STRUCTURAL.contains(path.toUnescapedString())) {
			return value;
		}
		return Redactor.redact(value.toString());
	}

}

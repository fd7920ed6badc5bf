package dev.enclave.gateway.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.FieldIssue;
import org.jspecify.annotations.Nullable;

/**
 * The JSON shape of every non-2xx response. {@code message}, {@code type}, {@code param} and
 * {@code code} are OpenAI's names so OpenAI SDKs parse our errors.
 */
public record ErrorEnvelope(Body error) {

	public static ErrorEnvelope of(ApiException exception, String traceId, Instant now) {
		return new ErrorEnvelope(new Body(exception.code().code(), exception.code().type(), exception.getMessage(),
				exception.param(), exception.details(), traceId, now.truncatedTo(ChronoUnit.MILLIS).toString()));
	}

	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record Body(String code, String type, String message, @Nullable String param, List<FieldIssue> details,
			String traceId, String timestamp) {
	}

}

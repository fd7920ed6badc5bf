package dev.enclave.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts the error envelope field by field, as DESIGN.md defines it. */
public final class Envelopes {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private Envelopes() {
	}

	/**
	 * Asserts status, content type and the exact shape of the envelope, and that its trace
	 * id is the one in the response's {@code traceparent} header. Returns the {@code error}
	 * object for further checks.
	 */
	public static JsonNode assertEnvelope(EntityExchangeResult<byte[]> result, int status, String code, String type) {
		assertThat(result.getStatus().value()).as("status").isEqualTo(status);
		assertThat(result.getResponseHeaders().getContentType()).as("content type")
			.isNotNull()
			.satisfies((contentType) -> assertThat(contentType.isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue());
		byte[] body = result.getResponseBody();
		assertThat(body).as("body").isNotNull();
		JsonNode root = JSON.readTree(body);
		assertThat(names(root)).as("top-level fields").containsExactly("error");
		JsonNode error = root.get("error");
		assertThat(names(error)).as("error fields")
			.containsExactly("code", "type", "message", "param", "details", "traceId", "timestamp");
		if (code != null) {
			// Null: the caller checks the code itself, where more than one is right.
			assertThat(error.get("code").asString()).isEqualTo(code);
		}
		assertThat(error.get("type").asString()).isEqualTo(type);
		assertThat(error.get("message").isString()).isTrue();
		assertThat(error.get("message").asString()).isNotBlank();
		assertThat(error.get("param").isNull() || error.get("param").isString()).as("param is null or a string")
			.isTrue();
		assertThat(error.get("details").isArray()).as("details is an array").isTrue();
		for (JsonNode detail : error.get("details")) {
			assertThat(names(detail)).containsExactly("field", "issue");
		}
		String traceId = error.get("traceId").asString();
		assertThat(traceId).matches("[0-9a-f]{32}");
		String traceparent = result.getResponseHeaders().getFirst("traceparent");
		assertThat(traceparent).as("traceparent header").isNotNull().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
		assertThat(traceparent.substring(3, 35)).as("header and envelope carry one trace id").isEqualTo(traceId);
		Instant timestamp = Instant.parse(error.get("timestamp").asString());
		assertThat(Duration.between(timestamp, Instant.now()).abs()).isLessThan(Duration.ofMinutes(2));
		return error;
	}

	/** The {@code details} of an envelope as {@code field: issue} strings. */
	public static List<String> details(JsonNode error) {
		List<String> details = new ArrayList<>();
		for (JsonNode detail : error.get("details")) {
			details.add(detail.get("field").asString() + ": " + detail.get("issue").asString());
		}
		return details;
	}

	private static List<String> names(JsonNode node) {
		List<String> names = new ArrayList<>();
		node.propertyNames().forEach(names::add);
		return names;
	}

}

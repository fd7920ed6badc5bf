package dev.enclave.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.enclave.support.EnclaveIT;
import fixtures.GatewayFixtures;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static dev.enclave.support.Envelopes.details;
import static org.assertj.core.api.Assertions.assertThat;

/** Every failure the edge can meet is answered with the envelope, field by field. */
class ErrorEnvelopeIT extends EnclaveIT {

	private static final String ORDERS = "/test-fixtures/orders";

	@Test
	void unknownRouteIs404() {
		// Outside the API a path without a file name is the console's own route (see ConsoleIT).
		String admin = identities().admin();
		JsonNode error = assertEnvelope(http().get().uri("/api/v1/no/such/route").headers((h) -> h.setBearerAuth(admin))
			.exchange().expectBody().returnResult(), 404, "not_found", "not_found_error");
		assertThat(error.get("message").asString()).contains("/api/v1/no/such/route");
		assertThat(error.get("param").isNull()).isTrue();
		assertThat(error.get("details")).isEmpty();
	}

	@Test
	void wrongMethodIs405WithAllow() {
		EntityExchangeResult<byte[]> result = http().post().uri("/test-fixtures/bug").exchange().expectBody().returnResult();
		JsonNode error = assertEnvelope(result, 405, "method_not_allowed", "invalid_request_error");
		assertThat(result.getResponseHeaders().getFirst(HttpHeaders.ALLOW)).isEqualTo("GET");
		assertThat(error.get("message").asString()).contains("POST");
	}

	@Test
	void unacceptableAcceptIs406() {
		EntityExchangeResult<byte[]> result = http().get()
			.uri("/test-fixtures/items?page=1")
			.accept(MediaType.APPLICATION_XML)
			.exchange()
			.expectBody()
			.returnResult();
		JsonNode error = assertEnvelope(result, 406, "not_acceptable", "invalid_request_error");
		assertThat(error.get("message").asString()).contains("application/json");
	}

	@Test
	void malformedJsonIs400NamingTheBody() {
		JsonNode error = assertEnvelope(postJson(ORDERS, "{\"customerName\": \"Li Lei\", "), 400, "invalid_request",
				"invalid_request_error");
		assertThat(details(error)).singleElement().asString().startsWith("body: malformed JSON");
		assertThat(error.toString()).doesNotContain("Li Lei");
	}

	@Test
	void wrongTypeIs400NamingTheField() {
		JsonNode error = assertEnvelope(
				postJson(ORDERS, "{\"customerName\": \"a\", \"quantity\": \"many\", \"messages\": []}"), 400,
				"invalid_request", "invalid_request_error");
		assertThat(details(error)).containsExactly("quantity: must be an integer");
		assertThat(error.get("param").asString()).isEqualTo("quantity");
		assertThat(error.toString()).doesNotContain("many");
	}

	@Test
	void wrongTypeInsideAnArrayIs400WithItsPath() {
		JsonNode error = assertEnvelope(postJson(ORDERS,
				"{\"customerName\": \"a\", \"quantity\": 1, \"messages\": [{\"role\": \"user\", \"content\": []}]}"),
				400, "invalid_request", "invalid_request_error");
		assertThat(details(error)).containsExactly("messages[0].content: must be a string");
		assertThat(error.get("param").asString()).isEqualTo("messages[0].content");
	}

	@Test
	void missingFieldsAre400WithEachFieldNamed() {
		JsonNode error = assertEnvelope(postJson(ORDERS, "{\"messages\": [{\"role\": \"user\"}]}"), 400,
				"invalid_request", "invalid_request_error");
		assertThat(details(error)).containsExactlyInAnyOrder("customerName: must not be blank",
				"quantity: must not be null", "messages[0].content: must not be blank");
	}

	@Test
	void emptyBodyIs400() {
		JsonNode error = assertEnvelope(postJson(ORDERS, ""), 400, "invalid_request", "invalid_request_error");
		assertThat(details(error)).containsExactly("body: must not be empty");
	}

	@Test
	void badQueryParameterIs400NamingIt() {
		JsonNode wrongType = assertEnvelope(get("/test-fixtures/items?page=abc"), 400, "invalid_request",
				"invalid_request_error");
		assertThat(wrongType.get("param").asString()).isEqualTo("page");
		JsonNode missing = assertEnvelope(get("/test-fixtures/items"), 400, "invalid_request",
				"invalid_request_error");
		assertThat(details(missing)).containsExactly("page: is required");
	}

	@Test
	void declaredOversizedBodyIs413() {
		byte[] body = new byte[1024 * 1024 + 1];
		Arrays.fill(body, (byte) 'a');
		EntityExchangeResult<byte[]> result = http().post()
			.uri(ORDERS)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
		assertEnvelope(result, 413, "payload_too_large", "invalid_request_error");
	}

	@Test
	void chunkedOversizedBodyIs413() {
		// No Content-Length: the limit applies while the body is decoded.
		String json = "{\"customerName\": \"" + "x".repeat(1024 * 1024) + "\", \"quantity\": 1, \"messages\": []}";
		byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		Flux<DataBuffer> chunks = Flux.range(0, (bytes.length + 8191) / 8192)
			.map((i) -> DefaultDataBufferFactory.sharedInstance.wrap(
					Arrays.copyOfRange(bytes, i * 8192, Math.min(bytes.length, (i + 1) * 8192))));
		EntityExchangeResult<byte[]> result = http().post()
			.uri(ORDERS)
			.contentType(MediaType.APPLICATION_JSON)
			.body(chunks, DataBuffer.class)
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(result.getRequestHeaders().getContentLength()).isEqualTo(-1);
		assertEnvelope(result, 413, "payload_too_large", "invalid_request_error");
	}

	@Test
	void wrongContentTypeIs415() {
		EntityExchangeResult<byte[]> result = http().post()
			.uri(ORDERS)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("customerName=a")
			.exchange()
			.expectBody()
			.returnResult();
		JsonNode error = assertEnvelope(result, 415, "unsupported_media_type", "invalid_request_error");
		assertThat(error.get("message").asString()).contains("text/plain").contains("application/json");
	}

	@Test
	void unauthenticatedApiCallIs401WithBearerChallenge() {
		EntityExchangeResult<byte[]> result = get("/api/v1/conversations");
		assertEnvelope(result, 401, "unauthenticated", "authentication_error");
		assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).startsWith("Bearer");
	}

	@Test
	void upstreamTimeoutIs504() {
		assertEnvelope(get("/test-fixtures/upstream-timeout"), 504, "upstream_timeout", "timeout_error");
	}

	@Test
	void unexpectedExceptionIs500AndLeaksNothing() {
		EntityExchangeResult<byte[]> result = get("/test-fixtures/bug");
		JsonNode error = assertEnvelope(result, 500, "internal_error", "server_error");
		String body = new String(result.getResponseBody(), StandardCharsets.UTF_8);
		assertThat(body).doesNotContain("hunter2")
			.doesNotContain(GatewayFixtures.INTERNAL_DETAIL)
			.doesNotContain("IllegalStateException")
			.doesNotContain("dev.enclave")
			.doesNotContain("\tat ");
		assertThat(error.get("details")).isEmpty();
	}

	@Test
	void inboundTraceparentIsHonoured() {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		EntityExchangeResult<byte[]> result = http().get()
			.uri("/actuator/no/such/route")
			.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
			.exchange()
			.expectBody()
			.returnResult();
		JsonNode error = assertEnvelope(result, 404, "not_found", "not_found_error");
		assertThat(error.get("traceId").asString()).isEqualTo(traceId);
	}

	@Test
	void successfulResponsesCarryATraceIdToo() {
		EntityExchangeResult<byte[]> result = get("/test-fixtures/items?page=2");
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getFirst("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
	}

	@Test
	void withoutATraceEndpointNoSpansAreMadeAndTraceIdsStay(@Autowired ObjectProvider<Tracer> tracers) {
		// This suite's configuration sets no trace endpoint: tracing is left out, the trace ids are TraceIds' own.
		assertThat(tracers.getIfAvailable(() -> Tracer.NOOP)).isSameAs(Tracer.NOOP);
		EntityExchangeResult<byte[]> first = get("/test-fixtures/items?page=2");
		EntityExchangeResult<byte[]> second = get("/test-fixtures/items?page=2");
		assertThat(first.getResponseHeaders().getFirst("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")
			.isNotEqualTo(second.getResponseHeaders().getFirst("traceparent"));
	}

	private EntityExchangeResult<byte[]> get(String uri) {
		return http().get().uri(uri).exchange().expectBody().returnResult();
	}

	private EntityExchangeResult<byte[]> postJson(String uri, String json) {
		return http().post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(json.getBytes(StandardCharsets.UTF_8))
			.exchange()
			.expectBody()
			.returnResult();
	}

}

package dev.enclave.gateway;

import java.io.IOException;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.RawHttp;
import dev.enclave.support.RawHttp.Answer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests refused before any handler runs, by Spring Security's firewall or by the HTTP
 * codec, still get the error envelope: written on a raw socket, since an HTTP client would
 * refuse to send most of them.
 */
class EdgeRejectionsIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@ParameterizedTest
	@ValueSource(strings = { "/api/v1/conversations/%2F..%2Fadmin", "/api/v1/conversations/abc%00def",
			"/api/v1/conversations/%5C..%5Cetc", "/api/v1/conversations/a;jsessionid=1", "/v1/models/%252e%252e" })
	void theFirewallsRefusalsAreEnveloped(String path) throws IOException {
		Answer answer = send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
		assertThat(answer.status()).isEqualTo(400);
		assertThat(envelope(answer).get("code").asString()).isEqualTo("invalid_request");
		assertThat(envelope(answer).get("message").asString()).doesNotContain(path);
		assertThat(envelope(answer).get("traceId").asString()).hasSize(32);
	}

	@Test
	void aRequestLineOverTheLimitIs414InTheEnvelope() throws IOException {
		Answer answer = send("GET /v1/models?" + "a".repeat(8000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
		assertThat(answer.status()).isEqualTo(414);
		assertThat(answer.head()).containsIgnoringCase("content-type: application/json");
		assertThat(envelope(answer).get("code").asString()).isEqualTo("uri_too_long");
		assertThat(envelope(answer).get("type").asString()).isEqualTo("invalid_request_error");
	}

	@Test
	void headersOverTheLimitAre431InTheEnvelope() throws IOException {
		Answer answer = send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + "b".repeat(20_000)
				+ "\r\n\r\n");
		assertThat(answer.status()).isEqualTo(431);
		assertThat(envelope(answer).get("code").asString()).isEqualTo("headers_too_large");
		assertThat(answer.head()).containsIgnoringCase("traceparent: 00-" + envelope(answer).get("traceId").asString());
	}

	@Test
	void bytesThatAreNotHttpAre400InTheEnvelope() throws IOException {
		Answer answer = send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Name: x\r\n\r\n");
		assertThat(answer.status()).isEqualTo(400);
		assertThat(envelope(answer).get("code").asString()).isEqualTo("invalid_request");
	}

	@Test
	void theApplicationStillAnswersAfterwards() throws IOException {
		send("GET /v1/models?" + "a".repeat(8000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
		Answer health = send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
		assertThat(health.status()).isEqualTo(200);
	}

	private Answer send(String request) throws IOException {
		return RawHttp.send(this.port, request);
	}

	private static JsonNode envelope(Answer answer) {
		assertThat(answer.body()).as("body").isNotEmpty();
		return JSON.readTree(answer.body()).get("error");
	}

}

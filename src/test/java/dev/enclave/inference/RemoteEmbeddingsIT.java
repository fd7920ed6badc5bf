package dev.enclave.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Envelopes;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream.Reply;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/embeddings} through Enclave to an embedding model on a model server: the
 * vectors as the server sent them, the input checked and counted first, usage recorded,
 * and the input never logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class RemoteEmbeddingsIT extends RemoteIT {

	private Map<String, Object> key;

	@BeforeEach
	void apiKey() {
		this.key = identities().createApiKey(identities().admin(), Identities.uniqueSubject("embed"), "chat");
	}

	@Test
	void vectorsComeAsTheServerSentThemAndUsageIsRecorded(CapturedOutput output) {
		SOLO.embeddings(Reply.embedding(2, 4));
		EntityExchangeResult<byte[]> result = post(Map.of("model", "scripted/embed", "input",
				List.of("Customer Grace asked about invoice 1234", "refund policy"), "encoding_format", "float",
				"dimensions", 4, "user", "end-user-9"));
		assertThat(result.getStatus().value()).isEqualTo(200);
		JsonNode body = ChatCompletionsClient.json(result);
		assertThat(body.get("object").asString()).isEqualTo("list");
		assertThat(body.get("model").asString()).isEqualTo("scripted/embed");
		assertThat(body.get("data")).hasSize(2);
		assertThat(body.get("data").get(1).get("index").asInt()).isEqualTo(1);
		assertThat(body.get("data").get(1).get("embedding").get(0).asDouble()).isEqualTo(1.25);
		assertThat(body.get("usage").get("prompt_tokens").asInt()).as("the server's count").isEqualTo(5);
		assertThat(result.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")).isNotNull();

		JsonNode sent = SOLO.requests("/v1/embeddings").get(0).body();
		assertThat(sent.get("model").asString()).isEqualTo("scripted/embed");
		assertThat(sent.get("input").get(0).asString()).isEqualTo("Customer Grace asked about invoice 1234");
		assertThat(sent.get("encoding_format").asString()).isEqualTo("float");
		assertThat(sent.get("dimensions").asInt()).isEqualTo(4);
		assertThat(sent.has("user")).isFalse();
		usageWritten();
		assertThat(TestDatabase.query("SELECT operation || '/' || prompt_tokens || '/' || completion_tokens FROM "
				+ "usage_events WHERE subject_id = '" + this.key.get("id") + "'")).containsExactly("embedding/5/0");
		assertThat(output.getAll()).doesNotContain("Customer Grace").doesNotContain("invoice 1234");
	}

	@Test
	void tokenIdsAreInputToo() {
		SOLO.embeddings(Reply.embedding(2, 2));
		assertThat(post(Map.of("model", "scripted/embed", "input", List.of(List.of(1, 2, 3), List.of(4))))
			.getStatus()
			.value()).isEqualTo(200);
	}

	@Test
	void badInputIsRefusedBeforeAnyServerIsAsked() {
		assertParam(post(Map.of("model", "scripted/embed")), 400, "input");
		assertParam(post(Map.of("model", "scripted/embed", "input", "")), 400, "input");
		assertParam(post(Map.of("model", "scripted/embed", "input", List.of())), 400, "input");
		assertParam(post(Map.of("model", "scripted/embed", "input", List.of("fine", 7))), 400, "input[1]");
		assertParam(post(Map.of("model", "scripted/embed", "input", List.of(List.of(1, -2)))), 400, "input[0][1]");
		List<String> tooMany = new ArrayList<>();
		for (int i = 0; i < 2049; i++) {
			tooMany.add("x");
		}
		assertParam(post(Map.of("model", "scripted/embed", "input", tooMany)), 400, "input");
		assertParam(post(Map.of("input", "hello")), 400, "model");
		assertParam(post(Map.of("model", "demo", "input", "hello")), 400, "model");
		assertParam(post(Map.of("model", "scripted/solo", "input", "hello")), 400, "model");
		assertParam(post(Map.of("model", "no-such-model", "input", "hello")), 404, "model");
		assertThat(SOLO.requests("/v1/embeddings")).isEmpty();
		// And the other way round: an embedding model does not chat.
		assertParam(completions().post((String) this.key.get("key"), Map.of("model", "scripted/embed", "messages",
				List.of(Map.of("role", "user", "content", "Hi")))), 400, "model");
	}

	@Test
	void anAnswerWithoutOneVectorPerInputIsTheServersError() {
		SOLO.embeddings(Reply.embedding(1, 4));
		Envelopes.assertEnvelope(post(Map.of("model", "scripted/embed", "input", List.of("a", "b"))), 502,
				"upstream_error", "server_error");
	}

	private EntityExchangeResult<byte[]> post(Map<String, Object> body) {
		return http().post()
			.uri("/v1/embeddings")
			.headers((headers) -> headers.setBearerAuth((String) this.key.get("key")))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static void assertParam(EntityExchangeResult<byte[]> result, int status, String param) {
		JsonNode error = Envelopes.assertEnvelope(result, status, (status == 404) ? "not_found" : "invalid_request",
				(status == 404) ? "not_found_error" : "invalid_request_error");
		assertThat(error.get("param").asString()).isEqualTo(param);
	}

}

package dev.enclave.inference;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Envelopes;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream;
import dev.enclave.support.ScriptedUpstream.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.ScriptedUpstream.chunk;
import static dev.enclave.support.ScriptedUpstream.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Enclave in front of OpenAI-compatible model servers, over real HTTP both ways: one model
 * list, streams passed through with Enclave's accounting, failover before the first token
 * and never after it, circuit breakers that open and close, and every upstream failure
 * answered in the envelope.
 */
@ExtendWith(OutputCaptureExtension.class)
class RemoteBackendsIT extends RemoteIT {

	private String key;

	@BeforeEach
	void apiKey() {
		this.key = (String) identities().createApiKey(identities().admin(), Identities.uniqueSubject("remote"), "chat")
			.get("key");
	}

	@Test
	void localAndRemoteModelsAreOneList() {
		JsonNode models = ChatCompletionsClient.parse(new String(http().get()
			.uri("/v1/models")
			.headers((headers) -> headers.setBearerAuth(this.key))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody(), StandardCharsets.UTF_8));
		assertThat(models.get("data").findValuesAsString("id")).containsExactly("demo", "scripted/solo",
				"scripted/embed", "scripted/pair", "scripted/flaky");
		JsonNode pair = models.get("data").get(3);
		assertThat(pair.get("owned_by").asString()).isEqualTo("primary,secondary");
		assertThat(pair.get("aliases").get(0).asString()).isEqualTo("pair");
	}

	@Test
	void aStreamIsTheServersStreamWithEnclavesIdentityAndUsage(CapturedOutput output) {
		SOLO.chat(Reply.text("Hello", " from", " upstream"));
		EntityExchangeResult<byte[]> result = completions().post(this.key,
				Map.of("model", "scripted/solo", "stream", true, "stream_options", Map.of("include_usage", true),
						"messages", List.of(Map.of("role", "user", "content", "Greet the secret customer Ada"))));
		assertThat(result.getStatus().value()).isEqualTo(200);
		List<String> data = ChatCompletionsClient.data(new String(result.getResponseBody(), StandardCharsets.UTF_8));
		assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
		List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(ChatCompletionsClient::parse).toList();
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.get("id").asString()).startsWith("chatcmpl-");
			assertThat(chunk.get("model").asString()).isEqualTo("scripted/solo");
		});
		StringBuilder text = new StringBuilder();
		chunks.forEach((chunk) -> chunk.path("choices").forEach((choice) -> text.append(choice.path("delta").path("content").asString(""))));
		assertThat(text.toString()).isEqualTo("Hello from upstream");
		assertThat(chunks.get(chunks.size() - 2).get("choices").get(0).get("finish_reason").asString()).isEqualTo("stop");
		JsonNode usage = chunks.get(chunks.size() - 1).get("usage");
		assertThat(usage.get("prompt_tokens").asInt()).as("the server's count").isEqualTo(11);
		assertThat(usage.get("completion_tokens").asInt()).isEqualTo(3);

		ScriptedUpstream.Recorded sent = SOLO.requests("/v1/chat/completions").get(0);
		assertThat(sent.headers().get("authorization")).isEqualTo("Bearer " + SOLO_API_KEY);
		assertThat(sent.body().get("model").asString()).isEqualTo("scripted/solo");
		assertThat(sent.body().get("stream").asBoolean()).isTrue();
		assertThat(sent.body().get("stream_options").get("include_usage").asBoolean()).isTrue();
		assertThat(sent.body().get("messages").get(0).get("content").asString()).isEqualTo("Greet the secret customer Ada");
		assertThat(output.getAll()).doesNotContain(SOLO_API_KEY).doesNotContain("secret customer Ada")
			.doesNotContain("Hello from upstream");
	}

	@Test
	void fieldsEnclaveDoesNotInterpretGoUpstreamUnchangedAndComeBack() {
		SOLO.chat(Reply.stream(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"Yes\",\"reasoning_content\":\"Think\"}", null)
					.replace("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"Yes\",\"logprob\":-0.1}]}"),
				chunk("{\"content\":\"!\",\"reasoning_content\":\"ing\"}", null)
					.replace("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"!\",\"logprob\":-0.2}]}"),
				chunk("{}", "stop"), usage(9, 2))));
		JsonNode answer = ChatCompletionsClient.json(completions().post(this.key, Map.of("model", "scripted/solo",
				"messages", List.of(Map.of("role", "user", "content", "Sure?")), "response_format",
				Map.of("type", "json_object"), "logprobs", true, "top_logprobs", 2, "repetition_penalty", 1.1, "user",
				"end-user-77", "max_tokens", 20, "temperature", 0)));
		JsonNode sent = SOLO.requests("/v1/chat/completions").get(0).body();
		assertThat(sent.get("response_format").get("type").asString()).isEqualTo("json_object");
		assertThat(sent.get("logprobs").asBoolean()).isTrue();
		assertThat(sent.get("top_logprobs").asInt()).isEqualTo(2);
		assertThat(sent.get("repetition_penalty").asDouble()).isEqualTo(1.1);
		assertThat(sent.get("max_tokens").asInt()).isEqualTo(20);
		assertThat(sent.get("temperature").asDouble()).isZero();
		assertThat(sent.has("user")).as("an end-user id stays with Enclave").isFalse();

		JsonNode choice = answer.get("choices").get(0);
		assertThat(choice.get("message").get("content").asString()).isEqualTo("Yes!");
		assertThat(choice.get("message").get("reasoning_content").asString()).isEqualTo("Thinking");
		assertThat(choice.get("logprobs").get("content").findValuesAsString("token")).containsExactly("Yes", "!");
		assertThat(answer.get("usage").get("prompt_tokens").asInt()).isEqualTo(9);
	}

	@Test
	void anAnswerThatArrivesInOnePieceLeavesAsOneResponseWithItsLength() {
		SOLO.chat(Reply.atOnce(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"All\"}", null), chunk("{\"content\":\" at once\"}", null), chunk("{}", "stop"),
				usage(4, 2))));
		EntityExchangeResult<byte[]> result = completions().post(this.key, Map.of("model", "scripted/solo", "stream",
				true, "messages", List.of(Map.of("role", "user", "content", "Quick?"))));
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.TEXT_EVENT_STREAM);
		assertThat(result.getResponseHeaders().getContentLength()).isEqualTo(result.getResponseBody().length);
		assertThat(result.getResponseHeaders().containsHeader(HttpHeaders.TRANSFER_ENCODING)).isFalse();
		List<String> data = ChatCompletionsClient.data(new String(result.getResponseBody(), StandardCharsets.UTF_8));
		assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
		StringBuilder text = new StringBuilder();
		data.subList(0, data.size() - 1).stream().map(ChatCompletionsClient::parse).forEach((chunk) -> chunk
			.path("choices").forEach((choice) -> text.append(choice.path("delta").path("content").asString(""))));
		assertThat(text.toString()).isEqualTo("All at once");
	}

	@Test
	void eachChunkIsPassedOnAsItArrivesNotWhenTheAnswerEnds() {
		reactor.core.publisher.Sinks.Empty<Void> gate = reactor.core.publisher.Sinks.empty();
		SOLO.chat(Reply.gated(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"first\"}", null)), gate.asMono(),
				List.of(chunk("{\"content\":\" second\"}", null), chunk("{}", "stop"), usage(3, 2))));
		List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		reactor.core.Disposable stream = streamFromSolo(received);
		try {
			// The server holds back the rest of its answer until the client has the first piece.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> received.stream().anyMatch((event) -> event.contains("\"content\":\"first\"")));
			assertThat(received).noneMatch((event) -> event.contains("second"));
			gate.tryEmitEmpty();
			await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("[DONE]"));
			assertThat(received).anyMatch((event) -> event.contains("\"content\":\" second\""));
		}
		finally {
			stream.dispose();
		}
	}

	@Test
	void aClientThatLeavesClosesTheServersRequest() {
		int before = ScriptedUpstream.abandoned();
		SOLO.chat(Reply.gated(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"Thinking\"}", null)), reactor.core.publisher.Mono.never(), List.of()));
		List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		reactor.core.Disposable stream = streamFromSolo(received);
		await().atMost(Duration.ofSeconds(10)).until(() -> received.stream().anyMatch((event) -> event.contains("Thinking")));
		stream.dispose();
		// vLLM aborts a request whose connection closes; the scripted server sees it close.
		await().atMost(Duration.ofSeconds(10)).until(() -> ScriptedUpstream.abandoned() > before);
		assertThat(prometheus()).contains("enclave_upstream_requests_total{backend=\"solo\",outcome=\"cancelled\"}");
	}

	@Test
	void withoutTheServersUsageTheModelsOwnTokenizerCounts() throws Exception {
		SOLO.chat(Reply.stream(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"Counted by Enclave\"}", null), chunk("{}", "stop"))));
		List<Map<String, String>> messages = List.of(Map.of("role", "system", "content", "Be brief."),
				Map.of("role", "user", "content", "How many tokens is this?"));
		JsonNode remote = ChatCompletionsClient.json(completions().post(this.key,
				Map.of("model", "scripted/solo", "messages", messages)));
		// The local demo model has the same tokenizer and template: its count is the reference.
		JsonNode local = ChatCompletionsClient.json(completions().post(this.key,
				Map.of("model", "demo", "messages", messages, "max_tokens", 1)));
		assertThat(remote.get("usage").get("prompt_tokens").asInt())
			.isEqualTo(local.get("usage").get("prompt_tokens").asInt());
		try (dev.enclave.inference.internal.generation.TextTokenizer tokenizer = dev.enclave.inference.internal.generation.TextTokenizer
			.load(dev.enclave.support.TestDatabase.dataDir().resolve("models/demo/tokenizer.json"))) {
			assertThat(remote.get("usage").get("completion_tokens").asInt())
				.isEqualTo(tokenizer.encode("Counted by Enclave").length);
		}
	}

	@Test
	void aFailureBeforeTheFirstTokenIsTriedOnAnotherServer() {
		PRIMARY.chat(Reply.json(500, "{\"error\":{\"message\":\"CUDA out of memory\"}}"));
		SECONDARY.chat(Reply.text("Answered", " by secondary"));
		JsonNode answer = ChatCompletionsClient.json(completions().post(this.key,
				Map.of("model", "pair", "messages", List.of(Map.of("role", "user", "content", "Hi")))));
		assertThat(answer.get("choices").get(0).get("message").get("content").asString())
			.isEqualTo("Answered by secondary");
		assertThat(answer.get("model").asString()).as("the alias's model").isEqualTo("scripted/pair");
		assertThat(PRIMARY.requests("/v1/chat/completions")).hasSize(1);
		assertThat(SECONDARY.requests("/v1/chat/completions")).hasSize(1);
		assertThat(prometheus()).containsPattern("enclave_upstream_failovers_total\\{[^}]*model=\"scripted/pair\"[^}]*} [1-9]");
	}

	@Test
	void aFailureAfterTheFirstTokenIsNeverRetriedAndTheAnswerIsStoredAsFailed() {
		PRIMARY.chat(Reply.reset(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"Half an\"}", null))));
		String token = identities().admin();
		String conversation = new dev.enclave.support.Chats(http())
			.create(token, Map.of("title", "remote", "model", "pair"))
			.get("id")
			.asString();
		List<org.springframework.http.codec.ServerSentEvent<String>> events = new dev.enclave.support.Chats(http())
			.streamAll(token, conversation, "Tell me");
		assertThat(events.stream().filter((event) -> "delta".equals(event.event())).map((event) -> dev.enclave.support.Chats
			.json(event.data()).get("text").asString())).containsExactly("Half an");
		org.springframework.http.codec.ServerSentEvent<String> last = events.get(events.size() - 1);
		assertThat(last.event()).isEqualTo("error");
		assertThat(dev.enclave.support.Chats.json(last.data()).get("error").get("code").asString())
			.isEqualTo("upstream_error");
		assertThat(SECONDARY.requests("/v1/chat/completions")).as("never retried after a token").isEmpty();
		JsonNode stored = new dev.enclave.support.Chats(http()).get(token, conversation).get("messages").get(1);
		assertThat(stored.get("status").asString()).isEqualTo("failed");
		assertThat(stored.get("content").asString()).isEqualTo("Half an");
	}

	@Test
	void aConsoleTurnOnARemoteModelStreamsStoresAndAccountsLikeALocalOne() {
		SOLO.chat(Reply.text("Your", " order", " ships", " today"));
		String token = identities().admin();
		dev.enclave.support.Chats chats = new dev.enclave.support.Chats(http());
		String conversation = chats.create(token, Map.of("title", "order status", "model", "scripted/solo"))
			.get("id")
			.asString();
		List<org.springframework.http.codec.ServerSentEvent<String>> events = chats.streamAll(token, conversation,
				"Where is my order?");
		assertThat(events.stream().filter((event) -> "delta".equals(event.event())).map((event) -> dev.enclave.support.Chats
			.json(event.data()).get("text").asString())).containsExactly("Your", " order", " ships", " today");
		JsonNode completed = dev.enclave.support.Chats.json(events.get(events.size() - 1).data());
		assertThat(events.get(events.size() - 1).event()).isEqualTo("message.completed");
		assertThat(completed.get("content").asString()).isEqualTo("Your order ships today");
		assertThat(completed.get("model").asString()).isEqualTo("scripted/solo");
		assertThat(completed.get("prompt_tokens").asInt()).as("the server's usage").isEqualTo(11);
		assertThat(completed.get("completion_tokens").asInt()).isEqualTo(4);
		assertThat(completed.get("finish_reason").asString()).isEqualTo("stop");

		JsonNode stored = chats.get(token, conversation).get("messages");
		assertThat(stored.get(1).get("content").asString()).isEqualTo("Your order ships today");
		assertThat(stored.get(1).get("status").asString()).isEqualTo("complete");
		// The prompt went as messages; the console's own max_tokens came along.
		JsonNode sent = SOLO.requests("/v1/chat/completions").get(0).body();
		assertThat(sent.get("messages").get(sent.get("messages").size() - 1).get("content").asString())
			.isEqualTo("Where is my order?");
		assertThat(sent.get("max_tokens").asInt()).isPositive();
		usageWritten();
		assertThat(dev.enclave.support.TestDatabase.query("SELECT prompt_tokens || '/' || completion_tokens FROM "
				+ "usage_events WHERE model = 'scripted/solo' AND completion_tokens = 4"))
			.as("one ledger row with the server's counts").containsExactly("11/4");
	}

	@Test
	void aBreakerOpensAfterFailuresAndClosesAfterASuccessfulTrial() {
		for (int i = 0; i < 3; i++) {
			PRIMARY.chat(Reply.json(503, "{}"));
			SECONDARY.chat(Reply.text("ok"));
			assertThat(complete("pair")).isEqualTo("ok");
		}
		assertThat(breaker("primary")).isEqualTo("open");
		SECONDARY.chat(Reply.text("still ok"));
		assertThat(complete("pair")).isEqualTo("still ok");
		assertThat(PRIMARY.requests("/v1/chat/completions")).as("an open breaker is not asked").hasSize(3);

		this.clock.advance(Duration.ofSeconds(31));
		PRIMARY.chat(Reply.text("primary is back"));
		assertThat(complete("pair")).isEqualTo("primary is back");
		assertThat(breaker("primary")).isEqualTo("closed");
	}

	@Test
	void whenEveryBreakerIsOpenTheModelIsUnavailableWithRetryAfter() {
		for (int i = 0; i < 3; i++) {
			FLAKY.chat(Reply.json(500, "{}"));
			Envelopes.assertEnvelope(post("scripted/flaky"), 502, "upstream_error", "server_error");
		}
		EntityExchangeResult<byte[]> refused = post("scripted/flaky");
		Envelopes.assertEnvelope(refused, 503, "model_unavailable", "server_error");
		assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("Retry-After"))).isBetween(1L, 30L);
		assertThat(FLAKY.requests("/v1/chat/completions")).hasSize(3);
	}

	@Test
	void aServersRateLimitIsOurs429WithItsRetryAfter() {
		FLAKY.chat(Reply.json(429, "{\"error\":{\"message\":\"slow down\"}}", Map.of("Retry-After", "7")));
		EntityExchangeResult<byte[]> result = post("scripted/flaky");
		Envelopes.assertEnvelope(result, 429, "rate_limit_exceeded", "rate_limit_error");
		assertThat(result.getResponseHeaders().getFirst("Retry-After")).isEqualTo("7");
	}

	@Test
	void aServerErrorIsABadGatewayThatKeepsTheServersBodyToItself() {
		FLAKY.chat(Reply.json(500, "{\"error\":{\"message\":\"Traceback: secret-upstream-detail\"}}"));
		EntityExchangeResult<byte[]> result = post("scripted/flaky");
		Envelopes.assertEnvelope(result, 502, "upstream_error", "server_error");
		assertThat(new String(result.getResponseBody(), StandardCharsets.UTF_8)).doesNotContain("secret-upstream-detail")
			.doesNotContain("Traceback");
	}

	@Test
	void aMalformedChunkIsABadGateway() {
		FLAKY.chat(Reply.stream(List.of("{not json")));
		Envelopes.assertEnvelope(post("scripted/flaky"), 502, "upstream_error", "server_error");
	}

	@Test
	void aRequestTheServerRefusesIsTheClientsInvalidRequest() {
		FLAKY.chat(Reply.json(400, "{\"error\":{\"message\":\"max_tokens is too large: 99999\",\"type\":\"BadRequestError\"}}"));
		JsonNode error = Envelopes.assertEnvelope(post("scripted/flaky"), 400, "invalid_request", "invalid_request_error");
		assertThat(error.get("message").asString()).contains("max_tokens is too large: 99999");
	}

	@Test
	void aServerSilentPastTheReadTimeoutIsAGatewayTimeout() {
		FLAKY.chat(Reply.stall(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null))));
		Envelopes.assertEnvelope(post("scripted/flaky"), 504, "upstream_timeout", "timeout_error");
	}

	@Test
	void aStreamThatStallsAfterItsFirstTokenEndsWithAnErrorEvent() {
		FLAKY.chat(Reply.stall(List.of(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null),
				chunk("{\"content\":\"Partial\"}", null))));
		EntityExchangeResult<byte[]> result = completions().post(this.key, Map.of("model", "scripted/flaky", "stream",
				true, "messages", List.of(Map.of("role", "user", "content", "Hi"))));
		assertThat(result.getStatus().value()).isEqualTo(200);
		List<String> data = ChatCompletionsClient.data(new String(result.getResponseBody(), StandardCharsets.UTF_8));
		assertThat(data).anySatisfy((event) -> assertThat(event).contains("\"content\":\"Partial\""));
		JsonNode last = ChatCompletionsClient.parse(data.get(data.size() - 1));
		assertThat(last.get("error").get("code").asString()).isEqualTo("upstream_timeout");
	}

	@Test
	void readinessReportsEachServer() {
		JsonNode ready = readiness(200);
		assertThat(ready.get("components").get("backends").get("details").get("solo").get("status").asString())
			.isEqualTo("up");
		SOLO.models(Reply.json(503, "{}"));
		try {
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				JsonNode down = readiness(503);
				JsonNode solo = down.get("components").get("backends").get("details").get("solo");
				assertThat(solo.get("status").asString()).isEqualTo("down");
				assertThat(solo.get("reason").asString()).contains("HTTP 503");
			});
			Envelopes.assertEnvelope(post("scripted/solo"), 503, "model_unavailable", "server_error");
		}
		finally {
			SOLO.listing("scripted/solo", "scripted/embed");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> readiness(200));
	}

	/** Streams a completion from {@code scripted/solo}, each event's data into {@code received} as it comes. */
	private reactor.core.Disposable streamFromSolo(List<String> received) {
		return http().post()
			.uri("/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth(this.key))
			.contentType(org.springframework.http.MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("model", "scripted/solo", "stream", true, "messages",
					List.of(Map.of("role", "user", "content", "Hi"))))
			.exchange()
			.returnResult(String.class)
			.getResponseBody()
			.subscribe(received::add);
	}

	private String complete(String model) {
		EntityExchangeResult<byte[]> result = post(model);
		assertThat(result.getStatus().value()).isEqualTo(200);
		return ChatCompletionsClient.json(result).get("choices").get(0).get("message").get("content").asString();
	}

	private EntityExchangeResult<byte[]> post(String model) {
		return completions().post(this.key,
				Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", "Hi"))));
	}

	private String breaker(String backend) {
		return readiness(200).get("components").get("backends").get("details").get(backend).get("breaker").asString();
	}

	private JsonNode readiness(int status) {
		return ChatCompletionsClient.parse(new String(http().get()
			.uri("/health")
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.returnResult()
			.getResponseBody(), StandardCharsets.UTF_8));
	}

	private String prometheus() {
		return new String(http().get().uri("/actuator/prometheus").exchange().expectBody().returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
	}

}

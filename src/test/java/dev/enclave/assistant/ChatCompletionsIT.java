package dev.enclave.assistant;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.enclave.support.ChatCompletionsClient.data;
import static dev.enclave.support.ChatCompletionsClient.json;
import static dev.enclave.support.ChatCompletionsClient.parse;
import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code POST /v1/chat/completions} over real HTTP against the demo model: OpenAI's shapes
 * whole and streamed, its errors in the envelope with the field named, usage in the ledger
 * for every completion, and {@code store: true} kept as an encrypted conversation. The demo
 * model's text is random, so only shapes, finish reasons and numbers are asserted.
 */
class ChatCompletionsIT extends EnclaveIT {

	/** The application's clock: {@code created} is its time, not necessarily the wall clock's. */
	@Autowired
	Clock clock;

	@Autowired
	DatabaseClient db;

	private ChatCompletionsClient chat;

	private String admin;

	private String key;

	private String keyId;

	@BeforeEach
	void appKey() {
		this.chat = new ChatCompletionsClient(http());
		this.admin = identities().admin();
		Map<String, Object> created = identities().createApiKey(this.admin, Identities.uniqueSubject("chat-app"),
				"chat");
		this.key = (String) created.get("key");
		this.keyId = (String) created.get("id");
	}

	@Test
	void aCompletionHasOpenAisShapeAndItsUsageIsRecorded() {
		Instant before = this.clock.instant().minusSeconds(1);
		EntityExchangeResult<byte[]> result = this.chat.post(this.key,
				Map.of("model", "demo", "messages",
						List.of(Map.of("role", "system", "content", "You are terse."),
								Map.of("role", "user", "content", "Say hello")),
						"max_tokens", 8, "temperature", 0.7, "top_p", 0.9, "seed", 42, "stop", "###", "user", "u-1"));
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(result.getResponseHeaders().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
		assertThat(result.getResponseHeaders().getFirst("x-enclave-conversation-id")).isNull();
		JsonNode body = json(result);
		assertThat(body.get("id").asString()).startsWith("chatcmpl-");
		assertThat(body.get("object").asString()).isEqualTo("chat.completion");
		assertThat(body.get("created").asLong()).isBetween(before.getEpochSecond(), this.clock.instant().getEpochSecond());
		assertThat(body.get("model").asString()).isEqualTo("demo");
		assertThat(body.get("choices")).hasSize(1);
		JsonNode choice = body.get("choices").get(0);
		assertThat(choice.get("index").asInt()).isZero();
		assertThat(choice.get("message").get("role").asString()).isEqualTo("assistant");
		assertThat(choice.get("message").get("content").isString()).isTrue();
		assertThat(choice.get("finish_reason").asString()).isIn("stop", "length");
		JsonNode usage = body.get("usage");
		assertThat(usage.get("prompt_tokens").asInt()).isPositive();
		assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 8);
		assertThat(usage.get("total_tokens").asInt())
			.isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());

		List<Map<String, Object>> rows = usageRows(this.keyId);
		assertThat(rows).singleElement().satisfies((row) -> {
			assertThat(row.get("model")).isEqualTo("demo");
			assertThat(row.get("auth_method")).isEqualTo("api_key");
			assertThat(row.get("prompt_tokens")).isEqualTo(usage.get("prompt_tokens").asInt());
			assertThat(row.get("completion_tokens")).isEqualTo(usage.get("completion_tokens").asInt());
			assertThat(row.get("finish_reason")).isEqualTo(choice.get("finish_reason").asString());
		});
	}

	@Test
	void withoutAModelTheDefaultAnswersAndTextPartsAreContent() {
		JsonNode body = json(this.chat.post(this.key, Map.of("messages",
				List.of(Map.of("role", "user", "content",
						List.of(Map.of("type", "text", "text", "Hello"), Map.of("type", "text", "text", "there")))),
				"max_completion_tokens", 4)));
		assertThat(body.get("model").asString()).isEqualTo("demo");
		assertThat(body.get("usage").get("completion_tokens").asInt()).isBetween(1, 4);
	}

	@Test
	void aSignedInUserWithTheChatScopeMayCallIt() {
		assertThat(this.chat.complete(this.admin, "Hi").get("object").asString()).isEqualTo("chat.completion");
	}

	@Test
	void toolsAndAToolConversationAreAcceptedAndNotRun() {
		Map<String, Object> weather = Map.of("type", "function", "function", Map.of("name", "get_weather",
				"description", "Current weather", "parameters",
				Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));
		List<Object> messages = List.of(Map.of("role", "user", "content", "Weather in Paris?"),
				Map.of("role", "assistant", "content", "", "tool_calls",
						List.of(Map.of("id", "call_1", "type", "function", "function",
								Map.of("name", "get_weather", "arguments", "{\"city\":\"Paris\"}")))),
				Map.of("role", "tool", "tool_call_id", "call_1", "content", "sunny"));
		for (Object choice : List.of("auto", "none", "required",
				Map.of("type", "function", "function", Map.of("name", "get_weather")))) {
			EntityExchangeResult<byte[]> result = this.chat.post(this.key,
					Map.of("messages", messages, "tools", List.of(weather), "tool_choice", choice, "max_tokens", 4));
			assertThat(result.getStatus().value()).as("tool_choice %s", choice).isEqualTo(200);
			assertThat(json(result).get("choices").get(0).get("message").get("role").asString())
				.isEqualTo("assistant");
		}
		JsonNode unknown = assertEnvelope(this.chat.post(this.key, Map.of("messages", messages, "tools",
				List.of(weather), "tool_choice", Map.of("type", "function", "function", Map.of("name", "nope")))),
				400, "invalid_request", "invalid_request_error");
		assertThat(unknown.get("param").asString()).isEqualTo("tool_choice");
		JsonNode badName = assertEnvelope(this.chat.post(this.key, Map.of("messages", messages, "tools",
				List.of(Map.of("type", "function", "function", Map.of("name", "get weather"))))), 400,
				"invalid_request", "invalid_request_error");
		assertThat(badName.get("param").asString()).isEqualTo("tools[0].function.name");
	}

	@Test
	void aStreamIsServerSentEventsEndingWithUsageAndDone() {
		EntityExchangeResult<byte[]> result = this.chat.post(this.key,
				Map.of("messages", List.of(Map.of("role", "user", "content", "Tell me a story")), "max_tokens", 8,
						"seed", 7, "stream", true, "stream_options", Map.of("include_usage", true)));
		assertThat(result.getStatus().value()).isEqualTo(200);
		HttpHeaders headers = result.getResponseHeaders();
		assertThat(headers.getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
		assertThat(headers.getCacheControl()).isEqualTo("no-cache");
		assertThat(headers.getFirst("X-Accel-Buffering")).isEqualTo("no");
		String stream = new String(result.getResponseBody(), StandardCharsets.UTF_8);
		assertThat(stream).startsWith("data: {");
		List<String> data = data(stream);
		assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
		List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(ChatCompletionsClient::parse).toList();
		assertThat(chunks).hasSizeGreaterThanOrEqualTo(3);
		String id = chunks.get(0).get("id").asString();
		assertThat(id).startsWith("chatcmpl-");
		assertThat(chunks).allSatisfy((chunk) -> {
			assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
			assertThat(chunk.get("id").asString()).isEqualTo(id);
			assertThat(chunk.get("model").asString()).isEqualTo("demo");
		});
		JsonNode first = chunks.get(0).get("choices").get(0);
		assertThat(first.get("delta").get("role").asString()).isEqualTo("assistant");
		assertThat(first.get("finish_reason").isNull()).isTrue();

		JsonNode usageChunk = chunks.get(chunks.size() - 1);
		assertThat(usageChunk.get("choices")).isEmpty();
		JsonNode usage = usageChunk.get("usage");
		assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 8);
		assertThat(usage.get("total_tokens").asInt())
			.isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());

		JsonNode finish = chunks.get(chunks.size() - 2).get("choices").get(0);
		assertThat(finish.get("finish_reason").asString()).isIn("stop", "length");
		assertThat(finish.get("delta").isEmpty()).isTrue();
		List<JsonNode> middle = chunks.subList(1, chunks.size() - 2);
		assertThat(middle).allSatisfy((chunk) -> {
			JsonNode choice = chunk.get("choices").get(0);
			assertThat(choice.get("delta").get("content").isString()).isTrue();
			assertThat(choice.get("delta").has("role")).isFalse();
			assertThat(choice.get("finish_reason").isNull()).isTrue();
		});

		assertThat(usageRows(this.keyId)).singleElement().satisfies((row) -> {
			assertThat(row.get("completion_tokens")).isEqualTo(usage.get("completion_tokens").asInt());
			assertThat(row.get("finish_reason")).isEqualTo(finish.get("finish_reason").asString());
		});
	}

	@Test
	void aStreamWithoutIncludeUsageCarriesNoUsage() {
		String stream = new String(this.chat.post(this.key,
				Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")), "max_tokens", 4, "stream", true))
			.getResponseBody(), StandardCharsets.UTF_8);
		List<String> data = data(stream);
		assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
		assertThat(data.subList(0, data.size() - 1)).allSatisfy((chunk) -> {
			assertThat(parse(chunk).has("usage")).isFalse();
			assertThat(parse(chunk).get("choices")).hasSize(1);
		});
	}

	@Test
	void aStreamRefusedBeforeItStartsIsAPlainErrorResponse() {
		JsonNode error = assertEnvelope(this.chat.post(this.key,
				Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")), "max_tokens", 100_000, "stream",
						true)),
				400, "invalid_request", "invalid_request_error");
		assertThat(error.get("param").asString()).isEqualTo("max_tokens");
		assertThat(usageRows(this.keyId)).as("a refused request is no completion").isEmpty();
	}

	@Test
	void aClientThatGoesAwayCancelsTheGenerationAndItsUsageIsStillRecorded() {
		// Greedy decoding is deterministic: the demo model does not stop within these 400
		// tokens, so the stream below is still generating when the client goes away.
		List<Object> prompt = List.of(Map.of("role", "user", "content", "Go on and on"));
		JsonNode probe = json(this.chat.post(this.admin, Map.of("messages", prompt, "max_tokens", 400, "temperature", 0)));
		assertThat(probe.get("choices").get(0).get("finish_reason").asString()).isEqualTo("length");
		Map<String, Object> body = Map.of("messages", prompt, "max_tokens", 1500, "temperature", 0, "stream", true);
		List<String> received = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth(this.key))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToFlux(String.class)
			.take(3)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(received).hasSize(3);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(usageRows(this.keyId))
			.singleElement()
			.satisfies((row) -> {
				assertThat(row.get("finish_reason")).isEqualTo("cancelled");
				assertThat((Integer) row.get("completion_tokens")).isLessThan(1500);
			}));
		// The engine is free again at once: the next request is answered.
		assertThat(this.chat.complete(this.key, "Hi").get("choices")).hasSize(1);
	}

	@Test
	void withoutACredentialItIs401AndWithoutTheChatScope403() {
		assertEnvelope(this.chat.post(null, Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")))),
				401, "unauthenticated", "authentication_error");
		String readOnly = (String) identities()
			.createApiKey(this.admin, Identities.uniqueSubject("reader"), "conversations:read")
			.get("key");
		assertEnvelope(this.chat.post(readOnly, Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")))),
				403, "forbidden", "permission_error");
		String auditor = identities().sso("default", Identities.uniqueSubject("auditor"), "AUDITOR");
		assertEnvelope(this.chat.post(auditor, Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")))),
				403, "forbidden", "permission_error");
	}

	@Test
	void wrongTypesAre400NamingTheField() {
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"temperature\": \"hot\"}"))
			.isEqualTo("temperature");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": 42}]}"))
			.isEqualTo("messages[0].content");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]}"))
			.isEqualTo("messages[0].content[0].type");
		assertThat(refused("{\"messages\": \"Hi\"}")).isEqualTo("messages");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"stream\": \"yes\"}"))
			.isEqualTo("stream");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": []}"))
			.isEqualTo("max_tokens");
		assertThat(refused("{\"messages\": [{\"role\": \"wizard\", \"content\": \"Hi\"}]}"))
			.isEqualTo("messages[0].role");
	}

	@Test
	void missingOrEmptyMessagesAndUnsupportedOptionsAre400() {
		assertThat(refused("{\"model\": \"demo\"}")).isEqualTo("messages");
		assertThat(refused("{\"messages\": []}")).isEqualTo("messages");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"n\": 2}")).isEqualTo("n");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 100000}"))
			.isEqualTo("max_tokens");
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"temperature\": 3}"))
			.isEqualTo("temperature");
		// Found by fuzzing (ChatCompletionRequestFuzzTests): the string binds to Double.NaN, once a 500.
		assertThat(refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"temperature\": \"NaN\"}"))
			.isEqualTo("temperature");
		assertThat(usageRows(this.keyId)).isEmpty();
	}

	@Test
	void anUnknownModelIs404NamingTheModel() {
		JsonNode error = assertEnvelope(this.chat.post(this.key,
				Map.of("model", "gpt-9", "messages", List.of(Map.of("role", "user", "content", "Hi")))), 404,
				"not_found", "not_found_error");
		assertThat(error.get("param").asString()).isEqualTo("model");
		assertThat(error.get("message").asString()).contains("gpt-9");
	}

	@Test
	void unknownFieldsAreIgnored() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("messages", List.of(Map.of("role", "user", "content", "Hi", "refusal", "x")));
		body.put("max_tokens", 4);
		body.put("logit_bias", Map.of("50256", -100));
		body.put("metadata", Map.of("team", "support"));
		body.put("parallel_tool_calls", true);
		body.put("something_new", List.of(1, 2));
		EntityExchangeResult<byte[]> result = this.chat.post(this.key, body);
		assertThat(result.getStatus().value()).isEqualTo(200);
	}

	@Test
	void aStoredToolConversationKeepsItsCallsSealedAndItsCallIds() {
		Map<String, Object> reader = identities().createApiKey(this.admin, Identities.uniqueSubject("tool-keeper"),
				"chat", "conversations:read");
		String key = (String) reader.get("key");
		String secretCity = "Atlantis-" + UUID.randomUUID();
		// A tool without a description is OpenAI's to allow, and so ours.
		Map<String, Object> weather = Map.of("type", "function", "function",
				Map.of("name", "get_weather", "parameters", Map.of("type", "object")));
		List<Object> messages = List.of(Map.of("role", "user", "content", "Weather?"),
				Map.of("role", "assistant", "tool_calls", List.of(Map.of("id", "call_7", "type", "function", "function",
						Map.of("name", "get_weather", "arguments", "{\"city\":\"" + secretCity + "\"}")))),
				Map.of("role", "tool", "tool_call_id", "call_7", "content", "sunny"));
		EntityExchangeResult<byte[]> result = this.chat.post(key,
				Map.of("messages", messages, "tools", List.of(weather), "max_tokens", 4, "store", true));
		assertThat(result.getStatus().value()).isEqualTo(200);
		UUID conversation = UUID.fromString(result.getResponseHeaders().getFirst("x-enclave-conversation-id"));
		List<Map<String, Object>> rows = this.db
			.sql("SELECT role, tool_calls, tool_call_id FROM messages WHERE conversation_id = :id ORDER BY seq")
			.bind("id", conversation)
			.fetch()
			.all()
			.collectList()
			.block();
		assertThat(new String(bytes(rows.get(1).get("tool_calls")), StandardCharsets.ISO_8859_1)).as("sealed")
			.doesNotContain(secretCity)
			.doesNotContain("get_weather");
		assertThat(rows.get(2).get("tool_call_id")).isEqualTo("call_7");

		JsonNode stored = json(http().get()
			.uri("/api/v1/conversations/" + conversation)
			.headers((headers) -> headers.setBearerAuth(key))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()).get("messages");
		JsonNode call = stored.get(1).get("tool_calls").get(0);
		assertThat(call.get("id").asString()).isEqualTo("call_7");
		assertThat(call.get("name").asString()).isEqualTo("get_weather");
		assertThat(call.get("arguments").asString()).isEqualTo("{\"city\":\"" + secretCity + "\"}");
		assertThat(stored.get(2).get("tool_call_id").asString()).isEqualTo("call_7");
		assertThat(stored.get(0).has("tool_calls")).as("none, none shown").isFalse();
	}

	@Test
	void storeTrueKeepsTheExchangeAsAnEncryptedConversationOfTheKey() {
		Map<String, Object> reader = identities().createApiKey(this.admin, Identities.uniqueSubject("keeper"), "chat",
				"conversations:read");
		String key = (String) reader.get("key");
		String secret = "marker-" + UUID.randomUUID();
		EntityExchangeResult<byte[]> result = this.chat.post(key,
				Map.of("messages",
						List.of(Map.of("role", "system", "content", "Be brief " + secret),
								Map.of("role", "user", "content", "Remember " + secret)),
						"max_tokens", 6, "store", true));
		assertThat(result.getStatus().value()).isEqualTo(200);
		String id = result.getResponseHeaders().getFirst("x-enclave-conversation-id");
		assertThat(id).isNotNull();
		UUID conversation = UUID.fromString(id);
		assertThat(this.db.sql("SELECT owner_id FROM conversations WHERE id = :id")
			.bind("id", conversation)
			.map((row) -> row.get("owner_id", UUID.class))
			.one()
			.block()).isEqualTo(UUID.fromString((String) reader.get("id")));
		List<Map<String, Object>> messages = this.db
			.sql("SELECT role, content FROM messages WHERE conversation_id = :id ORDER BY seq")
			.bind("id", conversation)
			.fetch()
			.all()
			.collectList()
			.block();
		assertThat(messages).extracting((row) -> row.get("role")).containsExactly("system", "user", "assistant");
		for (Map<String, Object> message : messages) {
			byte[] content = bytes(message.get("content"));
			assertThat(new String(content, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
		}
		assertThat(usageRows((String) reader.get("id"))).hasSize(1);

		// The key that stored it reads it back through the conversations API; no other key can.
		JsonNode stored = json(http().get()
			.uri("/api/v1/conversations/" + id)
			.headers((headers) -> headers.setBearerAuth(key))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult());
		assertThat(stored.get("model").asString()).isEqualTo("demo");
		JsonNode answer = json(result).get("choices").get(0).get("message");
		assertThat(stored.get("messages")).extracting((message) -> message.get("content").asString())
			.containsExactly("Be brief " + secret, "Remember " + secret, answer.get("content").asString());
		String otherReader = (String) identities()
			.createApiKey(this.admin, Identities.uniqueSubject("other"), "conversations:read")
			.get("key");
		assertEnvelope(http().get()
			.uri("/api/v1/conversations/" + id)
			.headers((headers) -> headers.setBearerAuth(otherReader))
			.exchange()
			.expectBody()
			.returnResult(), 404, "not_found", "not_found_error");
	}

	@Test
	void aStoredStreamNamesItsConversationOnTheFinishingChunk() {
		String stream = new String(this.chat.post(this.key,
				Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")), "max_tokens", 4, "stream", true,
						"store", true))
			.getResponseBody(), StandardCharsets.UTF_8);
		List<JsonNode> chunks = new ArrayList<>();
		for (String data : data(stream)) {
			if (!data.equals("[DONE]")) {
				chunks.add(parse(data));
			}
		}
		JsonNode finish = chunks.get(chunks.size() - 1);
		assertThat(finish.get("choices").get(0).get("finish_reason").asString()).isIn("stop", "length");
		UUID conversation = UUID.fromString(finish.get("enclave_conversation_id").asString());
		assertThat(this.db.sql("SELECT count(*) FROM messages WHERE conversation_id = :id")
			.bind("id", conversation)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block()).isEqualTo(2L);
	}

	private String refused(String json) {
		JsonNode error = assertEnvelope(this.chat.post(this.key, json), 400, "invalid_request",
				"invalid_request_error");
		assertThat(error.get("details")).isNotEmpty();
		return error.get("param").asString();
	}

	private List<Map<String, Object>> usageRows(String subject) {
		usageWritten();
		return this.db
			.sql("SELECT model, auth_method, prompt_tokens, completion_tokens, finish_reason FROM usage_events "
					+ "WHERE subject_id = :subject ORDER BY created_at")
			.bind("subject", UUID.fromString(subject))
			.fetch()
			.all()
			.collectList()
			.block();
	}

	private static byte[] bytes(Object column) {
		if (column instanceof java.nio.ByteBuffer buffer) {
			byte[] bytes = new byte[buffer.remaining()];
			buffer.duplicate().get(bytes);
			return bytes;
		}
		return (byte[]) column;
	}

}

package dev.enclave.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.awaitility.Awaitility.await;

/** Conversations and chat turns over the real API, as a client would drive them. */
public final class Chats {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private final WebTestClient http;

	public Chats(WebTestClient http) {
		this.http = http;
	}

	/** Creates a conversation; returns its JSON. */
	public JsonNode create(String token, Map<String, Object> body) {
		byte[] response = this.http.post()
			.uri("/api/v1/conversations")
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JSON.readTree(response);
	}

	public String createId(String token, String title) {
		return create(token, Map.of("title", title)).get("id").asText();
	}

	/**
	 * A turn the demo model answers greedily for {@code maxTokens} tokens without stopping
	 * (a property of its seeded weights that the tests relying on it check): long enough that
	 * a client can leave, or a second request arrive, while it is still being generated.
	 */
	public static Map<String, Object> longAnswer(String content, int maxTokens) {
		return Map.of("content", content, "temperature", 0, "max_tokens", maxTokens);
	}

	/** A JSON turn; returns the stored answer. */
	public JsonNode send(String token, String conversation, String content) {
		return send(token, conversation, Map.of("content", content));
	}

	/** A JSON turn with options ({@code content}, {@code max_tokens}, {@code temperature}, ...); returns the stored answer. */
	public JsonNode send(String token, String conversation, Map<String, Object> body) {
		byte[] response = this.http.post()
			.uri("/api/v1/conversations/{id}/messages", conversation)
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JSON.readTree(response);
	}

	/** A streamed turn's events as they arrive; cancelling the flux closes the connection. */
	public Flux<ServerSentEvent<String>> stream(String token, String conversation, String content) {
		return stream(token, conversation, Map.of("content", content));
	}

	/** A streamed turn with options; cancelling the flux closes the connection. */
	public Flux<ServerSentEvent<String>> stream(String token, String conversation, Map<String, Object> body) {
		return this.http.mutate()
			.responseTimeout(Duration.ofSeconds(60))
			.build()
			.post()
			.uri("/api/v1/conversations/{id}/messages", conversation)
			.headers((headers) -> headers.setBearerAuth(token))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(EVENTS)
			.getResponseBody();
	}

	/** Every event of a streamed turn, heartbeats (comments) left out. */
	public List<ServerSentEvent<String>> streamAll(String token, String conversation, String content) {
		return stream(token, conversation, content).filter((event) -> event.event() != null)
			.collectList()
			.block(Duration.ofSeconds(60));
	}

	/**
	 * Waits until a message is stored, such as the answer of a turn whose client went away,
	 * which is stored when its settlement is done.
	 */
	public JsonNode awaitMessage(String token, String conversation, String messageId) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> {
			for (JsonNode message : get(token, conversation).get("messages")) {
				if (message.get("id").asString().equals(messageId)) {
					return message;
				}
			}
			return null;
		}, Objects::nonNull);
	}

	/** A conversation with its messages. */
	public JsonNode get(String token, String conversation) {
		byte[] response = this.http.get()
			.uri("/api/v1/conversations/{id}", conversation)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return JSON.readTree(response);
	}

	public static JsonNode json(String data) {
		return JSON.readTree(data);
	}

}

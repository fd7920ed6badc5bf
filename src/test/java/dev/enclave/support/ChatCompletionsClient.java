package dev.enclave.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls {@code POST /v1/chat/completions} over HTTP the way an OpenAI client does. */
public final class ChatCompletionsClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final WebTestClient http;

	public ChatCompletionsClient(WebTestClient http) {
		this.http = http;
	}

	/** Posts {@code body} (a map or raw JSON text) with {@code credential} as Bearer, if any. */
	public EntityExchangeResult<byte[]> post(String credential, Object body) {
		return this.http.post()
			.uri("/v1/chat/completions")
			.headers((headers) -> {
				if (credential != null) {
					headers.setBearerAuth(credential);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	/** A short non-streamed completion that must succeed; returns the response body. */
	public JsonNode complete(String credential, String prompt) {
		EntityExchangeResult<byte[]> result = post(credential, Map.of("messages",
				List.of(Map.of("role", "user", "content", prompt)), "max_tokens", 8, "seed", 1));
		assertThat(result.getStatus().value()).as("status").isEqualTo(200);
		return json(result);
	}

	public static JsonNode json(EntityExchangeResult<byte[]> result) {
		return JSON.readTree(result.getResponseBody());
	}

	/** The {@code data:} payloads of an event stream, in order, {@code [DONE]} included. */
	public static List<String> data(String eventStream) {
		List<String> data = new ArrayList<>();
		for (String line : eventStream.split("\n")) {
			if (line.startsWith("data:")) {
				data.add(line.substring(5).strip());
			}
		}
		return data;
	}

	public static JsonNode parse(String json) {
		return JSON.readTree(json);
	}

}

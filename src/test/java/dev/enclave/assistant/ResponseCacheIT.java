package dev.enclave.assistant;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Envelopes;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream.Reply;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The response cache over real HTTP: a key that opts in gets a deterministic request's answer
 * replayed without the model server, uncharged and recorded as a hit; another tenant, a
 * sampled request and a key that did not opt in never see it.
 */
class ResponseCacheIT extends RemoteIT {

	/** Entries are the tenant's: each test asks its own question, so none meets another's answer. */
	private final Map<String, Object> greedy = Map.of("model", "scripted/solo", "temperature", 0, "messages",
			List.of(Map.of("role", "user", "content", "What are your opening hours? " + java.util.UUID.randomUUID())));

	@Test
	void aKeyThatOptsInGetsTheSameAnswerAgainWithoutTheServer() {
		Map<String, Object> key = key(true);
		SOLO.chat(Reply.text("Nine", " to", " five"));
		EntityExchangeResult<byte[]> first = post((String) key.get("key"), this.greedy, null);
		assertThat(first.getResponseHeaders().getFirst("x-enclave-cache")).isEqualTo("miss");
		EntityExchangeResult<byte[]> second = post((String) key.get("key"), this.greedy, null);
		assertThat(second.getResponseHeaders().getFirst("x-enclave-cache")).isEqualTo("hit");
		assertThat(SOLO.requests("/v1/chat/completions")).as("the second never reached the server").hasSize(1);
		JsonNode replayed = ChatCompletionsClient.json(second);
		assertThat(replayed.get("choices").get(0).get("message").get("content").asString()).isEqualTo("Nine to five");
		assertThat(replayed.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
		usageWritten();
		assertThat(TestDatabase.query("SELECT cache_hit FROM usage_events WHERE subject_id = '" + key.get("id")
				+ "' ORDER BY created_at")).containsExactly("f", "t");
		assertThat(prometheus()).contains("cache_gets_total{cache=\"responses\",result=\"hit\"}");

		// The same request streamed is replayed too.
		Map<String, Object> streamed = new HashMap<>(this.greedy);
		streamed.put("stream", true);
		EntityExchangeResult<byte[]> stream = post((String) key.get("key"), streamed, null);
		assertThat(stream.getResponseHeaders().getFirst("x-enclave-cache")).isEqualTo("hit");
		assertThat(new String(stream.getResponseBody(), StandardCharsets.UTF_8)).contains("Nine to five");
	}

	@Test
	void anotherTenantASampledRequestAndAKeyWithoutItAreNeverAnsweredFromTheCache() {
		Map<String, Object> key = key(true);
		SOLO.chat(Reply.text("Cached", " answer"));
		post((String) key.get("key"), this.greedy, null);
		String otherTenant = identities().sso("globex", Identities.uniqueSubject("cache"), "AGENT");
		SOLO.chat(Reply.text("Fresh"));
		EntityExchangeResult<byte[]> other = post(otherTenant, this.greedy, "true");
		assertThat(other.getResponseHeaders().getFirst("x-enclave-cache")).isEqualTo("miss");
		assertThat(content(other)).isEqualTo("Fresh");

		Map<String, Object> sampled = new HashMap<>(this.greedy);
		sampled.put("temperature", 0.8);
		SOLO.chat(Reply.text("Sampled"));
		EntityExchangeResult<byte[]> notDeterministic = post((String) key.get("key"), sampled, null);
		assertThat(notDeterministic.getResponseHeaders().getFirst("x-enclave-cache")).isNull();

		SOLO.chat(Reply.text("Not opted in"));
		EntityExchangeResult<byte[]> plain = post((String) key(false).get("key"), this.greedy, null);
		assertThat(plain.getResponseHeaders().getFirst("x-enclave-cache")).isNull();
		assertThat(content(plain)).isEqualTo("Not opted in");

		SOLO.chat(Reply.text("Declined"));
		assertThat(content(post((String) key.get("key"), this.greedy, "false"))).as("the request declines it").isEqualTo("Declined");
		assertThat(SOLO.requests("/v1/chat/completions")).hasSize(5);
	}

	@Test
	void aMalformedCacheHeaderIsRefused() {
		Envelopes.assertEnvelope(post((String) key(true).get("key"), this.greedy, "maybe"), 400, "invalid_request",
				"invalid_request_error");
	}

	private Map<String, Object> key(boolean responseCache) {
		return identities().createApiKey(identities().admin(), Map.of("name", Identities.uniqueSubject("cache"),
				"scopes", List.of("chat"), "response_cache", responseCache));
	}

	private EntityExchangeResult<byte[]> post(String credential, Map<String, Object> body, String cacheHeader) {
		return http().post()
			.uri("/v1/chat/completions")
			.headers((headers) -> {
				headers.setBearerAuth(credential);
				if (cacheHeader != null) {
					headers.set("x-enclave-cache", cacheHeader);
				}
			})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static String content(EntityExchangeResult<byte[]> result) {
		return ChatCompletionsClient.json(result).get("choices").get(0).get("message").get("content").asString();
	}

	private String prometheus() {
		return new String(http().get().uri("/actuator/prometheus").exchange().expectBody().returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
	}

}

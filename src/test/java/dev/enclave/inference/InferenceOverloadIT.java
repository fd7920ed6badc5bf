package dev.enclave.inference;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Envelopes;
import dev.enclave.support.ReplicaApps;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Load shedding through the HTTP API, on an instance whose scheduler runs one sequence at a
 * time with room for one waiting request: a full queue and a passed start deadline each
 * answer {@code 503 overloaded} with {@code Retry-After}, and batch work waits behind
 * interactive work without being lost.
 */
class InferenceOverloadIT extends EnclaveIT {

	private static final Pattern WAITING = Pattern
		.compile("enclave_inference_requests_waiting\\{model=\"demo\"} ([0-9.]+)");

	@Test
	void aFullQueueAndAPassedDeadlineAnswerOverloadedWithRetryAfter() throws Exception {
		String admin = identities().admin();
		String interactive = (String) identities().createApiKey(admin, "interactive", "chat").get("key");
		Map<String, Object> batchKey = identities().createApiKey(admin,
				Map.of("name", "nightly", "scopes", List.of("chat"), "priority", "batch"));
		assertThat(batchKey.get("priority")).isEqualTo("batch");
		try (ConfigurableApplicationContext replica = ReplicaApps.start("--enclave.inference.max-num-seqs=1",
				"--enclave.inference.max-queue=1", "--enclave.inference.queue-timeout.interactive=300ms",
				"--enclave.inference.queue-timeout.batch=60s")) {
			WebTestClient client = ReplicaApps.client(replica);
			// The one sequence: a greedy answer far longer than this test.
			Disposable running = longStream(replica, interactive);
			// The one waiting place: batch work, which may wait a minute.
			CompletableFuture<EntityExchangeResult<byte[]>> waiting = CompletableFuture
				.supplyAsync(() -> complete(client, (String) batchKey.get("key")));
			await().atMost(Duration.ofSeconds(30)).until(() -> waiting(replica) == 1);

			EntityExchangeResult<byte[]> full = complete(client, interactive);
			JsonNode error = Envelopes.assertEnvelope(full, 503, "overloaded", "overloaded_error");
			assertThat(error.get("message").asString()).contains("requests are waiting");
			assertThat(Long.parseLong(full.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 60L);

			// The client of the long answer leaves: its slot frees and the batch request runs.
			running.dispose();
			assertThat(waiting.get(60, TimeUnit.SECONDS).getStatus().value()).isEqualTo(200);

			Disposable again = longStream(replica, interactive);
			EntityExchangeResult<byte[]> late = complete(client, interactive);
			JsonNode deadline = Envelopes.assertEnvelope(late, 503, "overloaded", "overloaded_error");
			assertThat(deadline.get("message").asString()).contains("could not start within 300 ms");
			assertThat(Long.parseLong(late.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 60L);
			again.dispose();
			assertThat(ReplicaApps.prometheus(replica))
				.containsPattern("enclave_admission_rejections_total\\{[^}]*reason=\"overloaded\"[^}]*} [1-9]");
		}
	}

	/** A streamed completion that keeps the replica's one sequence busy until disposed; returns once it runs. */
	private static Disposable longStream(ConfigurableApplicationContext replica, String key) {
		List<String> chunks = new CopyOnWriteArrayList<>();
		Disposable stream = WebClient.create(ReplicaApps.baseUrl(replica))
			.post()
			.uri("/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth(key))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", "Go on and on")), "max_tokens",
					1500, "temperature", 0, "stream", true))
			.retrieve()
			.bodyToFlux(String.class)
			.subscribe(chunks::add);
		await().atMost(Duration.ofSeconds(30)).until(() -> chunks.size() >= 2);
		return stream;
	}

	private static EntityExchangeResult<byte[]> complete(WebTestClient client, String key) {
		return client.mutate()
			.responseTimeout(Duration.ofSeconds(90))
			.build()
			.post()
			.uri("/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth(key))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", "Hi")), "max_tokens", 4))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static double waiting(ConfigurableApplicationContext replica) {
		Matcher matcher = WAITING.matcher(ReplicaApps.prometheus(replica));
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
	}

}

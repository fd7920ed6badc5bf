package dev.enclave.inference;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Envelopes;
import dev.enclave.support.ReplicaApps;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twice as many clients as an instance can take at once. Its capacity here: the demo model
 * runs two sequences and lets two wait. First unloaded, as many closed-loop clients as it
 * runs (none waits, nothing is refused), then twice its capacity. The excess must be refused at once with 503 {@code overloaded} (or 429) and
 * {@code Retry-After} in the envelope, and every admitted request must complete. The run
 * reports how the admitted requests' p99 compares with the unloaded p99, and how fast the
 * refusals were; it does not assert timings, which a shared CI machine cannot promise.
 */
class OverloadAtTwiceCapacityIT extends EnclaveIT {

	private static final int RUNNING = 2;

	private static final int CAPACITY = 4;

	private static final int REQUESTS_PER_CLIENT = 8;

	@Test
	void theExcessIsRefusedFastAndTheAdmittedComplete() throws Exception {
		String admin = identities().admin();
		String key = (String) identities().createApiKey(admin, "overload", "chat").get("key");
		try (ConfigurableApplicationContext replica = ReplicaApps.start("--enclave.inference.max-num-seqs=" + RUNNING,
				"--enclave.inference.max-queue=2", "--enclave.inference.queue-timeout.interactive=5s")) {
			ChatCompletionsClient chat = new ChatCompletionsClient(ReplicaApps.client(replica));
			// Warm-up, so the first measured requests do not pay for the JIT.
			run(chat, key, 2, 4);
			Outcome unloaded = run(chat, key, RUNNING, REQUESTS_PER_CLIENT);
			Outcome overloaded = run(chat, key, 2 * CAPACITY, REQUESTS_PER_CLIENT);

			assertThat(unloaded.refused()).as("unloaded, nothing is refused").isEmpty();
			assertThat(overloaded.admitted()).as("some requests are admitted under overload").isNotEmpty();
			assertThat(overloaded.refused()).as("the excess is refused").isNotEmpty();
			for (EntityExchangeResult<byte[]> refusal : overloaded.refusals()) {
				int status = refusal.getStatus().value();
				assertThat(status).isIn(429, 503);
				JsonNode error = Envelopes.assertEnvelope(refusal, status, (status == 503) ? "overloaded" : null,
						(status == 503) ? "overloaded_error" : "rate_limit_error");
				assertThat(error.get("message").asString()).doesNotContain("Exception");
				assertThat(refusal.getResponseHeaders().getFirst("Retry-After")).matches("[1-9][0-9]*");
			}
			for (EntityExchangeResult<byte[]> answer : overloaded.answers()) {
				JsonNode completion = ChatCompletionsClient.json(answer);
				assertThat(completion.get("choices").get(0).get("finish_reason").asString()).isIn("stop", "length");
			}
			System.out.printf("Overload at 2x capacity: %d admitted, %d refused (%.0f%%); admitted p50 %d ms, p99 %d ms"
					+ " against %d ms and %d ms unloaded (p99 ratio %.2f); refusals p50 %d ms, p99 %d ms%n",
					overloaded.admitted().size(), overloaded.refused().size(),
					100.0 * overloaded.refused().size() / (overloaded.admitted().size() + overloaded.refused().size()),
					percentile(overloaded.admitted(), 50), percentile(overloaded.admitted(), 99),
					percentile(unloaded.admitted(), 50), percentile(unloaded.admitted(), 99),
					(double) percentile(overloaded.admitted(), 99) / Math.max(1, percentile(unloaded.admitted(), 99)),
					percentile(overloaded.refused(), 50), percentile(overloaded.refused(), 99));
		}
	}

	/** {@code clients} closed-loop clients, each sending {@code requests} completions one after another. */
	private static Outcome run(ChatCompletionsClient chat, String key, int clients, int requests) throws Exception {
		Outcome outcome = new Outcome(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
				new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(clients);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				done.add(pool.submit(() -> {
					for (int i = 0; i < requests; i++) {
						long started = System.nanoTime();
						EntityExchangeResult<byte[]> result = chat.post(key, Map.of("messages",
								List.of(Map.of("role", "user", "content", "Where is my order?")), "max_tokens", 24,
								"temperature", 0));
						long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
						if (result.getStatus().value() == 200) {
							outcome.admitted().add(millis);
							outcome.answers().add(result);
						}
						else {
							outcome.refused().add(millis);
							outcome.refusals().add(result);
						}
					}
					return null;
				}));
			}
			for (Future<?> each : done) {
				each.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			pool.shutdownNow();
		}
		return outcome;
	}

	private static long percentile(List<Long> millis, int p) {
		if (millis.isEmpty()) {
			return 0;
		}
		List<Long> sorted = new ArrayList<>(millis);
		Collections.sort(sorted);
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
	}

	private record Outcome(List<Long> admitted, List<Long> refused, List<EntityExchangeResult<byte[]>> answers,
			List<EntityExchangeResult<byte[]>> refusals) {
	}

}

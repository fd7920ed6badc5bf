package dev.enclave.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Envelopes;
import dev.enclave.support.TestDatabase;
import fixtures.MovableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rate limits on the running application, with limits set per API key through the admin
 * API: the headers, honest Retry-After, concurrency, token accounting of streamed and
 * cancelled turns, and the quota API itself.
 */
class RateLimitIT extends EnclaveIT {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	@Autowired
	MovableClock clock;

	private String admin;

	private Chats chats;

	@BeforeEach
	void signIn() {
		this.admin = identities().admin();
		this.chats = new Chats(http());
	}

	/** A fresh app key with chat scopes; returns {key, id}. */
	private String[] appKey(String name) {
		Map<String, Object> created = identities().createApiKey(this.admin, name, "chat", "conversations:read",
				"conversations:write");
		return new String[] { (String) created.get("key"), (String) created.get("id") };
	}

	private JsonNode putQuota(String scope, String id, Map<String, Object> limits) {
		byte[] body = http().put()
			.uri("/api/v1/admin/quotas/{scope}/{id}", scope, id)
			.headers((headers) -> headers.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(limits)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody();
		return Chats.JSON.readTree(body);
	}

	private EntityExchangeResult<byte[]> models(String key) {
		return http().get()
			.uri("/v1/models")
			.headers((headers) -> headers.setBearerAuth(key))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private long remainingTokens(String key) {
		EntityExchangeResult<byte[]> result = models(key);
		assertThat(result.getStatus().value()).isEqualTo(200);
		return Long.parseLong(result.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens"));
	}

	@Test
	void everyLimitedResponseCarriesTheRequestAndTokenHeaders() {
		String[] key = appKey("headers");
		putQuota("key", key[1], Map.of("requests_per_minute", 100, "tokens_per_minute", 50_000, "tokens_per_day",
				1_000_000));
		EntityExchangeResult<byte[]> first = models(key[0]);
		EntityExchangeResult<byte[]> second = models(key[0]);
		assertThat(first.getStatus().value()).isEqualTo(200);
		HttpHeaders headers = second.getResponseHeaders();
		assertThat(headers.getFirst("x-ratelimit-limit-requests")).isEqualTo("100");
		assertThat(headers.getFirst("x-ratelimit-remaining-requests")).isEqualTo("98");
		assertThat(headers.getFirst("x-ratelimit-reset-requests")).matches("[12]s");
		assertThat(headers.getFirst("x-ratelimit-limit-tokens")).isEqualTo("50000");
		assertThat(headers.getFirst("x-ratelimit-remaining-tokens")).isEqualTo("50000");
		assertThat(headers.getFirst("x-ratelimit-reset-tokens")).isEqualTo("0s");
		// Not an API path: no limits, no headers.
		assertThat(http().get().uri("/health").exchange().expectBody().returnResult().getResponseHeaders()
			.getFirst("x-ratelimit-limit-requests")).isNull();
	}

	@Test
	void retryAfterIsHonest() {
		String[] key = appKey("retry-after");
		// 12 per minute: one request back every 5 s, slow enough that "earlier" is unambiguous.
		putQuota("key", key[1], Map.of("requests_per_minute", 12));
		EntityExchangeResult<byte[]> refused = null;
		for (int i = 0; i < 40 && refused == null; i++) {
			EntityExchangeResult<byte[]> result = models(key[0]);
			if (result.getStatus().value() == 429) {
				refused = result;
			}
		}
		assertThat(refused).as("the 13th request within a minute is refused").isNotNull();
		JsonNode error = Envelopes.assertEnvelope(refused, 429, "rate_limit_exceeded", "rate_limit_error");
		long retryAfter = Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER));
		assertThat(retryAfter).isBetween(1L, 5L);
		assertThat(error.get("message").asString()).contains("retry after " + retryAfter + " s");
		assertThat(refused.getResponseHeaders().getFirst("x-ratelimit-remaining-requests")).isEqualTo("0");
		assertThat(refused.getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("12");

		// Time moves on the application's clock, not by sleeping. Earlier than Retry-After:
		// still refused, at once and half-way (with a margin of half a second over the real
		// time these requests take; to the millisecond, LimiterTests checks it).
		assertThat(models(key[0]).getStatus().value()).isEqualTo(429);
		if (retryAfter >= 3) {
			this.clock.advance(Duration.ofMillis(retryAfter * 500));
			assertThat(models(key[0]).getStatus().value()).as("a retry half-way through Retry-After").isEqualTo(429);
			this.clock.advance(Duration.ofMillis(retryAfter * 500));
		}
		else {
			this.clock.advance(Duration.ofSeconds(retryAfter));
		}
		// Retry-After after the refusal: admitted.
		assertThat(models(key[0]).getStatus().value()).as("a retry after Retry-After").isEqualTo(200);

		String metrics = new String(http().get().uri("/actuator/prometheus").exchange().expectBody().returnResult()
			.getResponseBody(), StandardCharsets.UTF_8);
		assertThat(metrics).containsPattern("enclave_ratelimit_decisions_total\\{[^}]*limit=\"requests\",[^}]*outcome=\"rejected\"");
		assertThat(metrics).containsPattern("enclave_admission_rejections_total\\{[^}]*reason=\"requests\"[^}]*} [1-9]");
	}

	@Test
	void requestNPlusOneOfAKeyLimitedToNConcurrentIsRefusedWhileTheNRun() {
		String[] key = appKey("concurrency");
		int limit = 2;
		putQuota("key", key[1], Map.of("concurrent_requests", limit));
		String[] conversations = { this.chats.createId(key[0], "slow one"), this.chats.createId(key[0], "slow two") };
		// Warm: the key's limits are resolved and cached, the connection pool is open.
		assertThat(models(key[0]).getStatus().value()).isEqualTo(200);
		List<List<ServerSentEvent<String>>> events = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
		List<AtomicBoolean> done = List.of(new AtomicBoolean(), new AtomicBoolean());
		Disposable[] streams = new Disposable[limit];
		for (int i = 0; i < limit; i++) {
			int n = i;
			streams[i] = this.chats.stream(key[0], conversations[i], Chats.longAnswer("Write a very long story", 1500))
				.filter((event) -> event.event() != null)
				.doFinally((signal) -> done.get(n).set(true))
				.subscribe(events.get(n)::add);
		}
		// Both are answering: each has sent a piece of its answer.
		for (List<ServerSentEvent<String>> seen : events) {
			await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 2);
		}
		List<EntityExchangeResult<byte[]>> refusals = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			refusals.add(models(key[0]));
		}
		int[] seenAtRefusal = { events.get(0).size(), events.get(1).size() };
		for (EntityExchangeResult<byte[]> refused : refusals) {
			Envelopes.assertEnvelope(refused, 429, "rate_limit_exceeded", "rate_limit_error");
			assertThat(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		}
		// Refused at once, not queued behind them: both were still running, and go on undisturbed.
		assertThat(done).noneMatch(AtomicBoolean::get);
		for (int i = 0; i < limit; i++) {
			List<ServerSentEvent<String>> seen = events.get(i);
			int before = seenAtRefusal[i];
			await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() > before);
			// A snapshot: the stream is still adding events.
			List<ServerSentEvent<String>> snapshot = List.copyOf(seen);
			assertThat(snapshot.subList(1, snapshot.size())).allSatisfy((event) -> assertThat(event.event())
				.isEqualTo("delta"));
		}
		for (Disposable stream : streams) {
			stream.dispose();
		}
		// Their slots are free again once they end.
		await().atMost(Duration.ofSeconds(10)).until(() -> models(key[0]).getStatus().value() == 200);
	}

	@Test
	void concurrencyLeasesCountUntilTheyExpire() throws InterruptedException {
		String[] key = appKey("leases");
		putQuota("key", key[1], Map.of("concurrent_requests", 1));
		// A replica that died mid-request left its lease; until it expires it holds the slot.
		TestDatabase.update("INSERT INTO ratelimit_leases (lease_id, scope, replica_id, expires_at) VALUES ('"
				+ UUID.randomUUID() + "', 'key:" + key[1] + "', '" + UUID.randomUUID() + "', now() + interval '1 minute')");
		Envelopes.assertEnvelope(models(key[0]), 429, "rate_limit_exceeded", "rate_limit_error");
		TestDatabase.update("UPDATE ratelimit_leases SET expires_at = now() - interval '1 second' WHERE scope = 'key:"
				+ key[1] + "'");
		assertThat(models(key[0]).getStatus().value()).isEqualTo(200);
		// A finished request leaves no lease behind (it is given back just after the response).
		String live = "SELECT count(*) FROM ratelimit_leases WHERE scope = 'key:" + key[1] + "' AND expires_at > now()";
		await().atMost(Duration.ofSeconds(3)).until(() -> TestDatabase.query(live), List.of("0")::equals);
	}

	@Test
	void aStreamedTurnIsChargedItsTrueTokens() throws Exception {
		String[] key = appKey("tokens");
		// A small daily budget refills slowly (about 1.2 tokens per second), so charges are visible.
		putQuota("key", key[1], Map.of("tokens_per_day", 100_000));
		String conversation = this.chats.createId(key[0], "tokens");
		long startedAt = System.nanoTime();
		long before = remainingTokens(key[0]);
		FluxExchangeResult<ServerSentEvent<String>> stream = streamTurn(key[0], conversation,
				Map.of("content", "How are tokens counted?"));
		long afterReservation = Long.parseLong(stream.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens"));
		List<ServerSentEvent<String>> events = stream.getResponseBody()
			.filter((event) -> event.event() != null)
			.collectList()
			.block(Duration.ofSeconds(60));
		JsonNode completed = Chats.json(events.get(events.size() - 1).data());
		assertThat(events.get(events.size() - 1).event()).isEqualTo("message.completed");
		long used = completed.get("prompt_tokens").asLong() + completed.get("completion_tokens").asLong();
		long charged = awaitCharged(key[0], before, used, startedAt, 100_000, "charged after the stream ended");
		long drift = refillSince(startedAt);
		long reserved = before - afterReservation;
		System.out.println("Streamed turn: reserved " + reserved + ", used " + used + ", charged " + charged);
		// Reserved: the prompt plus the longest answer (200 in tests).
		assertThat(reserved).isBetween(completed.get("prompt_tokens").asLong() + 200 - drift,
				completed.get("prompt_tokens").asLong() + 200 + drift);
	}

	@Test
	void aTurnRefusedForItsTokenBudgetLeavesNothingBehind() {
		String[] key = appKey("daily");
		putQuota("key", key[1], Map.of("tokens_per_day", 100));
		String conversation = this.chats.createId(key[0], "daily");
		// A full bucket admits a first turn whose reservation exceeds it; afterwards the budget is spent or owed.
		assertThat(this.chats.send(key[0], conversation, "Hello").get("status").asString()).isEqualTo("complete");
		List<String> before = TestDatabase.query("SELECT id::text FROM messages WHERE conversation_id = '"
				+ conversation + "' ORDER BY seq");
		assertThat(before).hasSize(2);
		EntityExchangeResult<byte[]> refused = http().post()
			.uri("/api/v1/conversations/{id}/messages", conversation)
			.headers((headers) -> headers.setBearerAuth(key[0]))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(Map.of("content", "And again"))
			.exchange()
			.expectBody()
			.returnResult();
		Envelopes.assertEnvelope(refused, 429, "quota_exceeded", "rate_limit_error");
		// Over a day's budget of 100 owed back at 100 per day: hours, not seconds.
		assertThat(Long.parseLong(refused.getResponseHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isGreaterThan(3600);
		assertThat(refused.getResponseHeaders().getFirst("x-ratelimit-limit-tokens")).isEqualTo("100");
		// The first turn was charged, and what is left cannot hold the next turn's prompt plus its longest answer.
		assertThat(Long.parseLong(refused.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")))
			.isBetween(0L, 99L);
		// The budget was checked before anything was stored: no new message, no lock, no usage row.
		assertThat(TestDatabase.query("SELECT id::text FROM messages WHERE conversation_id = '" + conversation
				+ "' ORDER BY seq")).isEqualTo(before);
		assertThat(TestDatabase.query("SELECT (turn_started_at IS NULL)::text FROM conversations WHERE id = '"
				+ conversation + "'")).containsExactly("true");
		usageWritten();
		assertThat(TestDatabase.query("SELECT count(*) FROM usage_events WHERE subject_id = '" + key[1] + "'"))
			.containsExactly("1");
		// Nor a reservation: the remaining budget is what the first turn left.
		assertThat(remainingTokens(key[0])).isBetween(0L,
				Long.parseLong(refused.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens")) + 1);
	}

	@Test
	void aCancelledStreamIsChargedThePromptAndWhatWasGenerated() {
		String[] key = appKey("cancelled");
		putQuota("key", key[1], Map.of("tokens_per_day", 100_000));
		String conversation = this.chats.createId(key[0], "cancelled");
		long startedAt = System.nanoTime();
		long before = remainingTokens(key[0]);
		FluxExchangeResult<ServerSentEvent<String>> stream = streamTurn(key[0], conversation,
				Chats.longAnswer("Tell me everything", 1500));
		long reserved = before - Long.parseLong(stream.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens"));
		List<ServerSentEvent<String>> seen = stream.getResponseBody()
			.filter((event) -> event.event() != null)
			.take(4)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(seen).hasSize(4);
		String answerId = Chats.json(seen.get(0).data()).get("assistant_message_id").asText();
		// The reservation is settled before the answer is stored, so the stored partial answer shows it is done.
		JsonNode answer = this.chats.awaitMessage(key[0], conversation, answerId);
		assertThat(answer.get("status").asString()).isEqualTo("partial");
		long prompt = answer.get("prompt_tokens").asLong();
		long generated = answer.get("completion_tokens").asLong();
		assertThat(generated).isBetween(3L, 1499L);
		long charged = awaitCharged(key[0], before, prompt + generated, startedAt, 100_000,
				"the prompt and the tokens generated, not the reservation");
		long drift = refillSince(startedAt);
		System.out.println("Cancelled turn: reserved " + reserved + " (prompt " + prompt + "), generated " + generated
				+ ", charged " + charged);
		assertThat(reserved).as("the prompt and the longest answer asked for")
			.isBetween(prompt + 1500 - drift, prompt + 1500 + drift);
	}

	@Test
	void aChatCompletionReservesItsPromptAndMaxTokensAndIsChargedItsUsage() {
		String[] key = appKey("completion");
		putQuota("key", key[1], Map.of("tokens_per_day", 100_000));
		long startedAt = System.nanoTime();
		long before = remainingTokens(key[0]);
		EntityExchangeResult<byte[]> result = new ChatCompletionsClient(http()).post(key[0], Map.of("messages",
				List.of(Map.of("role", "user", "content", "Count my tokens")), "max_tokens", 50, "temperature", 0));
		assertThat(result.getStatus().value()).isEqualTo(200);
		JsonNode usage = ChatCompletionsClient.json(result).get("usage");
		long reserved = before - Long.parseLong(result.getResponseHeaders().getFirst("x-ratelimit-remaining-tokens"));
		long charged = before - remainingTokens(key[0]);
		long drift = refillSince(startedAt);
		System.out.println("Chat completion: reserved " + reserved + ", usage " + usage + ", charged " + charged);
		assertThat(reserved).isBetween(usage.get("prompt_tokens").asLong() + 50 - drift,
				usage.get("prompt_tokens").asLong() + 50 + drift);
		assertThat(charged).isBetween(usage.get("total_tokens").asLong() - drift, usage.get("total_tokens").asLong() + drift);
	}

	@Test
	void aCancelledCompletionStreamIsChargedWhatWasGenerated() throws Exception {
		String[] key = appKey("completion-cancelled");
		// A budget of 10,000 a day refills about one token in 9 s: the charge reads almost exactly.
		putQuota("key", key[1], Map.of("tokens_per_day", 10_000));
		// Greedy decoding keeps the demo model going for far more than the few chunks read here.
		List<Object> prompt = List.of(Map.of("role", "user", "content", "Go on and on"));
		long promptTokens = ChatCompletionsClient.json(new ChatCompletionsClient(http()).post(key[0],
				Map.of("messages", prompt, "max_tokens", 1, "temperature", 0))).get("usage").get("prompt_tokens").asLong();
		long startedAt = System.nanoTime();
		long before = remainingTokens(key[0]);
		List<String> received = WebClient.create("http://127.0.0.1:" + this.port)
			.post()
			.uri("/v1/chat/completions")
			.headers((headers) -> headers.setBearerAuth(key[0]))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("messages", prompt, "max_tokens", 1500, "temperature", 0, "stream", true))
			.retrieve()
			.bodyToFlux(String.class)
			.take(3)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(received).hasSize(3);
		long reserved = promptTokens + 1500;
		// Settled when the cancel reaches the server; the usage ledger then has the same count.
		String cancelledRow = "SELECT completion_tokens FROM usage_events WHERE subject_id = '" + key[1]
				+ "' AND finish_reason = 'cancelled'";
		await().atMost(Duration.ofSeconds(10)).until(() -> !TestDatabase.query(cancelledRow).isEmpty());
		long generated = Long.parseLong(TestDatabase.query(cancelledRow).get(0));
		assertThat(generated).isPositive().isLessThan(1500);
		long charged = awaitCharged(key[0], before, promptTokens + generated, startedAt, 10_000,
				"the prompt and the tokens generated, not the reservation");
		System.out.println("Cancelled completion stream: reserved " + reserved + " (prompt " + promptTokens
				+ "), generated " + generated + ", charged " + charged);
	}

	@Test
	void quotasAreEditedByAdministratorsOfTheTenantOnly() {
		String[] key = appKey("quota-api");
		JsonNode saved = putQuota("key", key[1], Map.of("requests_per_minute", 7));
		assertThat(saved.get("scope").asString()).isEqualTo("key");
		assertThat(saved.get("requests_per_minute").asLong()).isEqualTo(7);
		assertThat(saved.get("tokens_per_day").isNull()).isTrue();
		assertThat(models(key[0]).getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isEqualTo("7");

		JsonNode list = Chats.JSON.readTree(http().get()
			.uri("/api/v1/admin/quotas")
			.headers((headers) -> headers.setBearerAuth(this.admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		assertThat(list.get("defaults").get("key").get("requests_per_minute").asLong()).isPositive();
		assertThat(list.get("data").findValuesAsString("id")).contains(key[1]);

		// An app key is not an administrator.
		Envelopes.assertEnvelope(http().put()
			.uri("/api/v1/admin/quotas/key/{id}", key[1])
			.headers((headers) -> headers.setBearerAuth(key[0]))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("requests_per_minute", 100000))
			.exchange()
			.expectBody()
			.returnResult(), 403, "forbidden", "permission_error");
		// Limits must be positive.
		Envelopes.assertEnvelope(http().put()
			.uri("/api/v1/admin/quotas/key/{id}", key[1])
			.headers((headers) -> headers.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("requests_per_minute", 0))
			.exchange()
			.expectBody()
			.returnResult(), 400, "invalid_request", "invalid_request_error");
		// Another tenant is not found, whatever its id.
		Envelopes.assertEnvelope(http().put()
			.uri("/api/v1/admin/quotas/tenant/{id}", java.util.UUID.randomUUID())
			.headers((headers) -> headers.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("requests_per_minute", 1))
			.exchange()
			.expectBody()
			.returnResult(), 404, "not_found", "not_found_error");

		http().delete()
			.uri("/api/v1/admin/quotas/key/{id}", key[1])
			.headers((headers) -> headers.setBearerAuth(this.admin))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertThat(models(key[0]).getResponseHeaders().getFirst("x-ratelimit-limit-requests")).isNotEqualTo("7");
		assertThat(TestDatabase.query("SELECT action FROM audit_events WHERE target = 'key:" + key[1]
				+ "' ORDER BY occurred_at")).containsExactly("quota_changed", "quota_removed");
		Envelopes.assertEnvelope(http().delete()
			.uri("/api/v1/admin/quotas/key/{id}", key[1])
			.headers((headers) -> headers.setBearerAuth(this.admin))
			.exchange()
			.expectBody()
			.returnResult(), 404, "not_found", "not_found_error");
	}

	private FluxExchangeResult<ServerSentEvent<String>> streamTurn(String key, String conversation,
			Map<String, Object> body) {
		return http().mutate()
			.responseTimeout(Duration.ofSeconds(60))
			.build()
			.post()
			.uri("/api/v1/conversations/{id}/messages", conversation)
			.headers((headers) -> headers.setBearerAuth(key))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(EVENTS);
	}

	/** Tokens a 100,000-per-day budget refills in the time since {@code startedAt}, plus rounding. */
	/**
	 * What the key was charged since {@code before}, once it is {@code expected} (give or take
	 * the refill since {@code startedAt}): a refund of what a request reserved and did not use
	 * is credited at the next pass of the limit store's housekeeping, within a second.
	 */
	private long awaitCharged(String key, long before, long expected, long startedAt, long perDay, String what) {
		AtomicLong charged = new AtomicLong();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
			charged.set(before - remainingTokens(key));
			long drift = refillSince(startedAt, perDay);
			assertThat(charged.get()).as(what).isBetween(expected - drift, expected + drift);
		});
		return charged.get();
	}

	private static long refillSince(long startedAt) {
		return refillSince(startedAt, 100_000);
	}

	private static long refillSince(long startedAt, long perDay) {
		double seconds = (System.nanoTime() - startedAt) / 1e9;
		return (long) Math.ceil(seconds * perDay / 86_400) + 1;
	}

}

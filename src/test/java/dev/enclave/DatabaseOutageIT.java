package dev.enclave;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.enclave.support.Chats;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream;
import dev.enclave.support.ScriptedUpstream.Reply;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database goes away for ten seconds while turns are in flight. Meanwhile new requests
 * get a quick 503 envelope with {@code Retry-After}, never a 500 or a hang; afterwards the
 * application recovers on its own, and every message it acknowledged, before or after, is
 * there.
 */
class DatabaseOutageIT extends RemoteIT {

	private static final Duration OUTAGE = Duration.ofSeconds(10);

	@Test
	void aTenSecondOutageRefusesCleanlyRecoversAndLosesNothingAcknowledged() {
		Chats chats = new Chats(http());
		String name = Identities.uniqueSubject("outage");
		identities().createUser(identities().admin(), name, "agent-password-42", "AGENT");
		String agent = (String) identities().login(name, "agent-password-42").get("access_token");
		Set<String> acknowledged = new TreeSet<>();
		List<String> conversations = new ArrayList<>();

		// Before: a turn that completes.
		String before = chats.create(agent, Map.of("title", "Before", "model", "scripted/solo")).get("id").asText();
		SOLO.chat(Reply.text("Answered ", "before."));
		acknowledged.addAll(ids(chats.streamAll(agent, before, "First question")));
		conversations.add(before);

		// In flight: three answers still being written when the database goes, finished after it is back.
		Sinks.Empty<Void> gate = Sinks.empty();
		List<CompletableFuture<List<ServerSentEvent<String>>>> inFlight = new ArrayList<>();
		List<ServerSentEvent<String>> seen = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 3; i++) {
			String id = chats.create(agent, Map.of("title", "In flight " + i, "model", "scripted/solo")).get("id").asText();
			conversations.add(id);
			SOLO.chat(Reply.pacedUntil("more ", Duration.ofMillis(200), gate.asMono(),
					List.of(ScriptedUpstream.chunk("{\"content\":\"done.\"}", null), ScriptedUpstream.chunk("{}", "stop"),
							ScriptedUpstream.usage(11, 2))));
			inFlight.add(chats.stream(agent, id, "Question " + i).doOnNext(seen::add).collectList().toFuture());
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> seen.stream().filter((event) -> "delta".equals(event.event())).count() >= 3);

		TestDatabase.server().stop();
		long stopped = System.nanoTime();
		List<Long> refusalMillis = new ArrayList<>();
		try {
			// The outage lasts as long as the requests made during it: each one must be refused cleanly.
			do {
				long asked = System.nanoTime();
				EntityExchangeResult<byte[]> list = http().get()
					.uri("/api/v1/conversations")
					.headers((headers) -> headers.setBearerAuth(agent))
					.exchange()
					.expectBody()
					.returnResult();
				refusalMillis.add(Duration.ofNanos(System.nanoTime() - asked).toMillis());
				// Whichever notices first answers: the fail-closed rate limiter (its store is this
				// database) or the conversation store; both are a 503 that says when to come back.
				JsonNode error = assertEnvelope(list, 503, null, "server_error");
				assertThat(error.get("code").asString()).isIn("service_unavailable", "ratelimit_unavailable");
				assertThat(list.getResponseHeaders().getFirst("Retry-After")).isEqualTo("5");
				assertThat(error.get("message").asString()).doesNotContain("Exception").doesNotContain("at ");
				EntityExchangeResult<byte[]> turn = http().post()
					.uri("/api/v1/conversations/{id}/messages", before)
					.headers((headers) -> headers.setBearerAuth(agent))
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("content", "During the outage"))
					.exchange()
					.expectBody()
					.returnResult();
				assertThat(turn.getStatus().value()).isEqualTo(503);
				assertThat(turn.getResponseHeaders().getFirst("Retry-After")).isNotBlank();
			}
			while (System.nanoTime() - stopped < OUTAGE.toNanos());
		}
		finally {
			TestDatabase.server().start();
		}
		long restarted = System.nanoTime();
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> http().get()
				.uri("/api/v1/conversations")
				.headers((headers) -> headers.setBearerAuth(agent))
				.exchange()
				.expectStatus()
				.isOk());
		long recoveredMillis = Duration.ofNanos(System.nanoTime() - restarted).toMillis();
		System.out.printf("Database outage: %d requests refused in %d-%d ms each; recovered %d ms after the restart%n",
				refusalMillis.size(), refusalMillis.stream().mapToLong(Long::longValue).min().orElse(0),
				refusalMillis.stream().mapToLong(Long::longValue).max().orElse(0), recoveredMillis);
		// No refusal waited on the database for longer than its connection timeouts allow.
		assertThat(refusalMillis).allSatisfy((millis) -> assertThat(millis).isLessThan(15_000));

		// The answers in flight finish now; whatever each stream acknowledged is kept.
		gate.tryEmitEmpty();
		for (CompletableFuture<List<ServerSentEvent<String>>> stream : inFlight) {
			acknowledged.addAll(ids(stream.join()));
		}
		// After: a new turn works.
		String after = chats.create(agent, Map.of("title", "After", "model", "scripted/solo")).get("id").asText();
		SOLO.chat(Reply.text("Answered ", "after."));
		List<ServerSentEvent<String>> events = chats.streamAll(agent, after, "Last question");
		assertThat(events).last().extracting(ServerSentEvent::event).isEqualTo("message.completed");
		acknowledged.addAll(ids(events));
		conversations.add(after);

		Set<String> stored = new TreeSet<>();
		for (String conversation : conversations) {
			chats.get(agent, conversation).get("messages").forEach((message) -> stored.add(message.get("id").asString()));
		}
		assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(5);
		assertThat(stored).containsAll(acknowledged);
	}

	/** The ids a turn's stream acknowledged: the stored user message, and the answer once completed. */
	private static Set<String> ids(List<ServerSentEvent<String>> events) {
		Set<String> ids = new TreeSet<>();
		for (ServerSentEvent<String> event : events) {
			if ("message.created".equals(event.event())) {
				ids.add(Chats.json(event.data()).get("user_message").get("id").asString());
			}
			if ("message.completed".equals(event.event())) {
				ids.add(Chats.json(event.data()).get("id").asString());
			}
		}
		return ids;
	}

}

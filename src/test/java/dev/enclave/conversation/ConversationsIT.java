package dev.enclave.conversation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Conversations and chat turns on the running application with the demo model: streamed
 * and JSON turns, the stored history, search, paging, feedback, erasure, disconnects and
 * racing turns.
 */
class ConversationsIT extends EnclaveIT {

	private Chats chats;

	private String agent;

	@BeforeEach
	void signIn() {
		this.chats = new Chats(http());
		this.agent = identities().sso("acme", Identities.uniqueSubject("agent"), "AGENT");
	}

	@Test
	void aStreamedTurnSendsCreatedDeltasAndCompletedAndStoresBothMessages() {
		String id = this.chats.create(this.agent, Map.of("title", "Refund for order 1042", "system_prompt", "Be brief."))
			.get("id")
			.asText();
		EntityExchangeResult<byte[]> raw = http().post()
			.uri("/api/v1/conversations/{id}/messages", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(Map.of("content", "Where is my refund?"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult();
		assertThat(raw.getResponseHeaders().getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
		assertThat(raw.getResponseHeaders().getCacheControl()).isEqualTo("no-cache");
		assertThat(raw.getResponseHeaders().getFirst("X-Accel-Buffering")).isEqualTo("no");

		List<ServerSentEvent<String>> events = this.chats.streamAll(this.agent, id, "And when will it arrive?");
		assertThat(events.get(0).event()).isEqualTo("message.created");
		assertThat(events.get(events.size() - 1).event()).isEqualTo("message.completed");
		assertThat(events.subList(1, events.size() - 1)).allSatisfy((event) -> assertThat(event.event()).isEqualTo("delta"));
		JsonNode created = Chats.json(events.get(0).data());
		String answerId = created.get("assistant_message_id").asText();
		assertThat(created.get("conversation_id").asText()).isEqualTo(id);
		assertThat(created.get("user_message").get("seq").asInt()).isEqualTo(3);
		assertThat(created.get("user_message").get("content").asText()).isEqualTo("And when will it arrive?");
		StringBuilder streamed = new StringBuilder();
		events.subList(1, events.size() - 1).forEach((event) -> {
			JsonNode delta = Chats.json(event.data());
			assertThat(delta.get("message_id").asText()).isEqualTo(answerId);
			streamed.append(delta.get("text").asText());
		});
		JsonNode completed = Chats.json(events.get(events.size() - 1).data());
		assertThat(completed.get("id").asText()).isEqualTo(answerId);
		assertThat(completed.get("seq").asInt()).isEqualTo(4);
		assertThat(completed.get("status").asText()).isEqualTo("complete");
		assertThat(completed.get("finish_reason").asText()).isIn("stop", "length");
		assertThat(completed.get("prompt_tokens").asInt()).isGreaterThan(10);
		assertThat(completed.get("completion_tokens").asInt()).isPositive();
		assertThat(completed.get("content").asText()).isEqualTo(streamed.toString());

		JsonNode conversation = this.chats.get(this.agent, id);
		assertThat(conversation.get("title").asText()).isEqualTo("Refund for order 1042");
		assertThat(conversation.get("system_prompt").asText()).isEqualTo("Be brief.");
		assertThat(conversation.get("model").asText()).isEqualTo("demo");
		JsonNode messages = conversation.get("messages");
		assertThat(messages).hasSize(4);
		for (int i = 0; i < 4; i++) {
			assertThat(messages.get(i).get("seq").asInt()).isEqualTo(i + 1);
			assertThat(messages.get(i).get("role").asText()).isEqualTo((i % 2 == 0) ? "user" : "assistant");
		}
		assertThat(messages.get(3).get("content").asText()).isEqualTo(streamed.toString());
		assertThat(messages.get(3).get("latency_ms").asLong()).isNotNegative();
	}

	@Test
	void aJsonTurnReturnsTheStoredAnswer() {
		String id = this.chats.createId(this.agent, "JSON turn");
		JsonNode answer = this.chats.send(this.agent, id, "Hello");
		assertThat(answer.get("role").asText()).isEqualTo("assistant");
		assertThat(answer.get("seq").asInt()).isEqualTo(2);
		assertThat(answer.get("status").asText()).isEqualTo("complete");
		assertThat(answer.get("model").asText()).isEqualTo("demo");
		assertThat(answer.get("completion_tokens").asInt()).isPositive();
		JsonNode stored = this.chats.get(this.agent, id).get("messages").get(1);
		assertThat(stored.get("id").asText()).isEqualTo(answer.get("id").asText());
		assertThat(stored.get("content").asText()).isEqualTo(answer.get("content").asText());
	}

	@Test
	void aClientThatGoesAwayMidStreamLeavesAPartialAnswer() {
		String id = this.chats.createId(this.agent, "Disconnect");
		List<ServerSentEvent<String>> seen = this.chats.stream(this.agent, id, Chats.longAnswer("Tell me everything", 1500))
			.filter((event) -> event.event() != null)
			.take(4)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(seen).hasSize(4);
		assertThat(seen.subList(1, 4)).allSatisfy((event) -> assertThat(event.event()).isEqualTo("delta"));
		String answerId = Chats.json(seen.get(0).data()).get("assistant_message_id").asText();
		StringBuilder streamed = new StringBuilder();
		seen.subList(1, 4).forEach((event) -> streamed.append(Chats.json(event.data()).get("text").asText()));
		JsonNode answer = this.chats.awaitMessage(this.agent, id, answerId);
		assertThat(answer.get("status").asText()).isEqualTo("partial");
		assertThat(answer.get("finish_reason").asText()).isEqualTo("cancelled");
		assertThat(answer.get("content").asText()).startsWith(streamed.toString());
		assertThat(answer.get("completion_tokens").asInt()).isBetween(3, 1499);
		assertThat(answer.get("prompt_tokens").asInt()).isPositive();
		// The conversation is free again for the next turn.
		assertThat(this.chats.send(this.agent, id, "Still there?").get("status").asText()).isEqualTo("complete");
	}

	@Test
	void aSecondTurnWhileOneIsRunningIsRefusedWithConflictAndLeavesNothing() {
		String id = this.chats.createId(this.agent, "Race");
		List<ServerSentEvent<String>> firstEvents = new CopyOnWriteArrayList<>();
		Disposable first = this.chats.stream(this.agent, id, Chats.longAnswer("Write a long story", 1500))
			.filter((event) -> event.event() != null)
			.subscribe(firstEvents::add);
		// Running: its first piece of answer has come.
		await().atMost(Duration.ofSeconds(30)).until(() -> firstEvents.size() >= 2);
		assertThat(firstEvents.get(0).event()).isEqualTo("message.created");
		EntityExchangeResult<byte[]> second = http().post()
			.uri("/api/v1/conversations/{id}/messages", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", "Me too"))
			.exchange()
			.expectBody()
			.returnResult();
		assertEnvelope(second, 409, "conflict", "conflict_error");
		assertThat(firstEvents.get(firstEvents.size() - 1).event()).as("the first is still answering").isEqualTo("delta");
		first.dispose();
		awaitIdle(id);
		// Only the first turn's two messages: the refused one stored nothing.
		JsonNode messages = this.chats.get(this.agent, id).get("messages");
		assertThat(messages).hasSize(2);
		assertThat(messages.get(0).get("content").asText()).isEqualTo("Write a long story");
		assertSequential(id);
	}

	@Test
	void racingTurnsNeverInterleaveTheirMessages() throws Exception {
		String id = this.chats.createId(this.agent, "Many at once");
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<CompletableFuture<Integer>> turns = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				turns.add(CompletableFuture.supplyAsync(() -> http().post()
					.uri("/api/v1/conversations/{id}/messages", id)
					.headers((headers) -> headers.setBearerAuth(this.agent))
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Map.of("content", "Quick question"))
					.exchange()
					.expectBody()
					.returnResult()
					.getStatus()
					.value(), pool));
			}
			List<Integer> statuses = new ArrayList<>();
			for (CompletableFuture<Integer> turn : turns) {
				statuses.add(turn.get());
			}
			assertThat(statuses).containsOnly(200, 409).contains(200);
			JsonNode messages = this.chats.get(this.agent, id).get("messages");
			assertThat(messages.size()).isEqualTo(2 * (int) statuses.stream().filter((s) -> s == 200).count());
			assertSequential(id);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void titlesAreFoundByWordsAndByChineseFragmentsAndRenamesReindex() {
		String refund = this.chats.createId(this.agent, "Refund request for Order 77");
		String chinese = this.chats.createId(this.agent, "客户退款申请");
		this.chats.createId(this.agent, "Shipping address change");
		assertThat(search("refund order")).containsExactly(refund);
		assertThat(search("REFUND")).containsExactly(refund);
		assertThat(search("退款")).containsExactly(chinese);
		assertThat(search("nothing-like-this")).isEmpty();

		http().patch()
			.uri("/api/v1/conversations/{id}", refund)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Warranty claim"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Warranty claim");
		assertThat(search("refund")).isEmpty();
		assertThat(search("warranty")).containsExactly(refund);

		EntityExchangeResult<byte[]> bad = http().get()
			.uri((uri) -> uri.path("/api/v1/conversations").queryParam("q", " !! ").build())
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertEnvelope(bad, 400, "invalid_request", "invalid_request_error").get("param").asText())
			.isEqualTo("q");
	}

	@Test
	void pagesHaveNoDuplicatesAndNoGapsWhileConversationsAreAdded() throws Exception {
		Set<String> before = new HashSet<>();
		for (int i = 0; i < 23; i++) {
			before.add(this.chats.createId(this.agent, "Existing " + i));
		}
		CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 12; i++) {
				this.chats.createId(this.agent, "Concurrent " + i);
			}
		});
		List<String> seen = new ArrayList<>();
		String cursor = null;
		do {
			String uri = "/api/v1/conversations?limit=4" + ((cursor != null) ? "&cursor=" + cursor : "");
			JsonNode page = Chats.JSON.readTree(http().get()
				.uri(uri)
				.headers((headers) -> headers.setBearerAuth(this.agent))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.returnResult()
				.getResponseBody());
			assertThat(page.get("data").size()).isLessThanOrEqualTo(4);
			page.get("data").forEach((conversation) -> seen.add(conversation.get("id").asText()));
			cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
		}
		while (cursor != null);
		writer.get();
		assertThat(seen).doesNotHaveDuplicates();
		assertThat(seen).containsAll(before);

		EntityExchangeResult<byte[]> tooMany = http().get()
			.uri("/api/v1/conversations?limit=101")
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertEnvelope(tooMany, 400, "invalid_request", "invalid_request_error").get("param").asText())
			.isEqualTo("limit");
	}

	@Test
	void answersCanBeRatedOncePerUser() {
		String id = this.chats.createId(this.agent, "Feedback");
		JsonNode answer = this.chats.send(this.agent, id, "Hi");
		String answerId = answer.get("id").asText();
		http().post()
			.uri("/api/v1/messages/{id}/feedback", answerId)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("rating", "down", "comment", "Made no sense"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.rating")
			.isEqualTo("down")
			.jsonPath("$.comment")
			.isEqualTo("Made no sense");
		http().post()
			.uri("/api/v1/messages/{id}/feedback", answerId)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("rating", "up"))
			.exchange()
			.expectStatus()
			.isCreated();
		assertThat(TestDatabase.query("SELECT rating FROM message_feedback WHERE message_id = '" + answerId + "'"))
			.containsExactly("up");

		EntityExchangeResult<byte[]> sideways = http().post()
			.uri("/api/v1/messages/{id}/feedback", answerId)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("rating", "sideways"))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertEnvelope(sideways, 400, "invalid_request", "invalid_request_error").toString())
			.contains("rating");
		String userMessage = this.chats.get(this.agent, id).get("messages").get(0).get("id").asText();
		EntityExchangeResult<byte[]> ratingAQuestion = http().post()
			.uri("/api/v1/messages/{id}/feedback", userMessage)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("rating", "up"))
			.exchange()
			.expectBody()
			.returnResult();
		assertEnvelope(ratingAQuestion, 400, "invalid_request", "invalid_request_error");
	}

	@Test
	void deletingErasesTheConversationByShreddingItsKey() {
		String id = this.chats.createId(this.agent, "To be erased");
		this.chats.send(this.agent, id, "Secret stuff");
		http().delete()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectStatus()
			.isNoContent();
		assertEnvelope(http().get()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectBody()
			.returnResult(), 404, "not_found", "not_found_error");
		assertThat(TestDatabase.query("SELECT count(*) FROM messages WHERE conversation_id = '" + id + "'"))
			.containsExactly("0");
		assertThat(TestDatabase.query("SELECT (wrapped_key IS NULL AND destroyed_at IS NOT NULL)::text FROM data_keys "
				+ "WHERE conversation_id = '" + id + "'")).containsExactly("true");
		assertThat(TestDatabase.query("SELECT action FROM audit_events WHERE target = '" + id + "' ORDER BY occurred_at"))
			.contains("conversation_deleted");
		// Deleting again finds nothing.
		http().delete()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void badInputGetsAClearErrorNamingTheField() {
		String id = this.chats.createId(this.agent, "Validation");
		EntityExchangeResult<byte[]> blank = http().post()
			.uri("/api/v1/conversations/{id}/messages", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", " "))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertEnvelope(blank, 400, "invalid_request", "invalid_request_error").toString()).contains("content");
		EntityExchangeResult<byte[]> unknownModel = http().post()
			.uri("/api/v1/conversations")
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("model", "gpt-17"))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertEnvelope(unknownModel, 400, "invalid_request", "invalid_request_error").get("param").asText())
			.isEqualTo("model");
		EntityExchangeResult<byte[]> badCursor = http().get()
			.uri("/api/v1/conversations/{id}?cursor=bm9wZQ", id)
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(assertEnvelope(badCursor, 400, "invalid_request", "invalid_request_error").get("param").asText())
			.isEqualTo("cursor");
		EntityExchangeResult<byte[]> notAnId = http().get()
			.uri("/api/v1/conversations/not-a-uuid")
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectBody()
			.returnResult();
		assertEnvelope(notAnId, 400, "invalid_request", "invalid_request_error");
	}

	@Test
	void messagesArePagedInOrder() {
		String id = this.chats.createId(this.agent, "Long one");
		for (int i = 0; i < 3; i++) {
			this.chats.send(this.agent, id, "Question " + i);
		}
		List<Integer> seqs = new ArrayList<>();
		String cursor = null;
		do {
			String uri = "/api/v1/conversations/" + id + "?limit=4" + ((cursor != null) ? "&cursor=" + cursor : "");
			JsonNode page = Chats.JSON.readTree(http().get()
				.uri(uri)
				.headers((headers) -> headers.setBearerAuth(this.agent))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.returnResult()
				.getResponseBody());
			page.get("messages").forEach((message) -> seqs.add(message.get("seq").asInt()));
			cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
		}
		while (cursor != null);
		assertThat(seqs).containsExactly(1, 2, 3, 4, 5, 6);
	}

	private List<String> search(String q) {
		JsonNode page = Chats.JSON.readTree(http().get()
			.uri((uri) -> uri.path("/api/v1/conversations").queryParam("q", q).build())
			.headers((headers) -> headers.setBearerAuth(this.agent))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		List<String> ids = new ArrayList<>();
		page.get("data").forEach((conversation) -> ids.add(conversation.get("id").asText()));
		return ids;
	}

	private void awaitIdle(String conversation) {
		await().atMost(Duration.ofSeconds(30))
			.until(() -> TestDatabase.query("SELECT (turn_started_at IS NOT NULL)::text FROM conversations WHERE id = '"
					+ conversation + "'"), List.of("false")::equals);
	}

	private void assertSequential(String conversation) {
		JsonNode messages = this.chats.get(this.agent, conversation).get("messages");
		for (int i = 0; i < messages.size(); i++) {
			assertThat(messages.get(i).get("seq").asInt()).isEqualTo(i + 1);
			assertThat(messages.get(i).get("role").asText()).isEqualTo((i % 2 == 0) ? "user" : "assistant");
		}
	}

}

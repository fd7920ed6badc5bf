package dev.enclave.conversation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.enclave.support.ChatCompletionsClient;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/usage} over real completions in a tenant of its own: totals by day,
 * model and API key match what the completions reported, another tenant's usage never
 * shows, and only ADMIN and AUDITOR may read it.
 */
class UsageIT extends EnclaveIT {

	@Autowired
	DatabaseClient db;

	/** The application's clock, which stamps the ledger's rows. */
	@Autowired
	Clock clock;

	private ChatCompletionsClient chat;

	private String tenant;

	private String admin;

	@BeforeEach
	void tenantOfItsOwn() {
		this.chat = new ChatCompletionsClient(http());
		this.tenant = Identities.uniqueSubject("usage");
		this.admin = identities().sso(this.tenant, Identities.uniqueSubject("admin"), "ADMIN");
	}

	@Test
	void totalsByModelKeyAndDayMatchTheCompletions() {
		Map<String, Object> first = identities().createApiKey(this.admin, "app-one", "chat");
		Map<String, Object> second = identities().createApiKey(this.admin, "app-two", "chat");
		long prompt = 0;
		long completion = 0;
		Map<String, Long> byKey = new HashMap<>();
		for (Map<String, Object> key : List.of(first, first, second)) {
			JsonNode usage = this.chat.complete((String) key.get("key"), "Hi").get("usage");
			prompt += usage.get("prompt_tokens").asLong();
			completion += usage.get("completion_tokens").asLong();
			byKey.merge((String) key.get("id"), usage.get("total_tokens").asLong(), Long::sum);
		}
		// A person's completion counts for the tenant and the model, not for any key.
		JsonNode own = this.chat.complete(this.admin, "Hi").get("usage");
		prompt += own.get("prompt_tokens").asLong();
		completion += own.get("completion_tokens").asLong();

		JsonNode byModel = report(this.admin, "group_by=model");
		assertThat(byModel.get("group_by").asString()).isEqualTo("model");
		assertThat(byModel.get("data")).singleElement().satisfies(group(g -> g
			.get("group").asString().equals("demo"), 4, prompt, completion));

		JsonNode keys = report(this.admin, "group_by=key").get("data");
		assertThat(keys).hasSize(2);
		for (JsonNode group : keys) {
			assertThat(byKey).containsKey(group.get("group").asString());
			assertThat(group.get("total_tokens").asLong()).isEqualTo(byKey.get(group.get("group").asString()));
			assertThat(group.get("requests").asLong())
				.isEqualTo(group.get("group").asString().equals(first.get("id")) ? 2 : 1);
		}

		JsonNode byDay = report(this.admin, null);
		assertThat(byDay.get("group_by").asString()).isEqualTo("day");
		String today = LocalDate.now(this.clock).toString();
		assertThat(byDay.get("data")).singleElement().satisfies(group(g -> g.get("group").asString().equals(today), 4,
				prompt, completion));
		Instant from = Instant.parse(byDay.get("from").asString());
		Instant to = Instant.parse(byDay.get("to").asString());
		assertThat(Duration.between(from, to).toDays()).isEqualTo(30);
	}

	@Test
	void aCancelledConsoleTurnCountsThePromptAndTheTokensItGenerated() {
		Chats chats = new Chats(http());
		String conversation = chats.createId(this.admin, "Cut short");
		List<ServerSentEvent<String>> seen = chats.stream(this.admin, conversation, Chats.longAnswer("Go on", 1500))
			.filter((event) -> event.event() != null)
			.take(4)
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(seen).hasSize(4);
		String answerId = Chats.json(seen.get(0).data()).get("assistant_message_id").asString();
		JsonNode answer = chats.awaitMessage(this.admin, conversation, answerId);
		assertThat(answer.get("status").asString()).isEqualTo("partial");
		long prompt = answer.get("prompt_tokens").asLong();
		long generated = answer.get("completion_tokens").asLong();
		assertThat(prompt).as("the prompt was computed").isPositive();
		assertThat(generated).as("the three pieces seen, and less than asked for").isBetween(3L, 1499L);
		// The report counts what the cancelled turn really cost, the same numbers the stored answer has.
		assertThat(report(this.admin, "group_by=model").get("data")).singleElement()
			.satisfies(group((g) -> g.get("group").asString().equals("demo"), 1, prompt, generated));
	}

	@Test
	void daysAreUtcDatesAndARangeIncludesItsLastDay() {
		UUID tenantId = tenantId(this.admin);
		insert(tenantId, "2025-03-01T10:00:00Z", 10, 5);
		insert(tenantId, "2025-03-01T23:59:59Z", 1, 1);
		insert(tenantId, "2025-03-02T00:00:00Z", 7, 3);
		insert(tenantId, "2025-03-05T12:00:00Z", 100, 100);

		JsonNode two = report(this.admin, "from=2025-03-01&to=2025-03-02");
		assertThat(two.get("from").asString()).isEqualTo("2025-03-01T00:00:00Z");
		assertThat(two.get("to").asString()).isEqualTo("2025-03-03T00:00:00Z");
		assertThat(two.get("data")).hasSize(2);
		group((g) -> g.get("group").asString().equals("2025-03-01"), 2, 11, 6).accept(two.get("data").get(0));
		group((g) -> g.get("group").asString().equals("2025-03-02"), 1, 7, 3).accept(two.get("data").get(1));

		JsonNode instants = report(this.admin, "from=2025-03-01T12:00:00Z&to=2025-03-06T00:00:00Z&group_by=model");
		assertThat(instants.get("data")).singleElement()
			.satisfies(group((g) -> g.get("group").asString().equals("demo"), 3, 108, 104));
	}

	@Test
	void anotherTenantsUsageNeverShows() {
		String otherTenant = Identities.uniqueSubject("usage-other");
		String otherAdmin = identities().sso(otherTenant, Identities.uniqueSubject("admin"), "ADMIN");
		Map<String, Object> otherKey = identities().createApiKey(otherAdmin, "elsewhere", "chat");
		this.chat.complete((String) otherKey.get("key"), "Hi");
		insert(tenantId(otherAdmin), Instant.now().minusSeconds(60).toString(), 5, 5);

		assertThat(report(this.admin, "group_by=model").get("data")).isEmpty();
		assertThat(report(this.admin, "group_by=key").toString()).doesNotContain((String) otherKey.get("id"));
		assertThat(report(otherAdmin, "group_by=key").get("data")).singleElement()
			.satisfies((group) -> assertThat(group.get("group").asString()).isEqualTo(otherKey.get("id")));
	}

	@Test
	void auditorsMayReadItAgentsAndAppsMayNot() {
		String auditor = identities().sso(this.tenant, Identities.uniqueSubject("auditor"), "AUDITOR");
		assertThat(report(auditor, "group_by=day").get("data").isArray()).isTrue();
		String agent = identities().sso(this.tenant, Identities.uniqueSubject("agent"), "AGENT");
		assertEnvelope(get(agent, ""), 403, "forbidden", "permission_error");
		String app = (String) identities().createApiKey(this.admin, "chat-only", "chat").get("key");
		assertEnvelope(get(app, ""), 403, "forbidden", "permission_error");
		assertEnvelope(get(null, ""), 401, "unauthenticated", "authentication_error");
	}

	@Test
	void badParametersAre400NamingThem() {
		assertThat(refused("group_by=week")).isEqualTo("group_by");
		assertThat(refused("from=yesterday")).isEqualTo("from");
		assertThat(refused("to=2025-13-01")).isEqualTo("to");
		assertThat(refused("from=2025-03-03&to=2025-03-01")).isEqualTo("from");
		assertThat(refused("from=2024-01-01&to=2025-03-01")).isEqualTo("from");
		// Java parses it, but PostgreSQL's timestamps cannot hold it (it was a 500).
		assertThat(refused("to=-999999999-01-01T00:00:00Z")).isEqualTo("to");
	}

	private String refused(String query) {
		return assertEnvelope(get(this.admin, query), 400, "invalid_request", "invalid_request_error").get("param")
			.asString();
	}

	private static Consumer<JsonNode> group(Predicate<JsonNode> label,
			long requests, long prompt, long completion) {
		return (group) -> {
			assertThat(label.test(group)).as("group label of %s", group).isTrue();
			assertThat(group.get("requests").asLong()).isEqualTo(requests);
			assertThat(group.get("prompt_tokens").asLong()).isEqualTo(prompt);
			assertThat(group.get("completion_tokens").asLong()).isEqualTo(completion);
			assertThat(group.get("total_tokens").asLong()).isEqualTo(prompt + completion);
		};
	}

	private JsonNode report(String token, String query) {
		EntityExchangeResult<byte[]> result = get(token, query);
		assertThat(result.getStatus().value()).as("status").isEqualTo(200);
		return ChatCompletionsClient.json(result);
	}

	private EntityExchangeResult<byte[]> get(String token, String query) {
		return http().get()
			.uri("/api/v1/usage" + ((query != null && !query.isEmpty()) ? "?" + query : ""))
			.headers((headers) -> {
				if (token != null) {
					headers.setBearerAuth(token);
				}
			})
			.exchange()
			.expectBody()
			.returnResult();
	}

	@SuppressWarnings("unchecked")
	private UUID tenantId(String token) {
		Map<String, Object> me = http().get()
			.uri("/api/v1/me")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return UUID.fromString((String) ((Map<String, Object>) me.get("tenant")).get("id"));
	}

	/** A ledger row as the ledger writes it, at a chosen time. */
	private void insert(UUID tenant, String at, int prompt, int completion) {
		this.db.sql("INSERT INTO usage_events (id, tenant_id, subject_id, auth_method, model, prompt_tokens, "
				+ "completion_tokens, latency_ms, finish_reason, created_at) "
				+ "VALUES (:id, :tenant, :subject, 'local', 'demo', :prompt, :completion, 10, 'stop', :at)")
			.bind("id", UUID.randomUUID())
			.bind("tenant", tenant)
			.bind("subject", UUID.randomUUID())
			.bind("prompt", prompt)
			.bind("completion", completion)
			.bind("at", Instant.parse(at))
			.then()
			.block();
	}

}

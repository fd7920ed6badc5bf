package dev.enclave.tools;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Envelopes;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The knowledge base: administrators manage articles, people who chat search them, Chinese
 * as well as English, and knowledge_base_search hands the model ids and titles to cite.
 */
class KnowledgeBaseIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	ToolRegistry registry;

	@Autowired
	ToolExecutor executor;

	@Autowired
	DatabaseClient db;

	private String admin;

	private String refund;

	private String shipping;

	@BeforeEach
	void articles() {
		this.admin = identities().admin();
		String marker = UUID.randomUUID().toString().substring(0, 8);
		this.refund = create("退款政策 " + marker, "客户在收货后三十天内可以申请退款。退款会在五个工作日内退回原支付方式。");
		this.shipping = create("Shipping delays " + marker,
				"When a parcel is late, check the tracking number first. Delays over 5 days get a free reshipment.");
		create("保修 warranty " + marker, "所有设备享有一年保修。The warranty covers manufacturing defects.");
	}

	@Test
	void chineseAndEnglishQueriesFindTheirArticlesFirst() {
		assertThat(search("怎么申请退款").get(0).get("id").asString()).isEqualTo(this.refund);
		assertThat(search("my parcel shipping is late").get(0).get("id").asString()).isEqualTo(this.shipping);
		assertThat(search("zzqx")).isEmpty();
	}

	@Test
	void theToolHandsTheModelIdsAndTitlesToCiteInsideTheToolEnvelope() {
		Map<String, Object> owner = this.db.sql("SELECT tenant_id FROM kb_articles WHERE id = :id")
			.bind("id", UUID.fromString(this.refund))
			.fetch()
			.one()
			.block();
		Principal agent = new Principal(new TenantId((UUID) owner.get("tenant_id")), new SubjectId(UUID.randomUUID()),
				Set.of(Role.AGENT), Role.AGENT.scopes(), AuthMethod.LOCAL, Priority.INTERACTIVE, false);
		assertThat(this.registry.offeredTo(agent)).extracting(ToolDefinition::name).contains("knowledge_base_search");

		ToolVerdict verdict = this.registry.check(agent, "knowledge_base_search", "{\"query\": \"退款 多久\", \"limit\": 2}");
		ToolOutcome outcome = this.executor.run((ToolVerdict.Allowed) verdict, new ToolCallContext(agent, null))
			.block(Duration.ofSeconds(10));
		assertThat(outcome.status()).isEqualTo(ToolCallStatus.SUCCEEDED);
		JsonNode told = JSON.readTree(outcome.forModel());
		assertThat(told.get("source").asString()).isEqualTo("tool:knowledge_base_search");
		JsonNode first = told.get("result").get("articles").get(0);
		assertThat(first.get("id").asString()).isEqualTo(this.refund);
		assertThat(first.get("title").asString()).startsWith("退款政策");
		assertThat(first.get("excerpt").asString()).contains("三十天");

		Principal auditor = new Principal(agent.tenantId(), agent.subjectId(), Set.of(Role.AUDITOR),
				Role.AUDITOR.scopes(), AuthMethod.LOCAL, Priority.INTERACTIVE, false);
		assertThat(this.registry.check(auditor, "knowledge_base_search", "{\"query\": \"退款\"}"))
			.as("an auditor may not chat, so may not search through the assistant")
			.isInstanceOf(ToolVerdict.Denied.class);
		assertThat(this.registry.check(agent, "knowledge_base_search", "{\"query\": \"\"}"))
			.isInstanceOf(ToolVerdict.Invalid.class);
	}

	@Test
	void administratorsManageArticlesAndAgentsOnlyRead() {
		String agentName = Identities.uniqueSubject("kb-agent");
		identities().createUser(this.admin, agentName, "kb-agent-password-1", "AGENT");
		String agent = (String) identities().login(agentName, "kb-agent-password-1").get("access_token");
		http().get().uri("/api/v1/kb/articles/{id}", this.refund).headers((h) -> h.setBearerAuth(agent)).exchange()
			.expectStatus().isOk();
		http().post()
			.uri("/api/v1/kb/articles")
			.headers((h) -> h.setBearerAuth(agent))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Mine", "body", "Agents may not write."))
			.exchange()
			.expectStatus()
			.isForbidden();

		http().put()
			.uri("/api/v1/kb/articles/{id}", this.shipping)
			.headers((h) -> h.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", "Shipping delays (updated)", "body", "Late parcels: 物流延迟 three days."))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Shipping delays (updated)");
		assertThat(search("物流延迟").get(0).get("id").asString()).as("search follows the edit").isEqualTo(this.shipping);

		http().delete().uri("/api/v1/kb/articles/{id}", this.shipping).headers((h) -> h.setBearerAuth(this.admin))
			.exchange().expectStatus().isNoContent();
		http().get().uri("/api/v1/kb/articles/{id}", this.shipping).headers((h) -> h.setBearerAuth(this.admin))
			.exchange().expectStatus().isNotFound();
		assertThat(this.db.sql("SELECT action FROM audit_events WHERE target = :id ORDER BY occurred_at")
			.bind("id", this.shipping)
			.map((row) -> row.get("action", String.class))
			.all()
			.collectList()
			.block()).containsExactly("kb_article_created", "kb_article_updated", "kb_article_deleted");
	}

	@Test
	void badArticlesAreRefusedInTheEnvelope() {
		EntityExchangeResult<byte[]> blank = http().post()
			.uri("/api/v1/kb/articles")
			.headers((h) -> h.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", " ", "body", "x"))
			.exchange()
			.expectBody()
			.returnResult();
		Envelopes.assertEnvelope(blank, 400, "invalid_request", "invalid_request_error");
		EntityExchangeResult<byte[]> unknown = http().get()
			.uri("/api/v1/kb/articles/{id}", UUID.randomUUID())
			.headers((h) -> h.setBearerAuth(this.admin))
			.exchange()
			.expectBody()
			.returnResult();
		Envelopes.assertEnvelope(unknown, 404, "not_found", "not_found_error");
		// PostgreSQL cannot store a NUL character in text (it was a 500).
		EntityExchangeResult<byte[]> nul = http().post()
			.uri("/api/v1/kb/articles")
			.headers((h) -> h.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"title\": \"a\\u0000b\", \"body\": \"x\"}")
			.exchange()
			.expectBody()
			.returnResult();
		Envelopes.assertEnvelope(nul, 400, "invalid_request", "invalid_request_error");
	}

	@Test
	void aSearchOverTheLimitIsRefusedNamingQ() {
		// The @Size of q once went through a @Validated proxy, and its exception was a 500.
		EntityExchangeResult<byte[]> tooLong = http().get()
			.uri((uri) -> uri.path("/api/v1/kb/articles").queryParam("q", "q".repeat(501)).build())
			.headers((h) -> h.setBearerAuth(this.admin))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(Envelopes.details(Envelopes.assertEnvelope(tooLong, 400, "invalid_request", "invalid_request_error")))
			.singleElement()
			.asString()
			.startsWith("q: ");
	}

	private String create(String title, String body) {
		JsonNode created = JSON.readTree(http().post()
			.uri("/api/v1/kb/articles")
			.headers((h) -> h.setBearerAuth(this.admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("title", title, "body", body))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.returnResult()
			.getResponseBody());
		return created.get("id").asString();
	}

	private List<JsonNode> search(String q) {
		JsonNode page = JSON.readTree(http().get()
			.uri((uri) -> uri.path("/api/v1/kb/articles").queryParam("q", q).build())
			.headers((h) -> h.setBearerAuth(this.admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.returnResult()
			.getResponseBody());
		List<JsonNode> data = new java.util.ArrayList<>();
		page.get("data").forEach(data::add);
		return data;
	}

}

package dev.enclave.tools;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every tool call is audited with its arguments and result sealed: listed opened for the
 * conversation, unreadable in a dump of the table, and gone with the conversation.
 */
class ToolAuditIT extends EnclaveIT {

	private static final String CANARY = "canary-4f7d2a-order-for-li.lei@example.com";

	@Autowired
	ToolAudit audit;

	@Autowired
	DatabaseClient db;

	@Test
	void callsAreListedOpenedButAreSealedAtRest() {
		String admin = identities().admin();
		String id = new Chats(http()).createId(admin, "Tool audit");
		Map<String, Object> owner = this.db.sql("SELECT tenant_id, owner_id FROM conversations WHERE id = :id")
			.bind("id", UUID.fromString(id))
			.fetch()
			.one()
			.block();
		TenantId tenant = new TenantId((UUID) owner.get("tenant_id"));
		ConversationId conversation = ConversationId.of(id);
		SubjectId person = new SubjectId((UUID) owner.get("owner_id"));
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		ToolInvocation looked = new ToolInvocation(UUID.randomUUID(), tenant, conversation, "call_1", "get_order",
				ToolMode.READ, ToolCallStatus.SUCCEEDED, "{\"email\": \"" + CANARY + "\"}",
				"{\"source\": \"tool:get_order\", \"result\": {\"for\": \"" + CANARY + "\"}}", person, null, "trace-1", 12L,
				now);
		ToolInvocation refused = new ToolInvocation(UUID.randomUUID(), tenant, conversation, "call_2", "refund_order",
				ToolMode.WRITE, ToolCallStatus.DENIED, "{\"order\": \"" + CANARY + "\"}", null, person, null, null, null,
				now.plusMillis(1));
		this.audit.record(looked).then(this.audit.record(refused)).block();

		List<ToolInvocation> listed = this.audit.list(tenant, conversation).collectList().block();
		assertThat(listed).containsExactly(looked, refused);
		assertThat(this.audit.list(new TenantId(UUID.randomUUID()), conversation).collectList().block())
			.as("another tenant sees nothing").isEmpty();

		List<String> dump = this.db.sql("SELECT t::text AS line FROM tool_invocations t WHERE conversation_id = :id")
			.bind("id", conversation.value())
			.map((row) -> row.get("line", String.class))
			.all()
			.collectList()
			.block();
		String hex = HexFormat.of().formatHex(CANARY.getBytes(StandardCharsets.UTF_8));
		assertThat(dump).hasSize(2).allSatisfy((line) -> assertThat(line).doesNotContain(CANARY).doesNotContain(hex)
			.doesNotContain("li.lei"));
		assertThat(dump).anySatisfy((line) -> assertThat(line).contains("get_order").contains("succeeded"));

		http().get()
			.uri("/api/v1/conversations/{id}/tool-calls", id)
			.headers((headers) -> headers.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.length()")
			.isEqualTo(2)
			.jsonPath("$.data[0].tool")
			.isEqualTo("get_order")
			.jsonPath("$.data[0].status")
			.isEqualTo("succeeded")
			.jsonPath("$.data[0].arguments.email")
			.isEqualTo(CANARY)
			.jsonPath("$.data[0].duration_ms")
			.isEqualTo(12)
			.jsonPath("$.data[1].mode")
			.isEqualTo("write")
			.jsonPath("$.data[1].status")
			.isEqualTo("denied")
			.jsonPath("$.data[1].result")
			.doesNotExist();
		String stranger = Identities.uniqueSubject("stranger");
		identities().createUser(admin, stranger, "stranger-password-1", "AGENT");
		String strangerToken = (String) identities().login(stranger, "stranger-password-1").get("access_token");
		http().get()
			.uri("/api/v1/conversations/{id}/tool-calls", id)
			.headers((headers) -> headers.setBearerAuth(strangerToken))
			.exchange()
			.expectStatus()
			.isNotFound();

		http().delete()
			.uri("/api/v1/conversations/{id}", id)
			.headers((headers) -> headers.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		assertThat(this.db.sql("SELECT count(*) AS n FROM tool_invocations WHERE conversation_id = :id")
			.bind("id", conversation.value())
			.map((row) -> row.get("n", Long.class))
			.one()
			.block()).as("erased with the conversation").isZero();
	}

}

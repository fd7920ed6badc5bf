package dev.enclave.tools;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * create_ticket (a write that waits for approval) and get_ticket: tickets belong to their
 * tenant, their text is sealed with the conversation's key and erased with it.
 */
class TicketToolsIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String CANARY = "canary-ticket-7c1e wang.fang@example.com";

	@Autowired
	ToolRegistry registry;

	@Autowired
	ToolExecutor executor;

	@Autowired
	DatabaseClient db;

	@Test
	void aTicketOpenedFromAConversationIsReadBackAndErasedWithIt() {
		String admin = identities().admin();
		String conversation = new Chats(http()).createId(admin, "Broken blender");
		Map<String, Object> owner = this.db.sql("SELECT tenant_id, owner_id FROM conversations WHERE id = :id")
			.bind("id", UUID.fromString(conversation))
			.fetch()
			.one()
			.block();
		Principal agent = new Principal(new TenantId((UUID) owner.get("tenant_id")),
				new SubjectId((UUID) owner.get("owner_id")), Set.of(Role.AGENT), Role.AGENT.scopes(), AuthMethod.LOCAL,
				Priority.INTERACTIVE, false);
		ToolDefinition create = this.registry.offeredTo(agent).stream()
			.filter((tool) -> tool.name().equals("create_ticket")).findFirst().orElseThrow();
		assertThat(create.mode()).isEqualTo(ToolMode.WRITE);
		assertThat(create.requiresApproval()).isTrue();

		ToolOutcome opened = run(agent, conversation, "create_ticket",
				"{\"subject\": \"Blender stopped\", \"description\": \"" + CANARY + "\", \"priority\": \"high\"}");
		assertThat(opened.status()).as(opened.forModel()).isEqualTo(ToolCallStatus.SUCCEEDED);
		String reference = JSON.readTree(opened.forModel()).get("result").get("reference").asString();
		assertThat(reference).matches("T-[0-9]+");

		JsonNode read = JSON.readTree(run(agent, null, "get_ticket", "{\"reference\": \"" + reference.toLowerCase() + "\"}")
			.forModel()).get("result");
		assertThat(read.get("description").asString()).isEqualTo(CANARY);
		assertThat(read.get("priority").asString()).isEqualTo("high");
		assertThat(read.get("status").asString()).isEqualTo("open");

		Principal stranger = new Principal(new TenantId(UUID.randomUUID()), new SubjectId(UUID.randomUUID()),
				Set.of(Role.AGENT), Role.AGENT.scopes(), AuthMethod.LOCAL, Priority.INTERACTIVE, false);
		ToolOutcome elsewhere = run(stranger, null, "get_ticket", "{\"reference\": \"" + reference + "\"}");
		assertThat(elsewhere.status()).isEqualTo(ToolCallStatus.FAILED);
		assertThat(elsewhere.forModel()).contains("There is no ticket " + reference).doesNotContain(CANARY);

		String hex = HexFormat.of().formatHex(CANARY.getBytes(StandardCharsets.UTF_8));
		assertThat(this.db.sql("SELECT t::text AS line FROM tickets t WHERE number = :n")
			.bind("n", Long.parseLong(reference.substring(2)))
			.map((row) -> row.get("line", String.class))
			.one()
			.block()).doesNotContain(CANARY).doesNotContain(hex);

		http().delete()
			.uri("/api/v1/conversations/{id}", conversation)
			.headers((headers) -> headers.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.is2xxSuccessful();
		JsonNode erased = JSON.readTree(run(agent, null, "get_ticket", "{\"reference\": \"" + reference + "\"}")
			.forModel()).get("result");
		assertThat(erased.get("status").asString()).as("the record stays").isEqualTo("open");
		assertThat(erased.get("note").asString()).contains("erased");
		assertThat(erased.has("description")).isFalse();
	}

	@Test
	void aTicketNeedsAConversationAndAValidReference() {
		Principal agent = new Principal(new TenantId(UUID.randomUUID()), new SubjectId(UUID.randomUUID()),
				Set.of(Role.AGENT), Role.AGENT.scopes(), AuthMethod.LOCAL, Priority.INTERACTIVE, false);
		ToolOutcome outside = run(agent, null, "create_ticket", "{\"subject\": \"Help\", \"description\": \"x\"}");
		assertThat(outside.forModel()).contains("only be opened from a conversation");
		assertThat(this.registry.check(agent, "get_ticket", "{\"reference\": \"1001\"}"))
			.isInstanceOf(ToolVerdict.Invalid.class);
		assertThat(this.registry.check(agent, "create_ticket", "{\"subject\": \"Help\", \"description\": \"x\", "
				+ "\"priority\": \"whenever\"}")).isInstanceOf(ToolVerdict.Invalid.class);
	}

	private ToolOutcome run(Principal principal, String conversation, String tool, String arguments) {
		ToolVerdict verdict = this.registry.check(principal, tool, arguments);
		assertThat(verdict).as(verdict.message()).isInstanceOf(ToolVerdict.Allowed.class);
		return this.executor.run((ToolVerdict.Allowed) verdict, new ToolCallContext(principal, conversation))
			.block(Duration.ofSeconds(20));
	}

}

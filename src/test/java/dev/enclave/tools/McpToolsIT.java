package dev.enclave.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import dev.enclave.support.Chats;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * MCP servers' tools in the registry, end to end against MCP servers built with the MCP SDK
 * on loopback: listed for whoever may use them, arguments checked against the server's
 * schema before anything is sent, the call made with the configured secret header, its
 * result and its refusals audited like any tool's. A server that is down at start does not
 * stop Enclave and its tools appear when it comes up; a server that changes its tools is
 * listed again.
 */
class McpToolsIT extends EnclaveIT {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String ORDER_SCHEMA = """
			{"type": "object", "properties": {"order_id": {"type": "string", "pattern": "^A-[0-9]+$"}},
			 "required": ["order_id"], "additionalProperties": false}""";

	private static final McpSchema.ToolAnnotations READ_ONLY = McpSchema.ToolAnnotations.builder()
		.readOnlyHint(true)
		.build();

	private static final LoopbackMcpServer DESK = LoopbackMcpServer.start("desk", 0,
			new LoopbackMcpServer.Tool("lookup_order", "Look up an order's status", ORDER_SCHEMA, READ_ONLY,
					(arguments) -> LoopbackMcpServer.Tool.text("Order " + arguments.get("order_id") + " has shipped")),
			new LoopbackMcpServer.Tool("refund_order", "Refund an order", ORDER_SCHEMA, null,
					(arguments) -> LoopbackMcpServer.Tool.text("refunded")),
			new LoopbackMcpServer.Tool("cancel_order", "Cancel an order", ORDER_SCHEMA, READ_ONLY,
					(arguments) -> LoopbackMcpServer.Tool.error("the order service is unavailable")),
			new LoopbackMcpServer.Tool("broken", "A tool whose schema is not a schema", "{\"type\": 12}", READ_ONLY,
					(arguments) -> LoopbackMcpServer.Tool.text("never")),
			new LoopbackMcpServer.Tool("wipe_database", "Not on the allow-list", "{\"type\": \"object\"}", null,
					(arguments) -> LoopbackMcpServer.Tool.text("never")));

	/** Nothing listens here until a test starts a server on it. */
	private static final int LATER_PORT = freeLoopbackPort();

	@Autowired
	ToolRegistry registry;

	@Autowired
	ToolExecutor executor;

	@Autowired
	ToolAudit audit;

	@Autowired
	DatabaseClient db;

	@DynamicPropertySource
	static void mcp(DynamicPropertyRegistry registry) {
		Path secrets = TestDatabase.dataDir().resolveSibling("mcp-tool-secrets");
		try {
			Files.createDirectories(secrets);
			Files.writeString(secrets.resolve("DESK_KEY"), "desk-key-3\n", StandardCharsets.UTF_8);
			Files.writeString(secrets.resolve("LOCAL_TOKEN"), "local-token-5\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		registry.add("enclave.tools.secrets-dir", secrets::toString);
		registry.add("enclave.tools.egress.allowed-hosts[0]", () -> "127.0.0.1");
		registry.add("enclave.tools.egress.allowed-private-hosts[0]", () -> "127.0.0.1");
		registry.add("enclave.tools.mcp[0].name", () -> "desk");
		registry.add("enclave.tools.mcp[0].url", () -> "http://127.0.0.1:" + DESK.port() + "/mcp");
		registry.add("enclave.tools.mcp[0].headers.X-Desk-Key", () -> "{secret:DESK_KEY}");
		registry.add("enclave.tools.mcp[0].tools", () -> "lookup_order,refund_order,cancel_order,broken,track_parcel");
		registry.add("enclave.tools.mcp[1].name", () -> "later");
		registry.add("enclave.tools.mcp[1].url", () -> "http://127.0.0.1:" + LATER_PORT + "/mcp");
		// Tried again often, so that the test of a server coming up is quick.
		registry.add("enclave.tools.mcp[1].check-interval", () -> "500ms");
		registry.add("enclave.tools.mcp[1].connect-timeout", () -> "2s");
		registry.add("enclave.tools.mcp[2].name", () -> "local");
		registry.add("enclave.tools.mcp[2].transport", () -> "stdio");
		registry.add("enclave.tools.mcp[2].command", () -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
		List<String> args = List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
				StdioMcpServer.class.getName());
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			registry.add("enclave.tools.mcp[2].args[" + i + "]", () -> arg);
		}
		registry.add("enclave.tools.mcp[2].env.LOCAL_TOKEN", () -> "{secret:LOCAL_TOKEN}");
	}

	@AfterAll
	static void stopDesk() {
		DESK.close();
	}

	@Test
	void aServersToolsAreOfferedByPermissionCheckedAgainstItsSchemaRunAndAudited() {
		Principal agent = person(Role.AGENT);
		await().atMost(WAIT).until(() -> names(agent).contains("desk_lookup_order"));
		assertThat(names(agent)).contains("desk_lookup_order", "desk_refund_order", "desk_cancel_order")
			.as("not on the allow-list").doesNotContain("desk_wipe_database")
			.as("an invalid schema leaves the tool out, not the server").doesNotContain("desk_broken");
		ToolDefinition lookup = offered(agent, "desk_lookup_order");
		assertThat(lookup.description()).isEqualTo("Look up an order's status");
		assertThat(lookup.mode()).as("the server's readOnlyHint").isEqualTo(ToolMode.READ);
		assertThat(lookup.requiresApproval()).isFalse();
		assertThat(lookup.requiredScopes()).containsExactly("chat");
		ToolDefinition refund = offered(agent, "desk_refund_order");
		assertThat(refund.mode()).as("no hint: a write").isEqualTo(ToolMode.WRITE);
		assertThat(refund.requiresApproval()).isTrue();

		Principal auditor = person(Role.AUDITOR);
		assertThat(names(auditor)).as("an auditor has no chat scope").noneMatch((name) -> name.startsWith("desk_"));
		ToolVerdict denied = this.registry.check(auditor, "desk_lookup_order", "{\"order_id\": \"A-17\"}");
		assertThat(denied).isInstanceOf(ToolVerdict.Denied.class);
		ToolVerdict invalid = this.registry.check(agent, "desk_lookup_order", "{\"order_id\": \"17; DROP\"}");
		assertThat(invalid).isInstanceOf(ToolVerdict.Invalid.class);
		assertThat(DESK.calls()).as("nothing refused reaches the server").isEmpty();

		ToolOutcome looked = run(agent, "desk_lookup_order", "{\"order_id\": \"A-17\"}");
		assertThat(looked.status()).as(looked.forModel()).isEqualTo(ToolCallStatus.SUCCEEDED);
		JsonNode told = JSON.readTree(looked.forModel());
		assertThat(told.get("source").asString()).isEqualTo("tool:desk_lookup_order");
		assertThat(told.get("trust").asString()).contains("untrusted");
		assertThat(told.get("result").get("text").asString()).isEqualTo("Order A-17 has shipped");
		assertThat(DESK.calls()).singleElement().satisfies((call) -> {
			assertThat(call.tool()).isEqualTo("lookup_order");
			assertThat(call.arguments()).isEqualTo(Map.of("order_id", "A-17"));
			assertThat(call.key()).as("the secret header").isEqualTo("desk-key-3");
		});

		ToolOutcome cancelled = run(agent, "desk_cancel_order", "{\"order_id\": \"A-18\"}");
		assertThat(cancelled.status()).isEqualTo(ToolCallStatus.FAILED);
		assertThat(JSON.readTree(cancelled.forModel()).get("error").asString())
			.isEqualTo("The tool reported an error: the order service is unavailable");

		// What the turn loop does with each outcome: the audit has the call and the refusal.
		String admin = identities().admin();
		String conversation = new Chats(http()).createId(admin, "MCP audit");
		Map<String, Object> owner = this.db.sql("SELECT tenant_id, owner_id FROM conversations WHERE id = :id")
			.bind("id", UUID.fromString(conversation))
			.fetch()
			.one()
			.block();
		TenantId tenant = new TenantId((UUID) owner.get("tenant_id"));
		SubjectId person = new SubjectId((UUID) owner.get("owner_id"));
		Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
		this.audit.record(invocation(tenant, conversation, person, "call_1", lookup, looked, "{\"order_id\": \"A-17\"}", now))
			.then(this.audit.record(invocation(tenant, conversation, person, "call_2", lookup,
					this.executor.refused(denied), "{\"order_id\": \"A-17\"}", now.plusMillis(1))))
			.block(WAIT);
		http().get()
			.uri("/api/v1/conversations/{id}/tool-calls", conversation)
			.headers((headers) -> headers.setBearerAuth(admin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.data.length()")
			.isEqualTo(2)
			.jsonPath("$.data[0].tool")
			.isEqualTo("desk_lookup_order")
			.jsonPath("$.data[0].status")
			.isEqualTo("succeeded")
			.jsonPath("$.data[0].arguments.order_id")
			.isEqualTo("A-17")
			.jsonPath("$.data[0].result.result.text")
			.isEqualTo("Order A-17 has shipped")
			.jsonPath("$.data[1].status")
			.isEqualTo("denied");
	}

	@Test
	void aServerDownAtStartDoesNotStopEnclaveAndItsToolsAppearWhenItComesUp() {
		Principal agent = person(Role.AGENT);
		await().atMost(WAIT).until(() -> names(agent).contains("desk_lookup_order"));
		assertThat(names(agent)).as("Enclave is up; the server that is down offers nothing")
			.noneMatch((name) -> name.startsWith("later_"));

		try (LoopbackMcpServer later = LoopbackMcpServer.start("later", LATER_PORT,
				new LoopbackMcpServer.Tool("ping_site", "Check that a site answers", "{\"type\": \"object\"}", READ_ONLY,
						(arguments) -> LoopbackMcpServer.Tool.text("up")))) {
			await().atMost(WAIT).until(() -> names(agent).contains("later_ping_site"));
			assertThat(run(agent, "later_ping_site", "{}").status()).isEqualTo(ToolCallStatus.SUCCEEDED);
			assertThat(later.calls()).extracting(LoopbackMcpServer.Call::tool).containsExactly("ping_site");
		}
		await("withdrawn when the server goes away").atMost(WAIT)
			.until(() -> !names(agent).contains("later_ping_site"));
	}

	@Test
	void aServerThatChangesItsToolsIsListedAgain() {
		Principal agent = person(Role.AGENT);
		await().atMost(WAIT).until(() -> names(agent).contains("desk_lookup_order"));
		assertThat(names(agent)).doesNotContain("desk_track_parcel");
		DESK.add(new LoopbackMcpServer.Tool("track_parcel", "Track a parcel", "{\"type\": \"object\"}", READ_ONLY,
				(arguments) -> LoopbackMcpServer.Tool.text("in transit")));
		await().atMost(WAIT).until(() -> names(agent).contains("desk_track_parcel"));
	}

	@Test
	void aStdioServerRunsAsAChildProcessWithoutEnclavesEnvironment() {
		Principal agent = person(Role.AGENT);
		await().atMost(WAIT).until(() -> names(agent).contains("local_environment"));
		ToolOutcome outcome = run(agent, "local_environment", "{}");
		assertThat(outcome.status()).as(outcome.forModel()).isEqualTo(ToolCallStatus.SUCCEEDED);
		List<String> lines = JSON.readTree(outcome.forModel()).get("result").get("text").asString().lines().toList();
		assertThat(lines).contains("LOCAL_TOKEN=local-token-5");
		String names = lines.stream().filter((line) -> line.startsWith("names=")).findFirst().orElseThrow();
		assertThat(names.substring("names=".length()).split(","))
			.as("the SDK's few inherited variables and its own, none of Enclave's")
			.contains("LOCAL_TOKEN")
			.isSubsetOf("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LOCAL_TOKEN");
	}

	private ToolOutcome run(Principal principal, String tool, String arguments) {
		ToolVerdict verdict = this.registry.check(principal, tool, arguments);
		assertThat(verdict).as(verdict.message()).isInstanceOf(ToolVerdict.Allowed.class);
		return this.executor.run((ToolVerdict.Allowed) verdict, new ToolCallContext(principal, null)).block(WAIT);
	}

	private List<String> names(Principal principal) {
		return this.registry.offeredTo(principal).stream().map(ToolDefinition::name).toList();
	}

	private ToolDefinition offered(Principal principal, String name) {
		return this.registry.offeredTo(principal)
			.stream()
			.filter((tool) -> tool.name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static ToolInvocation invocation(TenantId tenant, String conversation, SubjectId person, String callId,
			ToolDefinition tool, ToolOutcome outcome, String arguments, Instant at) {
		boolean ran = outcome.status() == ToolCallStatus.SUCCEEDED || outcome.status() == ToolCallStatus.FAILED;
		return new ToolInvocation(UUID.randomUUID(), tenant, ConversationId.of(conversation), callId, tool.name(),
				tool.mode(), outcome.status(), arguments, ran ? outcome.forModel() : null, person, null, null,
				ran ? outcome.duration().toMillis() : null, at);
	}

	private static Principal person(Role role) {
		return new Principal(new TenantId(UUID.randomUUID()), new SubjectId(UUID.randomUUID()), Set.of(role),
				role.scopes(), AuthMethod.LOCAL, Priority.INTERACTIVE, false);
	}

	private static int freeLoopbackPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

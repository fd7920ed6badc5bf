package dev.enclave.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
import dev.enclave.support.Chats;
import dev.enclave.support.Identities;
import dev.enclave.support.RemoteIT;
import dev.enclave.support.ScriptedUpstream;
import dev.enclave.support.ScriptedUpstream.Reply;
import dev.enclave.support.TestDatabase;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * MCP servers' tools in the registry, end to end against MCP servers built with the MCP SDK
 * (on loopback over Streamable HTTP, and as a child process over stdio), in turns of the
 * tool loop with a scripted model: offered to whoever may use them, arguments checked
 * against the server's schema before anything is sent, the call made with the configured
 * secret header, every call audited like any tool's. A server that is down at start does not
 * stop Enclave and its tools appear when it comes up; a server that changes its tools is
 * listed again.
 */
class McpToolsIT extends RemoteIT {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String MODEL = "scripted/solo";

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
	void aServersToolsAreOfferedByPermissionCheckedAgainstItsSchemaRunInATurnAndAudited() {
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
		assertThat(this.registry.check(auditor, "desk_lookup_order", "{\"order_id\": \"A-17\"}"))
			.isInstanceOf(ToolVerdict.Denied.class);

		// A turn: the model proposes three calls, the loop runs what the gate allows and audits all three.
		String user = Identities.uniqueSubject("mcp-agent");
		identities().createUser(identities().admin(), user, "agent-password-42", "AGENT");
		String token = (String) identities().login(user, "agent-password-42").get("access_token");
		Chats chats = new Chats(http());
		String conversation = chats.create(token, Map.of("title", "MCP", "model", MODEL)).get("id").asString();
		SOLO.chat(calls(call("call_ok", "desk_lookup_order", "{\"order_id\": \"A-17\"}"),
				call("call_bad", "desk_lookup_order", "{\"order_id\": \"17; DROP TABLE\"}"),
				call("call_err", "desk_cancel_order", "{\"order_id\": \"A-18\"}")), Reply.text("A-17 has shipped."));
		JsonNode answer = chats.send(token, conversation, "Where is order A-17? And cancel A-18.");
		assertThat(answer.get("content").asString()).isEqualTo("A-17 has shipped.");

		List<ScriptedUpstream.Recorded> asked = SOLO.requests("/v1/chat/completions");
		assertThat(asked.get(0).body().get("tools").findValuesAsString("name"))
			.contains("desk_lookup_order", "desk_cancel_order")
			.doesNotContain("desk_wipe_database", "desk_broken");
		Map<String, String> told = new HashMap<>();
		asked.get(1).body().get("messages").forEach((message) -> {
			if (message.get("role").asString().equals("tool")) {
				told.put(message.get("tool_call_id").asString(), message.get("content").asString());
			}
		});
		assertThat(told.get("call_ok")).contains("tool:desk_lookup_order").contains("untrusted")
			.contains("Order A-17 has shipped");
		assertThat(told.get("call_bad")).contains("invalid");
		assertThat(told.get("call_err")).contains("The tool reported an error: the order service is unavailable");
		assertThat(DESK.calls()).as("what the gate refused never reached the server")
			.extracting(LoopbackMcpServer.Call::tool, LoopbackMcpServer.Call::arguments, LoopbackMcpServer.Call::key)
			.containsExactlyInAnyOrder(tuple("lookup_order", Map.of("order_id", "A-17"), "desk-key-3"),
					tuple("cancel_order", Map.of("order_id", "A-18"), "desk-key-3"));

		Map<String, JsonNode> audited = new HashMap<>();
		http().get()
			.uri("/api/v1/conversations/{id}/tool-calls", conversation)
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.get("data")
			.forEach((call) -> audited.put(call.get("tool_call_id").asString(), call));
		assertThat(audited).containsOnlyKeys("call_ok", "call_bad", "call_err");
		assertThat(audited.get("call_ok").get("tool").asString()).isEqualTo("desk_lookup_order");
		assertThat(audited.get("call_ok").get("status").asString()).isEqualTo("succeeded");
		assertThat(audited.get("call_ok").get("mode").asString()).isEqualTo("read");
		assertThat(audited.get("call_ok").get("arguments").get("order_id").asString()).isEqualTo("A-17");
		assertThat(audited.get("call_bad").get("status").asString()).isEqualTo("invalid");
		assertThat(audited.get("call_err").get("status").asString()).isEqualTo("failed");
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

	private static ScriptedUpstream.ToolCall call(String id, String name, String arguments) {
		return new ScriptedUpstream.ToolCall(id, name, arguments);
	}

	private static Reply calls(ScriptedUpstream.ToolCall... calls) {
		return Reply.toolCalls(calls);
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

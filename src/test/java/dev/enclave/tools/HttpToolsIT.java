package dev.enclave.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP tools from configuration, end to end: offered by scope, arguments checked, the call
 * made with its secret header and only the kept fields returned; a tool aimed at a host that
 * is not allowed, or at the cloud metadata address, never reaches it.
 */
class HttpToolsIT extends EnclaveIT {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> SEEN = new CopyOnWriteArrayList<>();

	private static final LoopResources LOOPS = LoopResources.create("orders-test", 1, true);

	private static final DisposableServer ORDERS = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.runOn(LOOPS)
		.route((routes) -> routes.get("/orders/{id}", (request, response) -> {
			SEEN.add(request.uri() + " auth=" + request.requestHeaders().get("Authorization"));
			return response.header("content-type", "application/json")
				.sendString(reactor.core.publisher.Mono.just("{\"id\": \"" + request.param("id")
						+ "\", \"status\": \"shipped\", \"customer\": {\"email\": \"li.lei@example.com\"}}"));
		}))
		.bindNow();

	@Autowired
	ToolRegistry registry;

	@Autowired
	ToolExecutor executor;

	@DynamicPropertySource
	static void tools(DynamicPropertyRegistry registry) {
		Path secrets = TestDatabase.dataDir().resolveSibling("tool-secrets");
		try {
			Files.createDirectories(secrets);
			Files.writeString(secrets.resolve("ORDERS_TOKEN"), "orders-token-7\n", StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int port = ORDERS.port();
		registry.add("enclave.tools.secrets-dir", secrets::toString);
		registry.add("enclave.tools.egress.allowed-hosts[0]", () -> "localhost");
		registry.add("enclave.tools.egress.allowed-hosts[1]", () -> "169.254.169.254");
		registry.add("enclave.tools.egress.allowed-private-hosts[0]", () -> "localhost");
		registry.add("enclave.tools.http[0].name", () -> "order_lookup");
		registry.add("enclave.tools.http[0].description", () -> "Look up an order by its number");
		registry.add("enclave.tools.http[0].url", () -> "http://localhost:" + port + "/orders/{order_id}");
		registry.add("enclave.tools.http[0].arguments-schema", () -> "{\"type\": \"object\", \"properties\": "
				+ "{\"order_id\": {\"type\": \"string\"}}, \"required\": [\"order_id\"], \"additionalProperties\": false}");
		registry.add("enclave.tools.http[0].headers.Authorization", () -> "Bearer {secret:ORDERS_TOKEN}");
		registry.add("enclave.tools.http[0].keep[0]", () -> "/status");
		registry.add("enclave.tools.http[1].name", () -> "raw_ip_lookup");
		registry.add("enclave.tools.http[1].description", () -> "Aimed at an address that is not allowed");
		registry.add("enclave.tools.http[1].url", () -> "http://127.0.0.1:" + port + "/orders/{order_id}");
		registry.add("enclave.tools.http[2].name", () -> "metadata");
		registry.add("enclave.tools.http[2].description", () -> "Aimed at the cloud metadata address");
		registry.add("enclave.tools.http[2].url", () -> "http://169.254.169.254/latest/meta-data/{order_id}");
		registry.add("enclave.tools.http[3].name", () -> "refund_order");
		registry.add("enclave.tools.http[3].description", () -> "Refund an order");
		registry.add("enclave.tools.http[3].url", () -> "http://localhost:" + port + "/orders/{order_id}");
		registry.add("enclave.tools.http[3].mode", () -> "write");
		registry.add("enclave.tools.http[3].roles[0]", () -> "ADMIN");
	}

	@AfterAll
	static void stopOrders() {
		ORDERS.disposeNow();
		LOOPS.dispose();
	}

	@Test
	void aConfiguredToolCallsItsServerWithItsSecretAndKeepsOnlyTheChosenFields() {
		Principal agent = person(Role.AGENT);
		assertThat(this.registry.offeredTo(agent)).extracting(ToolDefinition::name)
			.contains("order_lookup", "raw_ip_lookup", "metadata")
			.doesNotContain("refund_order");
		ToolDefinition refund = this.registry.offeredTo(person(Role.ADMIN)).stream()
			.filter((tool) -> tool.name().equals("refund_order")).findFirst().orElseThrow();
		assertThat(refund.mode()).isEqualTo(ToolMode.WRITE);
		assertThat(refund.requiresApproval()).as("writes wait for a person by default").isTrue();

		ToolOutcome outcome = run(agent, "order_lookup", "{\"order_id\": \"A/1 ?x\"}");
		assertThat(outcome.status()).as(outcome.forModel()).isEqualTo(ToolCallStatus.SUCCEEDED);
		JsonNode result = JSON.readTree(outcome.forModel()).get("result");
		assertThat(result.get("status").asInt()).isEqualTo(200);
		assertThat(result.get("fields").get("/status").asString()).isEqualTo("shipped");
		assertThat(outcome.forModel()).as("only kept fields").doesNotContain("li.lei");
		assertThat(SEEN).singleElement().asString().contains("/orders/A%2F1%20%3Fx").contains("auth=Bearer orders-token-7");

		assertThat(this.registry.check(agent, "order_lookup", "{\"id\": \"1\"}")).isInstanceOf(ToolVerdict.Invalid.class);
	}

	@Test
	void toolsAimedAtAddressesThatAreNotAllowedNeverReachThem() {
		int before = SEEN.size();
		ToolOutcome raw = run(person(Role.AGENT), "raw_ip_lookup", "{\"order_id\": \"1\"}");
		assertThat(raw.status()).isEqualTo(ToolCallStatus.FAILED);
		assertThat(raw.forModel()).contains("127.0.0.1").contains("not");
		ToolOutcome metadata = run(person(Role.AGENT), "metadata", "{\"order_id\": \"1\"}");
		assertThat(metadata.status()).isEqualTo(ToolCallStatus.FAILED);
		assertThat(metadata.forModel()).contains("link-local");
		assertThat(SEEN).hasSize(before);
	}

	private ToolOutcome run(Principal principal, String tool, String arguments) {
		ToolVerdict verdict = this.registry.check(principal, tool, arguments);
		assertThat(verdict).isInstanceOf(ToolVerdict.Allowed.class);
		return this.executor.run((ToolVerdict.Allowed) verdict, new ToolCallContext(principal, null))
			.block(Duration.ofSeconds(20));
	}

	private static Principal person(Role role) {
		return new Principal(new TenantId(UUID.randomUUID()), new SubjectId(UUID.randomUUID()), Set.of(role),
				role.scopes(), AuthMethod.LOCAL, Priority.INTERACTIVE, false);
	}

}

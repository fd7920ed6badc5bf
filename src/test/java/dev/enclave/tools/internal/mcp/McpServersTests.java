package dev.enclave.tools.internal.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.tools.internal.ToolFailure;
import dev.enclave.tools.internal.ToolsSettings;
import dev.enclave.tools.internal.http.EgressPolicy;
import dev.enclave.tools.internal.http.HostResolver;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** A configuration that cannot work stops the start-up, saying which server and why, never a secret. */
class McpServersTests {

	private static final EgressPolicy POLICY = EgressPolicy.allowing(List.of("mcp.corp.example"));

	private static final HostResolver NO_DNS = (host) -> List.of();

	private static final Duration SECOND = Duration.ofSeconds(1);

	@Test
	void aServerMustBeOnTheEgressAllowList() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> servers(McpTestServers.http("desk", "https://mcp.elsewhere.example/mcp", Map.of())))
			.withMessage("The MCP server desk: the host 'mcp.elsewhere.example' is not on the egress allow-list");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> servers(McpTestServers.http("desk", "file:///etc/passwd", Map.of())))
			.withMessageContaining("only http and https");
	}

	@Test
	void secretsMustBeSetAndWellFormedAndAreNeverQuoted() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> servers(McpTestServers.http("desk", "https://mcp.corp.example/mcp",
					Map.of("Authorization", "Bearer {secret:MISSING}"))))
			.withMessage("The MCP server desk: the secret MISSING of the MCP server desk is not set");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> servers(McpTestServers.stdio("local", Map.of("TOKEN", "{secret:bad name}"))))
			.withMessageContaining("not of the form {secret:NAME}");
		assertThatNoException().isThrownBy(() -> servers(McpTestServers.http("desk", "https://mcp.corp.example/mcp",
				Map.of("Authorization", "Bearer {secret:TOKEN}")), McpTestServers.stdio("local", Map.of("TOKEN",
						"{secret:TOKEN}")))
			.close());
	}

	@Test
	void serverNamesAreUnique() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> servers(McpTestServers.stdio("local", Map.of()), McpTestServers.stdio("local", Map.of())))
			.withMessage("Two MCP servers are named local");
	}

	@Test
	void aTransportNeedsItsOwnKeysOnly() {
		assertThatIllegalArgumentException().isThrownBy(() -> McpTestServers.http("desk", " ", Map.of()))
			.withMessageContaining("needs a url");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolsSettings.McpServer("local", ToolsSettings.McpServer.Transport.STDIO, null, Map.of(),
					null, List.of(), Map.of(), List.of(), null, Set.of(), Set.of(), null, null, SECOND, SECOND, SECOND, Set.of()))
			.withMessageContaining("needs a command");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolsSettings.McpServer("desk", ToolsSettings.McpServer.Transport.STREAMABLE_HTTP,
					"https://mcp.corp.example/mcp", Map.of(), "npx", List.of(), Map.of(), List.of(), null, Set.of(),
					Set.of(), null, null, SECOND, SECOND, SECOND, Set.of()))
			.withMessageContaining("command, args and env are for stdio");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ToolsSettings.McpServer("desk", ToolsSettings.McpServer.Transport.STREAMABLE_HTTP,
					"https://mcp.corp.example/mcp", Map.of(), null, List.of(), Map.of(), List.of(), "bad prefix!",
					Set.of(), Set.of(), null, null, SECOND, SECOND, SECOND, Set.of()))
			.withMessageContaining("tool prefix");
	}

	@Test
	void aCallToAServerThatIsNotConnectedFailsWithAMessageForTheModel() {
		McpConnection connection = new McpConnection(McpTestServers.stdio("local", Map.of()), () -> {
			throw new IllegalStateException("never connected in this test");
		}, (source, tools) -> {
		});
		StepVerifier.create(connection.call("environment", Map.of()))
			.expectErrorSatisfies((failure) -> assertThat(failure)
				.isInstanceOf(ToolFailure.class)
				.hasMessage("The MCP server local is not connected."))
			.verify();
	}

	private static McpServers servers(ToolsSettings.McpServer... servers) {
		return new McpServers(List.of(servers), POLICY, NO_DNS, Map.of("TOKEN", "s3cret"), (source, tools) -> {
		});
	}

}

package dev.enclave.tools.internal.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.identity.Role;
import dev.enclave.tools.ToolMode;
import dev.enclave.tools.internal.ToolsSettings;
import org.jspecify.annotations.Nullable;

/** MCP server settings for the package's tests, with the defaults Spring would bind. */
final class McpTestServers {

	private McpTestServers() {
	}

	static ToolsSettings.McpServer http(String name, String url, Map<String, String> headers) {
		return new ToolsSettings.McpServer(name, ToolsSettings.McpServer.Transport.STREAMABLE_HTTP, url, headers, null,
				List.of(), Map.of(), List.of(), null, Set.of("chat"), Set.of(), null, null, Duration.ofSeconds(30),
				Duration.ofSeconds(30), Duration.ofSeconds(30), Set.of());
	}

	static ToolsSettings.McpServer stdio(String name, Map<String, String> env) {
		return new ToolsSettings.McpServer(name, ToolsSettings.McpServer.Transport.STDIO, null, Map.of(), "mcp-server",
				List.of("--quiet"), env, List.of(), null, Set.of("chat"), Set.of(), null, null, Duration.ofSeconds(30),
				Duration.ofSeconds(30), Duration.ofSeconds(30), Set.of());
	}

	/** A server with the policy keys set. */
	static ToolsSettings.McpServer withPolicy(List<String> tools, @Nullable String prefix, Set<Role> roles,
			@Nullable ToolMode mode, @Nullable Boolean requiresApproval) {
		return new ToolsSettings.McpServer("desk", ToolsSettings.McpServer.Transport.STREAMABLE_HTTP,
				"https://mcp.corp.example/mcp", Map.of(), null, List.of(), Map.of(), tools, prefix, Set.of("chat", "orders"),
				roles, mode, requiresApproval, Duration.ofSeconds(7), Duration.ofSeconds(30), Duration.ofSeconds(30), Set.of());
	}

}

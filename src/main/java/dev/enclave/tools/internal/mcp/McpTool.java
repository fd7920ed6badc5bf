package dev.enclave.tools.internal.mcp;

import java.util.Map;

import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolCallContext;
import dev.enclave.tools.ToolDefinition;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool of an MCP server, offered under Enclave's name for it and Enclave's policy. The call
 * is a {@code tools/call} with the arguments the registry validated; the timeout, breaker,
 * envelope and audit are the executor's, as for every tool.
 */
final class McpTool implements Tool {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
	};

	private final ToolDefinition definition;

	private final String mcpName;

	private final McpCalls server;

	/**
	 * @param definition what Enclave offers it as
	 * @param mcpName its name on the server, which the call uses
	 * @param server where calls go
	 */
	McpTool(ToolDefinition definition, String mcpName, McpCalls server) {
		this.definition = definition;
		this.mcpName = mcpName;
		this.server = server;
	}

	@Override
	public ToolDefinition definition() {
		return this.definition;
	}

	/** Its name on the server. */
	String mcpName() {
		return this.mcpName;
	}

	@Override
	public Mono<JsonNode> call(ToolCallContext context, JsonNode arguments) {
		return Mono.defer(() -> this.server.call(this.mcpName, JSON.convertValue(arguments, OBJECT)))
			.map(McpResults::forModel);
	}

}

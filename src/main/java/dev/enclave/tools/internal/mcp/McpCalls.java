package dev.enclave.tools.internal.mcp;

import java.util.Map;

import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;

/** Sends a {@code tools/call} to an MCP server. */
@FunctionalInterface
interface McpCalls {

	/**
	 * @return the server's result, or a {@code ToolFailure} saying (safely) why there is none
	 */
	Mono<McpSchema.CallToolResult> call(String tool, Map<String, Object> arguments);

}

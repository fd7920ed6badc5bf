package dev.enclave.tools;

import java.io.PrintStream;
import java.util.TreeSet;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * An MCP server on stdio, built with the MCP SDK, that Enclave starts as a child process in
 * {@link McpToolsIT}. Its one tool tells what environment the process was given.
 */
public final class StdioMcpServer {

	private StdioMcpServer() {
	}

	public static void main(String[] args) throws InterruptedException {
		// Standard output is the protocol: anything else written there (a logger) would break it.
		PrintStream protocol = System.out;
		System.setOut(System.err);
		McpSchema.Tool environment = McpSchema.Tool
			.builder("environment", McpJsonDefaults.getMapper(), "{\"type\": \"object\"}")
			.description("Names the environment variables this server was started with")
			.annotations(McpSchema.ToolAnnotations.builder().readOnlyHint(true).build())
			.build();
		McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper(), System.in, protocol))
			.serverInfo("local", "1.0.0")
			.capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
			.tools(McpServerFeatures.SyncToolSpecification.builder()
				.tool(environment)
				.callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
					.addTextContent("names=" + String.join(",", new TreeSet<>(System.getenv().keySet())))
					.addTextContent("LOCAL_TOKEN=" + System.getenv("LOCAL_TOKEN"))
					.build())
				.build())
			.build();
		// The transport reads standard input on threads of its own; Enclave ends the process.
		Thread.currentThread().join();
	}

}

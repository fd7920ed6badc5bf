package dev.enclave.tools;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.ai.mcp.server.webflux.transport.WebFluxStreamableServerTransportProvider;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunctions;

/**
 * An MCP server on loopback, built with the MCP SDK (its WebFlux Streamable HTTP transport on
 * a Reactor Netty server of its own): a test double of the enterprise systems Enclave
 * connects to. It checks nothing about arguments or schemas, so whatever reaches it got past
 * Enclave's gate, and it records every call it receives.
 */
final class LoopbackMcpServer implements AutoCloseable {

	/** One call as the server received it. */
	record Call(String tool, Map<String, Object> arguments, Object key) {
	}

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final LoopResources loops;

	private final McpAsyncServer server;

	private final DisposableServer http;

	private LoopbackMcpServer(String name, int port, List<Tool> tools) {
		WebFluxStreamableServerTransportProvider transport = WebFluxStreamableServerTransportProvider.builder()
			.messageEndpoint("/mcp")
			.contextExtractor((request) -> McpTransportContext
				.create(Map.of("key", String.valueOf(request.headers().firstHeader("X-Desk-Key")))))
			.build();
		this.server = McpServer.async(transport)
			.serverInfo(name, "1.0.0")
			.capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
			// Serves any schema and passes any arguments: checking them is Enclave's job here.
			.jsonSchemaValidator(new AnythingGoes())
			.validateToolInputs(false)
			.tools(tools.stream().map(this::specification).toList())
			.build();
		this.loops = LoopResources.create("mcp-" + name, 1, true);
		this.http = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.runOn(this.loops)
			.handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(transport.getRouterFunction())))
			.bindNow();
	}

	/** Listens on {@code port} (0 for any) and serves {@code tools}. */
	static LoopbackMcpServer start(String name, int port, Tool... tools) {
		return new LoopbackMcpServer(name, port, List.of(tools));
	}

	/** A tool, its schema as JSON, and what it answers to the arguments it gets. */
	record Tool(String name, String description, String inputSchema, McpSchema.ToolAnnotations annotations,
			Function<Map<String, Object>, McpSchema.CallToolResult> answer) {

		static McpSchema.CallToolResult text(String text) {
			return McpSchema.CallToolResult.builder().addTextContent(text).build();
		}

		static McpSchema.CallToolResult error(String text) {
			return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
		}

	}

	int port() {
		return this.http.port();
	}

	List<Call> calls() {
		return this.calls;
	}

	/** Adds a tool while running; clients are told the list changed. */
	void add(Tool tool) {
		this.server.addTool(specification(tool)).block();
	}

	@Override
	public void close() {
		this.server.close();
		this.http.disposeNow();
		this.loops.dispose();
	}

	private McpServerFeatures.AsyncToolSpecification specification(Tool tool) {
		McpSchema.Tool described = McpSchema.Tool.builder(tool.name(), McpJsonDefaults.getMapper(), tool.inputSchema())
			.description(tool.description())
			.annotations(tool.annotations())
			.build();
		return McpServerFeatures.AsyncToolSpecification.builder().tool(described).callHandler((exchange, request) -> {
			Map<String, Object> arguments = (request.arguments() != null) ? request.arguments() : Map.of();
			this.calls.add(new Call(request.name(), arguments, exchange.transportContext().get("key")));
			return Mono.just(tool.answer().apply(arguments));
		}).build();
	}

	private static final class AnythingGoes implements JsonSchemaValidator {

		@Override
		public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
			return ValidationResponse.asValid(null);
		}

	}

}

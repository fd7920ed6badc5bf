package dev.enclave.tools.internal.mcp;

import java.util.Map;
import java.util.function.Supplier;

import dev.enclave.tools.internal.ToolsSettings;
import dev.enclave.tools.internal.http.EgressHttpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.DefaultUriBuilderFactory;

/**
 * How Enclave reaches an MCP server, a fresh transport per connection attempt. Streamable
 * HTTP goes through the tools' {@link EgressHttpClient}, so a server is connected to only at
 * addresses the egress policy admits for its host, with no proxy and no redirects followed. A
 * stdio server is a child process started without a shell and without Enclave's environment.
 */
final class McpTransports {

	private static final Logger log = LoggerFactory.getLogger(McpTransports.class);

	private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

	private McpTransports() {
	}

	/**
	 * @param headers sent with every request, secrets filled in
	 * @param maxMessageBytes the largest JSON-RPC message (or server-sent event) read
	 */
	static Supplier<McpClientTransport> streamableHttp(ToolsSettings.McpServer server, EgressHttpClient egress,
			Map<String, String> headers, int maxMessageBytes) {
		// The URL as configured, not re-encoded as a URI template.
		DefaultUriBuilderFactory uris = new DefaultUriBuilderFactory();
		uris.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.NONE);
		WebClient.Builder web = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(egress.client()))
			.uriBuilderFactory(uris)
			.defaultHeaders((sent) -> headers.forEach(sent::set))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(maxMessageBytes));
		String url = String.valueOf(server.url());
		return () -> WebClientStreamableHttpTransport.builder(web).endpoint(url).jsonMapper(JSON).build();
	}

	/**
	 * @param environment the server's own variables, secrets filled in; besides them it gets
	 * only {@code HOME}, {@code LOGNAME}, {@code PATH}, {@code SHELL}, {@code TERM} and
	 * {@code USER} (the SDK's choice)
	 */
	static Supplier<McpClientTransport> stdio(ToolsSettings.McpServer server, Map<String, String> environment) {
		ServerParameters parameters = ServerParameters.builder(String.valueOf(server.command()))
			.args(server.args())
			.env(environment)
			.build();
		return () -> {
			StdioClientTransport transport = new CleanEnvironmentStdio(parameters);
			// Whatever the server writes to stderr is its business, and may quote what it was sent.
			transport.setStdErrorHandler((line) -> log.debug("MCP server '{}' wrote to stderr: {}", server.name(), line));
			return transport;
		};
	}

	/**
	 * The SDK adds the server's variables to a {@link ProcessBuilder}'s environment, which
	 * starts as a copy of Enclave's own: database passwords and tool secrets included. This
	 * one starts empty.
	 */
	private static final class CleanEnvironmentStdio extends StdioClientTransport {

		CleanEnvironmentStdio(ServerParameters parameters) {
			super(parameters, JSON);
		}

		@Override
		protected ProcessBuilder getProcessBuilder() {
			ProcessBuilder process = new ProcessBuilder();
			process.environment().clear();
			return process;
		}

	}

}

package dev.enclave.tools.internal.mcp;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.enclave.tools.internal.DynamicTools;
import dev.enclave.tools.internal.ToolsSettings;
import dev.enclave.tools.internal.http.EgressHttpClient;
import dev.enclave.tools.internal.http.EgressPolicy;
import dev.enclave.tools.internal.http.HostResolver;
import dev.enclave.tools.internal.http.SecretHeaders;
import dev.enclave.tools.internal.http.ToolHttpException;
import io.modelcontextprotocol.spec.McpClientTransport;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;

/**
 * The configured MCP servers ({@code enclave.tools.mcp[]}), whose tools join the registry
 * under the same gate, executor and audit as every other tool. A configuration that cannot
 * work (a host the egress policy does not allow, a secret that is not set) stops the start-up;
 * a server that is down does not: it is connected in the background, and tried again until it
 * answers.
 */
public final class McpServers implements SmartLifecycle, AutoCloseable {

	private final List<McpConnection> connections = new ArrayList<>();

	private final @Nullable EgressHttpClient egress;

	private @Nullable Scheduler timer;

	/**
	 * @param policy the egress policy Streamable HTTP servers are held to, like HTTP tools
	 * @param hosts how their host names are resolved for the egress check
	 * @param secrets what {@code {secret:NAME}} in headers and environments stands for
	 * @param registry where their tools are published
	 * @throws IllegalArgumentException naming the server, for a configuration that cannot work
	 */
	public McpServers(List<ToolsSettings.McpServer> servers, EgressPolicy policy, HostResolver hosts,
			Map<String, String> secrets, DynamicTools registry) {
		Set<String> names = new HashSet<>();
		for (ToolsSettings.McpServer server : servers) {
			if (!names.add(server.name())) {
				throw new IllegalArgumentException("Two MCP servers are named " + server.name());
			}
		}
		boolean http = servers.stream()
			.anyMatch((server) -> server.transport() == ToolsSettings.McpServer.Transport.STREAMABLE_HTTP);
		this.egress = http ? new EgressHttpClient("tools-mcp", policy, hosts, 32) : null;
		try {
			for (ToolsSettings.McpServer server : servers) {
				this.connections.add(new McpConnection(server, transports(server, policy, secrets), registry));
			}
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private Supplier<McpClientTransport> transports(ToolsSettings.McpServer server, EgressPolicy policy,
			Map<String, String> secrets) {
		String owner = "the MCP server " + server.name();
		try {
			if (server.transport() == ToolsSettings.McpServer.Transport.STDIO) {
				Map<String, String> environment = new LinkedHashMap<>();
				server.env().forEach((name, value) -> {
					if (!SecretHeaders.wellFormed(value)) {
						throw new IllegalArgumentException("the variable " + name
								+ " has a reference that is not of the form {secret:NAME}");
					}
					environment.put(name, SecretHeaders.fill(owner, value, secrets));
				});
				return McpTransports.stdio(server, environment);
			}
			policy.check(URI.create(String.valueOf(server.url())));
			server.headers().forEach(SecretHeaders::validate);
			return McpTransports.streamableHttp(server, requireEgress(),
					SecretHeaders.resolve(owner, server.headers(), secrets), policy.maxResponseBytes());
		}
		catch (ToolHttpException | IllegalArgumentException ex) {
			throw new IllegalArgumentException("The MCP server " + server.name() + ": " + ex.getMessage(), ex);
		}
	}

	private EgressHttpClient requireEgress() {
		if (this.egress == null) {
			throw new IllegalStateException("No HTTP client for MCP servers");
		}
		return this.egress;
	}

	@Override
	public synchronized void start() {
		if (this.timer != null || this.connections.isEmpty()) {
			return;
		}
		Scheduler checks = Schedulers.newSingle("tools-mcp-checks", true);
		this.connections.forEach((connection) -> connection.start(checks));
		this.timer = checks;
	}

	@Override
	public synchronized void stop() {
		Scheduler checks = this.timer;
		if (checks == null) {
			return;
		}
		this.connections.forEach(McpConnection::stop);
		checks.dispose();
		this.timer = null;
	}

	@Override
	public synchronized boolean isRunning() {
		return this.timer != null;
	}

	@Override
	public void close() {
		if (this.egress != null) {
			this.egress.close();
		}
	}

}

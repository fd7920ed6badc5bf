package dev.enclave.tools.internal.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.enclave.shared.Periodic;
import dev.enclave.tools.internal.DynamicTools;
import dev.enclave.tools.internal.ToolFailure;
import dev.enclave.tools.internal.ToolsSettings;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * One MCP server, kept connected: its tools are published to the registry when it connects
 * and whenever it says its list changed, and withdrawn when it cannot be reached. Every
 * {@code checkInterval} a connected server is pinged and a server that is not connected is
 * tried again with a fresh client (a stdio server is started anew), so a server that is down
 * when Enclave starts, or goes down later, costs its tools only while it is down.
 *
 * <p>Only the server's name and tool names are logged, never arguments or results.
 */
final class McpConnection implements McpCalls {

	private static final Logger log = LoggerFactory.getLogger(McpConnection.class);

	private static final McpSchema.Implementation CLIENT = McpSchema.Implementation
		.builder("enclave", Objects.requireNonNullElse(McpConnection.class.getPackage().getImplementationVersion(), "dev"))
		.build();

	/** How long a client being dropped may take to close (a stdio server to exit). */
	private static final Duration CLOSING = Duration.ofSeconds(5);

	private final ToolsSettings.McpServer settings;

	private final Supplier<McpClientTransport> transports;

	private final DynamicTools registry;

	private final McpToolCatalog catalog;

	private final String source;

	/** The initialized client whose tools are published; null while there is none. */
	private final AtomicReference<@Nullable McpAsyncClient> current = new AtomicReference<>();

	/** Whether the outage under way was logged as a warning: the retries that follow log at DEBUG. */
	private boolean outageLogged;

	private @Nullable Disposable checks;

	/**
	 * @param transports a fresh transport for each attempt: a failed one is not reused
	 */
	McpConnection(ToolsSettings.McpServer settings, Supplier<McpClientTransport> transports, DynamicTools registry) {
		this.settings = settings;
		this.transports = transports;
		this.registry = registry;
		this.catalog = new McpToolCatalog(settings, this);
		this.source = "MCP server '" + settings.name() + "'";
	}

	/** Connects now, in the background, and checks the connection every {@code checkInterval} on {@code timer}. */
	void start(Scheduler timer) {
		// A check that outlasts the interval is not queued behind: the next tick after it will do.
		this.checks = Periodic.every(Duration.ZERO, this.settings.checkInterval(), timer, this::check).subscribe();
	}

	/** Stops checking and closes the connection (a stdio server is stopped); called where blocking is allowed. */
	void stop() {
		Disposable running = this.checks;
		if (running != null) {
			running.dispose();
		}
		McpAsyncClient client = this.current.getAndSet(null);
		if (client != null) {
			try {
				client.closeGracefully().block(CLOSING);
			}
			catch (RuntimeException ex) {
				client.close();
			}
		}
	}

	@Override
	public Mono<McpSchema.CallToolResult> call(String tool, Map<String, Object> arguments) {
		McpAsyncClient client = this.current.get();
		if (client == null) {
			return Mono.error(new ToolFailure("The MCP server " + this.settings.name() + " is not connected."));
		}
		return client.callTool(new McpSchema.CallToolRequest(tool, arguments, null)).onErrorMap(this::failure);
	}

	/** One check: connect when not connected, else make sure the server still answers. */
	Mono<Void> check() {
		McpAsyncClient client = this.current.get();
		return ((client == null) ? connect() : alive(client)).onErrorResume((failure) -> Mono.empty());
	}

	private Mono<Void> alive(McpAsyncClient client) {
		return client.ping().timeout(this.settings.connectTimeout()).then().onErrorResume((failure) -> {
			lost(client, "stopped answering", failure);
			return connect();
		});
	}

	private Mono<Void> connect() {
		McpAsyncClient client = client();
		return client.initialize()
			.doOnNext((initialized) -> this.current.set(client))
			.then(Mono.defer(client::listTools))
			.timeout(this.settings.connectTimeout())
			.doOnNext((listed) -> connected(client, listed.tools()))
			.doOnCancel(() -> close(client))
			.onErrorResume((failure) -> {
				lost(client, "could not be connected", failure);
				return Mono.empty();
			})
			.then();
	}

	private McpAsyncClient client() {
		AtomicReference<McpAsyncClient> self = new AtomicReference<>();
		McpAsyncClient client = McpClient.async(this.transports.get())
			.clientInfo(CLIENT)
			// Longer than a call's own timeout, which the executor applies and words for the model.
			.requestTimeout(this.settings.timeout().plus(this.settings.connectTimeout()))
			.initializationTimeout(this.settings.connectTimeout())
			.toolsChangeConsumer((tools) -> Mono.fromRunnable(() -> changed(self.get(), tools)))
			.build();
		self.set(client);
		return client;
	}

	private synchronized void connected(McpAsyncClient client, List<McpSchema.Tool> tools) {
		if (this.current.get() != client) {
			return;
		}
		this.outageLogged = false;
		this.registry.replace(this.source, this.catalog.tools(tools));
		McpSchema.InitializeResult initialized = client.getCurrentInitializationResult();
		log.atInfo()
			.addKeyValue("mcp_server", this.settings.name())
			.log("MCP server '{}' connected (protocol {}), listing {} tools", this.settings.name(),
					(initialized != null) ? initialized.protocolVersion() : "?", tools.size());
	}

	/** The server said its tools changed; the client listed them again. A dropped client's news is stale. */
	private synchronized void changed(@Nullable McpAsyncClient client, List<McpSchema.Tool> tools) {
		if (client == null || this.current.get() != client) {
			return;
		}
		this.registry.replace(this.source, this.catalog.tools(tools));
		log.atInfo()
			.addKeyValue("mcp_server", this.settings.name())
			.log("MCP server '{}' changed its tools, now listing {}", this.settings.name(), tools.size());
	}

	private synchronized void lost(McpAsyncClient client, String what, Throwable failure) {
		if (this.current.compareAndSet(client, null)) {
			this.registry.replace(this.source, List.of());
		}
		close(client);
		Throwable cause = rootCause(failure);
		if (this.outageLogged) {
			log.debug("MCP server '{}' {} ({}: {})", this.settings.name(), what, cause.getClass().getSimpleName(),
					cause.getMessage());
			return;
		}
		this.outageLogged = true;
		log.atWarn()
			.addKeyValue("mcp_server", this.settings.name())
			.addKeyValue("error", cause.getClass().getSimpleName())
			.log("MCP server '{}' {} ({}: {}); its tools are not offered until it is back, tried every {}",
					this.settings.name(), what, cause.getClass().getSimpleName(), cause.getMessage(),
					this.settings.checkInterval());
	}

	private static void close(McpAsyncClient client) {
		client.closeGracefully().timeout(CLOSING).onErrorResume((failure) -> Mono.fromRunnable(client::close)).subscribe();
	}

	/** What the model may be told: the server's JSON-RPC error message, or that it could not be reached. */
	private Throwable failure(Throwable failure) {
		if (failure instanceof ToolFailure) {
			return failure;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof McpError error && error.getJsonRpcError() != null) {
				return new ToolFailure("The MCP server " + this.settings.name() + " refused the call: "
						+ error.getJsonRpcError().message());
			}
		}
		return new ToolFailure("The MCP server " + this.settings.name() + " could not be reached.");
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

}

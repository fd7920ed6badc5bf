package dev.enclave.tools.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.identity.Role;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolMode;
import dev.enclave.tools.internal.http.EgressPolicy;
import dev.enclave.tools.internal.http.HttpToolDefinition;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Limits around every tool call.
 *
 * @param maxSteps how many rounds of tool calls one turn may make before the model must
 * answer (the loop's bound; tenants may lower it)
 * @param resultMaxBytes the most of a tool's result the model is shown; longer results are
 * cut and marked as truncated
 * @param breaker when a tool counts as failing and is left alone for a while
 * @param egress where HTTP tools may connect
 * @param http the declarative HTTP tools
 * @param mcp the MCP servers whose tools join the registry
 * @param secretsDir a directory of secrets HTTP tool and MCP server headers name as
 * {@code {secret:NAME}}, one file each (a mounted Kubernetes Secret);
 * {@code ENCLAVE_TOOL_SECRET_NAME} variables work too
 */
@ConfigurationProperties("enclave.tools")
@Validated
public record ToolsSettings(@DefaultValue("8") @Min(1) @Max(64) int maxSteps,
		@DefaultValue("16384") @Min(256) @Max(1048576) int resultMaxBytes, @DefaultValue @NotNull Breaker breaker,
		@DefaultValue @NotNull Egress egress, @DefaultValue @NotNull List<@Valid HttpTool> http,
		@DefaultValue @NotNull List<@Valid McpServer> mcp, @Nullable Path secretsDir) {

	/** Defaults for everything but the limits, for code that runs no HTTP tools. */
	public static ToolsSettings withoutHttpTools(int maxSteps, int resultMaxBytes, Breaker breaker) {
		return new ToolsSettings(maxSteps, resultMaxBytes, breaker, new Egress(List.of(), List.of(), false, false, false, 1 << 20,
				Duration.ofSeconds(2), Duration.ofSeconds(10), 3), List.of(), List.of(), null);
	}

	/**
	 * Where HTTP tools may connect: only listed hosts, and never to loopback, private or
	 * link-local addresses (checked on the resolved address) unless allowed here.
	 *
	 * @param allowedHosts host names ({@code api.example.com}) or suffix patterns
	 * ({@code *.corp.example}); no other host is called
	 * @param allowedPrivateHosts listed hosts that may resolve to private, loopback or
	 * link-local addresses (an internal order system)
	 * @param allowPrivate allow private addresses for every listed host
	 * @param allowLoopback allow loopback for every listed host
	 * @param allowLinkLocal allow link-local (cloud metadata lives there) for every listed host
	 * @param maxResponseBytes the largest response body read
	 * @param connectTimeout how long a connection may take
	 * @param readTimeout how long the server may stay silent
	 * @param maxRedirects redirects followed, each checked like the first request
	 */
	public record Egress(@DefaultValue @NotNull List<String> allowedHosts,
			@DefaultValue @NotNull List<String> allowedPrivateHosts, @DefaultValue("false") boolean allowPrivate,
			@DefaultValue("false") boolean allowLoopback, @DefaultValue("false") boolean allowLinkLocal,
			@DefaultValue("1048576") @Min(1) int maxResponseBytes, @DefaultValue("2s") @NotNull Duration connectTimeout,
			@DefaultValue("10s") @NotNull Duration readTimeout, @DefaultValue("3") @Min(0) @Max(10) int maxRedirects) {

		/** The policy these settings describe. */
		public EgressPolicy policy() {
			return new EgressPolicy(this.allowedHosts, this.allowedPrivateHosts, this.allowPrivate, this.allowLoopback,
					this.allowLinkLocal, this.maxResponseBytes, this.connectTimeout, this.readTimeout,
					this.maxRedirects);
		}

	}

	/**
	 * One declarative HTTP tool (see {@code HttpToolDefinition} for the request side).
	 *
	 * @param scopes scopes the end user must hold (default {@code chat})
	 * @param roles roles of which the end user must hold one; empty for any
	 * @param mode {@code read} (default) or {@code write}
	 * @param requiresApproval whether each call waits for a person; by default, writes do
	 * @param approverRoles roles whose holders may decide a call besides the conversation's owner
	 */
	public record HttpTool(@NotBlank String name, @NotBlank String description,
			HttpToolDefinition.@Nullable Method method, @NotBlank String url, @Nullable String argumentsSchema,
			@DefaultValue @NotNull Map<String, String> headers, @DefaultValue @NotNull List<String> keep,
			@DefaultValue("10s") @NotNull Duration timeout, @DefaultValue("chat") @NotNull Set<String> scopes,
			@DefaultValue @NotNull Set<Role> roles, @DefaultValue("read") @NotNull ToolMode mode,
			@Nullable Boolean requiresApproval, @DefaultValue @NotNull Set<Role> approverRoles) {

		HttpToolDefinition request() {
			return new HttpToolDefinition(this.name, this.description, this.method, this.url, this.argumentsSchema,
					this.headers, this.keep, this.timeout);
		}

		ToolDefinition definition() {
			HttpToolDefinition request = request();
			return new ToolDefinition(this.name, this.description, request.argumentsSchema(), this.scopes, this.roles,
					this.mode, (this.requiresApproval != null) ? this.requiresApproval : this.mode == ToolMode.WRITE,
					this.timeout, this.approverRoles);
		}

	}

	/**
	 * An MCP server whose tools join the registry, under the policy given here rather than
	 * anything the server says about itself (its {@code readOnlyHint} only picks the default
	 * mode).
	 *
	 * @param name names the server in logs and prefixes its tools' names: 1 to 32 letters,
	 * digits, {@code _} or {@code -}
	 * @param transport {@code streamable-http} (the default) or {@code stdio}
	 * @param url the Streamable HTTP endpoint ({@code https://mcp.corp.example/mcp}), held to
	 * the egress policy like an HTTP tool
	 * @param headers sent with every HTTP request; values may hold {@code {secret:NAME}}
	 * @param command the program a stdio server runs as (started directly, without a shell)
	 * @param args its arguments
	 * @param env its environment, whose values may hold {@code {secret:NAME}}: Enclave's own
	 * environment is not passed on, only {@code HOME}, {@code LOGNAME}, {@code PATH},
	 * {@code SHELL}, {@code TERM} and {@code USER} besides these
	 * @param tools the server's tools to offer, by their MCP names; empty for all of them
	 * @param toolPrefix put before each tool's MCP name to make its name in Enclave; by
	 * default the server's name and {@code _}; may be empty
	 * @param scopes scopes the end user must hold for any of its tools (default {@code chat})
	 * @param roles roles of which the end user must hold one; empty for any
	 * @param mode {@code read} or {@code write} for all its tools; by default a tool the
	 * server marks {@code readOnlyHint} is a read and every other tool a write
	 * @param requiresApproval whether each call waits for a person; by default, writes do
	 * @param timeout how long one call may take
	 * @param connectTimeout how long connecting (starting a stdio server included) and
	 * listing the tools may take
	 * @param checkInterval how often a connected server is pinged, and a server that is not
	 * connected is tried again
	 * @param approverRoles roles whose holders may decide its tools' calls besides the
	 * conversation's owner
	 */
	public record McpServer(@NotBlank @Pattern(regexp = "[A-Za-z0-9_-]{1,32}") String name,
			@DefaultValue("streamable-http") @NotNull Transport transport, @Nullable String url,
			@DefaultValue @NotNull Map<String, String> headers, @Nullable String command,
			@DefaultValue @NotNull List<String> args, @DefaultValue @NotNull Map<String, String> env,
			@DefaultValue @NotNull List<String> tools, @Nullable String toolPrefix,
			@DefaultValue("chat") @NotNull Set<String> scopes, @DefaultValue @NotNull Set<Role> roles,
			@Nullable ToolMode mode, @Nullable Boolean requiresApproval, @DefaultValue("30s") @NotNull Duration timeout,
			@DefaultValue("30s") @NotNull Duration connectTimeout,
			@DefaultValue("30s") @NotNull Duration checkInterval, @DefaultValue @NotNull Set<Role> approverRoles) {

		/** How Enclave talks to an MCP server. */
		public enum Transport {

			/** HTTP POSTs, with server-sent events for what the server sends on its own. */
			STREAMABLE_HTTP,

			/** A child process, JSON-RPC on its standard input and output. */
			STDIO

		}

		public McpServer {
			if (transport == Transport.STREAMABLE_HTTP && (url == null || url.isBlank())) {
				throw new IllegalArgumentException("The MCP server " + name + " needs a url for streamable-http");
			}
			if (transport == Transport.STDIO && (command == null || command.isBlank())) {
				throw new IllegalArgumentException("The MCP server " + name + " needs a command for stdio");
			}
			if (transport == Transport.STDIO && (url != null || !headers.isEmpty())) {
				throw new IllegalArgumentException("The MCP server " + name + " runs on stdio: url and headers are for "
						+ "streamable-http");
			}
			if (transport == Transport.STREAMABLE_HTTP && (command != null || !args.isEmpty() || !env.isEmpty())) {
				throw new IllegalArgumentException("The MCP server " + name + " is reached over streamable-http: command, "
						+ "args and env are for stdio");
			}
			if (toolPrefix != null && !toolPrefix.matches("[A-Za-z0-9_-]{0,32}")) {
				throw new IllegalArgumentException("The tool prefix of the MCP server " + name + " must be at most 32 "
						+ "letters, digits, '_' or '-'");
			}
			for (Duration duration : List.of(timeout, connectTimeout, checkInterval)) {
				if (duration.isNegative() || duration.isZero()) {
					throw new IllegalArgumentException("The MCP server " + name + " needs positive durations");
				}
			}
			headers = Map.copyOf(headers);
			args = List.copyOf(args);
			env = Map.copyOf(env);
			tools = List.copyOf(tools);
			scopes = Set.copyOf(scopes);
			roles = Set.copyOf(roles);
		}

		/** What goes before each tool's MCP name. */
		public String prefix() {
			return (this.toolPrefix != null) ? this.toolPrefix : this.name + "_";
		}

		/** Whether each call waits for a person, for a tool of {@code mode}. */
		public boolean approval(ToolMode mode) {
			return (this.requiresApproval != null) ? this.requiresApproval : mode == ToolMode.WRITE;
		}

	}

	/**
	 * A circuit breaker per tool.
	 *
	 * @param failureRateThreshold percentage of failed calls that opens it
	 * @param slidingWindow calls it judges by
	 * @param minimumCalls calls before it judges at all
	 * @param openDuration how long an open breaker refuses calls before a trial
	 */
	public record Breaker(@DefaultValue("50") @Min(1) @Max(100) int failureRateThreshold,
			@DefaultValue("10") @Min(1) int slidingWindow, @DefaultValue("5") @Min(1) int minimumCalls,
			@DefaultValue("30s") @NotNull Duration openDuration) {
	}

}

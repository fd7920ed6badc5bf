package dev.enclave.tools.internal;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.enclave.identity.Principal;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolRegistry;
import dev.enclave.tools.ToolVerdict;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry over every {@link Tool} bean and configured tool, with each schema compiled at
 * start-up, and over the tools of {@link DynamicTools} sources (MCP servers), compiled as they
 * arrive. Every tool passes the same gate, whichever way it came.
 */
public final class DefaultToolRegistry implements ToolRegistry, DynamicTools {

	private static final Logger log = LoggerFactory.getLogger(DefaultToolRegistry.class);

	/** The tools known at start-up; they keep their names whatever a source publishes. */
	private final Map<String, Registered> fixed;

	/** Each source's current tools; guarded by {@code this}. */
	private final Map<String, Map<String, Registered>> published = new HashMap<>();

	/** Everything offered now, in name order; replaced whole, so a reader never sees half an update. */
	private volatile Map<String, Registered> tools;

	/**
	 * @throws IllegalArgumentException when a tool's schema is not valid or two tools share a
	 * name: a definition Enclave ships or was configured with must not start broken
	 */
	public DefaultToolRegistry(List<Tool> tools) {
		Map<String, Registered> byName = new TreeMap<>();
		for (Tool tool : tools) {
			ToolDefinition definition = tool.definition();
			ArgumentSchema schema = ArgumentSchema.compile(definition.name(), definition.argumentsSchema());
			if (byName.put(definition.name(), new Registered(tool, schema, null)) != null) {
				throw new IllegalArgumentException("Two tools are named " + definition.name());
			}
		}
		this.fixed = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
		this.tools = this.fixed;
	}

	@Override
	public List<ToolDefinition> offeredTo(Principal principal) {
		return this.tools.values()
			.stream()
			.map((registered) -> registered.tool().definition())
			.filter((definition) -> permits(principal, definition))
			.toList();
	}

	@Override
	public ToolVerdict check(Principal principal, String name, String argumentsJson) {
		Registered registered = this.tools.get(name);
		if (registered == null) {
			return new ToolVerdict.Unknown(name);
		}
		if (!permits(principal, registered.tool().definition())) {
			return new ToolVerdict.Denied(name);
		}
		ArgumentSchema.Result result = registered.schema().validate(argumentsJson);
		if (!result.valid()) {
			return new ToolVerdict.Invalid(name, result.errors());
		}
		return new ToolVerdict.Allowed(registered.tool(), result.arguments());
	}

	@Override
	public @Nullable ToolDefinition definition(String name) {
		Registered registered = this.tools.get(name);
		return (registered != null) ? registered.tool().definition() : null;
	}

	@Override
	public synchronized void replace(String source, List<Tool> tools) {
		this.published.remove(source);
		Map<String, Registered> accepted = new LinkedHashMap<>();
		for (Tool tool : tools) {
			String name = tool.definition().name();
			String owner = owner(name, accepted, source);
			if (owner != null) {
				log.atWarn()
					.addKeyValue("source", source)
					.addKeyValue("tool", name)
					.log("The tool {} of {} is left out: the name is taken by {}", name, source, owner);
				continue;
			}
			try {
				accepted.put(name, new Registered(tool, ArgumentSchema.compile(name, tool.definition().argumentsSchema()),
						source));
			}
			catch (IllegalArgumentException ex) {
				log.atWarn()
					.addKeyValue("source", source)
					.addKeyValue("tool", name)
					.log("The tool {} of {} is left out: {}", name, source, ex.getMessage());
			}
		}
		if (!accepted.isEmpty()) {
			this.published.put(source, accepted);
		}
		Map<String, Registered> all = new TreeMap<>(this.fixed);
		this.published.values().forEach(all::putAll);
		this.tools = Collections.unmodifiableMap(new LinkedHashMap<>(all));
	}

	/** Who already has {@code name}: a built-in or configured tool, another source, or this source. */
	private @Nullable String owner(String name, Map<String, Registered> accepted, String source) {
		if (this.fixed.containsKey(name)) {
			return "a built-in or configured tool";
		}
		if (accepted.containsKey(name)) {
			return "another tool of " + source;
		}
		for (Map<String, Registered> others : this.published.values()) {
			Registered other = others.get(name);
			if (other != null) {
				return String.valueOf(other.source());
			}
		}
		return null;
	}

	/** Every required scope, and one of the allowed roles when any are named. */
	static boolean permits(Principal principal, ToolDefinition definition) {
		if (!principal.scopes().containsAll(definition.requiredScopes())) {
			return false;
		}
		return definition.allowedRoles().isEmpty()
				|| definition.allowedRoles().stream().anyMatch(principal.roles()::contains);
	}

	/** A tool with its compiled schema, and the source that published it (null for a fixed one). */
	private record Registered(Tool tool, ArgumentSchema schema, @Nullable String source) {
	}

}

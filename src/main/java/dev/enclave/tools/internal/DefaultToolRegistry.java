package dev.enclave.tools.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.identity.Principal;
import dev.enclave.tools.Tool;
import dev.enclave.tools.ToolDefinition;
import dev.enclave.tools.ToolRegistry;
import dev.enclave.tools.ToolVerdict;

/** The registry over every {@link Tool} bean, with each schema compiled at start-up. */
public final class DefaultToolRegistry implements ToolRegistry {

	private final Map<String, Registered> tools;

	public DefaultToolRegistry(List<Tool> tools) {
		Map<String, Registered> byName = new LinkedHashMap<>();
		List<Tool> sorted = new ArrayList<>(tools);
		sorted.sort((a, b) -> a.definition().name().compareTo(b.definition().name()));
		for (Tool tool : sorted) {
			ToolDefinition definition = tool.definition();
			ArgumentSchema schema = ArgumentSchema.compile(definition.name(), definition.argumentsSchema());
			if (byName.put(definition.name(), new Registered(tool, schema)) != null) {
				throw new IllegalArgumentException("Two tools are named " + definition.name());
			}
		}
		this.tools = Collections.unmodifiableMap(byName);
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
	public @org.jspecify.annotations.Nullable ToolDefinition definition(String name) {
		Registered registered = this.tools.get(name);
		return (registered != null) ? registered.tool().definition() : null;
	}

	/** Every required scope, and one of the allowed roles when any are named. */
	static boolean permits(Principal principal, ToolDefinition definition) {
		if (!principal.scopes().containsAll(definition.requiredScopes())) {
			return false;
		}
		return definition.allowedRoles().isEmpty()
				|| definition.allowedRoles().stream().anyMatch(principal.roles()::contains);
	}

	private record Registered(Tool tool, ArgumentSchema schema) {
	}

}

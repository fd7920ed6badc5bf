package dev.enclave.inference.internal.toolcalls;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON of a tool call, checks it against the declared tools and writes its
 * arguments compactly. Every problem becomes a {@link MalformedToolCall}; nothing is thrown,
 * since the model's output is not the caller's error.
 */
final class CallJson {

	// Floats as BigDecimal so that arguments pass through with every digit the model wrote.
	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final Set<String> toolNames;

	CallJson(Set<String> toolNames) {
		this.toolNames = Set.copyOf(toolNames);
	}

	Set<String> toolNames() {
		return this.toolNames;
	}

	/** The JSON text as a tree; throws when it is not JSON. */
	static JsonNode read(String json) throws JacksonException {
		return JSON.readTree(json);
	}

	/** A call written as {@code {"name": ..., "arguments" or "parameters": {...}}}. */
	Parsed call(String raw, String json) {
		try {
			return call(raw, read(json));
		}
		catch (JacksonException ex) {
			return malformed(raw, "not valid JSON: " + ex.getOriginalMessage());
		}
	}

	Parsed call(String raw, JsonNode call) {
		if (!call.isObject()) {
			return malformed(raw, "expected a JSON object with \"name\" and \"arguments\", got " + type(call));
		}
		JsonNode name = call.get("name");
		if (name == null || !name.isString() || name.stringValue().isBlank()) {
			return malformed(raw, "missing \"name\": the tool's name as a string");
		}
		JsonNode arguments = call.has("arguments") ? call.get("arguments") : call.get("parameters");
		return checked(raw, name.stringValue(), arguments);
	}

	/** A call whose name was written apart from its arguments, as GLM-4 does. */
	Parsed arguments(String raw, String name, String json) {
		try {
			return checked(raw, name, read(json));
		}
		catch (JacksonException ex) {
			return malformed(raw, "the arguments are not valid JSON: " + ex.getOriginalMessage());
		}
	}

	// A call without arguments is read as an empty object: tools that take none are called so.
	private Parsed checked(String raw, String name, @Nullable JsonNode arguments) {
		if (!this.toolNames.contains(name)) {
			return malformed(raw, "unknown tool \"" + name + "\"; the declared tools are " + declared());
		}
		if (arguments != null && !arguments.isObject()) {
			return malformed(raw, "the arguments must be a JSON object, got " + type(arguments));
		}
		String compact = (arguments != null) ? JSON.writeValueAsString(arguments) : "{}";
		ParsedToolCall parsed = new ParsedToolCall(ToolCallIds.next(), name, compact);
		return new Parsed("", List.of(parsed), List.of());
	}

	static Parsed malformed(String raw, String reason) {
		return new Parsed("", List.of(), List.of(new MalformedToolCall(raw, reason)));
	}

	private String declared() {
		return this.toolNames.isEmpty() ? "none" : String.join(", ", new TreeSet<>(this.toolNames));
	}

	private static String type(JsonNode node) {
		return node.getNodeType().name().toLowerCase(Locale.ROOT);
	}

}

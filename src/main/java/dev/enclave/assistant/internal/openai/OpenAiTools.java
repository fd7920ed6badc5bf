package dev.enclave.assistant.internal.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.enclave.gateway.ApiException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;

/**
 * OpenAI's {@code tools} and {@code tool_choice} as the tool definitions the model's chat
 * template renders. The client runs its tools; Enclave only shows them to the model.
 */
final class OpenAiTools {

	/** OpenAI's rule for function names. */
	private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final String EMPTY_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

	private final JsonMapper json;

	OpenAiTools(JsonMapper json) {
		this.json = json;
	}

	/** The tools to show the model, as Spring AI tool callbacks that only declare. */
	List<ToolCallback> callbacks(@Nullable List<ChatCompletionRequest.Tool> declared,
			@Nullable JsonNode toolChoice) {
		ToolChoice choice = ToolChoice.of(toolChoice);
		if (declared == null || declared.isEmpty()) {
			if (choice.function() != null || choice == ToolChoice.REQUIRED) {
				throw ApiException.invalidParam("tool_choice", "asks for a tool, but the request declares none");
			}
			return List.of();
		}
		Map<String, ToolCallback> tools = new LinkedHashMap<>();
		for (int j = 0; j < declared.size(); j++) {
			String at = "tools[" + j + "]";
			ChatCompletionRequest.Tool tool = declared.get(j);
			if (tool == null || !"function".equals(tool.type())) {
				throw ApiException.invalidParam(at + ".type", "Only function tools are supported");
			}
			ChatCompletionRequest.Function function = tool.function();
			if (function == null || function.name() == null || !TOOL_NAME.matcher(function.name()).matches()) {
				throw ApiException.invalidParam(at + ".function.name",
						"must be 1 to 64 letters, digits, underscores or dashes");
			}
			JsonNode parameters = function.parameters();
			if (parameters != null && !parameters.isObject()) {
				throw ApiException.invalidParam(at + ".function.parameters", "must be a JSON schema object");
			}
			String schema = (parameters != null) ? this.json.writeValueAsString(parameters) : EMPTY_SCHEMA;
			String description = (function.description() != null) ? function.description() : "";
			ToolCallback callback = new DeclaredTool(new DefaultToolDefinition(function.name(), description, schema));
			if (tools.put(function.name(), callback) != null) {
				throw ApiException.invalidParam(at + ".function.name", "is declared twice");
			}
		}
		if (choice == ToolChoice.NONE) {
			// The model is not to call tools, so it is not shown any.
			return List.of();
		}
		if (choice.function() == null) {
			return List.copyOf(tools.values());
		}
		ToolCallback named = tools.get(choice.function());
		if (named == null) {
			throw ApiException.invalidParam("tool_choice", "names a function that is not in tools");
		}
		return List.of(named);
	}

	/**
	 * OpenAI's {@code tool_choice}: {@code none}, {@code auto}, {@code required}, or one
	 * function by name. Enclave cannot force a call, so {@code required} and a named function
	 * only narrow what the model is shown.
	 */
	private record ToolChoice(String mode, @Nullable String function) {

		static final ToolChoice NONE = new ToolChoice("none", null);

		static final ToolChoice AUTO = new ToolChoice("auto", null);

		static final ToolChoice REQUIRED = new ToolChoice("required", null);

		static ToolChoice of(@Nullable JsonNode choice) {
			if (choice == null || choice.isNull()) {
				return AUTO;
			}
			if (choice.isString()) {
				switch (choice.asString()) {
					case "none":
						return NONE;
					case "auto":
						return AUTO;
					case "required":
						return REQUIRED;
					default:
						break;
				}
			}
			if (choice.isObject() && "function".equals(choice.path("type").asString(""))
					&& choice.path("function").path("name").isString()) {
				return new ToolChoice("function", choice.path("function").path("name").asString());
			}
			throw ApiException.invalidParam("tool_choice",
					"must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
		}

	}

}

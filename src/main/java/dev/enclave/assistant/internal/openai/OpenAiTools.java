package dev.enclave.assistant.internal.openai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ToolChoice;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.tool.ToolCallback;

/**
 * OpenAI's {@code tools} and {@code tool_choice}, checked, as Spring AI tool definitions and
 * the inference module's {@link ToolChoice}. The client runs its tools; Enclave only shows
 * them to the model.
 */
final class OpenAiTools {

	/** OpenAI's rule for function names. */
	private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final String EMPTY_SCHEMA = "{\"type\":\"object\",\"properties\":{}}";

	private final JsonMapper json;

	OpenAiTools(JsonMapper json) {
		this.json = json;
	}

	/** The declared tools and the choice among them. */
	record Tools(List<ToolCallback> callbacks, @Nullable ToolChoice choice) {
	}

	/** The declared tools, as Spring AI tool callbacks that only declare, and the choice among them. */
	Tools read(@Nullable List<ChatCompletionRequest.Tool> declared, @Nullable JsonNode toolChoice) {
		ToolChoice choice = choice(toolChoice);
		if (declared == null || declared.isEmpty()) {
			if (choice != null && (choice.function() != null || choice.equals(ToolChoice.REQUIRED))) {
				throw ApiException.invalidParam("tool_choice", "asks for a tool, but the request declares none");
			}
			return new Tools(List.of(), null);
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
			ToolCallback callback = new DeclaredTool(new DeclaredTool.Definition(function.name(), description, schema));
			if (tools.put(function.name(), callback) != null) {
				throw ApiException.invalidParam(at + ".function.name", "is declared twice");
			}
		}
		if (choice != null && choice.function() != null && !tools.containsKey(choice.function())) {
			throw ApiException.invalidParam("tool_choice", "names a function that is not in tools");
		}
		return new Tools(List.copyOf(tools.values()), choice);
	}

	/** OpenAI's {@code tool_choice}: {@code none}, {@code auto}, {@code required}, or one function by name. */
	private static @Nullable ToolChoice choice(@Nullable JsonNode choice) {
		if (choice == null || choice.isNull()) {
			return null;
		}
		if (choice.isString()) {
			switch (choice.asString()) {
				case "none":
					return ToolChoice.NONE;
				case "auto":
					return ToolChoice.AUTO;
				case "required":
					return ToolChoice.REQUIRED;
				default:
					break;
			}
		}
		if (choice.isObject() && "function".equals(choice.path("type").asString(""))
				&& choice.path("function").path("name").isString()) {
			return ToolChoice.function(choice.path("function").path("name").asString());
		}
		throw ApiException.invalidParam("tool_choice",
				"must be none, auto, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
	}

}

package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.ToolChoice;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;

/**
 * Spring AI's messages and tools in OpenAI's shape, which is also what chat templates expect:
 * {@code {role, content}}, assistant {@code tool_calls}, one {@code tool} message per tool
 * result, and {@code {type: function, function: {name, description, parameters}}} tools.
 * Templates take a call's arguments parsed, OpenAI's wire takes them as JSON text.
 */
public final class ChatMessages {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ChatMessages() {
	}

	/** The messages as a chat template renders them: a tool call's arguments parsed. */
	static List<Map<String, Object>> messages(List<Message> instructions) {
		return messages(instructions, false);
	}

	/**
	 * The messages in OpenAI's shape.
	 * @param argumentsAsText whether a tool call's arguments stay JSON text, as OpenAI's API
	 * sends them, rather than parsed, as chat templates expect them
	 */
	public static List<Map<String, Object>> messages(List<Message> instructions, boolean argumentsAsText) {
		List<Map<String, Object>> messages = new ArrayList<>();
		for (Message message : instructions) {
			switch (message.getMessageType()) {
				case SYSTEM -> messages.add(message("system", message.getText()));
				case USER -> {
					if (message instanceof UserMessage user && !user.getMedia().isEmpty()) {
						throw ApiException.invalidParam("messages", "Only text messages are supported");
					}
					messages.add(message("user", message.getText()));
				}
				case ASSISTANT -> messages.add(assistant((AssistantMessage) message, argumentsAsText));
				case TOOL -> {
					for (ToolResponseMessage.ToolResponse response : ((ToolResponseMessage) message).getResponses()) {
						Map<String, Object> tool = message("tool", response.responseData());
						tool.put("tool_call_id", response.id());
						tool.put("name", response.name());
						messages.add(tool);
					}
				}
			}
		}
		return messages;
	}

	/**
	 * The tools the local engine shows its model: those the {@code tool_choice} allows, since
	 * it cannot force a call ({@code none} shows none, a named function only that one).
	 */
	static List<Map<String, Object>> shownTools(@Nullable ChatOptions options) {
		ToolChoice choice = (options instanceof InferenceChatOptions inference) ? inference.getToolChoice() : null;
		if (choice == null || choice.mode().equals("auto") || choice.mode().equals("required")) {
			return declaredTools(options);
		}
		if (choice.mode().equals("none")) {
			return List.of();
		}
		return declaredTools(options).stream()
			.filter((tool) -> choice.function() != null
					&& choice.function().equals(((Map<?, ?>) tool.get("function")).get("name")))
			.toList();
	}

	/** The function names of {@code tools}, as {@link #declaredTools} writes them. */
	static Set<String> toolNames(List<Map<String, Object>> tools) {
		Set<String> names = new LinkedHashSet<>();
		for (Map<String, Object> tool : tools) {
			names.add((String) ((Map<?, ?>) tool.get("function")).get("name"));
		}
		return names;
	}

	/** Every tool the request declares, as OpenAI's API and chat templates take them. */
	public static List<Map<String, Object>> declaredTools(@Nullable ChatOptions options) {
		if (!(options instanceof ToolCallingChatOptions tooling) || tooling.getToolCallbacks() == null) {
			return List.of();
		}
		List<Map<String, Object>> tools = new ArrayList<>();
		for (ToolCallback callback : tooling.getToolCallbacks()) {
			ToolDefinition definition = callback.getToolDefinition();
			Map<String, Object> function = new LinkedHashMap<>();
			function.put("name", definition.name());
			if (definition.description() != null && !definition.description().isEmpty()) {
				function.put("description", definition.description());
			}
			function.put("parameters", parse(definition.inputSchema()));
			Map<String, Object> tool = new LinkedHashMap<>();
			tool.put("type", "function");
			tool.put("function", function);
			tools.add(tool);
		}
		return tools;
	}

	private static Map<String, Object> assistant(AssistantMessage message, boolean argumentsAsText) {
		Map<String, Object> assistant = message("assistant", message.getText());
		if (message.hasToolCalls()) {
			List<Map<String, Object>> calls = new ArrayList<>();
			for (AssistantMessage.ToolCall call : message.getToolCalls()) {
				Map<String, Object> function = new LinkedHashMap<>();
				function.put("name", call.name());
				// Templates render arguments with tojson, so they expect an object, not its text.
				function.put("arguments", argumentsAsText ? call.arguments() : parse(call.arguments()));
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("id", call.id());
				entry.put("type", "function");
				entry.put("function", function);
				calls.add(entry);
			}
			assistant.put("tool_calls", calls);
		}
		return assistant;
	}

	private static Object parse(String json) {
		try {
			return JSON.readValue(json, Object.class);
		}
		catch (JacksonException ex) {
			return json;
		}
	}

	private static Map<String, Object> message(String role, String content) {
		Map<String, Object> message = new LinkedHashMap<>();
		message.put("role", role);
		message.put("content", (content != null) ? content : "");
		return message;
	}

}

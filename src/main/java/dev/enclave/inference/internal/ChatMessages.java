package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.gateway.ApiException;
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
 * Spring AI's messages and tools in the shape chat templates expect, which is OpenAI's:
 * {@code {role, content}}, assistant {@code tool_calls} with parsed arguments, one
 * {@code tool} message per tool result, and {@code {type: function, function: {name,
 * description, parameters}}} tools.
 */
final class ChatMessages {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ChatMessages() {
	}

	static List<Map<String, Object>> messages(List<Message> instructions) {
		List<Map<String, Object>> messages = new ArrayList<>();
		for (Message message : instructions) {
			switch (message.getMessageType()) {
				case SYSTEM -> messages.add(message("system", message.getText()));
				case USER -> {
					if (message instanceof UserMessage user && !user.getMedia().isEmpty()) {
						throw ApiException.invalidParam("messages", "Local models accept text only");
					}
					messages.add(message("user", message.getText()));
				}
				case ASSISTANT -> messages.add(assistant((AssistantMessage) message));
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

	static List<Map<String, Object>> tools(ChatOptions options) {
		if (!(options instanceof ToolCallingChatOptions tooling) || tooling.getToolCallbacks() == null) {
			return List.of();
		}
		List<Map<String, Object>> tools = new ArrayList<>();
		for (ToolCallback callback : tooling.getToolCallbacks()) {
			ToolDefinition definition = callback.getToolDefinition();
			Map<String, Object> function = new LinkedHashMap<>();
			function.put("name", definition.name());
			function.put("description", definition.description());
			function.put("parameters", parse(definition.inputSchema()));
			Map<String, Object> tool = new LinkedHashMap<>();
			tool.put("type", "function");
			tool.put("function", function);
			tools.add(tool);
		}
		return tools;
	}

	private static Map<String, Object> assistant(AssistantMessage message) {
		Map<String, Object> assistant = message("assistant", message.getText());
		if (message.hasToolCalls()) {
			List<Map<String, Object>> calls = new ArrayList<>();
			for (AssistantMessage.ToolCall call : message.getToolCalls()) {
				Map<String, Object> function = new LinkedHashMap<>();
				function.put("name", call.name());
				// Templates render arguments with tojson, so they expect an object, not its text.
				function.put("arguments", parse(call.arguments()));
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

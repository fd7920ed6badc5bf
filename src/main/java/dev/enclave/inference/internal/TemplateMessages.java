package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.internal.toolcalls.ToolCallFormat;
import org.jspecify.annotations.Nullable;

/**
 * The conversation in the shape a checkpoint's own template expects. Most templates take
 * OpenAI's shape as {@link ChatMessages} writes it. GLM-4's take their model's own: each
 * call an assistant turn whose {@code metadata} is the tool's name and whose content is the
 * arguments (which is how the model writes a call, and what its parser reads), each result
 * an {@code observation} turn, and the tools on a message of the conversation, where
 * glm-4-9b-chat's first template reads them. Its later template reads the {@code tools}
 * variable instead and ignores the message's key, so both are given and either renders the
 * tools once. Llama 3.1's template takes one call per assistant message and refuses the
 * conversation otherwise, so several calls become as many assistant messages.
 */
final class TemplateMessages {

	private TemplateMessages() {
	}

	/**
	 * @param format how the model writes tool calls; null when it has no format we read
	 * @param messages the conversation as {@link ChatMessages#messages(List)} writes it
	 * @param tools the tools the model is shown
	 */
	static List<Map<String, Object>> of(@Nullable ToolCallFormat format, List<Map<String, Object>> messages,
			List<Map<String, Object>> tools) {
		if (format == ToolCallFormat.GLM4) {
			return glm4(messages, tools);
		}
		return (format == ToolCallFormat.LLAMA3) ? oneCallEach(messages) : messages;
	}

	private static List<Map<String, Object>> oneCallEach(List<Map<String, Object>> messages) {
		if (messages.stream().noneMatch(TemplateMessages::severalCalls)) {
			return messages;
		}
		List<Map<String, Object>> shaped = new ArrayList<>();
		for (Map<String, Object> message : messages) {
			if (severalCalls(message)) {
				List<?> calls = (List<?>) message.get("tool_calls");
				for (int i = 0; i < calls.size(); i++) {
					Map<String, Object> one = turn("assistant", (i == 0) ? message.get("content") : "");
					one.put("tool_calls", List.of(calls.get(i)));
					shaped.add(one);
				}
			}
			else {
				shaped.add(message);
			}
		}
		return shaped;
	}

	private static boolean severalCalls(Map<String, Object> message) {
		return message.get("tool_calls") instanceof List<?> calls && calls.size() > 1;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> glm4(List<Map<String, Object>> messages, List<Map<String, Object>> tools) {
		List<Map<String, Object>> shaped = new ArrayList<>();
		for (Map<String, Object> message : messages) {
			Object role = message.get("role");
			if ("tool".equals(role)) {
				shaped.add(turn("observation", message.get("content")));
			}
			else if ("assistant".equals(role) && message.get("tool_calls") instanceof List<?> calls) {
				if (message.get("content") instanceof String content && !content.isEmpty()) {
					shaped.add(turn("assistant", content));
				}
				for (Object call : calls) {
					Map<String, Object> function = (Map<String, Object>) ((Map<String, Object>) call).get("function");
					Map<String, Object> turn = turn("assistant", arguments(function.get("arguments")));
					turn.put("metadata", function.get("name"));
					shaped.add(turn);
				}
			}
			else {
				shaped.add(message);
			}
		}
		if (!tools.isEmpty()) {
			if (shaped.isEmpty()) {
				shaped.add(turn("system", ""));
			}
			// The first template shows the tools before the message that carries them, and a
			// message without content only as that, so any first message will do.
			Map<String, Object> first = new LinkedHashMap<>(shaped.get(0));
			first.put("tools", tools);
			shaped.set(0, first);
		}
		return shaped;
	}

	// Arguments that were not JSON stay the text they were; JSON is written as the model writes it.
	private static String arguments(@Nullable Object arguments) {
		return (arguments instanceof String text) ? text : ChatTemplate.tojson(arguments);
	}

	private static Map<String, Object> turn(String role, @Nullable Object content) {
		Map<String, Object> turn = new LinkedHashMap<>();
		turn.put("role", role);
		turn.put("content", (content != null) ? content : "");
		return turn;
	}

}

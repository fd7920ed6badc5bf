package dev.enclave.assistant.internal.openai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.ToolCall;
import dev.enclave.gateway.ApiException;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.ModelDescriptor;
import dev.enclave.inference.ModelKind;
import dev.enclave.shared.Priority;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Turns an OpenAI chat request into a Spring AI prompt for the inference module. Everything
 * the engine cannot check itself is checked here, and a refusal names the field as the
 * client sent it ({@code messages[2].content}, {@code tools[0].function.name}). Sampling
 * ranges and the context limit are the engine's to check.
 */
final class OpenAiPrompts {

	private final ModelCatalog catalog;

	private final OpenAiTools tools;

	OpenAiPrompts(ModelCatalog catalog, OpenAiTools tools) {
		this.catalog = catalog;
		this.tools = tools;
	}

	CompletionRequest read(ChatCompletionRequest request) {
		String model = model(request.model());
		if (request.n() != null && request.n() != 1) {
			throw ApiException.invalidParam("n", "Only one choice per request is supported (n = 1)");
		}
		List<ChatCompletionRequest.Message> messages = request.messages();
		if (messages == null || messages.isEmpty()) {
			throw ApiException.invalidParam("messages", "messages must contain at least one message");
		}
		List<Message> instructions = new ArrayList<>();
		List<ExchangeMessage> transcript = new ArrayList<>();
		Map<String, String> toolNames = new HashMap<>();
		for (int i = 0; i < messages.size(); i++) {
			read(messages.get(i), "messages[" + i + "]", instructions, transcript, toolNames);
		}
		Integer maxTokens = (request.maxCompletionTokens() != null) ? request.maxCompletionTokens()
				: request.maxTokens();
		OpenAiTools.Tools tools = this.tools.read(request.tools(), request.toolChoice());
		InferenceChatOptions options = InferenceChatOptions.builder()
			.model(model)
			.temperature(request.temperature())
			.topP(request.topP())
			.maxTokens(maxTokens)
			.stopSequences(stops(request.stop()))
			.seed(request.seed())
			.frequencyPenalty(request.frequencyPenalty())
			.presencePenalty(request.presencePenalty())
			.toolCallbacks(tools.callbacks())
			.toolChoice(tools.choice())
			.priority(priority(request.serviceTier()))
			.extraBody((request.extra() != null) ? request.extra() : Map.of())
			.build();
		boolean stream = Boolean.TRUE.equals(request.stream());
		boolean includeUsage = stream && request.streamOptions() != null
				&& Boolean.TRUE.equals(request.streamOptions().includeUsage());
		return new CompletionRequest(model, new Prompt(instructions, options), List.copyOf(transcript), stream,
				includeUsage, Boolean.TRUE.equals(request.store()));
	}

	private String model(@Nullable String requested) {
		if (requested == null || requested.isBlank()) {
			return this.catalog.defaultModel();
		}
		ModelDescriptor model = this.catalog.find(requested).orElseThrow(() -> ApiException
			.notFound("Model '" + ((requested.length() > 64) ? requested.substring(0, 64) + "…" : requested) + "'")
			.withParam("model"));
		if (model.kind() != ModelKind.CHAT) {
			throw ApiException.invalidParam("model", "Model '" + model.id() + "' is an embedding model; use /v1/embeddings");
		}
		return model.id();
	}

	private static void read(ChatCompletionRequest.@Nullable Message message, String at, List<Message> instructions,
			List<ExchangeMessage> transcript, Map<String, String> toolNames) {
		if (message == null) {
			throw ApiException.invalidParam(at, "must be a message object");
		}
		String role = message.role();
		if (role == null) {
			throw ApiException.invalidParam(at + ".role", "is required");
		}
		switch (role) {
			case "system", "developer" -> {
				String text = requiredText(message.content(), at);
				instructions.add(new SystemMessage(text));
				transcript.add(ExchangeMessage.of(MessageRole.SYSTEM, text));
			}
			case "user" -> {
				String text = requiredText(message.content(), at);
				instructions.add(new UserMessage(text));
				transcript.add(ExchangeMessage.of(MessageRole.USER, text));
			}
			case "assistant" -> {
				List<AssistantMessage.ToolCall> calls = toolCalls(message.toolCalls(), at, toolNames);
				String text = text(message.content(), at);
				if (text == null && calls.isEmpty()) {
					throw ApiException.invalidParam(at + ".content", "is required unless the message has tool_calls");
				}
				String content = (text != null) ? text : "";
				instructions.add(AssistantMessage.builder().content(content).toolCalls(calls).build());
				transcript.add(new ExchangeMessage(MessageRole.ASSISTANT, content, calls.stream()
					.map((call) -> new ToolCall(call.id(), call.name(), call.arguments()))
					.toList(), null));
			}
			case "tool" -> {
				String callId = message.toolCallId();
				if (callId == null || callId.isEmpty()) {
					throw ApiException.invalidParam(at + ".tool_call_id", "is required for a tool message");
				}
				String text = requiredText(message.content(), at);
				String name = toolNames.getOrDefault(callId, (message.name() != null) ? message.name() : "");
				instructions.add(ToolResponseMessage.builder()
					.responses(List.of(new ToolResponseMessage.ToolResponse(callId, name, text)))
					.build());
				transcript.add(new ExchangeMessage(MessageRole.TOOL, text, List.of(), callId));
			}
			default -> throw ApiException.invalidParam(at + ".role",
					"must be one of system, developer, user, assistant or tool");
		}
	}

	private static List<AssistantMessage.ToolCall> toolCalls(
			@Nullable List<ChatCompletionRequest.ToolCall> calls, String at, Map<String, String> toolNames) {
		if (calls == null) {
			return List.of();
		}
		List<AssistantMessage.ToolCall> result = new ArrayList<>();
		for (int j = 0; j < calls.size(); j++) {
			String where = at + ".tool_calls[" + j + "]";
			ChatCompletionRequest.ToolCall call = calls.get(j);
			if (call == null || call.function() == null || call.function().name() == null) {
				throw ApiException.invalidParam(where + ".function.name", "is required");
			}
			String id = (call.id() != null) ? call.id() : "";
			String arguments = (call.function().arguments() != null) ? call.function().arguments() : "{}";
			toolNames.put(id, call.function().name());
			result.add(new AssistantMessage.ToolCall(id, "function", call.function().name(), arguments));
		}
		return result;
	}

	private static String requiredText(@Nullable JsonNode content, String at) {
		String text = text(content, at);
		if (text == null) {
			throw ApiException.invalidParam(at + ".content", "is required");
		}
		return text;
	}

	/** A string, or an array of {@code {"type": "text", "text": ...}} parts joined by newlines. */
	private static @Nullable String text(@Nullable JsonNode content, String at) {
		if (content == null || content.isNull()) {
			return null;
		}
		if (content.isString()) {
			return content.asString();
		}
		if (!content.isArray()) {
			throw ApiException.invalidParam(at + ".content", "must be a string or an array of text parts");
		}
		List<String> parts = new ArrayList<>();
		for (int j = 0; j < content.size(); j++) {
			JsonNode part = content.get(j);
			JsonNode type = part.get("type");
			if (!part.isObject() || type == null || !type.isString()) {
				throw ApiException.invalidParam(at + ".content[" + j + "]", "must be a content part with a type");
			}
			if (!"text".equals(type.asString())) {
				throw ApiException.invalidParam(at + ".content[" + j + "].type", "Only text parts are supported");
			}
			JsonNode text = part.get("text");
			if (text == null || !text.isString()) {
				throw ApiException.invalidParam(at + ".content[" + j + "].text", "must be a string");
			}
			parts.add(text.asString());
		}
		return String.join("\n", parts);
	}

	/**
	 * OpenAI's {@code service_tier}: {@code flex} (slower, cheaper) is Enclave's batch class;
	 * {@code auto}, {@code default}, {@code scale} and {@code priority} keep the caller's own
	 * class, since a request may ask to wait longer, never to jump ahead.
	 */
	private static Priority priority(@Nullable String serviceTier) {
		if (serviceTier == null) {
			return Priority.INTERACTIVE;
		}
		return switch (serviceTier) {
			case "flex" -> Priority.BATCH;
			case "auto", "default", "scale", "priority" -> Priority.INTERACTIVE;
			default -> throw ApiException.invalidParam("service_tier", "must be auto, default, flex, scale or priority");
		};
	}

	private static @Nullable List<String> stops(@Nullable List<String> stop) {
		if (stop == null) {
			return null;
		}
		for (String value : stop) {
			if (value == null || value.isEmpty()) {
				throw ApiException.invalidParam("stop", "Stop sequences must be non-empty strings");
			}
		}
		return stop;
	}

}

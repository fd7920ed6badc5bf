package dev.enclave.assistant.internal.openai;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enclave.conversation.ToolCall;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A whole answer in OpenAI's {@code chat.completion} shape. Fields OpenAI sends as null are
 * sent as null too ({@code logprobs}, {@code refusal}, {@code system_fingerprint}), because
 * some SDKs expect the keys to be there; an answer that only calls tools has null content,
 * as OpenAI's has.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
		@Nullable String systemFingerprint) {

	static ChatCompletion of(String id, long created, String model, String content, List<ToolCall> toolCalls,
			String finishReason, Usage usage, @Nullable JsonNode logprobs, Map<String, JsonNode> messageFields) {
		List<WholeToolCall> calls = toolCalls.isEmpty() ? null
				: toolCalls.stream().map((call) -> new WholeToolCall(call.id(), "function",
						new ChatCompletionChunk.Function(call.name(), call.arguments()))).toList();
		String text = (content.isEmpty() && calls != null) ? null : content;
		return new ChatCompletion(id, "chat.completion", created, model,
				List.of(new Choice(0, new Message("assistant", text, null, calls, messageFields), logprobs, finishReason)),
				usage, null);
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Choice(int index, Message message, @Nullable Object logprobs, String finishReason) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Message(String role, @Nullable String content, @Nullable String refusal,
			@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<WholeToolCall> toolCalls,
			@JsonAnyGetter Map<String, JsonNode> passthrough) {
	}

	/** A whole tool call: {@code {"id", "type": "function", "function": {"name", "arguments"}}}. */
	record WholeToolCall(String id, String type, ChatCompletionChunk.Function function) {
	}

	/** Token counts; {@code total_tokens} is their sum. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Usage(int promptTokens, int completionTokens, int totalTokens) {

		static Usage of(int promptTokens, int completionTokens) {
			return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
		}

	}

}

package dev.enclave.assistant.internal.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A whole answer in OpenAI's {@code chat.completion} shape. Fields OpenAI sends as null are
 * sent as null too ({@code logprobs}, {@code refusal}, {@code system_fingerprint}), because
 * some SDKs expect the keys to be there.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage,
		@Nullable String systemFingerprint) {

	static ChatCompletion of(String id, long created, String model, String content, String finishReason,
			Usage usage) {
		return new ChatCompletion(id, "chat.completion", created, model,
				List.of(new Choice(0, new Message("assistant", content, null), null, finishReason)), usage, null);
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Choice(int index, Message message, @Nullable Object logprobs, String finishReason) {
	}

	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Message(String role, String content, @Nullable String refusal) {
	}

	/** Token counts; {@code total_tokens} is their sum. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Usage(int promptTokens, int completionTokens, int totalTokens) {

		static Usage of(int promptTokens, int completionTokens) {
			return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
		}

	}

}

package dev.enclave.assistant.internal.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One event of a streamed answer in OpenAI's {@code chat.completion.chunk} shape: the first
 * carries the role, the next ones pieces of content, the last one the finish reason; with
 * {@code stream_options.include_usage} a final chunk with no choices carries the usage.
 *
 * @param enclaveConversationId Enclave's addition, on the finishing chunk of a stream that
 * asked to be stored ({@code store: true}): the id of the stored conversation, which a
 * header cannot carry because headers go out before the answer exists
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.ALWAYS)
record ChatCompletionChunk(String id, String object, long created, String model, @Nullable String systemFingerprint,
		List<Choice> choices, @JsonInclude(JsonInclude.Include.NON_NULL) ChatCompletion.@Nullable Usage usage,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String enclaveConversationId) {

	private static final String OBJECT = "chat.completion.chunk";

	/** The first chunk: the assistant's role and no content yet. */
	static ChatCompletionChunk role(String id, long created, String model) {
		return new ChatCompletionChunk(id, OBJECT, created, model, null,
				List.of(new Choice(0, new Delta("assistant", ""), null, null)), null, null);
	}

	static ChatCompletionChunk content(String id, long created, String model, String content) {
		return new ChatCompletionChunk(id, OBJECT, created, model, null,
				List.of(new Choice(0, new Delta(null, content), null, null)), null, null);
	}

	static ChatCompletionChunk finish(String id, long created, String model, String finishReason,
			@Nullable String conversationId) {
		return new ChatCompletionChunk(id, OBJECT, created, model, null,
				List.of(new Choice(0, new Delta(null, null), null, finishReason)), null, conversationId);
	}

	static ChatCompletionChunk usage(String id, long created, String model, ChatCompletion.Usage usage) {
		return new ChatCompletionChunk(id, OBJECT, created, model, null, List.of(), usage, null);
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Choice(int index, Delta delta, @Nullable Object logprobs, @Nullable String finishReason) {
	}

	/** What a chunk adds; absent fields are left out, so the last delta is {@code {}}. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Delta(@Nullable String role, @Nullable String content) {
	}

}

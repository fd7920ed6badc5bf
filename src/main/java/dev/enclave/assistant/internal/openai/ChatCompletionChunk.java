package dev.enclave.assistant.internal.openai;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.ToolCallDelta;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One event of a streamed answer in OpenAI's {@code chat.completion.chunk} shape: the first
 * carries the role, the next ones pieces of content or of tool calls, the last one the
 * finish reason; with {@code stream_options.include_usage} a final chunk with no choices
 * carries the usage. Fields a model server sent that Enclave passes on ({@code logprobs}, a
 * server's {@code reasoning_content}) stay where the server put them.
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
				List.of(new Choice(0, new Delta("assistant", "", null, Map.of()), null, null, Map.of())), null, null);
	}

	/** A piece of the answer: text, pieces of tool calls, passed-on fields. */
	static ChatCompletionChunk piece(String id, long created, String model, String content, List<ToolCallDelta> calls,
			PassthroughFields passthrough) {
		Map<String, JsonNode> choiceFields = new java.util.LinkedHashMap<>(passthrough.choice());
		JsonNode logprobs = choiceFields.remove("logprobs");
		Delta delta = new Delta(null, (content.isEmpty() && !calls.isEmpty()) ? null : content,
				calls.isEmpty() ? null : calls.stream().map(ToolCallPiece::of).toList(), passthrough.delta());
		return new ChatCompletionChunk(id, OBJECT, created, model, null,
				List.of(new Choice(0, delta, logprobs, null, choiceFields)), null, null);
	}

	static ChatCompletionChunk finish(String id, long created, String model, String finishReason,
			@Nullable String conversationId) {
		return new ChatCompletionChunk(id, OBJECT, created, model, null,
				List.of(new Choice(0, new Delta(null, null, null, Map.of()), null, finishReason, Map.of())), null,
				conversationId);
	}

	static ChatCompletionChunk usage(String id, long created, String model, ChatCompletion.Usage usage) {
		return new ChatCompletionChunk(id, OBJECT, created, model, null, List.of(), usage, null);
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	@JsonInclude(JsonInclude.Include.ALWAYS)
	record Choice(int index, Delta delta, @Nullable Object logprobs, @Nullable String finishReason,
			@JsonAnyGetter Map<String, JsonNode> passthrough) {
	}

	/** What a chunk adds; absent fields are left out, so the last delta is {@code {}}. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Delta(@Nullable String role, @Nullable String content, @Nullable List<ToolCallPiece> toolCalls,
			@JsonAnyGetter Map<String, JsonNode> passthrough) {
	}

	/**
	 * A piece of a tool call: the first names the call ({@code id}, {@code type} and the
	 * function's {@code name}), the next ones only add to its {@code arguments}.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ToolCallPiece(int index, @Nullable String id, @Nullable String type, Function function) {

		static ToolCallPiece of(ToolCallDelta delta) {
			return new ToolCallPiece(delta.index(), delta.id(), (delta.id() != null) ? "function" : null,
					new Function(delta.name(), delta.arguments()));
		}

	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Function(@Nullable String name, String arguments) {
	}

}

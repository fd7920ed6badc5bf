package dev.enclave.inference;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatResponse;

/**
 * One piece of a tool call as a streaming engine sends it, in OpenAI's terms: the first
 * piece of a call carries its {@code id} and function {@code name}, later pieces only more
 * of its {@code arguments} text. Several calls stream side by side, told apart by
 * {@code index}. Spring AI's {@code AssistantMessage.ToolCall} has no index, so a chunk
 * carries its pieces in its metadata instead, where an OpenAI-compatible entry point can
 * pass them on exactly as they came.
 *
 * @param index which of the answer's calls this piece belongs to, from 0
 * @param id the call's id, on its first piece
 * @param name the function's name, on its first piece
 * @param arguments more of the arguments' JSON text, possibly empty
 */
public record ToolCallDelta(int index, @Nullable String id, @Nullable String name, String arguments) {

	/** The key of a chunk's pieces in its {@code ChatResponseMetadata}. */
	public static final String METADATA_KEY = "enclave.tool-call-deltas";

	/** The pieces a chunk carries; empty when it carries none. */
	@SuppressWarnings("unchecked")
	public static List<ToolCallDelta> of(ChatResponse chunk) {
		Object value = (chunk.getMetadata() != null) ? chunk.getMetadata().get(METADATA_KEY) : null;
		return (value instanceof List<?> list) ? (List<ToolCallDelta>) list : List.of();
	}

}

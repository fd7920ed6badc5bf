package dev.enclave.inference;

import java.util.Map;

import tools.jackson.databind.JsonNode;

import org.springframework.ai.chat.model.ChatResponse;

/**
 * The fields of a streamed choice that Enclave does not interpret but a client may have
 * asked for, such as {@code logprobs} or a server's {@code reasoning_content}, as the model
 * server sent them. They travel in a chunk's metadata so an OpenAI-compatible entry point
 * can hand them on unchanged. Never logged and never stored.
 *
 * @param choice fields of the choice beside {@code index}, {@code delta} and
 * {@code finish_reason}
 * @param delta fields of the delta beside {@code role}, {@code content} and
 * {@code tool_calls}
 */
public record PassthroughFields(Map<String, JsonNode> choice, Map<String, JsonNode> delta) {

	/** The key of a chunk's fields in its {@code ChatResponseMetadata}. */
	public static final String METADATA_KEY = "enclave.passthrough";

	public static final PassthroughFields NONE = new PassthroughFields(Map.of(), Map.of());

	public PassthroughFields {
		choice = Map.copyOf(choice);
		delta = Map.copyOf(delta);
	}

	public boolean isEmpty() {
		return this.choice.isEmpty() && this.delta.isEmpty();
	}

	/** The fields a chunk carries; {@link #NONE} when it carries none. */
	public static PassthroughFields of(ChatResponse chunk) {
		Object value = (chunk.getMetadata() != null) ? chunk.getMetadata().get(METADATA_KEY) : null;
		return (value instanceof PassthroughFields fields) ? fields : NONE;
	}

}

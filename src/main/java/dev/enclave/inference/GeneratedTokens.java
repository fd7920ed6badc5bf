package dev.enclave.inference;

import org.springframework.ai.chat.model.ChatResponse;

/**
 * How many answer tokens an engine had generated when it sent a streamed chunk. Usage
 * arrives with the last chunk only; a stream that ends early (the client went away) has
 * none, and this count is what it really cost. Engines that do not tell leave it out.
 */
public final class GeneratedTokens {

	/** The key of the count in a chunk's {@code ChatResponseMetadata}. */
	public static final String METADATA_KEY = "enclave.generated-tokens";

	private GeneratedTokens() {
	}

	/** The count a chunk carries, or -1 when its engine does not tell. */
	public static int of(ChatResponse chunk) {
		Object value = (chunk.getMetadata() != null) ? chunk.getMetadata().get(METADATA_KEY) : null;
		return (value instanceof Number number) ? number.intValue() : -1;
	}

}

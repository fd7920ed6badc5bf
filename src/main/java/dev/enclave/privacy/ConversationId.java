package dev.enclave.privacy;

import java.util.Objects;
import java.util.UUID;

/**
 * A conversation: the unit that owns one data key and is erased as a whole.
 *
 * @param value the conversation's id
 */
public record ConversationId(UUID value) {

	public ConversationId {
		Objects.requireNonNull(value, "value");
	}

	/** A new random id. */
	public static ConversationId random() {
		return new ConversationId(UUID.randomUUID());
	}

	/** Parses the canonical UUID form. */
	public static ConversationId of(String value) {
		return new ConversationId(UUID.fromString(value));
	}

	@Override
	public String toString() {
		return this.value.toString();
	}

}

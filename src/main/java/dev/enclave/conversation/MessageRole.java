package dev.enclave.conversation;

import java.util.Locale;

/** Who wrote a message. Stored and shown in lower case, as OpenAI's API names them. */
public enum MessageRole {

	SYSTEM, USER, ASSISTANT, TOOL;

	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static MessageRole of(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}

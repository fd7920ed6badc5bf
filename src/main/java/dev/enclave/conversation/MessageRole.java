package dev.enclave.conversation;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Who wrote a message. Stored and shown in lower case, as OpenAI's API names them. */
public enum MessageRole {

	SYSTEM, USER, ASSISTANT, TOOL;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static MessageRole of(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

}

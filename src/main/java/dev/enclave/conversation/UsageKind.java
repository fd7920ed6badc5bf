package dev.enclave.conversation;

import java.util.Locale;

/** What a usage row paid for: a chat completion or an embedding. */
public enum UsageKind {

	CHAT, EMBEDDING;

	/** The column value: {@code chat} or {@code embedding}. */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

}

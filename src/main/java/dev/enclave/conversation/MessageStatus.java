package dev.enclave.conversation;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.enclave.shared.FinishReason;

/**
 * How a message ended: {@code complete}, {@code partial} (the client went away and
 * generation was cancelled; what had been generated is kept) or {@code failed} (the engine
 * failed; what had been generated, possibly nothing, is kept).
 */
public enum MessageStatus {

	COMPLETE, PARTIAL, FAILED;

	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static MessageStatus of(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

	/** The status of an answer that ended for {@code reason}. */
	public static MessageStatus of(FinishReason reason) {
		return switch (reason) {
			case STOP, LENGTH, TOOL_CALLS, CONTENT_FILTER -> COMPLETE;
			case CANCELLED -> PARTIAL;
			case ERROR -> FAILED;
		};
	}

}

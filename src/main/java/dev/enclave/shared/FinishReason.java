package dev.enclave.shared;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a generation ended: the one outcome type every module speaks, from the engine that
 * produced the answer to the row that stores it. The wire value is OpenAI's spelling where
 * OpenAI has one ({@code stop}, {@code length}, {@code tool_calls}, {@code content_filter});
 * {@code cancelled} and {@code error} are Enclave's for answers that did not end on their own.
 */
public enum FinishReason {

	/** The model produced a stop token, or the text reached a stop string. */
	STOP,

	/** {@code max_tokens} was reached, or the model's context is full. */
	LENGTH,

	/** The model called one or more tools and waits for their results. */
	TOOL_CALLS,

	/** The model server withheld the rest of the answer by its own content policy. */
	CONTENT_FILTER,

	/** The caller went away or cancelled the stream; generation stopped at the next step. */
	CANCELLED,

	/** The engine failed, or what it produced could not be delivered. */
	ERROR;

	/** The wire and column value: {@code stop}, {@code length}, {@code tool_calls}, and so on. */
	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Whether the answer ended on its own (not cancelled, not failed), so it is complete. */
	public boolean finished() {
		return this != CANCELLED && this != ERROR;
	}

	/**
	 * Reads a wire value. Engines report OpenAI's spellings in any case; values it does not
	 * know (a server's own, such as vLLM's {@code abort}) count as {@code stop}.
	 */
	public static FinishReason of(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "length" -> LENGTH;
			case "tool_calls", "function_call" -> TOOL_CALLS;
			case "content_filter" -> CONTENT_FILTER;
			case "cancelled" -> CANCELLED;
			case "error" -> ERROR;
			default -> STOP;
		};
	}

}

package dev.enclave.shared;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How urgently a generation should start. People waiting at a console, and apps by default,
 * are {@link #INTERACTIVE}; work nobody watches (an API key marked batch, or a request that
 * asks for OpenAI's {@code service_tier: "flex"}) is {@link #BATCH}, served when interactive
 * work leaves room, and promoted as it ages so it never starves.
 */
public enum Priority {

	INTERACTIVE, BATCH;

	/** The wire and column value: {@code interactive} or {@code batch}. */
	@JsonValue
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Reads a wire value. */
	public static Priority of(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

	/** The lower of the two: a request may ask to wait longer than its caller's class, never less. */
	public Priority atMost(Priority other) {
		return (this == BATCH || other == BATCH) ? BATCH : INTERACTIVE;
	}

}

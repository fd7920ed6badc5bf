package dev.enclave.assistant.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import tools.jackson.databind.json.JsonMapper;

/**
 * Server-sent events, several to one write: an optional {@code event:} line, one
 * {@code data:} line and a blank line each. One {@code data:} line holds a whole value: JSON
 * has no line breaks outside strings, where they are escaped, and text given as data is
 * checked for them. Written as OpenAI writes them, with a space after the colon, so clients
 * that split on {@code data: } work too.
 */
public final class EventFrames {

	private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] COMMENT = ": ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

	private final JsonMapper json;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

	EventFrames(JsonMapper json) {
		this.json = json;
	}

	/** An event named {@code name} whose data is {@code value} as JSON, or as it is when it is text. */
	public EventFrames event(String name, Object value) {
		this.out.writeBytes(EVENT);
		line(name);
		this.out.write('\n');
		return data(value);
	}

	/** An unnamed event whose data is {@code value} as JSON, or as it is when it is text. */
	public EventFrames data(Object value) {
		this.out.writeBytes(DATA);
		if (value instanceof String text) {
			line(text);
		}
		else {
			this.json.writeValue(this.out, value);
		}
		this.out.writeBytes(END);
		return this;
	}

	/** A comment, which clients ignore: a heartbeat. */
	public EventFrames comment(String text) {
		this.out.writeBytes(COMMENT);
		line(text);
		this.out.writeBytes(END);
		return this;
	}

	/** The events so far, ready to write. */
	public byte[] bytes() {
		return this.out.toByteArray();
	}

	private void line(String text) {
		if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
			throw new IllegalArgumentException("An event's line holds no line break");
		}
		this.out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
	}

}

package dev.enclave.inference.internal.toolcalls;

/**
 * Qwen2 and Hermes tool calls: {@code <tool_call>}, a JSON object, {@code </tool_call>},
 * anywhere in the answer and any number of them. Content goes out as it comes, except its
 * end while that could still be the start of the opening tag. The whitespace that separates
 * content from a call belongs to neither and is dropped.
 */
final class HermesParser implements ToolCallParser {

	private static final String OPEN = "<tool_call>";

	private static final String CLOSE = "</tool_call>";

	// Holding more whitespace before a possible call would only delay content; models write one or two newlines.
	private static final int MAX_HELD_WHITESPACE = 64;

	private enum State {

		TEXT, CALL, SKIPPING

	}

	private final CallJson calls;

	private final int limit;

	private State state = State.TEXT;

	private final StringBuilder whitespace = new StringBuilder();

	private final StringBuilder call = new StringBuilder();

	private int openMatched;

	private int closeMatched;

	private boolean afterCall;

	HermesParser(CallJson calls, int limit) {
		this.calls = calls;
		this.limit = limit;
	}

	@Override
	public Parsed feed(String text) {
		Emitted out = new Emitted();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (this.state) {
				case TEXT -> text(c, out);
				case CALL -> call(c, out);
				case SKIPPING -> {
					if (closes(c)) {
						endCall();
					}
				}
			}
		}
		return out.parsed();
	}

	@Override
	public Parsed finish() {
		Emitted out = new Emitted();
		if (this.state == State.TEXT) {
			releaseHeld(out);
		}
		else if (this.state == State.CALL) {
			unterminated(out);
		}
		return out.parsed();
	}

	private void text(char c, Emitted out) {
		if (c == OPEN.charAt(this.openMatched)) {
			this.openMatched++;
			if (this.openMatched == OPEN.length()) {
				startCall();
			}
			return;
		}
		if (this.openMatched > 0) {
			// What looked like the tag is not; c itself may start it again.
			releaseHeld(out);
			text(c, out);
			return;
		}
		if (Character.isWhitespace(c)) {
			if (!this.afterCall) {
				holdWhitespace(c, out);
			}
			return;
		}
		releaseHeld(out);
		out.content(c);
	}

	private void holdWhitespace(char c, Emitted out) {
		if (this.whitespace.length() == MAX_HELD_WHITESPACE) {
			out.content(this.whitespace.charAt(0));
			this.whitespace.deleteCharAt(0);
		}
		this.whitespace.append(c);
	}

	private void releaseHeld(Emitted out) {
		out.content(this.whitespace);
		out.content(OPEN.substring(0, this.openMatched));
		this.whitespace.setLength(0);
		this.openMatched = 0;
		this.afterCall = false;
	}

	private void startCall() {
		this.whitespace.setLength(0);
		this.openMatched = 0;
		this.call.setLength(0);
		this.call.append(OPEN);
		this.closeMatched = 0;
		this.state = State.CALL;
	}

	private void call(char c, Emitted out) {
		this.call.append(c);
		if (closes(c)) {
			String raw = this.call.toString();
			out.add(this.calls.call(raw, raw.substring(OPEN.length(), raw.length() - CLOSE.length())));
			endCall();
		}
		else if (this.call.length() >= this.limit) {
			out.malformed(this.call, "longer than " + this.limit + " characters without " + CLOSE
					+ "; the rest of the call was skipped");
			this.call.setLength(0);
			this.state = State.SKIPPING;
		}
	}

	// The closing tag has a single '<', at its start, so a mismatch can only restart the match there.
	private boolean closes(char c) {
		if (c == CLOSE.charAt(this.closeMatched)) {
			this.closeMatched++;
		}
		else {
			this.closeMatched = (c == CLOSE.charAt(0)) ? 1 : 0;
		}
		return this.closeMatched == CLOSE.length();
	}

	private void endCall() {
		this.call.setLength(0);
		this.closeMatched = 0;
		this.afterCall = true;
		this.state = State.TEXT;
	}

	// A generation cut off right after the JSON still meant that call; one cut inside it did not.
	private void unterminated(Emitted out) {
		String raw = this.call.toString();
		Parsed parsed = this.calls.call(raw, raw.substring(OPEN.length(), raw.length() - this.closeMatched));
		if (!parsed.toolCalls().isEmpty()) {
			out.add(parsed);
		}
		else {
			out.malformed(raw, "unterminated: the generation ended before " + CLOSE
					+ " and the text is not a complete call");
		}
	}

}

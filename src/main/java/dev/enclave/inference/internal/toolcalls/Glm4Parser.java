package dev.enclave.inference.internal.toolcalls;

import java.util.HashSet;
import java.util.Set;

/**
 * glm-4-9b-chat tool calls. Its template renders a call as the assistant message's metadata
 * line, so the model writes the tool's name as the first line of its answer and the JSON
 * arguments after it ({@code get_ticket\n{"id": "T-1"}}), where a plain answer starts with the
 * newline that ends an empty metadata line; that newline is the template's, not content. Only a
 * declared tool's name followed by a JSON object makes a call; anything else is content from
 * its first character on. The special token before a further call is not
 * decoded, so another call may follow the first one directly.
 */
final class Glm4Parser implements ToolCallParser {

	// A name line is never indented much; more whitespace means prose, and must not be held.
	private static final int MAX_HELD_WHITESPACE = 64;

	private enum State {

		START, NAME, GAP, ARGUMENTS, SKIPPING, TEXT

	}

	private final CallJson calls;

	private final Set<String> namePrefixes = new HashSet<>();

	private final int limit;

	private State state = State.START;

	private final StringBuilder held = new StringBuilder();

	private final StringBuilder call = new StringBuilder();

	private int nameStart;

	private String name = "";

	private int jsonStart;

	private int whitespaceRun;

	private JsonObjectEnd json = new JsonObjectEnd();

	private boolean afterCall;

	Glm4Parser(CallJson calls, int limit) {
		this.calls = calls;
		this.limit = limit;
		for (String tool : calls.toolNames()) {
			for (int length = 1; length <= tool.length(); length++) {
				this.namePrefixes.add(tool.substring(0, length));
			}
		}
		if (calls.toolNames().isEmpty()) {
			this.state = State.TEXT;
		}
	}

	@Override
	public Parsed feed(String text) {
		Emitted out = new Emitted();
		for (int i = 0; i < text.length(); i++) {
			accept(text.charAt(i), out);
		}
		return out.parsed();
	}

	@Override
	public Parsed finish() {
		Emitted out = new Emitted();
		switch (this.state) {
			case START, NAME, GAP -> release(out);
			case ARGUMENTS -> out.malformed(this.call,
					"unterminated: the generation ended inside the arguments' JSON object");
			case SKIPPING, TEXT -> {
			}
		}
		return out.parsed();
	}

	private void accept(char c, Emitted out) {
		switch (this.state) {
			case START -> start(c, out);
			case NAME -> name(c, out);
			case GAP -> gap(c, out);
			case ARGUMENTS -> arguments(c, out);
			case SKIPPING -> {
				if (this.json.accept(c)) {
					endCall();
				}
			}
			case TEXT -> out.content(c);
		}
	}

	private void start(char c, Emitted out) {
		if (c == '\n' && !this.afterCall && this.held.length() == 0) {
			this.state = State.TEXT;
			return;
		}
		if (Character.isWhitespace(c)) {
			if (!this.afterCall) {
				holdWhitespace(c, out);
			}
			return;
		}
		this.nameStart = this.held.length();
		this.state = State.NAME;
		name(c, out);
	}

	private void name(char c, Emitted out) {
		if (c == '\n') {
			this.name = this.held.substring(this.nameStart);
			this.held.append(c);
			if (this.calls.toolNames().contains(this.name)) {
				this.whitespaceRun = 0;
				this.state = State.GAP;
			}
			else {
				release(out);
			}
			return;
		}
		this.held.append(c);
		if (!this.namePrefixes.contains(this.held.substring(this.nameStart))) {
			release(out);
		}
	}

	// The name line alone may be a one-word answer; only a JSON object after it makes a call.
	private void gap(char c, Emitted out) {
		if (c == '{') {
			this.call.setLength(0);
			this.call.append(this.held, this.nameStart, this.held.length());
			this.jsonStart = this.call.length();
			this.call.append(c);
			this.held.setLength(0);
			this.json = new JsonObjectEnd();
			this.json.accept(c);
			this.state = State.ARGUMENTS;
			return;
		}
		this.held.append(c);
		if (!Character.isWhitespace(c) || ++this.whitespaceRun > MAX_HELD_WHITESPACE) {
			release(out);
		}
	}

	private void arguments(char c, Emitted out) {
		this.call.append(c);
		if (this.json.accept(c)) {
			out.add(this.calls.arguments(this.call.toString(), this.name, this.call.substring(this.jsonStart)));
			endCall();
		}
		else if (this.call.length() >= this.limit) {
			out.malformed(this.call, "longer than " + this.limit
					+ " characters before the arguments' JSON object closed; the rest of the call was skipped");
			this.call.setLength(0);
			this.state = State.SKIPPING;
		}
	}

	private void holdWhitespace(char c, Emitted out) {
		this.held.append(c);
		if (this.held.length() > MAX_HELD_WHITESPACE) {
			release(out);
		}
	}

	private void release(Emitted out) {
		out.content(this.held);
		this.held.setLength(0);
		this.state = State.TEXT;
	}

	private void endCall() {
		this.call.setLength(0);
		this.afterCall = true;
		this.state = State.START;
	}

}

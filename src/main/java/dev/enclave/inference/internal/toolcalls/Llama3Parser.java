package dev.enclave.inference.internal.toolcalls;

import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Llama 3.1 and 3.2 JSON tool calls: the whole answer is {@code {"name": ..., "parameters":
 * {...}}}, possibly after {@code <|python_tag|>} (when the tokenizer keeps that special
 * token), several separated by {@code ;}. An answer that starts with an opening brace is held until
 * the object closes, and is a call only if it has arguments or names a declared tool: a model
 * asked for JSON writes objects too. After {@code <|python_tag|>} everything is a call.
 */
final class Llama3Parser implements ToolCallParser {

	private static final String PYTHON_TAG = "<|python_tag|>";

	// For text that never became valid JSON: does it read as the start of a call or as an answer?
	private static final Pattern CALL_LIKE = Pattern
		.compile("^\\{\\s*(\"name\"\\s*:|\"type\"\\s*:\\s*\"function\")|\"(parameters|arguments)\"\\s*:");

	private static final int MAX_HELD_WHITESPACE = 64;

	private enum State {

		START, TAG, OBJECT, SKIPPING, BROKEN, DISCARDING, TEXT

	}

	private final CallJson calls;

	private final int limit;

	private State state = State.START;

	private final StringBuilder held = new StringBuilder();

	private int callStart;

	private int jsonStart;

	private int tagMatched;

	private int whitespaceRun;

	private boolean pythonTag;

	private boolean afterCall;

	private JsonObjectEnd json = new JsonObjectEnd();

	Llama3Parser(CallJson calls, int limit) {
		this.calls = calls;
		this.limit = limit;
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
			case START -> {
				if (this.pythonTag && !this.afterCall) {
					out.malformed(raw(), "nothing followed " + PYTHON_TAG);
				}
				else {
					release(out);
				}
			}
			case TAG -> release(out);
			case OBJECT -> {
				if (this.pythonTag || callLike()) {
					out.malformed(raw(), "unterminated: the generation ended inside the call's JSON object");
				}
				else {
					release(out);
				}
			}
			case BROKEN -> out.malformed(raw(), notJson());
			case SKIPPING, DISCARDING, TEXT -> {
			}
		}
		return out.parsed();
	}

	private void accept(char c, Emitted out) {
		switch (this.state) {
			case START -> start(c, out);
			case TAG -> tag(c, out);
			case OBJECT -> object(c, out);
			case SKIPPING -> {
				if (this.json.accept(c)) {
					endCall();
				}
			}
			case BROKEN -> {
				this.held.append(c);
				if (this.held.length() - this.callStart >= this.limit) {
					out.malformed(raw(),
							notJson() + "; longer than " + this.limit + " characters, the rest was skipped");
					this.held.setLength(0);
					this.state = State.DISCARDING;
				}
			}
			case DISCARDING -> {
			}
			case TEXT -> out.content(c);
		}
	}

	private void start(char c, Emitted out) {
		if (this.afterCall && (Character.isWhitespace(c) || c == ';')) {
			return;
		}
		if (Character.isWhitespace(c)) {
			this.held.append(c);
			if (++this.whitespaceRun > MAX_HELD_WHITESPACE) {
				refuse(c, out);
			}
			return;
		}
		if (c == '{') {
			if (!this.pythonTag || this.afterCall) {
				this.callStart = this.held.length();
			}
			this.jsonStart = this.held.length();
			this.held.append(c);
			this.json = new JsonObjectEnd();
			this.json.accept(c);
			this.state = State.OBJECT;
		}
		else if (c == PYTHON_TAG.charAt(0) && !this.pythonTag && !this.afterCall) {
			this.callStart = this.held.length();
			this.held.append(c);
			this.tagMatched = 1;
			this.state = State.TAG;
		}
		else {
			this.held.append(c);
			refuse(c, out);
		}
	}

	// Text where a call should start: an answer, unless the python tag promised a call.
	private void refuse(char c, Emitted out) {
		if (this.pythonTag && !this.afterCall) {
			this.state = State.BROKEN;
		}
		else {
			release(out);
		}
	}

	private void tag(char c, Emitted out) {
		this.held.append(c);
		if (c != PYTHON_TAG.charAt(this.tagMatched)) {
			release(out);
			return;
		}
		if (++this.tagMatched == PYTHON_TAG.length()) {
			this.pythonTag = true;
			this.whitespaceRun = 0;
			this.state = State.START;
		}
	}

	private void object(char c, Emitted out) {
		this.held.append(c);
		if (this.json.accept(c)) {
			decide(out);
		}
		else if (!this.pythonTag && !this.json.plausible()) {
			release(out);
		}
		else if (this.held.length() - this.callStart >= this.limit) {
			if (this.pythonTag || callLike()) {
				out.malformed(raw(), "longer than " + this.limit
						+ " characters before the call's JSON object closed; the rest of the call was skipped");
				this.held.setLength(0);
				this.state = State.SKIPPING;
			}
			else {
				release(out);
			}
		}
	}

	private void decide(Emitted out) {
		JsonNode tree;
		try {
			tree = CallJson.read(this.held.substring(this.jsonStart));
		}
		catch (JacksonException ex) {
			if (this.pythonTag || callLike()) {
				out.malformed(raw(), "not valid JSON: " + ex.getOriginalMessage());
				endCall();
			}
			else {
				release(out);
			}
			return;
		}
		if (this.pythonTag || isCall(tree)) {
			out.add(this.calls.call(raw(), tree));
			endCall();
		}
		else {
			release(out);
		}
	}

	private boolean isCall(JsonNode tree) {
		if (tree.has("parameters") || tree.has("arguments")) {
			return true;
		}
		JsonNode name = tree.get("name");
		return name != null && name.isString() && this.calls.toolNames().contains(name.stringValue());
	}

	private boolean callLike() {
		return CALL_LIKE.matcher(this.held.substring(this.jsonStart)).find();
	}

	private String raw() {
		return this.held.substring(this.callStart);
	}

	private static String notJson() {
		return "after " + PYTHON_TAG + " only a JSON tool call is understood; built-in tools are not supported";
	}

	private void release(Emitted out) {
		out.content(this.held);
		this.held.setLength(0);
		this.state = State.TEXT;
	}

	private void endCall() {
		this.held.setLength(0);
		this.afterCall = true;
		this.state = State.START;
	}

}

package dev.enclave.inference.internal.toolcalls;

import java.util.ArrayList;
import java.util.List;

/** Collects what one step of a parser lets out. */
final class Emitted {

	private final StringBuilder content = new StringBuilder();

	private final List<ParsedToolCall> calls = new ArrayList<>();

	private final List<MalformedToolCall> malformed = new ArrayList<>();

	void content(CharSequence text) {
		this.content.append(text);
	}

	void content(char c) {
		this.content.append(c);
	}

	void add(Parsed parsed) {
		this.content.append(parsed.content());
		this.calls.addAll(parsed.toolCalls());
		this.malformed.addAll(parsed.malformed());
	}

	void malformed(CharSequence text, String reason) {
		this.malformed.add(new MalformedToolCall(text.toString(), reason));
	}

	Parsed parsed() {
		if (this.content.length() == 0 && this.calls.isEmpty() && this.malformed.isEmpty()) {
			return Parsed.EMPTY;
		}
		return new Parsed(this.content.toString(), this.calls, this.malformed);
	}

}

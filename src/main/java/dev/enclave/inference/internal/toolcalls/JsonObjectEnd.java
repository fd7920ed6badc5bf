package dev.enclave.inference.internal.toolcalls;

/**
 * Finds where a JSON object ends as its text arrives, one character at a time. It follows
 * only strings and nesting, which is enough to know when to hand the text to a real JSON
 * parser; whether the text is valid JSON is that parser's to say.
 */
final class JsonObjectEnd {

	private int depth;

	private boolean inString;

	private boolean escaped;

	private boolean firstTokenSeen;

	private boolean plausible = true;

	/** Takes the next character, the first being the object's opening brace; true when it closes the object. */
	boolean accept(char c) {
		if (this.inString) {
			if (this.escaped) {
				this.escaped = false;
			}
			else if (c == '\\') {
				this.escaped = true;
			}
			else if (c == '"') {
				this.inString = false;
			}
			return false;
		}
		if (this.depth > 0 && !this.firstTokenSeen && !Character.isWhitespace(c)) {
			this.firstTokenSeen = true;
			this.plausible = c == '"' || c == '}';
		}
		switch (c) {
			case '"' -> this.inString = true;
			case '{', '[' -> this.depth++;
			case '}', ']' -> {
				this.depth--;
				return this.depth <= 0;
			}
			default -> {
			}
		}
		return false;
	}

	/**
	 * False once the first thing inside the braces is neither a key nor the closing brace:
	 * such text is certainly not a JSON object, and is known to be prose long before it ends.
	 */
	boolean plausible() {
		return this.plausible;
	}

}

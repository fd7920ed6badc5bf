package dev.enclave.inference.internal.generation;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Turns tokens into text as they arrive without ever emitting half a character. A Chinese
 * character or an emoji often spans several byte-level tokens, and decoding a prefix of its
 * bytes yields U+FFFD. So the last few tokens are decoded together, and text is released
 * only when the decoding no longer ends in U+FFFD. Decoding from a short window of earlier
 * tokens (not from the new token alone) keeps tokenizers that drop a leading space on the
 * first token of a decode from losing it.
 */
public final class StreamingDetokenizer {

	private static final char REPLACEMENT = '\uFFFD';

	private final Function<int[], String> decoder;

	private int[] tokens = new int[64];

	private int size;

	private int prefixOffset;

	private int readOffset;

	public StreamingDetokenizer(Function<int[], String> decoder) {
		this.decoder = decoder;
	}

	/** Adds a token; returns the text it completes, possibly empty. */
	public String push(int token) {
		if (this.size == this.tokens.length) {
			this.tokens = Arrays.copyOf(this.tokens, this.size * 2);
		}
		this.tokens[this.size++] = token;
		String before = decode(this.prefixOffset, this.readOffset);
		String after = decode(this.prefixOffset, this.size);
		if (after.length() > before.length() && after.charAt(after.length() - 1) != REPLACEMENT
				&& after.startsWith(before)) {
			this.prefixOffset = this.readOffset;
			this.readOffset = this.size;
			return after.substring(before.length());
		}
		return "";
	}

	/**
	 * The text still held back at the end of generation. Bytes that never became a complete
	 * character come out as U+FFFD, as any UTF-8 decoder would render them.
	 */
	public String flush() {
		String before = decode(this.prefixOffset, this.readOffset);
		String after = decode(this.prefixOffset, this.size);
		this.prefixOffset = this.size;
		this.readOffset = this.size;
		return after.startsWith(before) ? after.substring(before.length()) : after;
	}

	private String decode(int from, int to) {
		return (from == to) ? "" : this.decoder.apply(Arrays.copyOfRange(this.tokens, from, to));
	}

}

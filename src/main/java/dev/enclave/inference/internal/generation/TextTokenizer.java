package dev.enclave.inference.internal.generation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.enclave.inference.internal.engine.DjlRuntime;

/**
 * A checkpoint's {@code tokenizer.json}, run by Hugging Face's tokenizers library (native,
 * shipped in DJL's jar). Text is encoded as written: chat templates place every special
 * token themselves, so none are added, and nothing is truncated or padded.
 */
public final class TextTokenizer implements AutoCloseable {

	private final HuggingFaceTokenizer tokenizer;

	private TextTokenizer(HuggingFaceTokenizer tokenizer) {
		this.tokenizer = tokenizer;
	}

	public static TextTokenizer load(Path tokenizerJson) {
		DjlRuntime.engine();
		try {
			return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson,
					Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + tokenizerJson, ex);
		}
	}

	public int[] encode(String text) {
		long[] ids = this.tokenizer.encode(text, false, false).getIds();
		int[] tokens = new int[ids.length];
		for (int i = 0; i < ids.length; i++) {
			tokens[i] = Math.toIntExact(ids[i]);
		}
		return tokens;
	}

	/** Text of {@code tokens}, special tokens left out; incomplete UTF-8 decodes to U+FFFD. */
	public String decode(int[] tokens) {
		long[] ids = new long[tokens.length];
		for (int i = 0; i < tokens.length; i++) {
			ids[i] = tokens[i];
		}
		return this.tokenizer.decode(ids, true);
	}

	/** The id of a token written as text, when it is exactly one token. */
	public OptionalInt tokenId(String token) {
		int[] ids = encode(token);
		return (ids.length == 1) ? OptionalInt.of(ids[0]) : OptionalInt.empty();
	}

	@Override
	public void close() {
		this.tokenizer.close();
	}

}

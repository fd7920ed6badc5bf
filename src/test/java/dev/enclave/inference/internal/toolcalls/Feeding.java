package dev.enclave.inference.internal.toolcalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Feeds a generation to parsers the ways an engine might deliver it, and checks that the
 * result does not depend on the way: whole, one character at a time, and in random pieces.
 */
final class Feeding {

	/** Text that must never reach the user as content. */
	static final List<String> MARKUP = List.of("<tool_call>", "</tool_call>", "<|python_tag|>", "\"arguments\"",
			"\"parameters\"");

	private static final long[] SEEDS = { 7L, 42L, 20240611L };

	private Feeding() {
	}

	/** A call without its random id, so that results of separate parses compare. */
	record Call(String name, String argumentsJson) {
	}

	/** The whole result of one generation. */
	record Outcome(String content, List<Call> calls, List<MalformedToolCall> malformed) {
	}

	static String fixture(String name) {
		try (InputStream in = Feeding.class.getResourceAsStream("/toolcalls/" + name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Parses {@code text} whole, one character at a time and in random pieces (fixed seeds),
	 * each with a fresh parser; asserts the results agree and carry no markup in their content.
	 * Content only ever grows by what each step lets out, so markup in any step's content would
	 * show in the whole.
	 */
	static Outcome parseEveryWay(Supplier<ToolCallParser> parsers, String text) {
		Outcome outcome = agreeEveryWay(parsers, text);
		assertThat(outcome.content()).as("content").doesNotContain(MARKUP);
		return outcome;
	}

	/**
	 * As {@link #parseEveryWay} but without the markup check, for parsers that were told no
	 * tools exist and so rightly pass call-shaped text on as content.
	 */
	static Outcome agreeEveryWay(Supplier<ToolCallParser> parsers, String text) {
		Outcome whole = whole(parsers.get(), text);
		assertThat(oneCharAtATime(parsers.get(), text)).as("one character at a time").isEqualTo(whole);
		for (long seed : SEEDS) {
			assertThat(randomPieces(parsers.get(), text, seed)).as("random pieces, seed %d", seed).isEqualTo(whole);
		}
		return whole;
	}

	static Outcome whole(ToolCallParser parser, String text) {
		Parsed fed = parser.feed(text);
		return outcome(fed.then(parser.finish()));
	}

	static Outcome oneCharAtATime(ToolCallParser parser, String text) {
		Parsed all = Parsed.EMPTY;
		for (int i = 0; i < text.length(); i++) {
			all = all.then(parser.feed(text.substring(i, i + 1)));
		}
		return outcome(all.then(parser.finish()));
	}

	static Outcome randomPieces(ToolCallParser parser, String text, long seed) {
		Random random = new Random(seed);
		Parsed all = Parsed.EMPTY;
		int at = 0;
		while (at < text.length()) {
			int end = Math.min(text.length(), at + 1 + random.nextInt(16));
			all = all.then(parser.feed(text.substring(at, end)));
			at = end;
		}
		return outcome(all.then(parser.finish()));
	}

	static Outcome outcome(Parsed parsed) {
		assertThat(parsed.toolCalls())
			.allSatisfy((call) -> assertThat(call.id()).matches("call_[A-Za-z0-9_-]{24}"));
		List<Call> calls = parsed.toolCalls()
			.stream()
			.map((call) -> new Call(call.name(), call.argumentsJson()))
			.toList();
		return new Outcome(parsed.content(), calls, parsed.malformed());
	}

}

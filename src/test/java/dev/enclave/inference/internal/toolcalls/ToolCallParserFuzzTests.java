package dev.enclave.inference.internal.toolcalls;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.enclave.inference.internal.toolcalls.Feeding.Outcome;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz tests (Jazzer) of the three tool-call parsers on arbitrary model output: the input's
 * bytes, read as UTF-8, are one generation. Each parse must not throw, must come out the same
 * whole, one character at a time and in pieces whose sizes the input itself chooses, and must
 * account for every character: what goes out as content and malformed calls, in order, plus the
 * text of the parsed calls, is the input, less the white space (and for Llama 3 the
 * semicolons) that separates calls from each other and from content. Regression mode replays
 * the saved inputs under {@code ToolCallParserFuzzTestsInputs/<method>/}: the parsers' own text
 * fixtures and whatever fuzzing found.
 */
class ToolCallParserFuzzTests {

	private static final Set<String> TOOLS = Set.of("get_ticket", "search_tickets", "search");

	@FuzzTest
	void glm4(byte[] input) {
		check(ToolCallFormat.GLM4, input);
	}

	@FuzzTest
	void hermes(byte[] input) {
		String text = check(ToolCallFormat.HERMES, input);
		// The opening tag always starts a call, so where no call was taken out of the text (the
		// text around one may spell the tag), the content cannot hold it.
		Outcome outcome = Feeding.whole(ToolCallFormat.HERMES.newParser(TOOLS), text);
		if (outcome.calls().isEmpty() && outcome.malformed().isEmpty()) {
			assertThat(outcome.content()).doesNotContain("<tool_call>");
		}
	}

	@FuzzTest
	void llama3(byte[] input) {
		check(ToolCallFormat.LLAMA3, input);
	}

	private static String check(ToolCallFormat format, byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		Outcome whole = Feeding.whole(format.newParser(TOOLS), text);
		assertThat(Feeding.oneCharAtATime(format.newParser(TOOLS), text)).as("one character at a time")
			.isEqualTo(whole);
		assertThat(inPieces(format.newParser(TOOLS), text, input)).as("in pieces").isEqualTo(whole);
		accountsForEveryCharacter(format, text);
		return text;
	}

	/** Pieces of 1 to 16 characters, their sizes read from the input bytes in turn. */
	private static Outcome inPieces(ToolCallParser parser, String text, byte[] sizes) {
		Parsed all = Parsed.EMPTY;
		int at = 0;
		for (int i = 0; at < text.length(); i++) {
			int size = 1 + ((sizes.length == 0) ? 0 : (sizes[i % sizes.length] & 0x0F));
			int end = Math.min(text.length(), at + size);
			all = all.then(parser.feed(text.substring(at, end)));
			at = end;
		}
		return Feeding.outcome(all.then(parser.finish()));
	}

	/**
	 * Feeds one character at a time and keeps the characters fed but not yet let out. Each
	 * step's content and malformed calls must be the oldest of them, in order; a parsed call
	 * takes all that remain (its markup, complete with this character). Nothing may remain
	 * after the finish. The text of a malformed call is bounded by the parser's limit, far
	 * above the fuzzer's input lengths, so here it is always whole.
	 */
	private static void accountsForEveryCharacter(ToolCallFormat format, String text) {
		ToolCallParser parser = format.newParser(TOOLS);
		StringBuilder pending = new StringBuilder();
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < text.length(); i++) {
			pending.append(significant(format, text.substring(i, i + 1)));
			takeOut(format, parser.feed(text.substring(i, i + 1)), pending, ids);
		}
		takeOut(format, parser.finish(), pending, ids);
		assertThat(pending).as("characters never let out").isEmpty();
	}

	private static void takeOut(ToolCallFormat format, Parsed parsed, StringBuilder pending, Set<String> ids) {
		take(significant(format, parsed.content()), pending, "content");
		for (MalformedToolCall malformed : parsed.malformed()) {
			take(significant(format, malformed.text()), pending, "a malformed call");
			assertThat(malformed.reason()).isNotBlank();
		}
		for (ParsedToolCall call : parsed.toolCalls()) {
			assertThat(pending).as("the markup of a call").isNotEmpty();
			pending.setLength(0);
			assertThat(call.name()).isIn(TOOLS);
			assertThat(ids.add(call.id())).as("a fresh id").isTrue();
			JsonNode arguments = CallJson.read(call.argumentsJson());
			assertThat(arguments.isObject()).as("arguments are an object").isTrue();
		}
	}

	private static void take(String out, StringBuilder pending, String what) {
		assertThat(pending.toString()).as("%s is the oldest text not yet let out", what).startsWith(out);
		pending.delete(0, out.length());
	}

	/** The characters that must come out again: no white space, and for Llama 3 no call separators. */
	private static String significant(ToolCallFormat format, String text) {
		StringBuilder kept = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (!Character.isWhitespace(c) && !(format == ToolCallFormat.LLAMA3 && c == ';')) {
				kept.append(c);
			}
		}
		return kept.toString();
	}

}

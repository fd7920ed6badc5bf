package dev.enclave.inference.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.inference.internal.toolcalls.ToolCallFormat;
import dev.enclave.inference.internal.toolcalls.ToolCallParser;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.model.ChatResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A local generation's text pieces and finish become chunks: content, tool-call pieces and
 * the finish reason, whatever the boundaries the pieces fall on. The generations are the
 * parsers' real text fixtures; each is cut everywhere in two, and into pieces of assorted
 * sizes, the way a detokenizer releases text.
 */
class AnswerChunksTests {

	private static final Set<String> TOOLS = Set.of("get_ticket", "search_tickets", "search");

	private static final int PROMPT_TOKENS = 17;

	private static final int[][] SIZES = { { 1 }, { 2, 3 }, { 5, 1, 7 }, { 4 }, { 11, 2 } };

	/** One answer as its chunks add up: what the assistant and the API would put together. */
	record Answer(String content, List<Call> calls, String finish) {
	}

	/** A call's pieces without its random id, which is checked apart. */
	record Call(int index, String name, String arguments) {
	}

	@Test
	void withoutAParserEachPieceIsAChunkAsItCame() {
		String text = fixture("hermes-content-then-call.txt");
		List<String> pieces = pieces(text, 3, 8);
		List<ChatResponse> chunks = chunks(null, pieces, FinishReason.STOP);
		assertThat(chunks).hasSize(pieces.size() + 1);
		for (int i = 0; i < pieces.size(); i++) {
			assertThat(chunks.get(i).getResult().getOutput().getText()).isEqualTo(pieces.get(i));
			assertThat(GeneratedTokens.of(chunks.get(i))).isEqualTo(i + 1);
			assertThat(chunks.get(i).getResult().getMetadata().getFinishReason()).isNull();
		}
		assertThat(answer(chunks)).isEqualTo(new Answer(text, List.of(), "stop"));
		assertThat(chunks).allSatisfy((chunk) -> assertThat(ToolCallDelta.of(chunk)).isEmpty());
	}

	@Test
	void aHermesCallIsAToolCallPieceAndItsMarkupNeverContent() {
		assertEveryWay(ToolCallFormat.HERMES, fixture("hermes-content-then-call.txt"), FinishReason.STOP,
				new Answer("Let me look that ticket up for you.",
						List.of(new Call(0, "get_ticket", "{\"id\":\"T-42\",\"include_history\":true}")), "tool_calls"));
	}

	@Test
	void callsInARowAreIndexedInOrderWithIdsOfTheirOwn() {
		List<ChatResponse> chunks = assertEveryWay(ToolCallFormat.HERMES, fixture("hermes-two-calls.txt"),
				FinishReason.STOP,
				new Answer("", List.of(new Call(0, "get_ticket", "{\"id\":\"T-1\"}"),
						new Call(1, "search_tickets", "{\"query\":\"printer on fire\",\"limit\":5}")), "tool_calls"));
		List<ToolCallDelta> deltas = chunks.stream().flatMap((chunk) -> ToolCallDelta.of(chunk).stream()).toList();
		assertThat(deltas).extracting(ToolCallDelta::id)
			.allSatisfy((id) -> assertThat(id).matches("call_[A-Za-z0-9_-]{24}"))
			.doesNotHaveDuplicates();
	}

	@Test
	void aGlm4CallIsAToolCallPiece() {
		// GLM-4 stops at <|observation|>, a special token that is not decoded.
		assertEveryWay(ToolCallFormat.GLM4, fixture("glm4-call.txt"), FinishReason.STOP, new Answer("",
				List.of(new Call(0, "get_ticket", "{\"id\":\"T-1\",\"include_history\":true}")), "tool_calls"));
	}

	@Test
	void llama3CallsWithAndWithoutThePythonTagAreToolCallPieces() {
		assertEveryWay(ToolCallFormat.LLAMA3, fixture("llama3-call.txt"), FinishReason.STOP,
				new Answer("", List.of(new Call(0, "get_ticket", "{\"id\":\"T-1\"}")), "tool_calls"));
		assertEveryWay(ToolCallFormat.LLAMA3, fixture("llama3-python-tag.txt"), FinishReason.STOP, new Answer("",
				List.of(new Call(0, "search_tickets", "{\"query\":\"printer on fire\",\"limit\":5}")), "tool_calls"));
	}

	@Test
	void plainAnswersWithToolsShownAreContentUnchanged() {
		String glm4 = fixture("glm4-plain-answer-starting-with-a-word.txt");
		assertEveryWay(ToolCallFormat.GLM4, glm4, FinishReason.STOP, new Answer(glm4, List.of(), "stop"));
		String llama3 = fixture("llama3-plain-json-looking-answer.txt");
		assertEveryWay(ToolCallFormat.LLAMA3, llama3, FinishReason.STOP, new Answer(llama3, List.of(), "stop"));
		String hermes = fixture("hermes-lookalike-tag.txt");
		assertEveryWay(ToolCallFormat.HERMES, hermes, FinishReason.LENGTH, new Answer(hermes, List.of(), "length"));
	}

	@Test
	void malformedCallsAreContentInFullAndGoodCallsBesideThemStillGoOut() {
		assertThat(answers(ToolCallFormat.HERMES, fixture("hermes-malformed-json.txt"), FinishReason.STOP))
			.isEqualTo(new Answer("<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-1\",}}\n</tool_call>"
					+ "<tool_call>\n{\"name\": \"search_tickets\", \"arguments\": \"printer on fire\"}\n</tool_call>",
					List.of(new Call(0, "get_ticket", "{\"id\":\"T-2\"}")), "tool_calls"));
		String glm4 = fixture("glm4-malformed.txt");
		assertThat(answers(ToolCallFormat.GLM4, glm4, FinishReason.STOP)).isEqualTo(new Answer(glm4, List.of(), "stop"));
		String llama3 = fixture("llama3-malformed.txt");
		assertThat(answers(ToolCallFormat.LLAMA3, llama3, FinishReason.STOP))
			.isEqualTo(new Answer(llama3, List.of(), "stop"));
	}

	@Test
	void aMalformedCallStaysWhereTheModelWroteItEvenWithinOnePiece() {
		String text = "Checking.<tool_call>{\"name\": get_ticket}</tool_call>Done.";
		assertThat(answers(ToolCallFormat.HERMES, text, FinishReason.STOP))
			.isEqualTo(new Answer(text, List.of(), "stop"));
	}

	@Test
	void aCallCutOffByTheLengthLimitIsContentOnceTheAnswerEnds() {
		String text = fixture("hermes-unterminated.txt");
		List<ChatResponse> chunks = chunks(ToolCallFormat.HERMES.newParser(TOOLS), pieces(text, 1), FinishReason.LENGTH);
		String before = "I will check the ticket.";
		String call = "<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-";
		assertThat(answer(chunks)).isEqualTo(new Answer(before + call, List.of(), "length"));
		// While the generation went on, none of the call was let out.
		assertThat(content(chunks.subList(0, chunks.size() - 1))).isEqualTo(before);
	}

	@Test
	void aCompleteCallWhoseClosingTagTheLimitCutOffGoesOutWithTheFinish() {
		List<ChatResponse> chunks = chunks(ToolCallFormat.HERMES.newParser(TOOLS),
				pieces("<tool_call>\n{\"name\": \"get_ticket\", \"arguments\": {\"id\": \"T-1\"}}\n</tool_", 4),
				FinishReason.LENGTH);
		assertThat(answer(chunks))
			.isEqualTo(new Answer("", List.of(new Call(0, "get_ticket", "{\"id\":\"T-1\"}")), "tool_calls"));
		assertThat(ToolCallDelta.of(chunks.get(chunks.size() - 1))).hasSize(1);
	}

	@Test
	void everyChunkCountsTheTokensSoFarAlsoWhileTheParserHoldsTheText() {
		String text = fixture("hermes-two-calls.txt");
		List<String> pieces = pieces(text, 1);
		List<ChatResponse> chunks = chunks(ToolCallFormat.HERMES.newParser(TOOLS), pieces, FinishReason.STOP);
		assertThat(chunks).hasSize(pieces.size() + 1);
		for (int i = 0; i < pieces.size(); i++) {
			assertThat(GeneratedTokens.of(chunks.get(i))).isEqualTo(i + 1);
			assertThat(chunks.get(i).getMetadata().getUsage().getCompletionTokens()).isZero();
		}
		ChatResponse last = chunks.get(chunks.size() - 1);
		assertThat(GeneratedTokens.of(last)).isEqualTo(pieces.size());
		assertThat(last.getMetadata().getUsage().getPromptTokens()).isEqualTo(PROMPT_TOKENS);
		assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(pieces.size());
		assertThat(last.getMetadata().getId()).isEqualTo("chatcmpl-test");
		assertThat(last.getMetadata().getModel()).isEqualTo("tiny");
	}

	/**
	 * Feeds {@code text} whole, cut in two at every point, and in pieces of assorted sizes,
	 * each to a fresh parser; every way must add up to {@code expected}. Content only ever
	 * adds up, so when the expected content has no markup, no piece of it got out on the way.
	 */
	private static List<ChatResponse> assertEveryWay(ToolCallFormat format, String text, FinishReason reason,
			Answer expected) {
		List<ChatResponse> whole = chunks(format.newParser(TOOLS), List.of(text), reason);
		assertThat(answer(whole)).as("whole").isEqualTo(expected);
		for (int at = 1; at < text.length(); at++) {
			List<String> two = List.of(text.substring(0, at), text.substring(at));
			assertThat(answer(chunks(format.newParser(TOOLS), two, reason))).as("cut at %d", at).isEqualTo(expected);
		}
		for (int[] sizes : SIZES) {
			List<ChatResponse> chunks = chunks(format.newParser(TOOLS), pieces(text, sizes), reason);
			assertThat(answer(chunks)).as("pieces of %s", Arrays.toString(sizes)).isEqualTo(expected);
		}
		return whole;
	}

	private static Answer answers(ToolCallFormat format, String text, FinishReason reason) {
		Answer whole = answer(chunks(format.newParser(TOOLS), List.of(text), reason));
		for (int[] sizes : SIZES) {
			assertThat(answer(chunks(format.newParser(TOOLS), pieces(text, sizes), reason)))
				.as("pieces of %s", Arrays.toString(sizes))
				.isEqualTo(whole);
		}
		return whole;
	}

	/** The chunks of a generation that reported {@code pieces} (one token each) and then {@code reason}. */
	private static List<ChatResponse> chunks(
			@Nullable ToolCallParser parser, List<String> pieces,
			FinishReason reason) {
		AnswerChunks answer = new AnswerChunks("chatcmpl-test", "tiny", parser);
		List<AnswerChunks.Report> reports = new ArrayList<>();
		for (int i = 0; i < pieces.size(); i++) {
			reports.add(AnswerChunks.Report.text(pieces.get(i), i + 1));
		}
		reports.add(AnswerChunks.Report.finish(reason, PROMPT_TOKENS, pieces.size()));
		return Flux.fromIterable(reports).map(answer::chunk).collectList().block();
	}

	private static Answer answer(List<ChatResponse> chunks) {
		List<Call> calls = new ArrayList<>();
		for (ChatResponse chunk : chunks) {
			for (ToolCallDelta delta : ToolCallDelta.of(chunk)) {
				calls.add(new Call(delta.index(), delta.name(), delta.arguments()));
			}
		}
		ChatResponse last = chunks.get(chunks.size() - 1);
		assertThat(chunks.subList(0, chunks.size() - 1))
			.allSatisfy((chunk) -> assertThat(chunk.getResult().getMetadata().getFinishReason()).isNull());
		return new Answer(content(chunks), calls, last.getResult().getMetadata().getFinishReason());
	}

	private static String content(List<ChatResponse> chunks) {
		StringBuilder content = new StringBuilder();
		chunks.forEach((chunk) -> content.append(chunk.getResult().getOutput().getText()));
		return content.toString();
	}

	/** {@code text} cut into pieces of the given sizes, over and over. */
	private static List<String> pieces(String text, int... sizes) {
		List<String> pieces = new ArrayList<>();
		int at = 0;
		for (int i = 0; at < text.length(); i++) {
			int end = Math.min(text.length(), at + sizes[i % sizes.length]);
			pieces.add(text.substring(at, end));
			at = end;
		}
		return pieces;
	}

	private static String fixture(String name) {
		try (InputStream in = AnswerChunksTests.class.getResourceAsStream("/toolcalls/" + name)) {
			assertThat(in).as(name).isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

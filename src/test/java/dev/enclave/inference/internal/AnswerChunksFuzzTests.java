package dev.enclave.inference.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.inference.internal.toolcalls.ToolCallFormat;
import dev.enclave.inference.internal.toolcalls.ToolCallParser;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fuzz test (Jazzer) of a local answer's chunks: the input's bytes, read as UTF-8, are a
 * generation, reported whole, one character at a time, and in pieces whose sizes the input
 * chooses, without a parser and through each tool-call format's. Whatever the text and the
 * boundaries, the chunks add up to the same answer; calls are numbered from 0 in order with
 * ids of their own; the answer finishes as {@code tool_calls} exactly when it called a tool;
 * every chunk counts the tokens so far; and no text is lost: without a parser the content is
 * the text, and through one it holds every character of the text (but the white space, and
 * for Llama 3 the semicolons, that separate calls) that did not go out as a call. Regression
 * mode replays the saved inputs under {@code AnswerChunksFuzzTestsInputs/<method>/}.
 */
class AnswerChunksFuzzTests {

	private static final Set<String> TOOLS = Set.of("get_ticket", "search_tickets", "search");

	private static final int PROMPT_TOKENS = 17;

	/** One answer as its chunks add up. */
	record Answer(String content, List<Call> calls, String finish) {
	}

	/** A call's piece without its random id, which is checked apart. */
	record Call(int index, String name, String arguments) {
	}

	@FuzzTest
	void anyGenerationInAnyPieces(byte[] input) {
		String text = new String(input, StandardCharsets.UTF_8);
		FinishReason reason = (input.length % 2 == 0) ? FinishReason.STOP : FinishReason.LENGTH;
		List<String> pieces = pieces(text, input);
		assertThat(answer(null, pieces, reason)).isEqualTo(new Answer(text, List.of(), reason.value()));
		for (ToolCallFormat format : ToolCallFormat.values()) {
			Answer whole = answer(format, List.of(text), reason);
			assertThat(answer(format, pieces(text, new byte[0]), reason)).as("%s one character at a time", format)
				.isEqualTo(whole);
			assertThat(answer(format, pieces, reason)).as("%s in pieces", format).isEqualTo(whole);
			assertThat(whole.finish()).isEqualTo(whole.calls().isEmpty() ? reason.value() : "tool_calls");
			for (int i = 0; i < whole.calls().size(); i++) {
				assertThat(whole.calls().get(i).index()).isEqualTo(i);
				assertThat(whole.calls().get(i).name()).isIn(TOOLS);
			}
			String content = significant(format, whole.content());
			String all = significant(format, text);
			if (whole.calls().isEmpty()) {
				assertThat(content).as("%s content of an answer without calls", format).isEqualTo(all);
			}
			else {
				assertThat(isSubsequence(content, all)).as("%s content comes from the text, in order", format).isTrue();
			}
		}
	}

	/** The answer of a generation that reported {@code pieces} (one token each) and then {@code reason}. */
	private static Answer answer(@Nullable ToolCallFormat format, List<String> pieces, FinishReason reason) {
		ToolCallParser parser = (format != null) ? format.newParser(TOOLS) : null;
		AnswerChunks answer = new AnswerChunks("chatcmpl-fuzz", "tiny", parser);
		List<ChatResponse> chunks = new ArrayList<>();
		for (int i = 0; i < pieces.size(); i++) {
			chunks.add(answer.chunk(AnswerChunks.Report.text(pieces.get(i), i + 1)));
		}
		chunks.add(answer.chunk(AnswerChunks.Report.finish(reason, PROMPT_TOKENS, pieces.size())));
		StringBuilder content = new StringBuilder();
		List<Call> calls = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		for (int i = 0; i < chunks.size(); i++) {
			ChatResponse chunk = chunks.get(i);
			content.append(chunk.getResult().getOutput().getText());
			assertThat(GeneratedTokens.of(chunk)).as("tokens so far").isEqualTo(Math.min(i + 1, pieces.size()));
			if (i < chunks.size() - 1) {
				assertThat(chunk.getResult().getMetadata().getFinishReason()).as("a finish before the end").isNull();
			}
			for (ToolCallDelta delta : ToolCallDelta.of(chunk)) {
				assertThat(delta.id()).matches("call_[A-Za-z0-9_-]{24}");
				assertThat(ids.add(delta.id())).as("a fresh id").isTrue();
				calls.add(new Call(delta.index(), delta.name(), delta.arguments()));
			}
		}
		ChatResponse last = chunks.get(chunks.size() - 1);
		assertThat(last.getMetadata().getUsage().getPromptTokens()).isEqualTo(PROMPT_TOKENS);
		assertThat(last.getMetadata().getUsage().getCompletionTokens()).isEqualTo(pieces.size());
		return new Answer(content.toString(), calls, last.getResult().getMetadata().getFinishReason());
	}

	/** Pieces of 1 to 16 characters, their sizes read from {@code sizes} in turn (none: one character each). */
	private static List<String> pieces(String text, byte[] sizes) {
		List<String> pieces = new ArrayList<>();
		int at = 0;
		for (int i = 0; at < text.length(); i++) {
			int size = 1 + ((sizes.length == 0) ? 0 : (sizes[i % sizes.length] & 0x0F));
			int end = Math.min(text.length(), at + size);
			pieces.add(text.substring(at, end));
			at = end;
		}
		return pieces;
	}

	/** The characters a parser must let out again: no white space, and for Llama 3 no call separators. */
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

	private static boolean isSubsequence(String part, String whole) {
		int at = 0;
		for (int i = 0; i < whole.length() && at < part.length(); i++) {
			if (whole.charAt(i) == part.charAt(at)) {
				at++;
			}
		}
		return at == part.length();
	}

}

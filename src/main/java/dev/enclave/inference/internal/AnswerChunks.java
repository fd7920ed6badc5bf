package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.inference.internal.toolcalls.MalformedToolCall;
import dev.enclave.inference.internal.toolcalls.Parsed;
import dev.enclave.inference.internal.toolcalls.ParsedToolCall;
import dev.enclave.inference.internal.toolcalls.ToolCallParser;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * The chunks of one local answer, made from what its generation reports. Without a parser
 * each piece of text is a chunk's content as it came. With one (the request showed the
 * model tools, and the model's family has a tool-call format) the text goes through it
 * first: content goes out once it is certainly not call markup, and each call goes out
 * whole, as one {@link ToolCallDelta} (its index in the answer, id, name and all its
 * arguments) in the chunk's metadata, where a model server's pieces arrive too. An answer
 * that called a tool finishes as {@code tool_calls}. Every chunk carries the tokens
 * generated so far, also while the parser holds its text back, so a stream that ends early
 * is still charged for what it cost. One per answer; not thread-safe.
 */
final class AnswerChunks {

	private final String id;

	private final String model;

	private final @Nullable ToolCallParser parser;

	private int calls;

	/**
	 * @param parser the parser of the request's declared tools, or null to pass text through
	 */
	AnswerChunks(String id, String model, @Nullable ToolCallParser parser) {
		this.id = id;
		this.model = model;
		this.parser = parser;
	}

	/**
	 * What a generation reported, handed off the scheduler's thread before it becomes a
	 * chunk.
	 * @param text a piece of the answer's text; empty with the finish
	 * @param generatedTokens answer tokens generated so far
	 * @param finish why the answer ended, on the last report only
	 * @param promptTokens the prompt's tokens, on the last report only
	 */
	record Report(String text, int generatedTokens, @Nullable FinishReason finish, int promptTokens) {

		static Report text(String text, int generatedTokens) {
			return new Report(text, generatedTokens, null, 0);
		}

		static Report finish(FinishReason reason, int promptTokens, int completionTokens) {
			return new Report("", completionTokens, reason, promptTokens);
		}

	}

	ChatResponse chunk(Report report) {
		Released released = new Released();
		if (this.parser == null) {
			released.content.append(report.text());
		}
		else {
			// One character at a time, so that a malformed call's text lands in the content where
			// the model wrote it; a step's content and its malformed calls would otherwise come
			// apart. The parsers read one character at a time anyway.
			for (int i = 0; i < report.text().length(); i++) {
				released.add(this.parser.feed(report.text().substring(i, i + 1)));
			}
			if (report.finish() != null) {
				released.add(this.parser.finish());
			}
		}
		List<ToolCallDelta> deltas = new ArrayList<>(released.calls.size());
		for (ParsedToolCall call : released.calls) {
			deltas.add(new ToolCallDelta(this.calls++, call.id(), call.name(), call.argumentsJson()));
		}
		FinishReason finish = report.finish();
		// However the generation ended (stop or length), an answer with calls waits for their
		// results, as model servers report it.
		if (finish != null && this.calls > 0) {
			finish = FinishReason.TOOL_CALLS;
		}
		return chunk(released.content.toString(), deltas, finish, report);
	}

	private ChatResponse chunk(String text, List<ToolCallDelta> calls, @Nullable FinishReason finish, Report report) {
		ChatGenerationMetadata generation = (finish != null)
				? ChatGenerationMetadata.builder().finishReason(finish.value()).build() : ChatGenerationMetadata.NULL;
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().id(this.id).model(this.model);
		if (finish != null) {
			metadata.usage(new DefaultUsage(report.promptTokens(), report.generatedTokens()));
		}
		metadata.keyValue(GeneratedTokens.METADATA_KEY, report.generatedTokens());
		if (!calls.isEmpty()) {
			metadata.keyValue(ToolCallDelta.METADATA_KEY, List.copyOf(calls));
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text), generation)), metadata.build());
	}

	/**
	 * What one report let out. A malformed call is content, in full: the model servers Enclave
	 * fronts hand tool-call text they cannot parse back as content too, so clients and the
	 * assistant see one behaviour whichever engine answers; nothing the model wrote is lost;
	 * and nothing runs on the strength of markup that did not parse, since a call delta would
	 * need a name and arguments the model never validly wrote. Half-parsed markup still never
	 * goes out: a malformed call is let out only once the parser has given up on it.
	 */
	private static final class Released {

		private final StringBuilder content = new StringBuilder();

		private final List<ParsedToolCall> calls = new ArrayList<>();

		void add(Parsed parsed) {
			this.content.append(parsed.content());
			for (MalformedToolCall malformed : parsed.malformed()) {
				this.content.append(malformed.text());
			}
			this.calls.addAll(parsed.toolCalls());
		}

	}

}

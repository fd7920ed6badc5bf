package dev.enclave.conversation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How an answer ended.
 *
 * @param content the answer's text as far as it was generated
 * @param usage tokens and timings, with the finish reason the stored status follows from
 * @param ttftMs from the turn's start to the first token, when there was one
 * @param toolCalls the tools the answer called, whole; empty when it called none
 */
public record TurnOutcome(String content, UsageRecord usage, @Nullable Long ttftMs, List<ToolCall> toolCalls) {

	public TurnOutcome {
		toolCalls = List.copyOf(toolCalls);
	}

	/** The stored status: complete, partial when cancelled, failed on error. */
	public MessageStatus status() {
		return MessageStatus.of(this.usage.finishReason());
	}

}

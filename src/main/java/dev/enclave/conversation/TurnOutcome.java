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
 * @param steps the rounds of tool calls Enclave ran before this answer, in order: each an
 * assistant message with its calls, then one tool message per call; stored before the answer
 */
public record TurnOutcome(String content, UsageRecord usage, @Nullable Long ttftMs, List<ToolCall> toolCalls,
		List<ExchangeMessage> steps) {

	public TurnOutcome {
		toolCalls = List.copyOf(toolCalls);
		steps = List.copyOf(steps);
	}

	/** An answer that took no tool rounds. */
	public TurnOutcome(String content, UsageRecord usage, @Nullable Long ttftMs, List<ToolCall> toolCalls) {
		this(content, usage, ttftMs, toolCalls, List.of());
	}

	/** The stored status: complete, partial when cancelled, failed on error. */
	public MessageStatus status() {
		return MessageStatus.of(this.usage.finishReason());
	}

}

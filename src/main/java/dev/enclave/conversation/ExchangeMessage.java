package dev.enclave.conversation;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One message of an exchange as it was sent, to store or to build a prompt from: a role
 * ({@code system}, {@code user}, {@code assistant} or {@code tool}) and its text; an
 * assistant message's tool calls, and the id of the call a tool message answers.
 */
public record ExchangeMessage(MessageRole role, String content, List<ToolCall> toolCalls,
		@Nullable String toolCallId) {

	public ExchangeMessage {
		toolCalls = List.copyOf(toolCalls);
	}

	/** A message of text alone. */
	public static ExchangeMessage of(MessageRole role, String content) {
		return new ExchangeMessage(role, content, List.of(), null);
	}

}

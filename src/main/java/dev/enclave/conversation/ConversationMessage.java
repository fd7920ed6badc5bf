package dev.enclave.conversation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A stored message as clients see it: the opened content with its status and, for answers,
 * the usage and timings kept in plain columns.
 *
 * @param id the message's id
 * @param seq its position in the conversation, from 1, without gaps
 * @param role who wrote it
 * @param content its text
 * @param status how it ended
 * @param promptTokens tokens of the prompt that produced it (answers only)
 * @param completionTokens tokens generated (answers only)
 * @param model the model that wrote it (answers only)
 * @param finishReason why generation ended (answers only)
 * @param latencyMs from the turn's start to its last token (answers only)
 * @param ttftMs from the turn's start to its first token (answers only)
 * @param createdAt when it was stored
 * @param toolCalls the tools an assistant message called; empty for others
 * @param toolCallId the call a tool message answers
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConversationMessage(UUID id, int seq, MessageRole role, String content, MessageStatus status,
		@Nullable Integer promptTokens, @Nullable Integer completionTokens, @Nullable String model,
		@Nullable FinishReason finishReason, @Nullable Long latencyMs, @Nullable Long ttftMs, Instant createdAt,
		@JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCall> toolCalls,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String toolCallId) {

	public ConversationMessage {
		toolCalls = List.copyOf(toolCalls);
	}

}

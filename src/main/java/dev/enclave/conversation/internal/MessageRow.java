package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;

/**
 * A row of {@code messages}, content still sealed: the text, and an assistant message's tool
 * calls (a JSON list) when it made any. The id of the call a tool message answers is no
 * content (servers make it up) and stays plain.
 */
record MessageRow(UUID id, UUID conversation, int seq, MessageRole role, byte[] content, MessageStatus status,
		@Nullable Integer promptTokens, @Nullable Integer completionTokens, @Nullable String model,
		@Nullable FinishReason finishReason, @Nullable Long latencyMs, @Nullable Long ttftMs, Instant createdAt,
		byte @Nullable [] toolCalls, @Nullable String toolCallId) {
}

package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;

/** A row of {@code messages}, content still sealed. */
record MessageRow(UUID id, UUID conversation, int seq, MessageRole role, byte[] content, MessageStatus status,
		@Nullable Integer promptTokens, @Nullable Integer completionTokens, @Nullable String model,
		@Nullable FinishReason finishReason, @Nullable Long latencyMs, @Nullable Long ttftMs, Instant createdAt) {
}

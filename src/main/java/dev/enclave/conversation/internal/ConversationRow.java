package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.identity.SubjectId;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/** A row of {@code conversations}, content still sealed. */
record ConversationRow(ConversationId id, TenantId tenant, SubjectId owner, byte @Nullable [] title,
		byte @Nullable [] systemPrompt, String model, Instant createdAt, Instant updatedAt,
		@Nullable Instant retentionUntil) {

	UUID uuid() {
		return this.id.value();
	}

}

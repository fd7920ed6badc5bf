package dev.enclave.conversation.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.conversation.ConversationMessage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** What the conversation API returns. */
final class Views {

	private Views() {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Conversation(UUID id, @Nullable String title, String model, @Nullable String systemPrompt, Instant createdAt,
			Instant updatedAt, @Nullable Instant retentionUntil) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ConversationWithMessages(UUID id, @Nullable String title, String model, @Nullable String systemPrompt,
			Instant createdAt, Instant updatedAt, @Nullable Instant retentionUntil, List<ConversationMessage> messages,
			@Nullable String nextCursor) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Feedback(UUID messageId, String rating, @Nullable String comment, Instant createdAt) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Retention(@Nullable Integer retentionDays) {
	}

}

package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import dev.enclave.conversation.MessageRole;
import dev.enclave.gateway.ApiException;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/** Ratings of answers: one per user and answer, the comment sealed like any content. */
final class FeedbackService {

	private final MessageStore messages;

	private final SealedContent content;

	private final Clock clock;

	FeedbackService(MessageStore messages, SealedContent content, Clock clock) {
		this.messages = messages;
		this.content = content;
		this.clock = clock;
	}

	Mono<Views.Feedback> rate(Principal caller, UUID messageId, String rating, @Nullable String comment) {
		return this.messages.find(Owner.of(caller), messageId)
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("Message")))
			.flatMap((message) -> {
				if (message.role() != MessageRole.ASSISTANT) {
					return Mono.error(ApiException.invalidParam("id", "Only the assistant's answers can be rated"));
				}
				Instant now = ConversationService.now(this.clock);
				return this.content
					.seal(caller.tenantId(), new ConversationId(message.conversation()), messageId,
							SealedContent.FEEDBACK_COMMENT, comment)
					.flatMap((sealed) -> this.messages.upsertFeedback(messageId, caller.subjectId(), rating,
							sealed.orElse(null), now))
					.thenReturn(new Views.Feedback(messageId, rating, comment, now));
			});
	}

}

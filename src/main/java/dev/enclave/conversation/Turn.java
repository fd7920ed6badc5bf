package dev.enclave.conversation;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import org.jspecify.annotations.Nullable;

/**
 * A turn in progress: the user's message is stored and the conversation is locked for this
 * turn until {@link Conversations#endTurn} stores the answer (or a stale lock times out).
 *
 * @param caller who asked
 * @param conversation the conversation
 * @param userMessage the stored user message
 * @param answerId the id the answer will be stored under (clients see it at once)
 * @param model the conversation's model
 * @param systemPrompt the conversation's system prompt, if it has one
 * @param history the conversation's messages up to and including the user's, oldest first,
 * without failed empty answers
 * @param startedAt when the turn began
 */
public record Turn(Principal caller, ConversationId conversation, ConversationMessage userMessage, UUID answerId,
		String model, @Nullable String systemPrompt, List<ExchangeMessage> history, Instant startedAt) {
}

package dev.enclave.conversation;

import java.time.Instant;
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
 * @param userMessage the stored user message; null for a turn that continues after tool calls
 * were decided, which adds no message of the user's
 * @param answerId the id the answer will be stored under (clients see it at once)
 * @param startedAt when the turn took the lock
 */
public record Turn(Principal caller, ConversationId conversation, @Nullable ConversationMessage userMessage, UUID answerId,
		Instant startedAt) {
}

package dev.enclave.assistant.internal.turn;

import dev.enclave.shared.ConversationId;
import org.jspecify.annotations.Nullable;

/**
 * Enclave's tools in one turn: the turn runs the loop (the model proposes calls, Enclave
 * checks and runs them and shows it the results) for at most {@code maxSteps} rounds.
 *
 * @param maxSteps rounds of tool calls before the turn ends with an honest message
 * @param conversation where a write that needs approval waits for it; null where nobody can
 * approve (an API request), and such a write is refused
 */
public record TurnTools(int maxSteps, @Nullable ConversationId conversation) {
}

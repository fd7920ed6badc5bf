package dev.enclave.conversation;

import java.util.List;

import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import org.jspecify.annotations.Nullable;

/**
 * What a turn is built from, read before anything is stored or locked, so the prompt can be
 * counted and its tokens reserved first.
 *
 * @param caller who asks; the conversation is theirs
 * @param conversation the conversation
 * @param model the conversation's model
 * @param systemPrompt the conversation's system prompt, if it has one
 * @param history the conversation's last messages, oldest first, without failed empty
 * answers
 * @param lastSeq the {@code seq} of its last message (0 when it has none): a turn begins
 * only if no message was added since, so the prompt never misses one
 */
public record TurnContext(Principal caller, ConversationId conversation, String model, @Nullable String systemPrompt,
		List<ExchangeMessage> history, int lastSeq) {

	public TurnContext {
		history = List.copyOf(history);
	}

}

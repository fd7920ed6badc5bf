package dev.enclave.assistant.internal.openai;

import java.util.Optional;

import dev.enclave.assistant.internal.turn.TurnStorage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import reactor.core.publisher.Mono;

/**
 * A completion's storage: nothing, unless the request asked for {@code store: true}; then
 * the exchange becomes a conversation of the caller when it ends, if there is anything worth
 * keeping (an answer that finished or has some text).
 */
final class ExchangeStorage implements TurnStorage<Optional<ConversationId>> {

	private final Conversations conversations;

	private final Principal caller;

	private final CompletionRequest request;

	ExchangeStorage(Conversations conversations, Principal caller, CompletionRequest request) {
		this.conversations = conversations;
		this.caller = caller;
		this.request = request;
	}

	@Override
	public Mono<Void> begin() {
		return Mono.empty();
	}

	@Override
	public Mono<Optional<ConversationId>> end(TurnOutcome outcome) {
		if (!this.request.store() || (!outcome.usage().finishReason().finished() && outcome.content().isEmpty())) {
			return Mono.just(Optional.empty());
		}
		return this.conversations.storeExchange(this.caller, this.request.transcript(), outcome).map(Optional::of);
	}

}

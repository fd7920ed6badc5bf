package dev.enclave.conversation;

import java.util.List;

import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import reactor.core.publisher.Mono;

/**
 * What other modules may do with conversations. Every method checks ownership: a
 * conversation of another tenant or another user is {@code not_found}.
 */
public interface Conversations {

	/**
	 * Starts a turn: locks the conversation for it (a turn already running is
	 * {@code conflict}, never interleaved), stores the user's message, committed before any
	 * generation starts, and returns the history to build the prompt from.
	 */
	Mono<Turn> beginTurn(Principal caller, ConversationId conversation, String content);

	/**
	 * Ends a turn: stores the answer with its status and usage, records the usage, and
	 * releases the lock. Call it exactly once per turn, also when the client went away.
	 * @return the stored answer
	 */
	Mono<ConversationMessage> endTurn(Turn turn, TurnOutcome outcome);

	/**
	 * Stores a finished exchange of the OpenAI-compatible API ({@code store: true}) as a new
	 * conversation owned by the caller (for an app, its API key): the request's messages in
	 * order, then the answer with its usage. Content is sealed like any conversation's.
	 * @return the new conversation's id
	 */
	Mono<ConversationId> storeExchange(Principal owner, List<ExchangeMessage> messages, ExchangeMessage answer,
			UsageRecord usage);

}

package dev.enclave.conversation;

import java.util.List;

import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * What other modules may do with conversations. Every method checks ownership: a
 * conversation of another tenant or another user is {@code not_found}. A turn is prepared,
 * begun and ended, in that order; nothing is stored or locked until it begins, so a turn
 * refused before (by a budget, say) leaves no trace.
 */
public interface Conversations {

	/**
	 * Checks that the caller owns the conversation, for another module's records of it (its
	 * tool calls, say).
	 * @return the conversation; or {@code not_found}, the same for one that does not exist
	 * and one of somebody else's
	 */
	Mono<ConversationId> requireOwned(Principal caller, ConversationId conversation);

	/**
	 * Reads what a turn needs, storing and locking nothing.
	 * @return the context; or {@code not_found}, or {@code conflict} while another turn is
	 * being answered
	 */
	Mono<TurnContext> prepareTurn(Principal caller, ConversationId conversation);

	/**
	 * Begins a turn: locks the conversation for it and stores, committed before any
	 * generation starts, the results of tool calls the last answer made (when they were
	 * decided after it ended: approved, rejected or expired), then the user's message.
	 * @param toolResults tool messages answering the last answer's calls, in its order;
	 * usually empty
	 * @param content the user's message; null for a turn that only continues after its tool
	 * calls were decided
	 * @return the turn; or {@code conflict} when another turn holds the conversation or added
	 * messages since {@code context} was read, {@code not_found} when it is gone
	 */
	Mono<Turn> beginTurn(TurnContext context, List<ExchangeMessage> toolResults, @Nullable String content);

	/**
	 * Ends a turn: stores the tool rounds it ran ({@link TurnOutcome#steps()}), then the
	 * answer with its status and usage, and releases the lock. Call
	 * it exactly once per begun turn, also when the client went away. The usage ledger is
	 * the caller's to write.
	 * @return the stored answer
	 */
	Mono<ConversationMessage> endTurn(Turn turn, TurnOutcome outcome);

	/**
	 * Stores an exchange of the OpenAI-compatible API ({@code store: true}) as a new
	 * conversation owned by the caller (for an app, its API key): the request's messages in
	 * order, then the answer with its status and usage. Content is sealed like any
	 * conversation's.
	 * @return the new conversation's id
	 */
	Mono<ConversationId> storeExchange(Principal owner, List<ExchangeMessage> messages, TurnOutcome answer);

}

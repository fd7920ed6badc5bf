package dev.enclave.assistant.internal;

import java.util.List;

import dev.enclave.assistant.internal.turn.TurnStorage;
import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.Turn;
import dev.enclave.conversation.TurnContext;
import dev.enclave.conversation.TurnOutcome;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A console turn's storage: the user's message (after the results of tool calls decided
 * since the last answer) is stored, and the conversation locked, only once the budgets have
 * admitted the turn; the answer is stored when it ends, however it
 * ends, and the lock released.
 */
final class ConversationTurn implements TurnStorage<ConversationMessage> {

	private final Conversations conversations;

	private final TurnContext context;

	private final List<ExchangeMessage> toolResults;

	private final @Nullable String content;

	private volatile @Nullable Turn turn;

	/**
	 * @param toolResults results of the last answer's calls decided since it ended, stored first
	 * @param content the user's message; null when the turn continues after tool calls
	 */
	ConversationTurn(Conversations conversations, TurnContext context, List<ExchangeMessage> toolResults,
			@Nullable String content) {
		this.conversations = conversations;
		this.context = context;
		this.toolResults = List.copyOf(toolResults);
		this.content = content;
	}

	@Override
	public Mono<Void> begin() {
		return this.conversations.beginTurn(this.context, this.toolResults, this.content)
			.doOnNext((begun) -> this.turn = begun)
			.then();
	}

	@Override
	public Mono<ConversationMessage> end(TurnOutcome outcome) {
		return this.conversations.endTurn(turn(), outcome);
	}

	/** The begun turn: its stored user message and the id its answer will have. */
	Turn turn() {
		Turn begun = this.turn;
		if (begun == null) {
			throw new IllegalStateException("The turn has not begun");
		}
		return begun;
	}

}

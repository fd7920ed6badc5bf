package dev.enclave.assistant.internal.turn;

import dev.enclave.conversation.TurnOutcome;
import reactor.core.publisher.Mono;

/**
 * Where an entry point keeps what a turn produces: the console stores both messages in the
 * conversation, the OpenAI API stores nothing or, with {@code store: true}, the exchange.
 *
 * @param <E> what ending the turn hands back, such as the stored answer
 */
public interface TurnStorage<E> {

	/**
	 * Stores what must exist before generation starts, such as the user's message. Runs only
	 * after the budgets admitted the turn, so a refused turn stores nothing.
	 */
	Mono<Void> begin();

	/**
	 * Stores how the turn ended. Called exactly once per begun turn, also when the client
	 * went away; it must not emit null.
	 */
	Mono<E> end(TurnOutcome outcome);

}

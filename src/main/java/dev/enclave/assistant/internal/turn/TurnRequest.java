package dev.enclave.assistant.internal.turn;

import dev.enclave.identity.Principal;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.prompt.Prompt;

/**
 * One chat turn as the pipeline takes it, whichever entry point it came through.
 *
 * @param caller who asks: whose budgets pay and whose usage it is
 * @param prompt the messages and options; the options name the model
 * @param fitHistory whether the oldest messages may be dropped to fit the model's context
 * (a conversation's stored history), or the prompt must fit as sent (an API client's)
 * @param responseCache whether a deterministic request may be answered from, and its answer
 * kept in, the response cache
 * @param tools Enclave's tools, when the turn runs them; the prompt's options then declare them
 */
public record TurnRequest(Principal caller, Prompt prompt, boolean fitHistory, boolean responseCache,
		@Nullable TurnTools tools) {

	/** A turn without Enclave's tools. */
	public TurnRequest(Principal caller, Prompt prompt, boolean fitHistory, boolean responseCache) {
		this(caller, prompt, fitHistory, responseCache, null);
	}

}

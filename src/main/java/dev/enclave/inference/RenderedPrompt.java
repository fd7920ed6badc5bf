package dev.enclave.inference;

import org.springframework.ai.chat.prompt.Prompt;

/**
 * A prompt rendered with its model's chat template, tokenised and checked, exactly as the
 * engine will run it: the count a token budget reserves is the count the engine bills.
 * Pass {@link #prompt()} to the {@code StreamingChatModel}; an engine that recognises it
 * runs it as rendered instead of rendering it again.
 */
public interface RenderedPrompt {

	/** What to hand the chat model: the messages kept and the settled options. */
	Prompt prompt();

	/** The model it was rendered for. */
	String model();

	/** Tokens of the rendered prompt. */
	int promptTokens();

	/**
	 * The most answer tokens it may generate: the {@code max_tokens} asked for, or without
	 * one the rest of the model's context.
	 */
	int maxTokens();

	/** The most tokens it can cost, prompt and answer together: what a budget reserves. */
	default long mostTokens() {
		return (long) promptTokens() + maxTokens();
	}

}

package dev.enclave.inference;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.Message;

/**
 * Fits a conversation into a model's context window, counted in the model's own tokens with
 * its own chat template: what the model would really see.
 */
public interface ContextWindow {

	/**
	 * Keeps the leading system messages and the newest other messages that fit, dropping the
	 * oldest ones whole, never cutting a message in half, so that the rendered prompt leaves
	 * room for {@code reserve} tokens of answer.
	 * @param model the model's id, or null for the default model
	 * @param messages the conversation, oldest first
	 * @param reserve tokens to keep free for the answer
	 * @return the messages to send, oldest first
	 * @throws dev.enclave.gateway.ApiException {@code invalid_request} naming {@code content}
	 * when not even the newest message fits with the system messages; {@code not_found} or
	 * {@code model_unavailable} for a model that is not served
	 */
	List<Message> fit(@Nullable String model, List<Message> messages, int reserve);

	/** The most tokens a model holds, prompt and answer together. */
	int size(@Nullable String model);

	/**
	 * The tokens of {@code messages} as the model sees them: rendered with its chat template
	 * and tokenised, ready for the answer. Token budgets reserve this before generation.
	 */
	int promptTokens(@Nullable String model, List<Message> messages);

	/** The tokens of plain text, such as the part of an answer streamed before a cancel. */
	int textTokens(@Nullable String model, String text);

}

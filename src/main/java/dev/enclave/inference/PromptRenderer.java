package dev.enclave.inference;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.prompt.Prompt;

/**
 * Renders prompts the way their model sees them, with its own chat template (role markers,
 * tools and all) and its own tokenizer, once per request, on the inference module's bounded
 * {@code prompts} scheduler, never on an event loop. Every check the engine would make
 * (model, sampling ranges, {@code max_tokens} against the context, stop sequences) is made
 * here, so a request that passes is one the engine runs. A full {@code prompts} queue is
 * {@code overloaded} (503) with {@code Retry-After}.
 */
public interface PromptRenderer {

	/**
	 * Renders a prompt as it is. The model is {@code options.model}, or the default one.
	 * @return the rendered prompt; or the error {@code invalid_request} naming the field
	 * ({@code messages}, {@code max_tokens}, {@code temperature}, ...), {@code not_found}
	 * naming {@code model}, or {@code model_unavailable}
	 */
	Mono<RenderedPrompt> render(Prompt prompt);

	/**
	 * Renders a conversation, first dropping its oldest messages after the leading system
	 * messages, whole, never cutting one in half, until the rendered prompt leaves room for
	 * {@code options.maxTokens} answer tokens. The last message is never dropped.
	 * @return the rendered prompt of the messages kept; or the error {@code invalid_request}
	 * naming {@code content} when not even the last message fits with the system messages,
	 * and the errors of {@link #render}
	 */
	Mono<RenderedPrompt> fit(Prompt prompt);

	/** The most tokens a model holds, prompt and answer together. */
	int contextSize(@Nullable String model);

	/**
	 * The tokens of plain text, such as the part of an answer streamed before a cancel, for
	 * engines that do not say what they generated.
	 */
	Mono<Integer> textTokens(String model, String text);

}

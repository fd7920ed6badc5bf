package dev.enclave.inference.internal;

import java.util.List;

import dev.enclave.inference.internal.generation.GenerationRequest;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * A prompt that carries its own rendering: the local engine finds the generation request
 * here instead of rendering the messages again. Its options name the model and the settled
 * {@code max_tokens}, so any engine given it generates at most what was reserved.
 */
final class RenderedChatPrompt extends CountedPrompt {

	private final GenerationRequest request;

	RenderedChatPrompt(List<Message> messages, ChatOptions options, String model, GenerationRequest request) {
		super(messages, options, model, request.prompt().length, request.maxTokens());
		this.request = request;
	}

	/** The rendering, for the engine that serves {@link #model()}. */
	GenerationRequest request() {
		return this.request;
	}

}

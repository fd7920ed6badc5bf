package dev.enclave.inference.internal;

import java.util.List;

import dev.enclave.inference.RenderedPrompt;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * A prompt that knows what it costs: the messages and settled options its engine gets,
 * with the tokens counted for them and the most the answer may take.
 */
public class CountedPrompt extends Prompt implements RenderedPrompt {

	private final String model;

	private final int promptTokens;

	private final int maxTokens;

	public CountedPrompt(List<Message> messages, ChatOptions options, String model, int promptTokens, int maxTokens) {
		super(messages, options);
		this.model = model;
		this.promptTokens = promptTokens;
		this.maxTokens = maxTokens;
	}

	@Override
	public Prompt prompt() {
		return this;
	}

	@Override
	public String model() {
		return this.model;
	}

	@Override
	public int promptTokens() {
		return this.promptTokens;
	}

	@Override
	public int maxTokens() {
		return this.maxTokens;
	}

}

package dev.enclave.assistant.internal.openai;

import java.util.List;

import dev.enclave.conversation.ExchangeMessage;

import org.springframework.ai.chat.prompt.Prompt;

/**
 * A checked OpenAI request, ready for the engine.
 *
 * @param model the model that answers: the one asked for, or the default
 * @param prompt the messages and options as Spring AI's prompt
 * @param transcript the messages as they would be stored, when {@code store} is asked for
 * @param stream whether the answer goes out as server-sent events
 * @param includeUsage whether a stream ends with a usage chunk
 * @param store whether the exchange is kept as a conversation of the caller
 */
record CompletionRequest(String model, Prompt prompt, List<ExchangeMessage> transcript, boolean stream,
		boolean includeUsage, boolean store) {
}

package dev.enclave.inference.internal;

import java.util.List;
import java.util.Map;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.internal.checkpoint.GenerationDefaults;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.SamplingParams;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.internal.template.ChatTemplateException;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Turns a Spring AI prompt into a generation request for one model: renders the
 * conversation with the model's own chat template, tokenises it, and settles the sampling
 * options (the request's, else the checkpoint's {@code generation_config.json}, else
 * OpenAI's defaults). Without a {@code max_tokens} the answer may fill the rest of the
 * context; a {@code max_tokens} larger than that rest is refused. Problems are the caller's
 * and come back as {@code invalid_request} naming the field. The one place that renders a
 * prompt: {@link TemplatePromptRenderer} fits conversations with it, and the engine uses it
 * only for prompts that did not come rendered.
 */
final class ChatRequests {

	private static final int MAX_STOP_STRINGS = 16;

	private ChatRequests() {
	}

	static GenerationRequest of(ServedModel model, Prompt prompt) {
		return of(model, tokens(model, prompt.getInstructions(), prompt.getOptions()), prompt.getOptions());
	}

	/** The request for {@code tokens}, already rendered from the prompt with these options. */
	static GenerationRequest of(ServedModel model, int[] tokens, @Nullable ChatOptions options) {
		SamplingParams sampling = sampling(options, model.defaults());
		int context = model.model().maxContext();
		if (tokens.length >= context) {
			throw ApiException.invalidParam("messages", "The conversation is " + tokens.length
					+ " tokens long; model '" + model.name() + "' holds at most " + context
					+ " tokens of conversation and answer together");
		}
		int room = context - tokens.length;
		Integer requested = requestedMaxTokens(model, options);
		// Asking for more than the context can hold is refused, as OpenAI-compatible servers
		// do, rather than quietly answered with less than the caller planned for.
		if (requested != null && requested > room) {
			throw ApiException.invalidParam("max_tokens", "max_tokens is " + requested + ", but model '"
					+ model.name() + "' holds " + context + " tokens and the conversation takes " + tokens.length
					+ ", which leaves room for at most " + room);
		}
		int maxTokens = (requested != null) ? requested : room;
		return new GenerationRequest(tokens, maxTokens, sampling, model.stopTokens(), stops(options));
	}

	/**
	 * The {@code max_tokens} a request asks for, checked against what the model could ever
	 * hold; null when it asks for none.
	 */
	static @Nullable Integer requestedMaxTokens(ServedModel model, @Nullable ChatOptions options) {
		Integer requested = (options != null) ? options.getMaxTokens() : null;
		if (requested != null && requested < 1) {
			throw ApiException.invalidParam("max_tokens", "max_tokens must be at least 1");
		}
		int context = model.model().maxContext();
		if (requested != null && requested >= context) {
			throw ApiException.invalidParam("max_tokens", "max_tokens is " + requested + ", but model '" + model.name()
					+ "' holds " + context + " tokens of conversation and answer together");
		}
		return requested;
	}

	/**
	 * The conversation and the request's tools as the model sees them: in the shape its
	 * template expects ({@link TemplateMessages}), rendered and tokenised.
	 */
	static int[] tokens(ServedModel model, List<Message> messages, @Nullable ChatOptions options) {
		ChatTemplate template = model.template();
		if (template == null) {
			throw ApiException.invalidParam("model", "Model '" + model.name()
					+ "' has no chat template in its tokenizer_config.json, so it cannot serve chat");
		}
		List<Map<String, Object>> tools = ChatMessages.shownTools(options);
		String text;
		try {
			text = template.render(
					TemplateMessages.of(model.toolCallFormat().orElse(null), ChatMessages.messages(messages), tools),
					tools, true);
		}
		catch (ChatTemplateException ex) {
			throw ApiException.invalidParam("messages", "The model's chat template refused the conversation: "
					+ ex.getMessage());
		}
		return model.tokenizer().encode(text);
	}

	private static List<String> stops(@Nullable ChatOptions options) {
		List<String> stops = (options != null && options.getStopSequences() != null) ? options.getStopSequences()
				: List.of();
		if (stops.size() > MAX_STOP_STRINGS) {
			throw ApiException.invalidParam("stop", "At most " + MAX_STOP_STRINGS + " stop sequences are allowed");
		}
		return stops;
	}

	static SamplingParams sampling(@Nullable ChatOptions options, GenerationDefaults defaults) {
		if (options != null) {
			unsupported("frequency_penalty", options.getFrequencyPenalty());
			unsupported("presence_penalty", options.getPresencePenalty());
		}
		// A checkpoint that says do_sample false decodes greedily unless asked otherwise;
		// otherwise its temperature, else OpenAI's default of 1.
		Double fallback = Boolean.FALSE.equals(defaults.doSample()) ? 0.0 : first(defaults.temperature(), 1.0);
		Double temperature = first((options != null) ? options.getTemperature() : null, fallback);
		// Written so that NaN fails too: a JSON body may send "NaN" as a string, which binds to a Double.
		if (!(temperature >= 0 && temperature <= 2)) {
			throw ApiException.invalidParam("temperature", "temperature must be between 0 and 2");
		}
		Double topP = first((options != null) ? options.getTopP() : null, first(defaults.topP(), 1.0));
		if (!(topP > 0 && topP <= 1)) {
			throw ApiException.invalidParam("top_p", "top_p must be greater than 0 and at most 1");
		}
		Integer topK = first((options != null) ? options.getTopK() : null, first(defaults.topK(), 0));
		if (topK < 0) {
			throw ApiException.invalidParam("top_k", "top_k must be at least 0");
		}
		Long seed = (options instanceof InferenceChatOptions inference) ? inference.getSeed() : null;
		return new SamplingParams(temperature, topK, topP, seed);
	}

	private static void unsupported(String field, @Nullable Double value) {
		if (value != null && value != 0) {
			throw ApiException.invalidParam(field, field + " is not supported by local models");
		}
	}

	private static <T> T first(@Nullable T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}

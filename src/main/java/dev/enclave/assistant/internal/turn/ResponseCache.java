package dev.enclave.assistant.internal.turn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.enclave.conversation.ToolCall;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.RenderedPrompt;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.privacy.CacheScope;
import dev.enclave.privacy.EncryptedCache;
import dev.enclave.shared.FinishReason;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

/**
 * An exact-match cache of whole answers to deterministic requests (temperature 0, or a
 * seed), for callers who opt in. It is the privacy module's encrypted cache: the key is an
 * HMAC (under the tenant's own key) of the model and the whole request, normalised (the
 * rendered messages, tools and every sampling option, in a fixed order); the value is
 * AES-GCM ciphertext; entries are the tenant's alone and expire. A dump of the cache shows
 * neither prompts nor answers. A request that asks for something a replay cannot give
 * ({@code logprobs}) is not cached, and only answers that ended on their own are kept.
 */
public final class ResponseCache {

	/** The privacy module's name of the cache, and its metrics' {@code cache} tag. */
	public static final String NAME = "responses";

	/** The key of a replayed chunk's metadata that says it came from the cache. */
	static final String HIT_KEY = "enclave.cache-hit";

	private static final Set<String> UNREPLAYABLE = Set.of("logprobs", "top_logprobs", "n");

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.build();

	private final EncryptedCache cache;

	public ResponseCache(EncryptedCache cache) {
		this.cache = cache;
	}

	/**
	 * The cache key of a rendered prompt, or null when its answer may not be cached: not
	 * deterministic, or asking for what a replay cannot give.
	 */
	@Nullable String keyOf(RenderedPrompt rendered) {
		ChatOptions options = rendered.prompt().getOptions();
		if (options == null) {
			return null;
		}
		Long seed = (options instanceof InferenceChatOptions inference) ? inference.getSeed() : null;
		boolean greedy = options.getTemperature() != null && options.getTemperature() == 0.0;
		if (!greedy && seed == null) {
			return null;
		}
		Map<String, Object> request = new TreeMap<>();
		if (options instanceof InferenceChatOptions inference) {
			if (inference.getExtraBody().keySet().stream().anyMatch(UNREPLAYABLE::contains)) {
				return null;
			}
			request.put("extra", new TreeMap<>(inference.getExtraBody()));
			request.put("tool_choice", inference.getToolChoice());
		}
		request.put("model", rendered.model());
		request.put("messages", messages(rendered.prompt().getInstructions()));
		request.put("temperature", options.getTemperature());
		request.put("top_p", options.getTopP());
		request.put("top_k", options.getTopK());
		request.put("seed", seed);
		request.put("max_tokens", rendered.maxTokens());
		request.put("stop", options.getStopSequences());
		request.put("frequency_penalty", options.getFrequencyPenalty());
		request.put("presence_penalty", options.getPresencePenalty());
		request.put("tools", tools(options));
		return JSON.writeValueAsString(request);
	}

	/** The tenant's cached answer for {@code key}, if any. */
	Optional<Answer> get(TenantId tenant, String key) {
		return this.cache.get(CacheScope.tenant(tenant), key).flatMap((json) -> {
			try {
				return Optional.of(JSON.readValue(json, Answer.class));
			}
			catch (JacksonException ex) {
				return Optional.empty();
			}
		});
	}

	/** Keeps an answer that ended on its own; others are not answers to replay. */
	void put(TenantId tenant, String key, TurnOutcome outcome) {
		if (!outcome.usage().finishReason().finished()) {
			return;
		}
		this.cache.put(CacheScope.tenant(tenant), key, JSON.writeValueAsString(new Answer(outcome.content(),
				outcome.toolCalls(), outcome.usage().finishReason(), outcome.usage().promptTokens(),
				outcome.usage().completionTokens())));
	}

	private static List<Map<String, Object>> messages(List<Message> instructions) {
		List<Map<String, Object>> messages = new ArrayList<>();
		for (Message message : instructions) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("type", message.getMessageType().getValue());
			entry.put("text", message.getText());
			if (message instanceof AssistantMessage assistant && assistant.hasToolCalls()) {
				entry.put("tool_calls", assistant.getToolCalls()
					.stream()
					.map((call) -> List.of(call.id(), call.name(), call.arguments()))
					.toList());
			}
			if (message instanceof ToolResponseMessage tool) {
				entry.put("responses", tool.getResponses()
					.stream()
					.map((response) -> List.of(response.id(), response.name(), response.responseData()))
					.toList());
			}
			messages.add(entry);
		}
		return messages;
	}

	private static List<List<String>> tools(ChatOptions options) {
		if (!(options instanceof ToolCallingChatOptions tooling) || tooling.getToolCallbacks() == null) {
			return List.of();
		}
		return tooling.getToolCallbacks()
			.stream()
			.map((tool) -> List.of(tool.getToolDefinition().name(), tool.getToolDefinition().description(),
					tool.getToolDefinition().inputSchema()))
			.toList();
	}

	/** A cached answer: what the model said and what it cost when it was computed. */
	record Answer(String content, List<ToolCall> toolCalls, FinishReason finishReason, int promptTokens,
			int completionTokens) {

		/** The answer as an engine's stream: its text and tool calls, then the finish with the usage. */
		Flux<ChatResponse> replay() {
			List<ChatResponse> chunks = new ArrayList<>(2);
			if (!this.content.isEmpty() || !this.toolCalls.isEmpty()) {
				List<ToolCallDelta> calls = new ArrayList<>();
				for (int i = 0; i < this.toolCalls.size(); i++) {
					ToolCall call = this.toolCalls.get(i);
					calls.add(new ToolCallDelta(i, call.id(), call.name(), call.arguments()));
				}
				ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().keyValue(HIT_KEY, true);
				if (!calls.isEmpty()) {
					metadata.keyValue(ToolCallDelta.METADATA_KEY, List.copyOf(calls));
				}
				chunks.add(new ChatResponse(List.of(new Generation(new AssistantMessage(this.content))),
						metadata.build()));
			}
			chunks.add(new ChatResponse(
					List.of(new Generation(new AssistantMessage(""),
							ChatGenerationMetadata.builder().finishReason(this.finishReason.value()).build())),
					ChatResponseMetadata.builder()
						.keyValue(HIT_KEY, true)
						.keyValue(GeneratedTokens.METADATA_KEY, this.completionTokens)
						.usage(new DefaultUsage(this.promptTokens, this.completionTokens))
						.build()));
			return Flux.fromIterable(chunks);
		}

	}

}

package dev.enclave.inference.internal.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.enclave.inference.GeneratedTokens;
import dev.enclave.inference.InferenceChatOptions;
import dev.enclave.inference.PassthroughFields;
import dev.enclave.inference.ToolCallDelta;
import dev.enclave.inference.ToolChoice;
import dev.enclave.inference.internal.ChatMessages;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * OpenAI's chat completion protocol, both ways: a Spring AI prompt as the request body a
 * model server takes, and each streamed {@code chat.completion.chunk} it sends back as a
 * Spring AI chunk, keeping what OpenAI's clients rely on: content, tool-call pieces with
 * their indices and ids, the finish reason, the usage, and the fields Enclave does not
 * interpret ({@code logprobs}, a server's {@code reasoning_content}).
 */
final class ChatBodies {

	/** Request fields Enclave sets itself; a client's unrecognised fields never replace them. */
	private static final Set<String> OWN_FIELDS = Set.of("model", "messages", "stream", "stream_options", "n",
			"max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "seed", "frequency_penalty",
			"presence_penalty", "tools", "tool_choice", "user", "store", "service_tier");

	private static final Set<String> CHOICE_FIELDS = Set.of("index", "delta", "finish_reason", "message");

	private static final Set<String> DELTA_FIELDS = Set.of("role", "content", "tool_calls");

	private final JsonMapper json;

	ChatBodies(JsonMapper json) {
		this.json = json;
	}

	/**
	 * The request body for {@code model}: always streamed with the usage in the last chunk,
	 * so Enclave can count and cancel whatever the client asked for.
	 */
	ObjectNode request(String model, Prompt prompt) {
		ChatOptions options = prompt.getOptions();
		ObjectNode body = this.json.createObjectNode();
		if (options instanceof InferenceChatOptions inference) {
			inference.getExtraBody().forEach((field, value) -> {
				if (!OWN_FIELDS.contains(field)) {
					body.set(field, value);
				}
			});
		}
		body.put("model", model);
		body.set("messages", this.json.valueToTree(ChatMessages.messages(prompt.getInstructions(), true)));
		body.put("stream", true);
		body.putObject("stream_options").put("include_usage", true);
		if (options != null) {
			putIfSet(body, "max_tokens", options.getMaxTokens());
			putIfSet(body, "temperature", options.getTemperature());
			putIfSet(body, "top_p", options.getTopP());
			putIfSet(body, "top_k", options.getTopK());
			putIfSet(body, "frequency_penalty", options.getFrequencyPenalty());
			putIfSet(body, "presence_penalty", options.getPresencePenalty());
			if (options.getStopSequences() != null && !options.getStopSequences().isEmpty()) {
				body.set("stop", this.json.valueToTree(options.getStopSequences()));
			}
		}
		if (options instanceof InferenceChatOptions inference) {
			putIfSet(body, "seed", inference.getSeed());
			List<Map<String, Object>> tools = ChatMessages.declaredTools(options);
			if (!tools.isEmpty()) {
				body.set("tools", this.json.valueToTree(tools));
				ToolChoice choice = inference.getToolChoice();
				if (choice != null) {
					body.set("tool_choice", toolChoice(choice));
				}
			}
		}
		return body;
	}

	/** A streamed chunk as a Spring AI chunk; a chunk with nothing in it (the role announcement) is null. */
	@Nullable ChatResponse chunk(JsonNode chunk, String model) {
		if (!chunk.isObject()) {
			throw UpstreamFailure.malformed("a chunk that is not a JSON object");
		}
		JsonNode choices = chunk.path("choices");
		JsonNode choice = (choices.isArray() && !choices.isEmpty()) ? choices.get(0) : null;
		String text = "";
		String finish = null;
		List<ToolCallDelta> calls = List.of();
		PassthroughFields passthrough = PassthroughFields.NONE;
		if (choice != null) {
			JsonNode delta = choice.path("delta");
			if (delta.path("content").isString()) {
				text = delta.path("content").asString();
			}
			if (choice.path("finish_reason").isString()) {
				finish = choice.path("finish_reason").asString();
			}
			calls = toolCalls(delta.path("tool_calls"));
			passthrough = new PassthroughFields(others(choice, CHOICE_FIELDS), others(delta, DELTA_FIELDS));
		}
		JsonNode usage = chunk.path("usage");
		boolean hasUsage = usage.isObject() && usage.path("completion_tokens").isNumber();
		if (text.isEmpty() && finish == null && calls.isEmpty() && passthrough.isEmpty() && !hasUsage) {
			return null;
		}
		ChatGenerationMetadata generation = (finish != null)
				? ChatGenerationMetadata.builder().finishReason(finish).build() : ChatGenerationMetadata.NULL;
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().model(model);
		if (chunk.path("id").isString()) {
			metadata.id(chunk.path("id").asString());
		}
		if (hasUsage) {
			metadata.usage(new DefaultUsage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)));
			metadata.keyValue(GeneratedTokens.METADATA_KEY, usage.path("completion_tokens").asInt(0));
		}
		if (!calls.isEmpty()) {
			metadata.keyValue(ToolCallDelta.METADATA_KEY, calls);
		}
		if (!passthrough.isEmpty()) {
			metadata.keyValue(PassthroughFields.METADATA_KEY, passthrough);
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text), generation)), metadata.build());
	}

	private JsonNode toolChoice(ToolChoice choice) {
		if (choice.mode().equals("function") && choice.function() != null) {
			ObjectNode named = this.json.createObjectNode();
			named.put("type", "function");
			named.putObject("function").put("name", choice.function());
			return named;
		}
		return this.json.getNodeFactory().stringNode(choice.mode());
	}

	private static List<ToolCallDelta> toolCalls(JsonNode calls) {
		if (!calls.isArray() || calls.isEmpty()) {
			return List.of();
		}
		List<ToolCallDelta> pieces = new ArrayList<>(calls.size());
		for (int i = 0; i < calls.size(); i++) {
			JsonNode call = calls.get(i);
			JsonNode function = call.path("function");
			int index = call.path("index").isInt() ? call.path("index").asInt() : i;
			pieces.add(new ToolCallDelta(index, call.path("id").isString() ? call.path("id").asString() : null,
					function.path("name").isString() ? function.path("name").asString() : null,
					function.path("arguments").isString() ? function.path("arguments").asString() : ""));
		}
		return List.copyOf(pieces);
	}

	/** The object's fields outside {@code known}, leaving out nulls (servers send many). */
	private static Map<String, JsonNode> others(JsonNode node, Set<String> known) {
		if (!node.isObject()) {
			return Map.of();
		}
		Map<String, JsonNode> others = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> field : node.properties()) {
			if (!known.contains(field.getKey()) && !field.getValue().isNull()) {
				others.put(field.getKey(), field.getValue());
			}
		}
		return others;
	}

	private static void putIfSet(ObjectNode body, String field, @Nullable Number value) {
		if (value instanceof Integer number) {
			body.put(field, number);
		}
		else if (value instanceof Long number) {
			body.put(field, number);
		}
		else if (value instanceof Double number) {
			body.put(field, number);
		}
	}

}

package dev.enclave.assistant.internal.openai;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonFormat;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /v1/chat/completions}, in OpenAI's names. Every field is optional
 * here; {@link OpenAiPrompts} decides what is required and names the field it refuses (the
 * API document marks {@code messages} required all the same, as OpenAI's does).
 * Fields Enclave does not interpret ({@code response_format}, {@code logprobs},
 * {@code logit_bias}, a server's own sampling parameters) are kept in {@code extra}: a model
 * server behind Enclave gets them unchanged, the local engine ignores them.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record ChatCompletionRequest(
		@Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "At least one message") @Nullable List<Message> messages,
		@Schema(description = "The model; the default chat model when absent") @Nullable String model,
		@Nullable Double temperature,
		@Nullable Double topP, @Nullable Integer maxTokens, @Nullable Integer maxCompletionTokens,
		@JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) @Nullable List<String> stop,
		@Nullable Long seed, @Nullable Boolean stream, @Nullable StreamOptions streamOptions,
		@Nullable List<Tool> tools, @Nullable JsonNode toolChoice, @Nullable String user, @Nullable Integer n,
		@Nullable Boolean store, @Nullable Double frequencyPenalty, @Nullable Double presencePenalty,
		@Nullable String serviceTier, @JsonAnySetter @Nullable Map<String, JsonNode> extra) {

	/**
	 * One message. {@code content} is a string or an array of text parts; an assistant message
	 * that only calls tools may have none.
	 */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Message(@Nullable String role, @Nullable JsonNode content, @Nullable String name,
			@Nullable List<ToolCall> toolCalls, @Nullable String toolCallId) {
	}

	/** A tool call the assistant made earlier in the conversation. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record ToolCall(@Nullable String id, @Nullable String type, @Nullable FunctionCall function) {
	}

	/** The function of a tool call; {@code arguments} is JSON text, as OpenAI sends it. */
	record FunctionCall(@Nullable String name, @Nullable String arguments) {
	}

	/** A tool the model may call: {@code {"type": "function", "function": {...}}}. */
	record Tool(@Nullable String type, @Nullable Function function) {
	}

	/** A function tool: its name, what it does, and the JSON schema of its arguments. */
	record Function(@Nullable String name, @Nullable String description, @Nullable JsonNode parameters) {
	}

	/** {@code {"include_usage": true}} adds a last chunk with the usage. */
	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record StreamOptions(@Nullable Boolean includeUsage) {
	}

}

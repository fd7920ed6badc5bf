package dev.enclave.inference;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.enclave.shared.Priority;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Spring AI chat options plus what OpenAI's API has and Spring AI's portable options lack:
 * a {@code seed} that makes sampling reproducible (any engine may ignore it; the local engine
 * honours it), the {@code tool_choice}, and the request's fields Enclave does not interpret
 * ({@code response_format}, {@code logprobs}, a server's own sampling parameters), which a
 * model server behind Enclave gets unchanged and the local engine ignores. Also who asks,
 * for the local engine's scheduler: the tenant (whose fair share it draws on, and whose
 * prefix cache alone it may use) and the priority class.
 */
public class InferenceChatOptions extends DefaultToolCallingChatOptions {

	private final @Nullable Long seed;

	private final @Nullable TenantId tenant;

	private final @Nullable Priority priority;

	private final @Nullable ToolChoice toolChoice;

	private final Map<String, JsonNode> extraBody;

	protected InferenceChatOptions(@Nullable List<ToolCallback> toolCallbacks, @Nullable Map<String, Object> toolContext,
			@Nullable String model, @Nullable Double frequencyPenalty, @Nullable Integer maxTokens,
			@Nullable Double presencePenalty, @Nullable List<String> stopSequences, @Nullable Double temperature,
			@Nullable Integer topK, @Nullable Double topP, @Nullable Long seed, @Nullable TenantId tenant,
			@Nullable Priority priority, @Nullable ToolChoice toolChoice, Map<String, JsonNode> extraBody) {
		super(toolCallbacks, toolContext, model, frequencyPenalty, maxTokens, presencePenalty, stopSequences,
				temperature, topK, topP);
		this.seed = seed;
		this.tenant = tenant;
		this.priority = priority;
		this.toolChoice = toolChoice;
		this.extraBody = Map.copyOf(extraBody);
	}

	/** The sampling seed; equal seeds and equal requests give equal answers. */
	public @Nullable Long getSeed() {
		return this.seed;
	}

	/** The tenant the generation is for; null when unknown (then it shares nothing). */
	public @Nullable TenantId getTenant() {
		return this.tenant;
	}

	/** The priority class; null means interactive. */
	public @Nullable Priority getPriority() {
		return this.priority;
	}

	/** Which declared tools the model may call; null means {@code auto}. */
	public @Nullable ToolChoice getToolChoice() {
		return this.toolChoice;
	}

	/**
	 * Request fields Enclave does not interpret, by their JSON name, for a model server that
	 * does; empty when there are none.
	 */
	public Map<String, JsonNode> getExtraBody() {
		return this.extraBody;
	}

	/** These options as the builder of a copy, whatever the options were. */
	public static Builder from(@Nullable ChatOptions options) {
		if (options instanceof InferenceChatOptions inference) {
			return inference.mutate();
		}
		Builder builder = builder();
		if (options != null) {
			builder.model(options.getModel())
				.frequencyPenalty(options.getFrequencyPenalty())
				.maxTokens(options.getMaxTokens())
				.presencePenalty(options.getPresencePenalty())
				.stopSequences(options.getStopSequences())
				.temperature(options.getTemperature())
				.topK(options.getTopK())
				.topP(options.getTopP());
		}
		return builder;
	}

	@Override
	public Builder mutate() {
		return builder().model(getModel())
			.frequencyPenalty(getFrequencyPenalty())
			.maxTokens(getMaxTokens())
			.presencePenalty(getPresencePenalty())
			.stopSequences(getStopSequences())
			.temperature(getTemperature())
			.topK(getTopK())
			.topP(getTopP())
			.toolCallbacks(getToolCallbacks())
			.toolContext(getToolContext())
			.seed(this.seed)
			.tenant(this.tenant)
			.priority(this.priority)
			.toolChoice(this.toolChoice)
			.extraBody(this.extraBody);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return super.equals(other) && Objects.equals(this.seed, ((InferenceChatOptions) other).seed)
				&& Objects.equals(this.tenant, ((InferenceChatOptions) other).tenant)
				&& Objects.equals(this.priority, ((InferenceChatOptions) other).priority)
				&& Objects.equals(this.toolChoice, ((InferenceChatOptions) other).toolChoice)
				&& this.extraBody.equals(((InferenceChatOptions) other).extraBody);
	}

	@Override
	public int hashCode() {
		return Objects.hash(super.hashCode(), this.seed, this.tenant, this.priority, this.toolChoice, this.extraBody);
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Builds {@link InferenceChatOptions}; every Spring AI option plus Enclave's. */
	public static class Builder extends DefaultToolCallingChatOptions.Builder<Builder> {

		private @Nullable Long seed;

		private @Nullable TenantId tenant;

		private @Nullable Priority priority;

		private @Nullable ToolChoice toolChoice;

		private Map<String, JsonNode> extraBody = Map.of();

		public Builder seed(@Nullable Long seed) {
			this.seed = seed;
			return this;
		}

		public Builder tenant(@Nullable TenantId tenant) {
			this.tenant = tenant;
			return this;
		}

		public Builder priority(@Nullable Priority priority) {
			this.priority = priority;
			return this;
		}

		public Builder toolChoice(@Nullable ToolChoice toolChoice) {
			this.toolChoice = toolChoice;
			return this;
		}

		public Builder extraBody(Map<String, JsonNode> extraBody) {
			this.extraBody = Map.copyOf(extraBody);
			return this;
		}

		@Override
		public Builder clone() {
			Builder copy = super.clone();
			copy.seed = this.seed;
			copy.tenant = this.tenant;
			copy.priority = this.priority;
			copy.toolChoice = this.toolChoice;
			copy.extraBody = this.extraBody;
			return copy;
		}

		@Override
		public InferenceChatOptions build() {
			return new InferenceChatOptions(this.toolCallbacks, this.toolContext, this.model, this.frequencyPenalty,
					this.maxTokens, this.presencePenalty, this.stopSequences, this.temperature, this.topK, this.topP,
					this.seed, this.tenant, this.priority, this.toolChoice, this.extraBody);
		}

	}

}

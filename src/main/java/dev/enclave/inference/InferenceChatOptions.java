package dev.enclave.inference;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.ai.model.tool.DefaultToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Spring AI chat options plus what OpenAI's API has and Spring AI's portable options lack:
 * a {@code seed} that makes sampling reproducible. Any engine may ignore the seed; the local
 * engine honours it.
 */
public class InferenceChatOptions extends DefaultToolCallingChatOptions {

	private final @Nullable Long seed;

	protected InferenceChatOptions(@Nullable List<ToolCallback> toolCallbacks, @Nullable Map<String, Object> toolContext,
			@Nullable String model, @Nullable Double frequencyPenalty, @Nullable Integer maxTokens,
			@Nullable Double presencePenalty, @Nullable List<String> stopSequences, @Nullable Double temperature,
			@Nullable Integer topK, @Nullable Double topP, @Nullable Long seed) {
		super(toolCallbacks, toolContext, model, frequencyPenalty, maxTokens, presencePenalty, stopSequences,
				temperature, topK, topP);
		this.seed = seed;
	}

	/** The sampling seed; equal seeds and equal requests give equal answers. */
	public @Nullable Long getSeed() {
		return this.seed;
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
			.seed(this.seed);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return super.equals(other) && Objects.equals(this.seed, ((InferenceChatOptions) other).seed);
	}

	@Override
	public int hashCode() {
		return Objects.hash(super.hashCode(), this.seed);
	}

	public static Builder builder() {
		return new Builder();
	}

	/** Builds {@link InferenceChatOptions}; every Spring AI option plus {@link #seed}. */
	public static class Builder extends DefaultToolCallingChatOptions.Builder<Builder> {

		private @Nullable Long seed;

		public Builder seed(@Nullable Long seed) {
			this.seed = seed;
			return this;
		}

		@Override
		public Builder clone() {
			Builder copy = super.clone();
			copy.seed = this.seed;
			return copy;
		}

		@Override
		public InferenceChatOptions build() {
			return new InferenceChatOptions(this.toolCallbacks, this.toolContext, this.model, this.frequencyPenalty,
					this.maxTokens, this.presencePenalty, this.stopSequences, this.temperature, this.topK, this.topP,
					this.seed);
		}

	}

}

package dev.enclave.conversation;

import dev.enclave.shared.FinishReason;

/**
 * What one completion (or embedding) cost: numbers and names only, never content. Kept in
 * plain columns so usage reports never decrypt anything.
 *
 * @param model the model that answered
 * @param promptTokens tokens of the prompt as the model saw it
 * @param completionTokens tokens generated
 * @param finishReason how generation ended
 * @param latencyMs from the request to the last token, in milliseconds
 * @param kind a chat completion or an embedding
 * @param cacheHit whether the answer came from the response cache, so no model computed it
 */
public record UsageRecord(String model, int promptTokens, int completionTokens, FinishReason finishReason,
		long latencyMs, UsageKind kind, boolean cacheHit) {

	/** A chat completion a model computed. */
	public static UsageRecord chat(String model, int promptTokens, int completionTokens, FinishReason finishReason,
			long latencyMs) {
		return new UsageRecord(model, promptTokens, completionTokens, finishReason, latencyMs, UsageKind.CHAT, false);
	}

}

package dev.enclave.conversation;

import dev.enclave.shared.FinishReason;

/**
 * What one completion cost: numbers and names only, never content. Kept in plain columns so
 * usage reports never decrypt anything.
 *
 * @param model the model that answered
 * @param promptTokens tokens of the prompt as the model saw it
 * @param completionTokens tokens generated
 * @param finishReason how generation ended
 * @param latencyMs from the request to the last token, in milliseconds
 */
public record UsageRecord(String model, int promptTokens, int completionTokens, FinishReason finishReason,
		long latencyMs) {
}

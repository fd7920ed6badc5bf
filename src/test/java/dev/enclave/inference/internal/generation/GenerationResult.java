package dev.enclave.inference.internal.generation;

import dev.enclave.shared.FinishReason;

/**
 * How a generation ended.
 *
 * @param finishReason why it ended
 * @param promptTokens tokens of the prompt
 * @param completionTokens tokens generated, the final stop token included
 */
public record GenerationResult(FinishReason finishReason, int promptTokens, int completionTokens) {
}

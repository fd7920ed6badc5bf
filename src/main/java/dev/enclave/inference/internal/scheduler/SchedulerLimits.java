package dev.enclave.inference.internal.scheduler;

import java.time.Duration;

import dev.enclave.shared.Priority;

/**
 * What one scheduler may run.
 *
 * @param maxNumSeqs sequences in a batch at once
 * @param maxBatchedTokens tokens one step runs: a token per decoding sequence, then prompt
 * chunks; at least {@code maxNumSeqs}, so every running sequence decodes every step
 * @param kvTokens tokens of KV cache the running sequences may hold together
 * @param maxQueue requests waiting at once; more are refused at once
 * @param interactiveTimeout how long an interactive request may wait to start
 * @param batchTimeout how long a batch request may wait to start
 * @param aging how long a batch request waits before it counts as interactive
 */
public record SchedulerLimits(int maxNumSeqs, int maxBatchedTokens, long kvTokens, int maxQueue,
		Duration interactiveTimeout, Duration batchTimeout, Duration aging) {

	public SchedulerLimits {
		if (maxNumSeqs < 1 || maxBatchedTokens < maxNumSeqs || kvTokens < 1 || maxQueue < 0) {
			throw new IllegalArgumentException("max-num-seqs must be at least 1 and at most max-batched-tokens, "
					+ "and the KV budget positive (got " + maxNumSeqs + ", " + maxBatchedTokens + ", " + kvTokens + ")");
		}
	}

	Duration timeout(Priority priority) {
		return (priority == Priority.BATCH) ? this.batchTimeout : this.interactiveTimeout;
	}

}

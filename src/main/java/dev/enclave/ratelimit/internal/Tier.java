package dev.enclave.ratelimit.internal;

import jakarta.validation.constraints.Positive;

/**
 * The four limits of one key, user or tenant.
 *
 * @param requestsPerMinute API requests per minute, refilled continuously
 * @param tokensPerMinute prompt and completion tokens per minute, refilled continuously
 * @param tokensPerDay prompt and completion tokens per day, refilled continuously
 * @param concurrentRequests API requests in flight at once, streams until their end
 */
record Tier(@Positive long requestsPerMinute, @Positive long tokensPerMinute, @Positive long tokensPerDay,
		@Positive long concurrentRequests) {
}

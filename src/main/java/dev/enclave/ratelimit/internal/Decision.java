package dev.enclave.ratelimit.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The answer of the limit store to one check.
 *
 * @param refused the limit that refused, or null when admitted
 * @param retryAfter when the refused request would succeed (zero when admitted)
 * @param requests the tightest request limit, for the headers; null when not checked
 * @param tokens the tightest token limit, for the headers; null when not checked
 */
record Decision(@Nullable Limit refused, Duration retryAfter, @Nullable LimitStatus requests,
		@Nullable LimitStatus tokens) {

	/** The limits a request can run into; the values are the metric's {@code limit} tag. */
	enum Limit {

		REQUESTS("requests"), CONCURRENCY("concurrency"), TOKENS_PER_MINUTE("tokens_per_minute"),
		TOKENS_PER_DAY("tokens_per_day");

		private final String tag;

		Limit(String tag) {
			this.tag = tag;
		}

		String tag() {
			return this.tag;
		}

	}

	boolean admitted() {
		return this.refused == null;
	}

}

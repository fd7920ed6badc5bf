package dev.enclave.ratelimit.internal;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/** OpenAI's {@code x-ratelimit-*} headers. */
final class RateLimitHeaders {

	private RateLimitHeaders() {
	}

	static void write(HttpHeaders headers, @Nullable LimitStatus requests, @Nullable LimitStatus tokens) {
		if (requests != null) {
			write(headers, "requests", requests);
		}
		if (tokens != null) {
			write(headers, "tokens", tokens);
		}
	}

	private static void write(HttpHeaders headers, String unit, LimitStatus status) {
		headers.set("x-ratelimit-limit-" + unit, Long.toString(status.limit()));
		headers.set("x-ratelimit-remaining-" + unit, Long.toString(Math.max(0, status.remaining())));
		headers.set("x-ratelimit-reset-" + unit, format(status.reset()));
	}

	/** Like OpenAI's: {@code 1s}, {@code 6m0s}, {@code 2h0m5s}; rounded up to whole seconds. */
	static String format(Duration reset) {
		long seconds = reset.getSeconds() + ((reset.getNano() > 0) ? 1 : 0);
		long hours = seconds / 3600;
		long minutes = (seconds % 3600) / 60;
		long rest = seconds % 60;
		if (hours > 0) {
			return hours + "h" + minutes + "m" + rest + "s";
		}
		if (minutes > 0) {
			return minutes + "m" + rest + "s";
		}
		return rest + "s";
	}

}

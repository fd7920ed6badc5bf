package dev.enclave.ratelimit.internal;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/** OpenAI's {@code x-ratelimit-*} headers. */
final class RateLimitHeaders {

	private RateLimitHeaders() {
	}

	static void write(HttpHeaders headers, @Nullable LimitStatus requests, @Nullable LimitStatus tokens) {
		of(requests, tokens).forEach(headers::set);
	}

	/** The headers of whichever limits are known, in a stable order. */
	static Map<String, String> of(@Nullable LimitStatus requests, @Nullable LimitStatus tokens) {
		Map<String, String> headers = new LinkedHashMap<>();
		if (requests != null) {
			put(headers, "requests", requests);
		}
		if (tokens != null) {
			put(headers, "tokens", tokens);
		}
		return Collections.unmodifiableMap(headers);
	}

	private static void put(Map<String, String> headers, String unit, LimitStatus status) {
		headers.put("x-ratelimit-limit-" + unit, Long.toString(status.limit()));
		headers.put("x-ratelimit-remaining-" + unit, Long.toString(Math.max(0, status.remaining())));
		headers.put("x-ratelimit-reset-" + unit, format(status.reset()));
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

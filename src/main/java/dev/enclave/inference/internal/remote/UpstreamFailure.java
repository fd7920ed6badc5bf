package dev.enclave.inference.internal.remote;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeoutException;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Why a request to a model server failed, in the terms that decide what happens next:
 * whether another server may be tried, whether it counts against this server's circuit
 * breaker, and what the client is told. The server's response body is never kept: at most
 * the {@code error.message} of a 4xx, for the client whose request it was, and never logged.
 */
final class UpstreamFailure extends RuntimeException {

	private static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

	private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

	/** What went wrong. */
	enum Kind {

		/** The server could not be reached: refused, unknown host, reset before answering. */
		UNREACHABLE(true, true),

		/** Connecting, a pooled connection or the next byte took too long. */
		TIMEOUT(true, true),

		/** The server answered 5xx. */
		SERVER_ERROR(true, true),

		/** The server answered something that is not OpenAI's protocol, or cut a stream short. */
		MALFORMED(true, true),

		/** The server answered 429: busy, not broken; another server may have room. */
		RATE_LIMITED(true, false),

		/** The server refused the request itself (4xx): another server would too. */
		REJECTED(false, false),

		/** The server refused Enclave's credentials or does not know the model: a configuration fault. */
		MISCONFIGURED(false, false),

		/** This server's breaker is open or its concurrency limit reached: it was not asked at all. */
		NOT_ASKED(true, false);

		private final boolean retryable;

		private final boolean countsAgainstServer;

		Kind(boolean retryable, boolean countsAgainstServer) {
			this.retryable = retryable;
			this.countsAgainstServer = countsAgainstServer;
		}

	}

	private final Kind kind;

	private final int status;

	private final @Nullable Duration retryAfter;

	private final @Nullable String clientMessage;

	UpstreamFailure(Kind kind, String detail, int status, @Nullable Duration retryAfter,
			@Nullable String clientMessage) {
		super(detail, null, false, false);
		this.kind = kind;
		this.status = status;
		this.retryAfter = retryAfter;
		this.clientMessage = clientMessage;
	}

	static UpstreamFailure malformed(String detail) {
		return new UpstreamFailure(Kind.MALFORMED, detail, 0, null, null);
	}

	/**
	 * A non-2xx answer.
	 * @param retryAfterHeader the server's {@code Retry-After}, seconds or an HTTP date
	 * @param errorMessage the {@code error.message} of its body, if it had one
	 */
	static UpstreamFailure status(int status, @Nullable String retryAfterHeader, @Nullable String errorMessage) {
		if (status == 429) {
			return new UpstreamFailure(Kind.RATE_LIMITED, "HTTP 429", status, retryAfter(retryAfterHeader), null);
		}
		if (status >= 500) {
			return new UpstreamFailure(Kind.SERVER_ERROR, "HTTP " + status, status, null, null);
		}
		if (status == 401 || status == 403 || status == 404) {
			return new UpstreamFailure(Kind.MISCONFIGURED, "HTTP " + status, status, null, null);
		}
		return new UpstreamFailure(Kind.REJECTED, "HTTP " + status, status, null, errorMessage);
	}

	/** Any failure on the way to a server or back, classified. */
	static UpstreamFailure of(Throwable failure) {
		if (failure instanceof UpstreamFailure upstream) {
			return upstream;
		}
		if (failure instanceof CallNotPermittedException) {
			return new UpstreamFailure(Kind.NOT_ASKED, "circuit breaker open", 0, null, null);
		}
		if (failure instanceof BulkheadFullException) {
			return new UpstreamFailure(Kind.NOT_ASKED, "at its concurrency limit", 0, null, null);
		}
		// A pooled connection that did not come in time is a TimeoutException too.
		if (causedBy(failure, ReadTimeoutException.class) || causedBy(failure, ConnectTimeoutException.class)
				|| causedBy(failure, TimeoutException.class)) {
			return new UpstreamFailure(Kind.TIMEOUT, "timed out", 0, null, null);
		}
		if (causedBy(failure, PrematureCloseException.class)) {
			return new UpstreamFailure(Kind.MALFORMED, "connection closed mid-response", 0, null, null);
		}
		if (causedBy(failure, ConnectException.class) || causedBy(failure, UnknownHostException.class)
				|| causedBy(failure, IOException.class)) {
			return new UpstreamFailure(Kind.UNREACHABLE, "unreachable (" + rootName(failure) + ")", 0, null, null);
		}
		return new UpstreamFailure(Kind.MALFORMED, "failed (" + rootName(failure) + ")", 0, null, null);
	}

	Kind kind() {
		return this.kind;
	}

	/** Whether another server of the model may be tried, as long as nothing was streamed yet. */
	boolean retryable() {
		return this.kind.retryable;
	}

	/** Whether it counts against the server's circuit breaker. */
	boolean countsAgainstServer() {
		return this.kind.countsAgainstServer;
	}

	/** What the client is told about a request for {@code model} that failed this way. */
	ApiException toApi(String model) {
		String server = "The model server of '" + model + "'";
		return switch (this.kind) {
			case RATE_LIMITED -> new ApiException(ErrorCode.RATE_LIMIT_EXCEEDED, server + " is at its rate limit")
				.withRetryAfter((this.retryAfter != null) ? this.retryAfter : DEFAULT_RETRY_AFTER);
			case TIMEOUT -> new ApiException(ErrorCode.UPSTREAM_TIMEOUT, server + " did not answer in time");
			case REJECTED -> new ApiException(ErrorCode.INVALID_REQUEST, server + " refused the request"
					+ ((this.clientMessage != null) ? ": " + this.clientMessage : " (HTTP " + this.status + ")"));
			case NOT_ASKED -> new ApiException(ErrorCode.MODEL_UNAVAILABLE, server + " is not available")
				.withRetryAfter(DEFAULT_RETRY_AFTER);
			case UNREACHABLE -> new ApiException(ErrorCode.UPSTREAM_ERROR, server + " could not be reached");
			case SERVER_ERROR -> new ApiException(ErrorCode.UPSTREAM_ERROR, server + " failed (HTTP " + this.status + ")");
			case MISCONFIGURED -> new ApiException(ErrorCode.UPSTREAM_ERROR, server + " refused Enclave's request (HTTP "
					+ this.status + "); an operator must check the backend's configuration");
			case MALFORMED -> new ApiException(ErrorCode.UPSTREAM_ERROR, server + " sent an answer that could not be read");
		};
	}

	/** {@code Retry-After} in seconds or as an HTTP date, within a second and an hour; null when absent or unreadable. */
	static @Nullable Duration retryAfter(@Nullable String header) {
		if (header == null || header.isBlank()) {
			return null;
		}
		Duration delay;
		try {
			delay = Duration.ofSeconds(Long.parseLong(header.strip()));
		}
		catch (NumberFormatException notSeconds) {
			try {
				delay = Duration.between(java.time.Instant.now(),
						ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
			}
			catch (DateTimeParseException notDate) {
				return null;
			}
		}
		if (delay.compareTo(Duration.ofSeconds(1)) < 0) {
			return Duration.ofSeconds(1);
		}
		return (delay.compareTo(MAX_RETRY_AFTER) > 0) ? MAX_RETRY_AFTER : delay;
	}

	private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	private static String rootName(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getClass().getSimpleName();
	}

}

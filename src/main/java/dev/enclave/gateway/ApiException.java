package dev.enclave.gateway;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A failure with a known meaning for the client. Modules throw it (or a subclass); the
 * gateway maps it to the error envelope in one place. The message is written for the client
 * and must never carry user content, secrets or internal detail.
 */
public class ApiException extends RuntimeException {

	private final ErrorCode code;

	private final @Nullable String param;

	private final List<FieldIssue> details;

	private final @Nullable Duration retryAfter;

	private final Map<String, String> headers;

	public ApiException(ErrorCode code, String message) {
		this(code, message, null, List.of(), null, Map.of(), null);
	}

	protected ApiException(ErrorCode code, String message, @Nullable String param, List<FieldIssue> details,
			@Nullable Duration retryAfter, Map<String, String> headers, @Nullable Throwable cause) {
		// Client errors are control flow: their stack traces would only fill logs.
		super(message, cause, false, code.status().is5xxServerError());
		this.code = code;
		this.param = param;
		this.details = List.copyOf(details);
		this.retryAfter = retryAfter;
		this.headers = Map.copyOf(headers);
	}

	public static ApiException notFound(String what) {
		return new ApiException(ErrorCode.NOT_FOUND, what + " not found");
	}

	public static ApiException invalid(String message, List<FieldIssue> details) {
		return new ApiException(ErrorCode.INVALID_REQUEST, message, null, details, null, Map.of(), null);
	}

	/** An error of any code that names the fields it is about. */
	public static ApiException withDetails(ErrorCode code, String message, List<FieldIssue> details) {
		return new ApiException(code, message, null, details, null, Map.of(), null);
	}

	public static ApiException invalidParam(String param, String message) {
		return new ApiException(ErrorCode.INVALID_REQUEST, message, param, List.of(new FieldIssue(param, message)),
				null, Map.of(), null);
	}

	/** A copy that tells the client when to retry; the envelope adds {@code Retry-After}. */
	public ApiException withRetryAfter(Duration delay) {
		return new ApiException(this.code, getMessage(), this.param, this.details, delay, this.headers, getCause());
	}

	/** A copy with an extra response header, such as {@code Allow} on a 405. */
	public ApiException withHeader(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.headers);
		copy.put(name, value);
		return new ApiException(this.code, getMessage(), this.param, this.details, this.retryAfter, copy, getCause());
	}

	/**
	 * A copy that names the request parameter or body field it is about, as OpenAI's
	 * {@code param}; for codes other than {@code invalid_request}, such as a
	 * {@code not_found} model.
	 */
	public ApiException withParam(String param) {
		return new ApiException(this.code, getMessage(), param, this.details, this.retryAfter, this.headers, getCause());
	}

	/** A copy that records what caused it, for the server log only. */
	public ApiException withCause(Throwable cause) {
		return new ApiException(this.code, getMessage(), this.param, this.details, this.retryAfter, this.headers, cause);
	}

	public ErrorCode code() {
		return this.code;
	}

	public @Nullable String param() {
		return this.param;
	}

	public List<FieldIssue> details() {
		return this.details;
	}

	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	public Map<String, String> headers() {
		return this.headers;
	}

	@Override
	public String getMessage() {
		String message = super.getMessage();
		return (message != null) ? message : this.code.code();
	}

}

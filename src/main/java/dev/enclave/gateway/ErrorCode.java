package dev.enclave.gateway;

import org.springframework.http.HttpStatus;

/**
 * The stable error codes of the envelope, with the HTTP status and the OpenAI-style
 * {@code type} each one carries. Clients switch on {@link #code()}; it never changes once
 * published.
 */
public enum ErrorCode {

	INVALID_REQUEST("invalid_request", "invalid_request_error", HttpStatus.BAD_REQUEST),

	UNAUTHENTICATED("unauthenticated", "authentication_error", HttpStatus.UNAUTHORIZED),

	FORBIDDEN("forbidden", "permission_error", HttpStatus.FORBIDDEN),

	NOT_FOUND("not_found", "not_found_error", HttpStatus.NOT_FOUND),

	METHOD_NOT_ALLOWED("method_not_allowed", "invalid_request_error", HttpStatus.METHOD_NOT_ALLOWED),

	NOT_ACCEPTABLE("not_acceptable", "invalid_request_error", HttpStatus.NOT_ACCEPTABLE),

	CONFLICT("conflict", "conflict_error", HttpStatus.CONFLICT),

	/** The resource existed and was erased for good (a conversation whose key was shredded). */
	GONE("gone", "not_found_error", HttpStatus.GONE),

	PAYLOAD_TOO_LARGE("payload_too_large", "invalid_request_error", HttpStatus.CONTENT_TOO_LARGE),

	UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", "invalid_request_error", HttpStatus.UNSUPPORTED_MEDIA_TYPE),

	/** The request line is longer than the server reads; answered by the HTTP codec itself. */
	URI_TOO_LONG("uri_too_long", "invalid_request_error", HttpStatus.URI_TOO_LONG),

	/** The headers are larger than the server reads; answered by the HTTP codec itself. */
	HEADERS_TOO_LARGE("headers_too_large", "invalid_request_error", HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),

	RATE_LIMIT_EXCEEDED("rate_limit_exceeded", "rate_limit_error", HttpStatus.TOO_MANY_REQUESTS),

	QUOTA_EXCEEDED("quota_exceeded", "rate_limit_error", HttpStatus.TOO_MANY_REQUESTS),

	INTERNAL_ERROR("internal_error", "server_error", HttpStatus.INTERNAL_SERVER_ERROR),

	OVERLOADED("overloaded", "overloaded_error", HttpStatus.SERVICE_UNAVAILABLE),

	RATELIMIT_UNAVAILABLE("ratelimit_unavailable", "server_error", HttpStatus.SERVICE_UNAVAILABLE),

	MODEL_UNAVAILABLE("model_unavailable", "server_error", HttpStatus.SERVICE_UNAVAILABLE),

	/** A dependency every request needs (the database) is out of reach for now. */
	SERVICE_UNAVAILABLE("service_unavailable", "server_error", HttpStatus.SERVICE_UNAVAILABLE),

	/** A model server behind Enclave failed or answered with something that is not OpenAI's protocol. */
	UPSTREAM_ERROR("upstream_error", "server_error", HttpStatus.BAD_GATEWAY),

	UPSTREAM_TIMEOUT("upstream_timeout", "timeout_error", HttpStatus.GATEWAY_TIMEOUT);

	private final String code;

	private final String type;

	private final HttpStatus status;

	ErrorCode(String code, String type, HttpStatus status) {
		this.code = code;
		this.type = type;
		this.status = status;
	}

	/** The stable machine-readable code, for example {@code rate_limit_exceeded}. */
	public String code() {
		return this.code;
	}

	/** The OpenAI-compatible error type, so OpenAI SDKs classify the error. */
	public String type() {
		return this.type;
	}

	public HttpStatus status() {
		return this.status;
	}

}

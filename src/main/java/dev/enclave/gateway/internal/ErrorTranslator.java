package dev.enclave.gateway.internal;

import java.time.Duration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.FieldIssue;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.jspecify.annotations.Nullable;
import reactor.pool.PoolAcquireTimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.core.MethodParameter;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.MissingRequestValueException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerErrorException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Maps any failure to an {@link ApiException}: the one place that decides what a client is
 * told. Framework messages are never passed through verbatim, because they can echo request
 * content or internal detail; each case gets its own wording.
 */
public final class ErrorTranslator {

	static final String INTERNAL_MESSAGE = "An unexpected error occurred. Quote the trace id when reporting it.";

	/** About how long a database restart or failover takes; the client's retry is likely to find it back. */
	static final Duration DATABASE_RETRY_AFTER = Duration.ofSeconds(5);

	/**
	 * Whether the failure is the database being out of reach (down, restarting, failing over,
	 * or no connection free in time), as opposed to a query Enclave got wrong.
	 */
	static boolean isDatabaseUnreachable(Throwable failure) {
		return causedBy(failure, DataAccessResourceFailureException.class) != null
				|| causedBy(failure, TransientDataAccessResourceException.class) != null
				|| causedBy(failure, R2dbcNonTransientResourceException.class) != null
				|| causedBy(failure, R2dbcTransientResourceException.class) != null
				|| causedBy(failure, PoolAcquireTimeoutException.class) != null;
	}

	public ApiException translate(Throwable failure, ServerWebExchange exchange) {
		if (failure instanceof ApiException api) {
			return api;
		}
		if (isDatabaseUnreachable(failure)) {
			// Before the authentication check: a credential that could not be looked up is not a bad one.
			return new ApiException(ErrorCode.SERVICE_UNAVAILABLE,
					"The service cannot reach its database right now; retry shortly")
				.withRetryAfter(DATABASE_RETRY_AFTER)
				.withCause(failure);
		}
		if (failure instanceof AuthenticationException) {
			return new ApiException(ErrorCode.UNAUTHENTICATED, "Authentication is required");
		}
		if (failure instanceof AccessDeniedException) {
			return new ApiException(ErrorCode.FORBIDDEN, "You are not allowed to do this");
		}
		if (isTextPostgresCannotStore(failure)) {
			// The database does not say which value it was, so neither can the envelope.
			return ApiException.invalid("The request contains text with a NUL character, which cannot be stored",
					List.of());
		}
		if (causedBy(failure, DataBufferLimitException.class) != null) {
			return new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than this server accepts");
		}
		if (causedBy(failure, TimeoutException.class) != null) {
			return new ApiException(ErrorCode.UPSTREAM_TIMEOUT, "The request did not complete in time")
				.withCause(failure);
		}
		if (failure instanceof WebExchangeBindException bind) {
			return ApiException.invalid("The request has invalid fields", fieldIssues(bind));
		}
		if (failure instanceof HandlerMethodValidationException validation) {
			return ApiException.invalid("The request has invalid parameters", parameterIssues(validation));
		}
		if (failure instanceof ServerWebInputException input) {
			return inputError(input);
		}
		if (failure instanceof ServerErrorException serverError) {
			ApiException blank = blankPathVariable(serverError, exchange);
			if (blank != null) {
				return blank;
			}
		}
		if (failure instanceof ResponseStatusException status) {
			return byStatus(status, exchange);
		}
		return new ApiException(ErrorCode.INTERNAL_ERROR, INTERNAL_MESSAGE).withCause(failure);
	}

	/**
	 * PostgreSQL refuses a NUL character in any text value ({@code 22021}, "invalid byte
	 * sequence"); Java strings, JSON strings and query strings ({@code %00}) carry
	 * it happily. Enclave never makes up such text itself, so it came from the request: a
	 * client error, whichever field it was in.
	 */
	private static boolean isTextPostgresCannotStore(Throwable failure) {
		R2dbcException database = causedBy(failure, R2dbcException.class);
		return database != null && "22021".equals(database.getSqlState());
	}

	/**
	 * A path variable that is in the URL but converts to nothing (a UUID segment of only
	 * blanks, {@code %20}) makes WebFlux throw {@link ServerErrorException}, as for a route
	 * template that lacks the variable. The value came from the client, so the error is
	 * theirs. Returns null for anything else.
	 */
	private static @Nullable ApiException blankPathVariable(ServerErrorException error, ServerWebExchange exchange) {
		MethodParameter parameter = error.getMethodParameter();
		Map<String, String> variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		String name = error.getReason();
		if (parameter == null || !parameter.hasParameterAnnotation(PathVariable.class) || variables == null
				|| name == null || !variables.containsKey(name)) {
			return null;
		}
		return ApiException.invalidParam(name, "must be a valid " + typeName(parameter.getParameterType()));
	}

	private ApiException inputError(ServerWebInputException input) {
		if (input instanceof MissingRequestValueException missing) {
			return ApiException.invalidParam(missing.getName(), "is required");
		}
		JacksonException json = causedBy(input, JacksonException.class);
		if (json instanceof StreamReadException) {
			TokenStreamLocation location = json.getLocation();
			String where = (location != null && location.getLineNr() > 0)
					? " at line " + location.getLineNr() + ", column " + location.getColumnNr() : "";
			return ApiException.invalid("The request body is not valid JSON",
					List.of(new FieldIssue("body", "malformed JSON" + where)));
		}
		if (json != null) {
			String path = jsonPath(json);
			if (path.isEmpty()) {
				return ApiException.invalid("The request body has invalid fields",
						List.of(new FieldIssue("body", describe(json))));
			}
			// One field is at fault: name it as OpenAI's param too, so SDKs can show it.
			String issue = describe(json);
			return ApiException.invalid("Invalid value for '" + path + "': " + issue,
					List.of(new FieldIssue(path, issue))).withParam(path);
		}
		TypeMismatchException mismatch = causedBy(input, TypeMismatchException.class);
		if (mismatch != null && input.getMethodParameter() != null) {
			String name = input.getMethodParameter().getParameterName();
			Class<?> required = mismatch.getRequiredType();
			String param = (name != null) ? name : "parameter";
			return ApiException.invalidParam(param,
					"must be a valid " + ((required != null) ? typeName(required) : "value"));
		}
		String reason = input.getReason();
		if (reason != null && reason.startsWith("No request body")) {
			return ApiException.invalid("A request body is required",
					List.of(new FieldIssue("body", "must not be empty")));
		}
		return ApiException.invalid("The request could not be read", List.of());
	}

	private ApiException byStatus(ResponseStatusException status, ServerWebExchange exchange) {
		HttpStatusCode code = status.getStatusCode();
		String route = exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath().value();
		if (status instanceof MethodNotAllowedException notAllowed) {
			String allowed = notAllowed.getSupportedMethods()
				.stream()
				.map(HttpMethod::name)
				.sorted()
				.collect(Collectors.joining(", "));
			return new ApiException(ErrorCode.METHOD_NOT_ALLOWED,
					"Method " + exchange.getRequest().getMethod() + " is not allowed here; allowed: " + allowed)
				.withHeader(HttpHeaders.ALLOW, allowed);
		}
		if (status instanceof NotAcceptableStatusException notAcceptable) {
			return new ApiException(ErrorCode.NOT_ACCEPTABLE,
					"None of the accepted media types can be produced; available: "
							+ mediaTypes(notAcceptable.getSupportedMediaTypes()));
		}
		if (status instanceof UnsupportedMediaTypeStatusException unsupported) {
			String supported = mediaTypes(unsupported.getSupportedMediaTypes());
			ApiException error = new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					"Content-Type " + ((unsupported.getContentType() != null) ? unsupported.getContentType() : "(none)")
							+ " is not supported; use " + supported);
			return supported.isEmpty() ? error : error.withHeader(HttpHeaders.ACCEPT, supported);
		}
		return switch (code.value()) {
			case 401 -> new ApiException(ErrorCode.UNAUTHENTICATED, "Authentication is required");
			case 403 -> new ApiException(ErrorCode.FORBIDDEN, "You are not allowed to do this");
			case 404 -> new ApiException(ErrorCode.NOT_FOUND, "No resource at " + route);
			case 409 -> new ApiException(ErrorCode.CONFLICT, "The request conflicts with the current state");
			case 413 -> new ApiException(ErrorCode.PAYLOAD_TOO_LARGE, "The request body is larger than this server accepts");
			case 429 -> new ApiException(ErrorCode.RATE_LIMIT_EXCEEDED, "Too many requests");
			case 503 -> new ApiException(ErrorCode.OVERLOADED, "The service is temporarily unavailable");
			case 504 -> new ApiException(ErrorCode.UPSTREAM_TIMEOUT, "The request did not complete in time");
			default -> code.is4xxClientError()
					? new ApiException(ErrorCode.INVALID_REQUEST, "The request cannot be processed (HTTP " + code.value() + ")")
					: new ApiException(ErrorCode.INTERNAL_ERROR, INTERNAL_MESSAGE).withCause(status);
		};
	}

	private static List<FieldIssue> fieldIssues(WebExchangeBindException bind) {
		Object target = bind.getBindingResult().getTarget();
		Class<?> root = (target != null) ? target.getClass() : null;
		List<FieldIssue> issues = new ArrayList<>();
		for (FieldError error : bind.getFieldErrors()) {
			issues.add(new FieldIssue(JsonFieldNames.toJsonPath(root, error.getField()), message(error)));
		}
		for (ObjectError error : bind.getGlobalErrors()) {
			issues.add(new FieldIssue("body", message(error)));
		}
		return issues;
	}

	private static List<FieldIssue> parameterIssues(HandlerMethodValidationException validation) {
		List<FieldIssue> issues = new ArrayList<>();
		validation.getParameterValidationResults().forEach((result) -> {
			String name = result.getMethodParameter().getParameterName();
			for (MessageSourceResolvable error : result.getResolvableErrors()) {
				issues.add(new FieldIssue((name != null) ? name : "parameter", message(error)));
			}
		});
		return issues;
	}

	private static String message(MessageSourceResolvable error) {
		String message = error.getDefaultMessage();
		return (message != null) ? message : "is invalid";
	}

	private static String jsonPath(JacksonException json) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : json.getPath()) {
			if (reference.getPropertyName() != null) {
				if (path.length() > 0) {
					path.append('.');
				}
				path.append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String describe(JacksonException json) {
		if (json instanceof PropertyBindingException) {
			return "is not a known field";
		}
		if (json instanceof InvalidNullException) {
			return "must not be null";
		}
		if (json instanceof InvalidFormatException format && format.getTargetType() != null
				&& format.getTargetType().isEnum()) {
			Object[] values = format.getTargetType().getEnumConstants();
			List<String> names = new ArrayList<>();
			for (Object value : values) {
				names.add(value.toString());
			}
			return "must be one of " + names;
		}
		if (json instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
			return "must be " + article(typeName(mismatch.getTargetType()));
		}
		return "is invalid";
	}

	private static String typeName(Class<?> type) {
		if (type == String.class || type == Character.class || type == char.class) {
			return "string";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "boolean";
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class
				|| type == Short.class || type == short.class) {
			return "integer";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
			return "number";
		}
		if (type.isArray() || Collection.class.isAssignableFrom(type)) {
			return "array";
		}
		if (type == java.util.UUID.class) {
			return "UUID";
		}
		if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
			return "ISO-8601 timestamp";
		}
		if (type.isEnum()) {
			return "known value";
		}
		return (Map.class.isAssignableFrom(type) || !type.getName().startsWith("java.")) ? "object" : "valid value";
	}

	private static String article(String noun) {
		return ("aeiouAEIOU".indexOf(noun.charAt(0)) >= 0 && !noun.startsWith("UUID") ? "an " : "a ") + noun;
	}

	private static String mediaTypes(List<MediaType> types) {
		return types.stream().map(MediaType::toString).distinct().collect(Collectors.joining(", "));
	}

	private static <T extends Throwable> @Nullable T causedBy(Throwable failure, Class<T> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return null;
	}

}

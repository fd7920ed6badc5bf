package dev.enclave.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.enclave.gateway.internal.ErrorEnvelope;
import dev.enclave.gateway.internal.ErrorTranslator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * Writes the error envelope. The gateway's exception handler uses it for every failure that
 * reaches it; other modules use it only where they must answer outside a handler, such as
 * Spring Security's entry points, or inside a response that has already begun, such as an
 * event stream that fails half-way. Nothing else in Enclave builds error JSON.
 */
public final class ErrorResponses {

	private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

	private static final long UNAVAILABLE_LOG_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

	private final ErrorTranslator translator = new ErrorTranslator();

	private final Map<ErrorCode, Long> lastUnavailableLog = new ConcurrentHashMap<>();

	private final JsonMapper json;

	private final Clock clock;

	public ErrorResponses(JsonMapper json, Clock clock) {
		this.json = json;
		this.clock = clock;
	}

	/**
	 * Answers the exchange with {@code error} as the envelope. When the response is already
	 * committed (a stream failed half-way) nothing can be written, and the error is signalled
	 * so the connection is closed.
	 */
	public Mono<Void> write(ServerWebExchange exchange, ApiException error) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(error);
		}
		response.setStatusCode(error.code().status());
		HttpHeaders headers = response.getHeaders();
		headers.remove(HttpHeaders.CONTENT_ENCODING);
		headers.setContentType(MediaType.APPLICATION_JSON);
		headers.setCacheControl("no-store");
		error.headers().forEach(headers::set);
		Duration retryAfter = error.retryAfter();
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(retryAfter)));
		}
		if (error.code() == ErrorCode.UNAUTHENTICATED && !headers.containsHeader(HttpHeaders.WWW_AUTHENTICATE)) {
			headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		headers.set(TraceIds.HEADER, TraceIds.traceparent(exchange));
		byte[] body = this.json
			.writeValueAsBytes(ErrorEnvelope.of(error, TraceIds.of(exchange), this.clock.instant()));
		headers.setContentLength(body.length);
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(body)));
	}

	/**
	 * Decides what the client is told about any failure: an {@link ApiException} as it is,
	 * anything else by its kind. A 5xx is logged here with its cause and the trace id, once; a
	 * 503 that carries {@code Retry-After} as one warning per code every ten seconds.
	 */
	public ApiException translate(ServerWebExchange exchange, Throwable failure) {
		ApiException error = this.translator.translate(failure, exchange);
		if (error.code().status().value() == 503 && error.retryAfter() != null) {
			// A dependency is down or the server sheds load, and the client was told when to
			// come back: one line per code per interval, not a stack trace per refused request.
			long now = System.nanoTime();
			long logged = this.lastUnavailableLog.merge(error.code(), now,
					(last, current) -> (current - last >= UNAVAILABLE_LOG_EVERY_NANOS) ? current : last);
			if (logged == now) {
				Throwable cause = (error.getCause() != null) ? error.getCause() : error;
				log.atWarn()
					.addKeyValue("errorCode", error.code().code())
					.log("Requests refused with 503 {} ({}); further ones are not logged for {} s (trace {})",
							error.code().code(), cause.getClass().getSimpleName(),
							Duration.ofNanos(UNAVAILABLE_LOG_EVERY_NANOS).toSeconds(), TraceIds.of(exchange));
			}
		}
		else if (error.code().status().is5xxServerError()) {
			log.atError()
				.setCause((error.getCause() != null) ? error.getCause() : error)
				.addKeyValue("errorCode", error.code().code())
				.log("Request failed with {} (trace {})", error.code().status().value(), TraceIds.of(exchange));
		}
		else if (log.isDebugEnabled()) {
			log.debug("Request rejected with {} {}", error.code().status().value(), error.code().code());
		}
		return error;
	}

	/**
	 * The envelope of {@code error} as JSON, for a failure that must travel inside a response
	 * that has already started, such as the {@code error} event of a server-sent event stream.
	 */
	public String envelopeJson(ServerWebExchange exchange, ApiException error) {
		return this.json.writeValueAsString(ErrorEnvelope.of(error, TraceIds.of(exchange), this.clock.instant()));
	}

	/** Whole seconds, rounded up and never 0: the earliest moment a retry can succeed. */
	static long retryAfterSeconds(Duration delay) {
		long seconds = delay.getSeconds() + ((delay.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

}

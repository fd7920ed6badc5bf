package dev.enclave.gateway;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The trace id of a request: the one Micrometer Tracing's server span carries (which honours
 * an inbound W3C {@code traceparent}), so logs, the response header and error envelopes all
 * show the same id. When tracing is off, an inbound {@code traceparent} is honoured and
 * otherwise a random id is made.
 */
public final class TraceIds {

	/** The response header that carries the trace id, in W3C trace-context form. */
	public static final String HEADER = "traceparent";

	private static final String ATTRIBUTE = TraceIds.class.getName() + ".traceparent";

	private static final Pattern TRACEPARENT = Pattern
		.compile("^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$");

	private TraceIds() {
	}

	/** The 32-hex-digit trace id of this request. */
	public static String of(ServerWebExchange exchange) {
		return traceparent(exchange).substring(3, 35);
	}

	/**
	 * The {@code traceparent} value to send back: version 00, the trace id, the server span id
	 * and the sampled flag. Resolved once per exchange and remembered.
	 */
	public static String traceparent(ServerWebExchange exchange) {
		String known = exchange.getAttribute(ATTRIBUTE);
		if (known != null) {
			return known;
		}
		String resolved = fromTracing(exchange)
			.orElseGet(() -> fromHeader(exchange.getRequest().getHeaders().getFirst(HEADER)));
		exchange.getAttributes().put(ATTRIBUTE, resolved);
		return resolved;
	}

	/**
	 * The trace id of the request being served, read from the Reactor context; empty outside
	 * a request. For code that records the trace id (an audit row) without holding the
	 * exchange.
	 */
	public static Mono<String> current() {
		return Mono.deferContextual((context) -> Mono
			.justOrEmpty(ServerWebExchangeContextFilter.getExchange(context))
			.map(TraceIds::of));
	}

	private static Optional<String> fromTracing(ServerWebExchange exchange) {
		return ServerRequestObservationContext.findCurrent(exchange.getAttributes())
			.map((context) -> context.<TracingObservationHandler.TracingContext>get(
					TracingObservationHandler.TracingContext.class))
			.map(TracingObservationHandler.TracingContext::getSpan)
			.map(Span::context)
			.map(TraceIds::format);
	}

	private static String format(TraceContext context) {
		boolean sampled = Boolean.TRUE.equals(context.sampled());
		// W3C ids are 128 bits; a 64-bit id (older B3 peers) is left-padded as the spec says.
		String traceId = "0".repeat(Math.max(0, 32 - context.traceId().length())) + context.traceId();
		return "00-" + traceId + "-" + context.spanId() + (sampled ? "-01" : "-00");
	}

	private static String fromHeader(@Nullable String inbound) {
		if (inbound != null) {
			Matcher matcher = TRACEPARENT.matcher(inbound.trim());
			if (matcher.matches() && !matcher.group(1).matches("0+")) {
				return "00-" + matcher.group(1) + "-" + randomHex(1) + "-" + matcher.group(3);
			}
		}
		return "00-" + randomHex(2) + "-" + randomHex(1) + "-00";
	}

	/**
	 * {@code longs} random 64-bit numbers in hex. A trace id names a request and never
	 * authorizes anything, so the thread's fast generator does (as OpenTelemetry's own id
	 * generator); the shared {@code SecureRandom} cost a lock per request.
	 */
	private static String randomHex(int longs) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		HexFormat hex = HexFormat.of();
		return (longs == 2) ? hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong())
				: hex.toHexDigits(random.nextLong());
	}

}

package dev.enclave.observability.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * One access-log line per request: method, route template, status, latency and bytes sent.
 * It hangs off the HTTP server observation, which ends only after the response is complete,
 * error handling included, so the status is the one the client saw. The route template
 * ({@code /api/v1/conversations/{id}}), never the raw path or query, is logged: paths and
 * queries can carry identifiers and search terms. The trace id is the response's.
 */
final class AccessLog implements ObservationHandler<ServerRequestObservationContext> {

	private static final Logger log = LoggerFactory.getLogger("enclave.access");

	private static final String BYTES = AccessLog.class.getName() + ".bytes";

	/**
	 * The trace id is the one the client was given in this W3C header: no tracing scope is
	 * open when the request ends (context propagation is limited), so it cannot come from
	 * the log line's context.
	 */
	private static final String TRACEPARENT = "traceparent";

	private final Duration slowThreshold;

	AccessLog(Duration slowThreshold) {
		this.slowThreshold = slowThreshold;
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof ServerRequestObservationContext;
	}

	@Override
	public void onStart(ServerRequestObservationContext context) {
		context.put(Started.class, new Started(System.nanoTime()));
	}

	@Override
	public void onStop(ServerRequestObservationContext context) {
		Started started = context.get(Started.class);
		if (started == null) {
			return;
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started.nanos());
		ServerHttpResponse response = context.getResponse();
		HttpStatusCode status = response.getStatusCode();
		int code = context.isConnectionAborted() ? 499 : (status != null) ? status.value() : 200;
		String route = (context.getPathPattern() != null) ? context.getPathPattern() : "UNMATCHED";
		boolean slow = millis >= this.slowThreshold.toMillis();
		LoggingEventBuilder line = log.atLevel(slow ? Level.WARN : Level.INFO);
		String traceparent = response.getHeaders().getFirst(TRACEPARENT);
		if (traceparent != null && traceparent.length() >= 35) {
			line = line.addKeyValue("traceId", traceparent.substring(3, 35));
		}
		line.addKeyValue("http.method", context.getCarrier().getMethod().name())
			.addKeyValue("http.route", route)
			.addKeyValue("http.status", code)
			.addKeyValue("duration_ms", millis)
			.addKeyValue("bytes", bytesSent(context, response))
			.log(slow ? "{} {} {} took {} ms, over the {} ms slow-request threshold" : "{} {} {} {} ms",
					context.getCarrier().getMethod().name(), route, code, millis, this.slowThreshold.toMillis());
	}

	private static long bytesSent(ServerRequestObservationContext context, ServerHttpResponse response) {
		Object counted = context.getAttributes().get(BYTES);
		long bytes = (counted instanceof AtomicLong count) ? count.get() : 0;
		return Math.max(bytes, response.getHeaders().getContentLength());
	}

	private record Started(long nanos) {
	}

	/** Counts the body bytes a handler writes, for the access log. */
	static final class ByteCounter implements WebFilter, Ordered {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			AtomicLong count = new AtomicLong();
			exchange.getAttributes().put(BYTES, count);
			ServerHttpResponse counting = new ServerHttpResponseDecorator(exchange.getResponse()) {

				/**
				 * A {@code Mono} stays one: Spring and Reactor Netty write a single buffer with
				 * its headers as one response with a {@code Content-Length}, and a {@code Flux}
				 * as headers and chunks.
				 */
				@Override
				public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
					if (body instanceof Mono<? extends DataBuffer> single) {
						return super.writeWith(single.doOnNext((buffer) -> count.addAndGet(buffer.readableByteCount())));
					}
					return super.writeWith(Flux.from(body).doOnNext((buffer) -> count.addAndGet(buffer.readableByteCount())));
				}

				@Override
				public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
					return super.writeAndFlushWith(Flux.from(body)
						.map((part) -> Flux.from(part).doOnNext((buffer) -> count.addAndGet(buffer.readableByteCount()))));
				}

			};
			return chain.filter(exchange.mutate().response(counting).build());
		}

		/** A constant name: Spring's filter chain puts it in a checkpoint on every request. */
		@Override
		public String toString() {
			return "ByteCounter";
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE + 1;
		}

	}

}

package dev.enclave.assistant.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.enclave.assistant.internal.turn.AdmittedTurn;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.ratelimit.TokenBudget;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

/**
 * The HTTP side of a turn, written once for both entry points: the token budget's
 * {@code x-ratelimit-*} headers on every answer, the headers every event stream needs
 * ({@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no}, so no proxy holds
 * tokens back), comment heartbeats while the model is silent, and the error envelope of a
 * failure inside a stream that has already started, through the one error mapper.
 *
 * <p>Event streams are framed by {@link EventFrames} and written here rather than by
 * Spring's event writer, which sends and flushes every event on its own: the events of one
 * turn event go out as one write, and the whole answer as one send, flushed whenever the
 * writes caught up. Measured side by side on the OpenAI stream, that was 0.87× the CPU
 * per request. An answer whose frames all arrive together goes out as one response with a
 * {@code Content-Length} ({@link GatheredFrames}).
 */
public final class TurnResponses {

	/** Asks for the response cache ({@code true}) or declines it ({@code false}); answers {@code hit} or {@code miss}. */
	public static final String CACHE_HEADER = "x-enclave-cache";

	private final ErrorResponses errors;

	private final TokenBudget budget;

	private final Duration heartbeat;

	private final JsonMapper json;

	private final byte[] keepAlive;

	TurnResponses(ErrorResponses errors, TokenBudget budget, Duration heartbeat, JsonMapper json) {
		this.errors = errors;
		this.budget = budget;
		this.heartbeat = heartbeat;
		this.json = json;
		this.keepAlive = frames().comment("keep-alive").bytes();
	}

	/** A whole answer as JSON, with the turn's rate limit headers. */
	public <T> ResponseEntity<T> json(AdmittedTurn<?> turn, T body, Map<String, String> headers) {
		ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
		turn.rateLimitHeaders().forEach(ok::header);
		if (turn.cacheStatus() != null) {
			ok.header(CACHE_HEADER, turn.cacheStatus());
		}
		headers.forEach(ok::header);
		return ok.body(body);
	}

	/** Empty events to add to, for {@link #stream} and {@link #events}. */
	public EventFrames frames() {
		return new EventFrames(this.json);
	}

	/**
	 * An answer as server-sent events, with the turn's rate limit headers.
	 * @param frames the events, each element one write
	 * @param heartbeats whether comment lines keep the stream alive while no event is due
	 */
	public Mono<ResponseEntity<?>> stream(AdmittedTurn<?> turn, Flux<byte[]> frames, boolean heartbeats,
			ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getResponse().getHeaders();
		turn.rateLimitHeaders().forEach(headers::set);
		if (turn.cacheStatus() != null) {
			headers.set(CACHE_HEADER, turn.cacheStatus());
		}
		return events(heartbeats ? withHeartbeats(frames, this.heartbeat, this.keepAlive) : frames, exchange);
	}

	/**
	 * Server-sent events written to the response here. A failure before the first frame is
	 * an ordinary error response: the error handler replaces these headers. Completes empty,
	 * the answer written, which tells Spring there is nothing left to write.
	 */
	public Mono<ResponseEntity<?>> events(Flux<byte[]> frames, ServerWebExchange exchange) {
		ServerHttpResponse response = exchange.getResponse();
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl(CacheControl.noCache());
		headers.set("X-Accel-Buffering", "no");
		DataBufferFactory buffers = response.bufferFactory();
		Executor loop = eventLoop(exchange.getRequest());
		if (loop == null) {
			return response.writeWith(frames.map(buffers::wrap)).then(Mono.empty());
		}
		return new GatheredFrames(frames, loop)
			.flatMap((body) -> (body instanceof Mono<byte[]> whole) ? response.writeWith(whole.map(buffers::wrap))
					: response.writeWith(Flux.from(body).map(buffers::wrap)))
			.then(Mono.empty());
	}

	/** The event loop of the request's connection, or {@code null} on a server other than Reactor Netty. */
	private static @Nullable Executor eventLoop(ServerHttpRequest request) {
		Object connection = ServerHttpRequestDecorator.getNativeRequest(request);
		return (connection instanceof Connection netty) ? netty.channel().eventLoop() : null;
	}

	/**
	 * The error envelope, as JSON, of a failure that ends a stream already under way. The
	 * failure is translated (and a 5xx logged) by the one error mapper; load shed half-way is
	 * counted here, since no filter sees an error that never leaves the stream.
	 */
	public String errorJson(ServerWebExchange exchange, Throwable failure) {
		this.budget.recordFailure(failure);
		return this.errors.envelopeJson(exchange, this.errors.translate(exchange, failure));
	}

	/**
	 * {@code frames} with {@code keepAlive} after each {@code every} in which nothing else
	 * went out (give or take half of it), until the frames end. Time is the parallel
	 * scheduler's, which tests can move.
	 */
	static Flux<byte[]> withHeartbeats(Flux<byte[]> frames, Duration every, byte[] keepAlive) {
		return Flux.defer(() -> {
			Scheduler clock = Schedulers.parallel();
			AtomicLong lastSent = new AtomicLong(clock.now(TimeUnit.NANOSECONDS));
			Sinks.Empty<Void> done = Sinks.empty();
			Flux<byte[]> tracked = frames.doOnNext((frame) -> lastSent.set(clock.now(TimeUnit.NANOSECONDS)))
				.doFinally((signal) -> done.tryEmitEmpty());
			Flux<byte[]> heartbeats = Flux.interval(every, clock)
				.filter((tick) -> clock.now(TimeUnit.NANOSECONDS) - lastSent.get() >= every.toNanos() / 2)
				.map((tick) -> keepAlive)
				.takeUntilOther(done.asMono());
			return Flux.merge(tracked, heartbeats);
		});
	}

}

package dev.enclave.assistant.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.enclave.assistant.internal.turn.AdmittedTurn;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.ratelimit.TokenBudget;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.server.ServerWebExchange;

/**
 * The HTTP side of a turn, written once for both entry points: the token budget's
 * {@code x-ratelimit-*} headers on every answer, the headers every event stream needs
 * ({@code Cache-Control: no-cache} and {@code X-Accel-Buffering: no}, so no proxy holds
 * tokens back), comment heartbeats while the model is silent, and the error envelope of a
 * failure inside a stream that has already started, through the one error mapper.
 */
public final class TurnResponses {

	/** Asks for the response cache ({@code true}) or declines it ({@code false}); answers {@code hit} or {@code miss}. */
	public static final String CACHE_HEADER = "x-enclave-cache";

	private final ErrorResponses errors;

	private final TokenBudget budget;

	private final Duration heartbeat;

	TurnResponses(ErrorResponses errors, TokenBudget budget, Duration heartbeat) {
		this.errors = errors;
		this.budget = budget;
		this.heartbeat = heartbeat;
	}

	/** A whole answer as JSON, with the turn's rate limit headers. */
	public <T> ResponseEntity<T> json(AdmittedTurn<?> turn, T body, Map<String, String> headers) {
		ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
		turnHeaders(turn, ok);
		headers.forEach(ok::header);
		return ok.body(body);
	}

	/**
	 * An answer as server-sent events, with the turn's rate limit headers.
	 * @param heartbeats whether comment lines keep the stream alive while no event is due
	 */
	public <T> ResponseEntity<Flux<ServerSentEvent<T>>> stream(AdmittedTurn<?> turn, Flux<ServerSentEvent<T>> events,
			boolean heartbeats) {
		ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
			.contentType(MediaType.TEXT_EVENT_STREAM)
			.cacheControl(CacheControl.noCache())
			.header("X-Accel-Buffering", "no");
		turnHeaders(turn, ok);
		return ok.body(heartbeats ? withHeartbeats(events) : events);
	}

	/** The rate limit headers, and {@code x-enclave-cache} ({@code hit} or {@code miss}) when the turn uses the response cache. */
	private static void turnHeaders(AdmittedTurn<?> turn, ResponseEntity.BodyBuilder ok) {
		turn.rateLimitHeaders().forEach(ok::header);
		if (turn.cacheStatus() != null) {
			ok.header(CACHE_HEADER, turn.cacheStatus());
		}
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

	private <T> Flux<ServerSentEvent<T>> withHeartbeats(Flux<ServerSentEvent<T>> events) {
		AtomicLong lastSent = new AtomicLong(System.nanoTime());
		Sinks.Empty<Void> done = Sinks.empty();
		Flux<ServerSentEvent<T>> tracked = events.doOnNext((event) -> lastSent.set(System.nanoTime()))
			.doFinally((signal) -> done.tryEmitEmpty());
		Flux<ServerSentEvent<T>> heartbeats = Flux.interval(this.heartbeat)
			.filter((tick) -> System.nanoTime() - lastSent.get() >= this.heartbeat.toNanos() / 2)
			.map((tick) -> ServerSentEvent.<T>builder().comment("keep-alive").build())
			.takeUntilOther(done.asMono());
		return Flux.merge(tracked, heartbeats);
	}

}

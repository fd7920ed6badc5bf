package dev.enclave.gateway.internal;

import java.time.Duration;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Cancels a request that has not begun its response within the configured timeout and
 * answers 504. Cancelling propagates upstream, so whatever the request was waiting for (a
 * model, a tool) stops too. Once the response is committed (an event stream has started,
 * for instance) the deadline no longer applies: streams end when the answer or the client
 * does, whatever Accept header the client sent.
 */
final class RequestTimeoutFilter implements WebFilter, Ordered {

	private final Duration timeout;

	RequestTimeoutFilter(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Mono<Long> deadline = Mono.delay(this.timeout)
			.flatMap((tick) -> exchange.getResponse().isCommitted() ? Mono.never() : Mono.just(tick));
		return chain.filter(exchange)
			.timeout(deadline, Mono.error(() -> new ApiException(ErrorCode.UPSTREAM_TIMEOUT,
					"The request did not complete within " + this.timeout.toSeconds() + " s and was cancelled")));
	}

	/** A constant name: Spring's filter chain puts it in a checkpoint on every request. */
	@Override
	public String toString() {
		return "RequestTimeoutFilter";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 3;
	}

}

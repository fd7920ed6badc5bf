package dev.enclave.gateway.internal;

import dev.enclave.gateway.TraceIds;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Sends the request's trace id back on every response, errors included, as a W3C
 * {@code traceparent} header. Runs first, before security, so even a 401 carries it.
 */
final class TraceIdFilter implements WebFilter, Ordered {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		// Deferred: the server observation (and with it the span) starts on subscription.
		return Mono.defer(() -> {
			exchange.getResponse().getHeaders().set(TraceIds.HEADER, TraceIds.traceparent(exchange));
			return chain.filter(exchange);
		});
	}

	/** A constant name: Spring's filter chain puts it in a checkpoint on every request. */
	@Override
	public String toString() {
		return "TraceIdFilter";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

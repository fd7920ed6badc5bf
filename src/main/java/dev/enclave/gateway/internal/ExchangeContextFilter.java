package dev.enclave.gateway.internal;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Puts the exchange into the Reactor context before security runs, so code deep in a request
 * (authentication, auditing) can find the request's trace id without being handed the
 * exchange.
 */
final class ExchangeContextFilter implements WebFilter, Ordered {

	private final ServerWebExchangeContextFilter delegate = new ServerWebExchangeContextFilter();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.delegate.filter(exchange, chain);
	}

	/** A constant name: Spring's filter chain puts it in a checkpoint on every request. */
	@Override
	public String toString() {
		return "ExchangeContextFilter";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 4;
	}

}

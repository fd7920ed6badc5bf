package dev.enclave.identity.internal;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Runs the security filters in order, as Spring's own chain does, but without its per-filter
 * checkpoint. Spring Security builds a new {@code DefaultWebFilterChain} for every request,
 * and that chain names each of its filters with {@code toString()} (Object's class name and
 * hash, formatted anew) for a Reactor checkpoint: ten strings and ten operators a request,
 * which only add a line to a stack trace that the error envelope never shows. Used only while
 * Spring Security's own observations are off; with them on, its observing decorator stays.
 */
final class PlainFilterChains implements WebFilterChainProxy.WebFilterChainDecorator {

	@Override
	public WebFilterChain decorate(WebFilterChain original, List<WebFilter> filters) {
		return new Step(filters, 0, original);
	}

	@Override
	public String toString() {
		return "PlainFilterChains";
	}

	/** The chain from the filter at {@code index} on, and after the last filter the rest of the application. */
	private record Step(List<WebFilter> filters, int index, WebFilterChain rest) implements WebFilterChain {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			// Deferred, as Spring's chain does: a filter is assembled when the one before it subscribes.
			return Mono.defer(() -> (this.index < this.filters.size())
					? this.filters.get(this.index).filter(exchange, new Step(this.filters, this.index + 1, this.rest))
					: this.rest.filter(exchange));
		}

	}

}

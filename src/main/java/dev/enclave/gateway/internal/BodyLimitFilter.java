package dev.enclave.gateway.internal;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Refuses a body whose declared length is over the limit before a byte of it is read. Bodies
 * without a declared length (chunked) are bounded by the codecs' in-memory limit, which is
 * set to the same value.
 */
final class BodyLimitFilter implements WebFilter, Ordered {

	private final long maxBytes;

	BodyLimitFilter(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long declared = exchange.getRequest().getHeaders().getContentLength();
		if (declared > this.maxBytes) {
			return Mono.error(new ApiException(ErrorCode.PAYLOAD_TOO_LARGE,
					"The request body is " + declared + " bytes; the limit is " + this.maxBytes + " bytes"));
		}
		return chain.filter(exchange);
	}

	/** A constant name: Spring's filter chain puts it in a checkpoint on every request. */
	@Override
	public String toString() {
		return "BodyLimitFilter";
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 2;
	}

}

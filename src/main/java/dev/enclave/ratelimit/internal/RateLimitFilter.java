package dev.enclave.ratelimit.internal;

import java.util.Optional;

import dev.enclave.gateway.ApiException;
import dev.enclave.identity.Principal;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The request limits of every authenticated API request ({@code /api/**}, {@code /v1/**}):
 * runs after Spring Security has put the caller into the reactive context, counts the
 * request, holds a concurrency lease until the response ends (a stream's last byte, an
 * error or the client going away), and writes the {@code x-ratelimit-*} headers.
 * Unauthenticated requests pass: Spring Security refuses them, and login has its own
 * throttle.
 */
final class RateLimitFilter implements WebFilter, Ordered {

	/** After Spring Security's filter chain (order -100), which authenticates the caller. */
	static final int ORDER = 0;

	private final RateLimiter limiter;

	RateLimitFilter(RateLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().pathWithinApplication().value();
		if (!path.startsWith("/api/") && !path.startsWith("/v1/")) {
			return chain.filter(exchange);
		}
		return ReactiveSecurityContextHolder.getContext()
			// Not mapNotNull: it is handle, which restores every thread local around the signal.
			.flatMap((context) -> Mono.justOrEmpty(principal(context.getAuthentication())))
			.flatMap(this.limiter::admit)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((admission) -> admission.isEmpty() ? chain.filter(exchange) : admitted(admission.get(), exchange, chain));
	}

	private Mono<Void> admitted(RateLimiter.Admission admission, ServerWebExchange exchange, WebFilterChain chain) {
		RateLimitHeaders.write(exchange.getResponse().getHeaders(), admission.requests(), admission.tokens());
		return chain.filter(exchange)
			.doOnError(ApiException.class, this.limiter::recordFailure)
			.doFinally((signal) -> admission.release());
	}

	private static @Nullable Principal principal(@Nullable Authentication authentication) {
		return (authentication != null && authentication.getPrincipal() instanceof Principal principal) ? principal
				: null;
	}

	/** A constant name: Spring's filter chain puts it in a checkpoint on every request. */
	@Override
	public String toString() {
		return "RateLimitFilter";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

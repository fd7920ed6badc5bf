package dev.enclave.gateway.internal;

import dev.enclave.gateway.ErrorResponses;
import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * The last stop for every failure on every path: routes that do not exist, codec and
 * validation errors, security, timeouts and bugs. Implementing
 * {@link ErrorWebExceptionHandler} replaces Spring Boot's whitelabel handler. A 5xx is
 * logged with its stack trace and the trace id (by {@link ErrorResponses#translate}); the
 * client sees only the code and the trace id.
 */
final class EnvelopeExceptionHandler implements ErrorWebExceptionHandler {

	private final ErrorResponses responses;

	EnvelopeExceptionHandler(ErrorResponses responses) {
		this.responses = responses;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
		if (DisconnectedClientHelper.isClientDisconnectedException(failure)) {
			// Nobody is listening any more; there is nothing to answer.
			return Mono.empty();
		}
		return this.responses.write(exchange, this.responses.translate(exchange, failure));
	}

}

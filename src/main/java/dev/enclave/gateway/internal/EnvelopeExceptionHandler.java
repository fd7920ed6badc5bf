package dev.enclave.gateway.internal;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorResponses;
import dev.enclave.gateway.TraceIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;

/**
 * The last stop for every failure on every path: routes that do not exist, codec and
 * validation errors, security, timeouts and bugs. Implementing
 * {@link ErrorWebExceptionHandler} replaces Spring Boot's whitelabel handler. A 5xx is
 * logged with its stack trace and the trace id; the client sees only the code and the trace
 * id.
 */
final class EnvelopeExceptionHandler implements ErrorWebExceptionHandler {

	private static final Logger log = LoggerFactory.getLogger(EnvelopeExceptionHandler.class);

	private final ErrorTranslator translator = new ErrorTranslator();

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
		ApiException error = this.translator.translate(failure, exchange);
		if (error.code().status().is5xxServerError()) {
			log.atError()
				.setCause((error.getCause() != null) ? error.getCause() : error)
				.addKeyValue("errorCode", error.code().code())
				.log("Request failed with {} (trace {})", error.code().status().value(), TraceIds.of(exchange));
		}
		else if (log.isDebugEnabled()) {
			log.debug("Request rejected with {} {}", error.code().status().value(), error.code().code());
		}
		return this.responses.write(exchange, error);
	}

}

package dev.enclave.gateway.internal;

import java.time.Clock;

import dev.enclave.gateway.ErrorResponses;
import io.netty.handler.flush.FlushConsolidationHandler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.jackson.autoconfigure.JsonFactoryBuilderCustomizer;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/** Wires the edge: error envelope, trace ids, limits and timeouts (the access log is observability's). */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

	@Bean
	ErrorResponses errorResponses(JsonMapper jsonMapper, Clock clock) {
		return new ErrorResponses(jsonMapper, clock);
	}

	/** Before Boot's own handlers (order -1) and Spring's status handler (order 0). */
	@Bean
	@Order(-2)
	EnvelopeExceptionHandler envelopeExceptionHandler(ErrorResponses errorResponses) {
		return new EnvelopeExceptionHandler(errorResponses);
	}

	/** Errors Reactor drops after a request ended are logged by what they are (see {@link DroppedErrors}). */
	@Bean
	static SmartInitializingSingleton droppedErrors() {
		return DroppedErrors::install;
	}

	/** The envelope for what the HTTP codec refuses itself (414, 431, bytes that are not HTTP). */
	@Bean
	NettyServerCustomizer codecRejections(JsonMapper jsonMapper, Clock clock) {
		return new CodecRejections(jsonMapper, clock).customizer();
	}

	/**
	 * The writes of a response that come together leave in one system call. A streamed answer
	 * is flushed after every event (Spring's event writer asks for it), and chunks that
	 * arrive from a model server in one read were written out one system call each. A flush is
	 * now put off until the event loop has run the writes already queued, which is the same
	 * moment for a lone event.
	 */
	@Bean
	NettyServerCustomizer flushConsolidation() {
		return (server) -> server.doOnChannelInit((observer, channel, remote) -> channel.pipeline()
			.addFirst("enclave.flushConsolidation",
					new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true)));
	}

	/**
	 * Jackson's buffers recycled per thread rather than through its default shared deque,
	 * whose two atomic operations per parser and generator showed up at 2 % of the request
	 * path. Every thread that reads or writes JSON here is a pooled platform thread (event
	 * loops, bounded schedulers); a virtual thread would only miss the reuse.
	 */
	@Bean
	JsonFactoryBuilderCustomizer threadLocalJsonBuffers() {
		return (factory) -> factory.recyclerPool(JsonRecyclerPools.threadLocalPool());
	}

	@Bean
	TraceIdFilter traceIdFilter() {
		return new TraceIdFilter();
	}

	@Bean
	ExchangeContextFilter exchangeContextFilter() {
		return new ExchangeContextFilter();
	}

	@Bean
	BodyLimitFilter bodyLimitFilter(GatewaySettings settings) {
		return new BodyLimitFilter(settings.maxBodySize().toBytes());
	}

	@Bean
	RequestTimeoutFilter requestTimeoutFilter(GatewaySettings settings) {
		return new RequestTimeoutFilter(settings.requestTimeout());
	}

	/**
	 * Bodies sent without a Content-Length are bounded while they are decoded. Only the
	 * server's codecs: clients of upstream model servers keep their own limits.
	 */
	@Bean
	WebFluxConfigurer bodyLimitCodecs(GatewaySettings settings) {
		return new WebFluxConfigurer() {
			@Override
			public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
				configurer.defaultCodecs().maxInMemorySize((int) settings.maxBodySize().toBytes());
			}
		};
	}

}

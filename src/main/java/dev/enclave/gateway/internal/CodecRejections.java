package dev.enclave.gateway.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.TraceIds;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * The envelope for requests the HTTP codec refuses before any handler runs: a request line
 * over the limit (414), headers over the limit (431), or bytes that are not HTTP (400).
 * Reactor Netty answers those itself with an empty body and closes the connection; this
 * handler, between the codec and Reactor Netty's traffic handler, fills that body in. It
 * recognises them by what only the codec sends: an empty full response with
 * {@code Connection: close} and one of those statuses.
 */
@ChannelHandler.Sharable
final class CodecRejections extends ChannelDuplexHandler {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JsonMapper json;

	private final Clock clock;

	CodecRejections(JsonMapper json, Clock clock) {
		this.json = json;
		this.clock = clock;
	}

	/** Adds the handler to every connection of the server. */
	NettyServerCustomizer customizer() {
		return (server) -> server.doOnChannelInit((observer, channel, remote) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, "enclave.codecRejections", this);
			}
		});
	}

	@Override
	public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
		// A whole response (headers and body in one message) takes the request's version, and
		// the codec accepts any HTTP/x.y: answer a made-up version in HTTP/1.1, as streamed
		// responses are, so that the client can read it.
		if (message instanceof HttpResponse response && response.protocolVersion().majorVersion() != 1) {
			response.setProtocolVersion(HttpVersion.HTTP_1_1);
		}
		if (message instanceof FullHttpResponse response && isCodecRejection(response)) {
			FullHttpResponse enveloped = envelope(response);
			response.release();
			context.write(enveloped, promise);
			return;
		}
		context.write(message, promise);
	}

	private static boolean isCodecRejection(FullHttpResponse response) {
		int status = response.status().code();
		return (status == 414 || status == 431 || status == 400) && response.content().readableBytes() == 0
				&& response.headers().contains(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true);
	}

	private FullHttpResponse envelope(FullHttpResponse response) {
		int status = response.status().code();
		ApiException error;
		if (status == 414) {
			error = new ApiException(ErrorCode.URI_TOO_LONG, "The request line is longer than the server accepts");
		}
		else if (status == 431) {
			error = new ApiException(ErrorCode.HEADERS_TOO_LARGE, "The request headers are larger than the server accepts");
		}
		else {
			error = new ApiException(ErrorCode.INVALID_REQUEST, "The request is not valid HTTP");
		}
		// No request was ever made of these bytes, so no span either: the id is new.
		byte[] traceId = new byte[16];
		byte[] spanId = new byte[8];
		RANDOM.nextBytes(traceId);
		RANDOM.nextBytes(spanId);
		String trace = HexFormat.of().formatHex(traceId);
		byte[] body = this.json.writeValueAsBytes(ErrorEnvelope.of(error, trace, this.clock.instant()));
		FullHttpResponse enveloped = new DefaultFullHttpResponse(response.protocolVersion(),
				HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
		enveloped.headers()
			.set(response.headers())
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.set(HttpHeaderNames.CACHE_CONTROL, "no-store")
			.set(TraceIds.HEADER, "00-" + trace + "-" + HexFormat.of().formatHex(spanId) + "-00")
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
		return enveloped;
	}

}

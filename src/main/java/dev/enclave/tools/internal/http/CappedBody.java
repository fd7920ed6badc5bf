package dev.enclave.tools.internal.http;

import java.io.ByteArrayOutputStream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;

/**
 * Reads a response body up to a limit and not a byte further: a declared length over it
 * fails at once, and a body that grows past it (chunked, or lying about its length) fails
 * as soon as it does, which cancels the read and closes the connection.
 */
final class CappedBody {

	private CappedBody() {
	}

	static Mono<byte[]> read(ByteBufFlux content, HttpHeaders headers, int limit) {
		if (declaredLength(headers) > limit) {
			return Mono.error(tooLarge(limit));
		}
		return content.asByteArray().reduceWith(ByteArrayOutputStream::new, (body, chunk) -> {
			if (body.size() + (long) chunk.length > limit) {
				throw tooLarge(limit);
			}
			body.write(chunk, 0, chunk.length);
			return body;
		}).map(ByteArrayOutputStream::toByteArray);
	}

	private static long declaredLength(HttpHeaders headers) {
		String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
		try {
			return (length != null) ? Long.parseLong(length.strip()) : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	private static ToolHttpException tooLarge(int limit) {
		return new ToolHttpException(ToolHttpException.Kind.TOO_LARGE, "response larger than " + limit + " bytes");
	}

}

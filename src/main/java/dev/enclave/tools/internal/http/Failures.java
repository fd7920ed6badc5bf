package dev.enclave.tools.internal.http;

import java.net.ConnectException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLException;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Turns what the HTTP client throws into a {@link ToolHttpException} the model may read:
 * the kind and the host, not the transport's own message or stack trace.
 */
final class Failures {

	private Failures() {
	}

	static ToolHttpException of(Throwable failure, String host, EgressPolicy policy) {
		ToolHttpException refusal = find(failure, ToolHttpException.class);
		if (refusal != null) {
			return refusal;
		}
		if (find(failure, ReadTimeoutException.class) != null) {
			return new ToolHttpException(ToolHttpException.Kind.TIMEOUT,
					host + " did not answer within " + policy.readTimeout().toMillis() + " ms");
		}
		if (find(failure, ConnectTimeoutException.class) != null) {
			return new ToolHttpException(ToolHttpException.Kind.TIMEOUT,
					"could not connect to " + host + " within " + policy.connectTimeout().toMillis() + " ms");
		}
		if (find(failure, PrematureCloseException.class) != null) {
			return new ToolHttpException(ToolHttpException.Kind.BAD_RESPONSE,
					host + " closed the connection before the response was complete");
		}
		if (find(failure, SSLException.class) != null) {
			return new ToolHttpException(ToolHttpException.Kind.UNREACHABLE, "the TLS handshake with " + host + " failed");
		}
		if (find(failure, UnknownHostException.class) != null) {
			return new ToolHttpException(ToolHttpException.Kind.UNREACHABLE, "the host " + host + " could not be resolved");
		}
		if (find(failure, ConnectException.class) != null) {
			return new ToolHttpException(ToolHttpException.Kind.UNREACHABLE, "could not connect to " + host);
		}
		return new ToolHttpException(ToolHttpException.Kind.UNREACHABLE, "the call to " + host + " failed");
	}

	private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

}

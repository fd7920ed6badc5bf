package dev.enclave.tools.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A real HTTP server on 127.0.0.1 for the egress tests. It counts every TCP connection it
 * accepts, so a test can tell that a blocked call never reached it, not only that no request
 * was answered, and records every request with its headers and body.
 */
final class LoopbackServer implements AutoCloseable {

	/** A request as the server saw it: {@code uri} is the raw request target, still percent-encoded. */
	record Seen(String method, String uri, HttpHeaders headers, String body) {
	}

	// Loops of its own: the global ones die with the first application context that closes.
	private final LoopResources loops = LoopResources.create("tools-test-server", 1, true);

	private final List<Seen> requests = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private final DisposableServer server;

	LoopbackServer(BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
		this.server = HttpServer.create()
			.runOn(this.loops)
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> this.connections.incrementAndGet())
			.handle((request, response) -> request.receive()
				.aggregate()
				.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.flatMap((body) -> {
					this.requests.add(new Seen(request.method().name(), request.uri(), request.requestHeaders().copy(), body));
					return Mono.from(handler.apply(request, response));
				}))
			.bindNow();
	}

	/** Answers every request with {@code json}. */
	static LoopbackServer answering(String json) {
		return new LoopbackServer((request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendString(Mono.just(json)));
	}

	/** Redirects every request to {@code location} with a 302. */
	static LoopbackServer redirectingTo(String location) {
		return new LoopbackServer(
				(request, response) -> response.status(302).header(HttpHeaderNames.LOCATION, location).send());
	}

	int port() {
		return this.server.port();
	}

	List<Seen> requests() {
		return this.requests;
	}

	/** TCP connections accepted so far. */
	int connections() {
		return this.connections.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
		this.loops.dispose();
	}

}

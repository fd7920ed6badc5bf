package dev.enclave.inference.internal.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.reactor.bulkhead.operator.BulkheadOperator;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.ThreadExecutorMap;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * One model server: its connection pool, its circuit breaker, its concurrency limit, and
 * what its last health check found. Every request to it goes through the breaker and the
 * limit (Resilience4j's reactive operators), so a failing server leaves the rotation on its
 * own and a busy one is not sent more than it takes. It never logs what it sends or
 * receives: requests carry prompts, answers carry content, and its API key is a secret.
 */
final class Backend implements AutoCloseable {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	/** The most of an error body read to find its message. */
	private static final int ERROR_MESSAGE_LIMIT = 300;

	/** How long a server may take to end its response after {@code [DONE]}: a well-behaved one ends it in the same write. */
	static final Duration AFTER_DONE = Duration.ofSeconds(1);

	private final BackendSettings settings;

	private final ConnectionProvider pool;

	/** For calls made off the web server's event loops (health checks, calls after a blocking step). */
	private final WebClient client;

	/**
	 * One client per event loop of the web server, each with its own pool of connections
	 * registered on that loop. A request made on a loop (the usual case) then connects,
	 * writes, reads the answer and writes it back to its caller all on one thread, with no
	 * hand-over between threads: handing each request and each chunk between the server's
	 * loops and the client's cost an event-loop wake-up each, and the chunks of one answer
	 * reached the caller's connection one task (and one system call) at a time.
	 */
	private final List<LoopClient> loopClients;

	private final CircuitBreaker breaker;

	private final Bulkhead bulkhead;

	private final JsonMapper json;

	private final Clock clock;

	private final Duration openDuration;

	private final AtomicLong lastChosen = new AtomicLong();

	private volatile BackendHealth health = BackendHealth.UNCHECKED;

	private volatile @Nullable Instant openedAt;

	Backend(BackendSettings settings, UpstreamSettings upstream, LoopResources loops, List<EventLoop> serverLoops,
			CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, JsonMapper json, Clock clock,
			ObservationRegistry observations) {
		this.settings = settings;
		this.json = json;
		this.clock = clock;
		this.openDuration = upstream.breaker().openDuration();
		String apiKey = settings.resolveApiKey();
		// The shared pool also holds the health checks' connection.
		this.pool = pool(settings, upstream, "upstream-" + settings.name(), settings.maxConcurrency() + 1);
		this.client = webClient(settings, upstream, apiKey, observations, HttpClient.create(this.pool).runOn(loops));
		List<LoopClient> loopClients = new ArrayList<>();
		for (EventLoop loop : serverLoops) {
			ConnectionProvider pool = pool(settings, upstream, "upstream-" + settings.name() + "-" + loopClients.size(),
					settings.maxConcurrency());
			loopClients.add(new LoopClient(loop, pool,
					webClient(settings, upstream, apiKey, observations, HttpClient.create(pool).runOn(loop))));
		}
		this.loopClients = List.copyOf(loopClients);
		UpstreamSettings.Breaker limits = upstream.breaker();
		this.breaker = breakers.circuitBreaker("upstream-" + settings.name(), CircuitBreakerConfig.custom()
			.failureRateThreshold(limits.failureRateThreshold())
			.slidingWindowSize(limits.slidingWindow())
			.minimumNumberOfCalls(limits.minimumCalls())
			.waitDurationInOpenState(limits.openDuration())
			.permittedNumberOfCallsInHalfOpenState(limits.halfOpenCalls())
			.recordException((failure) -> UpstreamFailure.of(failure).countsAgainstServer())
			.clock(clock)
			.build());
		this.breaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				this.openedAt = clock.instant();
			}
		});
		// No waiting for a permit: a server at its limit is skipped for another, or the request refused at once.
		this.bulkhead = bulkheads.bulkhead("upstream-" + settings.name(), BulkheadConfig.custom()
			.maxConcurrentCalls(settings.maxConcurrency())
			.maxWaitDuration(Duration.ZERO)
			.build());
	}

	/**
	 * A pool of up to {@code connections}. The concurrency limit bounds the requests in flight
	 * across all of a server's pools.
	 */
	private static ConnectionProvider pool(BackendSettings settings, UpstreamSettings upstream, String name,
			int connections) {
		return ConnectionProvider.builder(name)
			.maxConnections(connections)
			.pendingAcquireTimeout(upstream.pendingAcquireTimeout())
			.maxIdleTime(upstream.poolMaxIdleTime())
			.evictInBackground(upstream.poolMaxIdleTime())
			.build();
	}

	private static WebClient webClient(BackendSettings settings, UpstreamSettings upstream, @Nullable String apiKey,
			ObservationRegistry observations, HttpClient http) {
		HttpClient timed = http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			// Reactor Netty's response timeout is the longest gap between two reads of a
			// response, which for a stream is the silence allowed between two tokens.
			.responseTimeout(settings.readTimeout());
		// Each call to the server is an http.client.requests span and timer, a child of the generation's span.
		WebClient.Builder builder = WebClient.builder()
			.observationRegistry(observations)
			.uriBuilderFactory(new FixedPaths(stripTrailingSlash(settings.baseUrl().toString())))
			.clientConnector(new ReactorClientHttpConnector(timed))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize((int) upstream.maxResponseSize().toBytes()));
		if (apiKey != null) {
			builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
		}
		return builder.build();
	}

	/** The client of the event loop this thread runs, else the shared one. */
	private WebClient client() {
		for (LoopClient local : this.loopClients) {
			if (local.loop().inEventLoop()) {
				return local.client();
			}
		}
		return this.client;
	}

	String name() {
		return this.settings.name();
	}

	int weight() {
		return this.settings.weight();
	}

	Set<String> models() {
		Set<String> names = new java.util.LinkedHashSet<>();
		this.settings.models().forEach((model) -> names.add(model.name()));
		return names;
	}

	BackendHealth health() {
		return this.health;
	}

	CircuitBreaker.State breakerState() {
		return this.breaker.getState();
	}

	/** Requests in flight to it now. */
	int inFlight() {
		return this.settings.maxConcurrency() - this.bulkhead.getMetrics().getAvailableConcurrentCalls();
	}

	/**
	 * Whether a request for {@code model} may go here now: its last health check did not
	 * fail (or none has run yet), it lists the model, its breaker lets calls through (or its
	 * open time is over, so the next call is a trial), and it is below its concurrency limit.
	 */
	boolean usable(String model) {
		return this.health.serves(model) && breakerAdmits() && this.bulkhead.getMetrics().getAvailableConcurrentCalls() > 0;
	}

	/** Whether it could take {@code model} but for its concurrency limit. */
	boolean busy(String model) {
		return this.health.serves(model) && breakerAdmits()
				&& this.bulkhead.getMetrics().getAvailableConcurrentCalls() == 0;
	}

	/** When it may be usable again: its breaker's open time left, or the next health check. */
	Duration retryAfter(Duration healthInterval) {
		Instant opened = this.openedAt;
		if (this.breaker.getState() == CircuitBreaker.State.OPEN && opened != null) {
			Duration left = Duration.between(this.clock.instant(), opened.plus(this.openDuration));
			return left.isNegative() ? Duration.ZERO : left;
		}
		return healthInterval;
	}

	/** Marks it as chosen now; least recently chosen wins among equals. */
	long choose(long sequence) {
		this.lastChosen.set(sequence);
		return sequence;
	}

	long lastChosen() {
		return this.lastChosen.get();
	}

	/**
	 * Streams a chat completion: {@code POST /chat/completions} with {@code stream: true}, one
	 * JSON chunk per server-sent event, until {@code [DONE]}. A non-2xx answer, an unreadable
	 * chunk and a stream that ends without {@code [DONE]} fail as an {@link UpstreamFailure}.
	 */
	Flux<JsonNode> streamChat(ObjectNode body) {
		// The client is chosen where the call is subscribed: that thread makes the connection's requests.
		Flux<JsonNode> chunks = Flux.defer(() -> client().post()
			.uri("/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(this.json.writeValueAsBytes(body))
			.exchangeToFlux((response) -> {
				if (!response.statusCode().is2xxSuccessful()) {
					return this.<JsonNode>failure(response).flux();
				}
				if (!MediaType.TEXT_EVENT_STREAM.isCompatibleWith(response.headers().contentType().orElse(MediaType.ALL))) {
					return response.releaseBody().then(Mono.<JsonNode>error(UpstreamFailure.malformed("not an event stream"))).flux();
				}
				return chunks(response.bodyToFlux(EVENTS), this.json);
			}));
		return guarded(chunks);
	}

	/**
	 * The chunks of a streamed chat completion: one JSON chunk per server-sent event that has
	 * data, until {@code [DONE]}. Whatever bytes the server sent, the chunks end at
	 * {@code [DONE]} or with a malformed {@link UpstreamFailure} (an event that cannot be read or
	 * is not JSON, or no {@code [DONE]} before the end); failures of the connection itself pass
	 * through as they came.
	 *
	 * <p>What follows {@code [DONE]} is read to the end of the response and ignored, failures
	 * included, rather than cancelled: Reactor Netty closes a connection whose response was not
	 * read to its end, and {@code [DONE]} usually comes a read before that end (the chunked
	 * terminator), so cancelling there cost a new connection to the server per answer. A
	 * server that sends {@code [DONE]} and then neither ends its response nor closes has
	 * {@link #AFTER_DONE} to do so; then the connection is closed and the chunks end as they
	 * would have.
	 */
	static Flux<JsonNode> chunks(Flux<ServerSentEvent<String>> events, JsonMapper json) {
		return Flux.defer(() -> {
			AtomicBoolean done = new AtomicBoolean();
			Sinks.Empty<Void> doneSeen = Sinks.empty();
			// Spring's event reader refuses some fields the event stream specification says to ignore or
			// to split (a retry that is not a number, a lone carriage return in an event name) with an
			// IllegalArgumentException; to Enclave such a stream is as unreadable as one of bad JSON.
			// Failures of the connection are never IllegalArgumentExceptions.
			return events.takeUntilOther(doneSeen.asMono().then(Mono.defer(Backend::afterDone)))
				.onErrorResume((ex) -> done.get() ? Mono.empty()
						: Mono.error((ex instanceof IllegalArgumentException)
								? UpstreamFailure.malformed("an event that cannot be read") : ex))
				.filter((event) -> {
					if (done.get()) {
						return false;
					}
					if ("[DONE]".equals(trimmed(event.data()))) {
						done.set(true);
						doneSeen.tryEmitEmpty();
						return false;
					}
					return event.data() != null && !trimmed(event.data()).isEmpty();
				})
				.concatWith(Mono.defer(() -> done.get() ? Mono.empty()
						: Mono.error(UpstreamFailure.malformed("the stream ended without [DONE]"))))
				.map((event) -> parse(json, event.data()));
		});
	}

	/**
	 * {@link #AFTER_DONE} from now, timed by the event loop that reads the response when there
	 * is one. Every answer starts this timer at {@code [DONE]} and cancels it a moment later;
	 * on Reactor's shared timer threads each start and cancel took a lock and woke another
	 * thread, on the loop's own clock they are a queue operation of the thread already running.
	 */
	private static Mono<Long> afterDone() {
		EventExecutor loop = ThreadExecutorMap.currentExecutor();
		if (loop == null) {
			return Mono.delay(AFTER_DONE);
		}
		return Mono.create((sink) -> {
			ScheduledFuture<?> timer = loop.schedule(() -> sink.success(0L), AFTER_DONE.toNanos(), TimeUnit.NANOSECONDS);
			sink.onCancel(() -> timer.cancel(false));
		});
	}

	/** {@code POST} of a JSON request that answers JSON, such as {@code /embeddings}. */
	Mono<JsonNode> postJson(String path, ObjectNode body) {
		Mono<JsonNode> answer = Mono.defer(() -> client().post()
			.uri(path)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(this.json.writeValueAsBytes(body))
			.exchangeToMono((response) -> response.statusCode().is2xxSuccessful()
					? response.bodyToMono(String.class).map(this::parse) : failure(response)));
		return guarded(answer.flux()).next();
	}

	/**
	 * One health check: {@code GET /models}, within {@code timeout}. Up when it answers an
	 * OpenAI model list; the models it lists (and their {@code max_model_len}, vLLM's
	 * context) are noted, and a configured model it does not list is not sent here.
	 */
	Mono<BackendHealth> check(Duration timeout) {
		return this.client.get()
			.uri("/models")
			.accept(MediaType.APPLICATION_JSON)
			.exchangeToMono((response) -> response.statusCode().is2xxSuccessful()
					? response.bodyToMono(String.class).map(this::modelList)
					: response.releaseBody().thenReturn(BackendHealth.down("GET /models answered HTTP "
							+ response.statusCode().value(), this.clock.instant())))
			.timeout(timeout)
			.onErrorResume((failure) -> Mono.just(BackendHealth.down("GET /models " + describe(failure),
					this.clock.instant())))
			.doOnNext((checked) -> this.health = checked);
	}

	@Override
	public void close() {
		this.pool.disposeLater().subscribe();
		this.loopClients.forEach((local) -> local.pool().disposeLater().subscribe());
	}

	private <T> Flux<T> guarded(Flux<T> call) {
		// The limit outside the breaker: a server at its limit is not asked, and that is no failure of it.
		return call.onErrorMap(UpstreamFailure::of)
			.transformDeferred(CircuitBreakerOperator.of(this.breaker))
			.transformDeferred(BulkheadOperator.of(this.bulkhead));
	}

	private boolean breakerAdmits() {
		CircuitBreaker.State state = this.breaker.getState();
		if (state == CircuitBreaker.State.OPEN) {
			Instant opened = this.openedAt;
			return opened == null || !this.clock.instant().isBefore(opened.plus(this.openDuration));
		}
		return state != CircuitBreaker.State.FORCED_OPEN;
	}

	private BackendHealth modelList(String body) {
		JsonNode list;
		try {
			list = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			return BackendHealth.down("GET /models answered something that is not JSON", this.clock.instant());
		}
		JsonNode data = list.path("data");
		if (!data.isArray()) {
			return BackendHealth.down("GET /models answered no OpenAI model list", this.clock.instant());
		}
		Map<String, Integer> listed = new HashMap<>();
		for (JsonNode model : data) {
			if (model.path("id").isString()) {
				listed.put(model.path("id").asString(), model.path("max_model_len").asInt(0));
			}
		}
		return BackendHealth.up(listed, this.clock.instant());
	}

	private <T> Mono<T> failure(ClientResponse response) {
		int status = response.statusCode().value();
		String retryAfter = response.headers().asHttpHeaders().getFirst(HttpHeaders.RETRY_AFTER);
		return response.bodyToMono(String.class)
			.map(this::errorMessage)
			.onErrorResume((unreadable) -> Mono.empty())
			.map(java.util.Optional::of)
			.defaultIfEmpty(java.util.Optional.empty())
			.flatMap((message) -> Mono.error(UpstreamFailure.status(status, retryAfter, message.orElse(null))));
	}

	/** OpenAI's {@code error.message} (vLLM and others also send {@code message} at the top), cut short; else empty. */
	private String errorMessage(String body) {
		try {
			JsonNode error = this.json.readTree(body);
			JsonNode message = error.path("error").path("message");
			if (!message.isString()) {
				message = error.path("message");
			}
			if (!message.isString()) {
				return "";
			}
			String text = message.asString().strip();
			return (text.length() > ERROR_MESSAGE_LIMIT) ? text.substring(0, ERROR_MESSAGE_LIMIT) + "…" : text;
		}
		catch (JacksonException ex) {
			return "";
		}
	}

	private JsonNode parse(String text) {
		return parse(this.json, text);
	}

	private static JsonNode parse(JsonMapper json, String text) {
		try {
			return json.readTree(text);
		}
		catch (JacksonException ex) {
			throw UpstreamFailure.malformed("a chunk that is not JSON");
		}
	}

	private static String describe(Throwable failure) {
		UpstreamFailure upstream = UpstreamFailure.of(failure);
		return switch (upstream.kind()) {
			case TIMEOUT -> "timed out";
			case UNREACHABLE -> "failed: " + upstream.getMessage();
			default -> "failed";
		};
	}

	private static String trimmed(@Nullable String data) {
		return (data != null) ? data.strip() : "";
	}

	private static String stripTrailingSlash(String url) {
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

	/** A web server event loop's own client, and the pool of connections on that loop. */
	private record LoopClient(EventLoop loop, ConnectionProvider pool, WebClient client) {
	}

}

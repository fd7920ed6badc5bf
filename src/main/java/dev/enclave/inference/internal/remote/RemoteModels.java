package dev.enclave.inference.internal.remote;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.inference.ModelDescriptor;
import dev.enclave.inference.ModelKind;
import dev.enclave.shared.Periodic;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * The models on the servers Enclave sits in front of, and which server answers each request.
 * A request for a model goes to one of the servers that serve it and are usable now (up at
 * their last health check, breaker not open, below their concurrency limit): the one with
 * the least work in hand for its weight, the least recently chosen among equals. Every
 * server's {@code GET /models} is checked on a fixed interval; a change of state is logged,
 * with the server's name and never its key.
 */
public final class RemoteModels implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RemoteModels.class);

	private final Map<String, RemoteModel> models = new LinkedHashMap<>();

	private final List<Backend> backends = new ArrayList<>();

	private final UpstreamSettings upstream;

	private final Instant started;

	private final AtomicLong choices = new AtomicLong();

	/**
	 * Event loops of their own for the servers' connections: Reactor Netty's global ones
	 * belong to whichever application context closes them first.
	 */
	private final LoopResources loops = LoopResources.create("upstream", LoopResources.DEFAULT_IO_WORKER_COUNT, true);

	private @Nullable Disposable checks;

	/**
	 * @param serverLoops the web server's event loops: a request made on one of them reaches the
	 * model server over a connection on the same loop (none outside a web server, as in tests of
	 * the routing alone)
	 */
	public RemoteModels(List<BackendSettings> settings, UpstreamSettings upstream, List<EventLoop> serverLoops,
			CircuitBreakerRegistry breakers, BulkheadRegistry bulkheads, JsonMapper json, Clock clock,
			ObservationRegistry observations) {
		this.upstream = upstream;
		this.started = clock.instant();
		Map<String, List<Backend>> servers = new LinkedHashMap<>();
		Map<String, BackendSettings.ModelSettings> configured = new LinkedHashMap<>();
		for (BackendSettings backend : settings) {
			Backend server = new Backend(backend, upstream, this.loops, serverLoops, breakers, bulkheads, json, clock,
					observations);
			this.backends.add(server);
			for (BackendSettings.ModelSettings model : backend.models()) {
				servers.computeIfAbsent(model.name(), (name) -> new ArrayList<>()).add(server);
				configured.putIfAbsent(model.name(), model);
			}
		}
		for (BackendSettings.ModelSettings model : configured.values()) {
			PromptCounter counter = (model.tokenizer() != null) ? PromptCounter.load(model.tokenizer(), clock)
					: PromptCounter.estimating();
			this.models.put(model.name(), new RemoteModel(model.name(), List.copyOf(model.aliases()),
					ModelKind.valueOf(model.kind().toUpperCase(Locale.ROOT)), model.contextLength(), counter,
					List.copyOf(servers.get(model.name()))));
			log.info("Model {} is served by {} ({})", model.name(),
					servers.get(model.name()).stream().map(Backend::name).toList(), counter.describe());
		}
	}

	/** Starts the health checks: one at once, then every {@code health-interval}. */
	public void start() {
		if (this.backends.isEmpty()) {
			return;
		}
		this.checks = Periodic
			.every(Duration.ZERO, this.upstream.healthInterval(), Schedulers.parallel(),
					() -> Flux.fromIterable(this.backends).flatMap((backend) -> {
						BackendHealth before = backend.health();
						return backend.check(this.upstream.healthTimeout())
							.doOnNext((after) -> logChange(backend, before, after));
					}))
			.subscribe();
	}

	/** Every remote model, in configuration order. */
	public List<ModelDescriptor> descriptors() {
		return this.models.values()
			.stream()
			.map((model) -> new ModelDescriptor(model.name(), this.started,
					String.join(",", model.backends().stream().map(Backend::name).toList()),
					((model.kind() == ModelKind.EMBEDDING) ? "Embedding model" : "Chat model") + " on "
							+ model.backends().size() + ((model.backends().size() == 1) ? " server" : " servers") + "; "
							+ model.counter().describe(),
					true, null, model.aliases(), model.kind()))
			.toList();
	}

	/** The model a client calls {@code name}, by its name or an alias. */
	public Optional<RemoteModel> find(@Nullable String name) {
		if (name == null) {
			return Optional.empty();
		}
		RemoteModel model = this.models.get(name);
		if (model != null) {
			return Optional.of(model);
		}
		return this.models.values().stream().filter((candidate) -> candidate.aliases().contains(name)).findFirst();
	}

	/** Whether {@code name} names a remote model. */
	public boolean serves(@Nullable String name) {
		return find(name).isPresent();
	}

	RemoteModel require(@Nullable String name, ModelKind kind) {
		RemoteModel model = find(name)
			.orElseThrow(() -> ApiException.notFound("Model '" + shorten(String.valueOf(name)) + "'").withParam("model"));
		if (model.kind() != kind) {
			throw ApiException.invalidParam("model", "Model '" + model.name() + "' is "
					+ ((model.kind() == ModelKind.EMBEDDING) ? "an embedding model; use /v1/embeddings"
							: "a chat model; use /v1/chat/completions"));
		}
		return model;
	}

	/**
	 * The server for the next request for {@code model}, skipping those already tried;
	 * null when none is usable.
	 */
	@Nullable Backend choose(RemoteModel model, Set<Backend> tried) {
		Backend chosen = model.backends()
			.stream()
			.filter((backend) -> !tried.contains(backend) && backend.usable(model.name()))
			.min(Comparator.comparingDouble((Backend backend) -> (backend.inFlight() + 1.0) / backend.weight())
				.thenComparingLong(Backend::lastChosen))
			.orElse(null);
		if (chosen != null) {
			chosen.choose(this.choices.incrementAndGet());
		}
		return chosen;
	}

	/**
	 * Why no server of {@code model} can take a request: all at their concurrency limit
	 * ({@code overloaded}), or none usable ({@code model_unavailable}), with a
	 * {@code Retry-After} of the soonest a server may be back.
	 */
	ApiException unavailable(RemoteModel model) {
		boolean busy = model.backends().stream().anyMatch((backend) -> backend.busy(model.name()));
		if (busy) {
			return new ApiException(ErrorCode.OVERLOADED, "Every server of model '" + model.name()
					+ "' is at its concurrency limit; try again shortly")
				.withRetryAfter(Duration.ofSeconds(1));
		}
		Duration soonest = model.backends()
			.stream()
			.map((backend) -> backend.retryAfter(this.upstream.healthInterval()))
			.min(Comparator.naturalOrder())
			.orElse(this.upstream.healthInterval());
		return new ApiException(ErrorCode.MODEL_UNAVAILABLE, "No server of model '" + model.name()
				+ "' is available now")
			.withRetryAfter(soonest.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : soonest);
	}

	/** Every server, in configuration order. */
	public List<Backend> backends() {
		return List.copyOf(this.backends);
	}

	/** Every remote model. */
	List<RemoteModel> models() {
		return List.copyOf(this.models.values());
	}

	@Override
	public void close() {
		if (this.checks != null) {
			this.checks.dispose();
		}
		this.backends.forEach(Backend::close);
		this.loops.disposeLater().subscribe();
		this.models.values().forEach((model) -> model.counter().close());
	}

	private static void logChange(Backend backend, BackendHealth before, BackendHealth after) {
		if (after.up() && (!before.up() || !before.checked())) {
			log.info("Model server {} is up; it lists {} models", backend.name(), after.listed().size());
			for (String model : backend.models()) {
				if (!after.listed().containsKey(model)) {
					log.warn("Model server {} does not list model {}; no request for it goes there", backend.name(),
							model);
				}
			}
		}
		else if (!after.up() && (before.up() || !before.checked())) {
			log.warn("Model server {} is down: {}", backend.name(), after.reason());
		}
	}

	private static String shorten(String name) {
		return (name.length() > 64) ? name.substring(0, 64) + "…" : name;
	}

}

package dev.enclave.support;

import java.nio.file.Path;
import java.time.Duration;

import dev.enclave.inference.internal.demo.DemoCheckpoint;
import fixtures.MovableClock;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests of Enclave in front of model servers: the whole application
 * (its own context: the local demo model beside four scripted OpenAI-compatible servers on
 * loopback, the stand-ins for vLLM), spoken to over real HTTP.
 * <ul>
 * <li>{@link #SOLO} alone serves {@code scripted/solo} (counted with the demo model's
 * tokenizer) and the embedding model {@code scripted/embed};</li>
 * <li>{@link #PRIMARY} (weight 10, so it is asked first) and {@link #SECONDARY} serve
 * {@code scripted/pair}, alias {@code pair};</li>
 * <li>{@link #FLAKY} alone serves {@code scripted/flaky}, for the failures.</li>
 * </ul>
 * Breakers open after three failures in a row and stay open 30 s of the (movable) clock; a
 * silence of a second is a read timeout. Every test starts with empty scripts and closed
 * breakers.
 */
public abstract class RemoteIT extends EnclaveIT {

	public static final ScriptedUpstream SOLO = ScriptedUpstream.start("scripted/solo", "scripted/embed");

	public static final ScriptedUpstream PRIMARY = ScriptedUpstream.start("scripted/pair");

	public static final ScriptedUpstream SECONDARY = ScriptedUpstream.start("scripted/pair");

	public static final ScriptedUpstream FLAKY = ScriptedUpstream.start("scripted/flaky");

	/** The key Enclave sends {@link #SOLO}; it must never appear in a log or a response. */
	public static final String SOLO_API_KEY = "sk-solo-upstream-key-4242";

	@Autowired
	protected MovableClock clock;

	@Autowired
	private CircuitBreakerRegistry breakers;

	@DynamicPropertySource
	static void backends(DynamicPropertyRegistry registry) {
		Path demo = DemoCheckpoint.ensure(TestDatabase.dataDir().resolve("models").resolve("demo"));
		registry.add("enclave.inference.models[0].name", () -> "demo");
		registry.add("enclave.inference.models[0].path", demo::toString);
		registry.add("enclave.inference.models[0].device", () -> "cpu");
		backend(registry, 0, "solo", SOLO, 1);
		registry.add("enclave.inference.backends[0].api-key", () -> SOLO_API_KEY);
		registry.add("enclave.inference.backends[0].models[0].name", () -> "scripted/solo");
		registry.add("enclave.inference.backends[0].models[0].tokenizer", demo::toString);
		registry.add("enclave.inference.backends[0].models[1].name", () -> "scripted/embed");
		registry.add("enclave.inference.backends[0].models[1].kind", () -> "embedding");
		backend(registry, 1, "primary", PRIMARY, 10);
		registry.add("enclave.inference.backends[1].models[0].name", () -> "scripted/pair");
		registry.add("enclave.inference.backends[1].models[0].aliases[0]", () -> "pair");
		backend(registry, 2, "secondary", SECONDARY, 1);
		registry.add("enclave.inference.backends[2].models[0].name", () -> "scripted/pair");
		registry.add("enclave.inference.backends[2].models[0].aliases[0]", () -> "pair");
		backend(registry, 3, "flaky", FLAKY, 1);
		registry.add("enclave.inference.backends[3].models[0].name", () -> "scripted/flaky");
		registry.add("enclave.inference.upstream.health-interval", () -> "250ms");
		registry.add("enclave.inference.upstream.breaker.sliding-window", () -> "3");
		registry.add("enclave.inference.upstream.breaker.minimum-calls", () -> "3");
		registry.add("enclave.inference.upstream.breaker.failure-rate-threshold", () -> "100");
		registry.add("enclave.inference.upstream.breaker.open-duration", () -> "30s");
		registry.add("enclave.inference.upstream.breaker.half-open-calls", () -> "1");
	}

	private static void backend(DynamicPropertyRegistry registry, int index, String name, ScriptedUpstream server,
			int weight) {
		String prefix = "enclave.inference.backends[" + index + "].";
		registry.add(prefix + "name", () -> name);
		registry.add(prefix + "base-url", server::baseUrl);
		registry.add(prefix + "weight", () -> weight);
		registry.add(prefix + "read-timeout", () -> ScriptedUpstream.READ_TIMEOUT.toString());
		registry.add(prefix + "connect-timeout", () -> Duration.ofSeconds(1).toString());
		registry.add(prefix + "max-concurrency", () -> "4");
	}

	@BeforeEach
	void freshServers() {
		for (ScriptedUpstream server : new ScriptedUpstream[] { SOLO, PRIMARY, SECONDARY, FLAKY }) {
			server.reset();
		}
		SOLO.listing("scripted/solo", "scripted/embed");
		this.breakers.getAllCircuitBreakers().forEach((breaker) -> breaker.transitionToClosedState());
	}

	/** Chat completions through Enclave, as an API client sends them. */
	protected ChatCompletionsClient completions() {
		return new ChatCompletionsClient(http());
	}

}

package dev.enclave.inference.internal.remote;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.enclave.support.ScriptedUpstream;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request made on one of the web server's event loops reaches the model server over a
 * connection on that same loop, so the answer comes back on the thread that asked: no
 * hand-over between threads. A request made anywhere else goes through the shared client.
 */
class BackendLoopAffinityTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ScriptedUpstream upstream = ScriptedUpstream.start("m");

	private final LoopResources serverLoops = LoopResources.create("test-server", 2, true);

	private final LoopResources clientLoops = LoopResources.create("test-upstream", 1, true);

	private final Backend backend = new Backend(
			new BackendSettings("scripted", "openai", URI.create(this.upstream.baseUrl()), null, null,
					List.of(new BackendSettings.ModelSettings("m", List.of(), "chat", null, 0)), 1,
					Duration.ofSeconds(2), Duration.ofSeconds(10), 8),
			new UpstreamSettings(Duration.ofSeconds(10), Duration.ofSeconds(3), Duration.ofSeconds(4),
					Duration.ofSeconds(5), DataSize.ofMegabytes(1),
					new UpstreamSettings.Breaker(50, 4, 2, Duration.ofSeconds(30), 1)),
			this.clientLoops, loops(this.serverLoops), CircuitBreakerRegistry.ofDefaults(),
			BulkheadRegistry.ofDefaults(), JSON, Clock.systemUTC(), ObservationRegistry.NOOP);

	@AfterEach
	void close() {
		this.backend.close();
		this.upstream.close();
		this.serverLoops.disposeLater().block(Duration.ofSeconds(5));
		this.clientLoops.disposeLater().block(Duration.ofSeconds(5));
	}

	@Test
	void eachServerLoopsRequestsAreAnsweredOnThatLoop() throws Exception {
		for (EventLoop loop : loops(this.serverLoops)) {
			String loopThread = loop.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
			for (int request = 0; request < 3; request++) {
				CompletableFuture<List<String>> threads = new CompletableFuture<>();
				loop.execute(() -> chunkThreads(threads));
				assertThat(threads.get(10, TimeUnit.SECONDS)).as("threads of the chunks").hasSize(5)
					.containsOnly(loopThread);
			}
		}
		assertThat(this.upstream.requests("/v1/chat/completions")).hasSize(6);
	}

	@Test
	void aRequestMadeOffTheServersLoopsGoesThroughTheSharedClient() throws Exception {
		CompletableFuture<List<String>> threads = new CompletableFuture<>();
		chunkThreads(threads);
		assertThat(threads.get(10, TimeUnit.SECONDS)).hasSize(5)
			.allSatisfy((thread) -> assertThat(thread).startsWith("test-upstream"));
	}

	/** Streams one scripted answer (role, two pieces, finish, usage) and notes each chunk's thread. */
	private void chunkThreads(CompletableFuture<List<String>> threads) {
		this.upstream.chat(ScriptedUpstream.Reply.text("Hello", " there"));
		ObjectNode body = JSON.createObjectNode().put("model", "m").put("stream", true);
		List<String> seen = new ArrayList<>();
		this.backend.streamChat(body)
			.doOnNext((chunk) -> seen.add(Thread.currentThread().getName()))
			.subscribe(null, threads::completeExceptionally, () -> threads.complete(seen));
	}

	private static List<EventLoop> loops(LoopResources resources) {
		List<EventLoop> loops = new ArrayList<>();
		for (EventExecutor loop : resources.onServer(LoopResources.DEFAULT_NATIVE)) {
			loops.add((EventLoop) loop);
		}
		return loops;
	}

}

package dev.enclave.tools.internal.http;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * A Reactor Netty client held to an {@link EgressPolicy}, for everything a tool connects to
 * over HTTP (declarative HTTP tools, MCP servers): it connects only to addresses the policy
 * admits for the host, checked on the resolved address ({@link GuardedResolverGroup}), goes
 * through no proxy, follows no redirect by itself and retries nothing (a retried POST could
 * act twice). Timeouts for responses are the caller's: an MCP event stream is silent for long.
 */
public final class EgressHttpClient implements AutoCloseable {

	/**
	 * Loops of its own: Reactor Netty's global ones belong to whichever application context
	 * closes them first. Two are plenty for tool traffic, which is light.
	 */
	private final LoopResources loops;

	/** Where blocking DNS lookups run: bounded, so a slow resolver cannot take more threads. */
	private final Scheduler lookups;

	private final ConnectionProvider pool;

	private final HttpClient client;

	/**
	 * @param name names the threads ({@code name}, {@code name-dns}) and the pool
	 * @param policy where it may connect
	 * @param hosts how host names are resolved for the egress check
	 * @param maxConnections the pool's size
	 */
	public EgressHttpClient(String name, EgressPolicy policy, HostResolver hosts, int maxConnections) {
		this.loops = LoopResources.create(name, 2, true);
		this.lookups = Schedulers.newBoundedElastic(4, 256, name + "-dns", 60, true);
		this.pool = ConnectionProvider.builder(name)
			.maxConnections(maxConnections)
			.maxIdleTime(Duration.ofSeconds(4))
			.evictInBackground(Duration.ofSeconds(4))
			.build();
		this.client = HttpClient.create(this.pool)
			.runOn(this.loops)
			.resolver(new GuardedResolverGroup(policy, hosts, this.lookups))
			// A proxy would resolve the name itself, past the egress check.
			.noProxy()
			.followRedirect(false)
			.disableRetry(true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) policy.connectTimeout().toMillis());
	}

	/** The client; derive from it ({@code responseTimeout}, headers) without losing the guard. */
	public HttpClient client() {
		return this.client;
	}

	@Override
	public void close() {
		this.pool.disposeLater().subscribe();
		this.loops.disposeLater().subscribe();
		this.lookups.dispose();
	}

}

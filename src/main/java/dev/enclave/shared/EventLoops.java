package dev.enclave.shared;

import org.jspecify.annotations.Nullable;
import reactor.netty.resources.LoopResources;

/**
 * How many event-loop threads a group of Netty connections gets: one per CPU the JVM may use
 * (a container's CPU limit included), or Reactor Netty's own {@code reactor.netty.ioWorkerCount}
 * system property where an operator set it.
 *
 * <p>Reactor Netty's default is never fewer than four. On the two CPUs of a small node that is
 * four server loops and four model-server loops taking turns on two cores: every chunk that
 * crosses from a model server's connection to a client's wakes another thread, and fewer
 * writes are gathered into one system call. Measured side by side on two cores under the
 * gateway-overhead load, one loop per CPU used 0.91× the CPU per request and 0.88× the write
 * system calls (see docs/benchmarks.md).
 */
public final class EventLoops {

	/** Reactor Netty's system property for the number of event-loop threads. */
	public static final String THREADS_PROPERTY = "reactor.netty.ioWorkerCount";

	private EventLoops() {
	}

	/** One per available CPU, unless {@value #THREADS_PROPERTY} says otherwise (at least one). */
	public static int threads() {
		return threads(System.getProperty(THREADS_PROPERTY), Runtime.getRuntime().availableProcessors());
	}

	static int threads(@Nullable String configured, int cpus) {
		int threads = cpus;
		if (configured != null) {
			try {
				threads = Integer.parseInt(configured.strip());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number, not '" + configured + "'");
			}
		}
		return Math.max(1, threads);
	}

	/** Daemon event loops named {@code prefix}, {@link #threads()} of them. */
	public static LoopResources create(String prefix) {
		return LoopResources.create(prefix, threads(), true);
	}

}

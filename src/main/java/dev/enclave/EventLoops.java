package dev.enclave;

import reactor.netty.ReactorNetty;

/**
 * How many Netty event loops serve HTTP: one per CPU the JVM may use, unless the operator chose
 * with {@code -Dreactor.netty.ioWorkerCount}.
 * <p>
 * Reactor Netty's own default is at least four loops, so that code which blocks a loop stalls
 * fewer connections. Enclave never blocks an event loop (blocking work runs on named, bounded
 * schedulers), so loops beyond the CPUs only add context switches: on two cores, two loops
 * instead of four served 1.06x the requests at 0.91x the CPU per request (docs/benchmarks.md).
 * The JVM counts CPUs within a container's limit, so the Helm chart's CPU limit decides.
 */
final class EventLoops {

	static final String PROPERTY = ReactorNetty.IO_WORKER_COUNT;

	private EventLoops() {
	}

	/** Sets the loop count before anything creates Reactor Netty's shared loops. */
	static void onePerProcessor() {
		System.setProperty(PROPERTY, count(System.getProperty(PROPERTY), Runtime.getRuntime().availableProcessors()));
	}

	/** The operator's choice when there is one, else one loop per processor (at least one). */
	static String count(String configured, int processors) {
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		return Integer.toString(Math.max(1, processors));
	}

}

package dev.enclave.shared;

import java.time.Duration;
import java.util.function.Supplier;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * The one way a reactive job runs on a schedule: one pass at a time, and a tick that comes
 * while a pass still runs is skipped, not queued. Without the skip, Reactor's interval fails
 * with an {@code OverflowException} the first time a pass outlasts the period, which ends the
 * schedule for good: under load, the usage ledger's one-second flush did, and every later
 * usage row was written by its own request.
 */
public final class Periodic {

	private Periodic() {
	}

	/**
	 * The passes of {@code pass}, the first after {@code first}, then every {@code period} on
	 * {@code timer}, until the subscription is disposed. A pass that fails ends the schedule:
	 * callers recover inside the pass when the next tick should retry.
	 */
	public static <T> Flux<T> every(Duration first, Duration period, Scheduler timer,
			Supplier<? extends Publisher<T>> pass) {
		return Flux.interval(first, period, timer).onBackpressureDrop().concatMap((tick) -> pass.get(), 0);
	}

}

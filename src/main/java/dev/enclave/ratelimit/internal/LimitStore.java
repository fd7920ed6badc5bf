package dev.enclave.ratelimit.internal;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/** The limit store in use, with the scheduler its blocking calls run on and what closes it. */
record LimitStore(Limiter limiter, @Nullable Runnable closer, Scheduler scheduler) implements AutoCloseable {

	@Override
	public void close() {
		if (this.closer != null) {
			this.closer.run();
		}
		this.scheduler.dispose();
	}

}

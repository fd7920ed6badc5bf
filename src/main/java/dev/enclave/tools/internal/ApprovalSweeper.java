package dev.enclave.tools.internal;

import java.util.concurrent.atomic.AtomicLong;

import dev.enclave.observability.EnclaveMeter;
import dev.enclave.shared.Periodic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;

/**
 * Expires calls nobody decided in time, and keeps the {@code enclave_tool_approvals_pending}
 * gauge (every tenant together, no labels) up to date. Every replica sweeps: an expiry is a
 * conditional update, so two sweeps never expire a call twice.
 */
final class ApprovalSweeper implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(ApprovalSweeper.class);

	private final ApprovalQueue queue;

	private final SealedToolAudit audit;

	private final ApprovalSettings settings;

	private final AtomicLong pending = new AtomicLong();

	private final Scheduler scheduler = Schedulers.newSingle("tool-approvals", true);

	private volatile @Nullable Disposable schedule;

	ApprovalSweeper(ApprovalQueue queue, SealedToolAudit audit, ApprovalSettings settings, MeterRegistry meters) {
		this.queue = queue;
		this.audit = audit;
		this.settings = settings;
		Gauge.builder(EnclaveMeter.TOOL_APPROVALS_PENDING.getName(), this.pending, AtomicLong::get)
			.description("Tool calls waiting for a person's approval")
			.register(meters);
	}

	/** One sweep: expire what is due, then count what still waits. */
	Mono<Long> sweep() {
		return this.queue.expireDue(this.settings.sweepBatch())
			.flatMap((expired) -> this.audit.countPending().doOnNext(this.pending::set).thenReturn(expired));
	}

	@Override
	public void start() {
		this.schedule = Periodic
			.every(this.settings.sweepInterval().dividedBy(10), this.settings.sweepInterval(), this.scheduler,
					() -> sweep().onErrorResume((ex) -> {
						log.warn("Expiring tool approvals failed; the next sweep retries: {}",
								ex.getClass().getSimpleName());
						return Mono.empty();
					}))
			.subscribe((expired) -> {
				if (expired > 0) {
					log.info("Expired {} tool calls that nobody approved in time", expired);
				}
			});
	}

	@Override
	public void stop() {
		Disposable current = this.schedule;
		if (current != null) {
			current.dispose();
		}
		this.scheduler.dispose();
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.schedule;
		return current != null && !current.isDisposed();
	}

}

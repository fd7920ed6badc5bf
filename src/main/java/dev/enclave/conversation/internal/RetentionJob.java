package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Duration;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.shared.Periodic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Erases conversations past their tenant's retention (and finishes deletes that were
 * interrupted) by crypto-shredding them, in batches. Every replica runs it; a transaction-
 * scoped PostgreSQL advisory lock lets one pass run at a time across all of them, and
 * {@code FOR UPDATE SKIP LOCKED} keeps even overlapping passes off each other's rows. Each
 * erasure is idempotent (a destroyed key stays destroyed), so a pass that dies half way is
 * simply finished by the next.
 */
final class RetentionJob implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

	/** The advisory lock's key: an arbitrary constant of this job ("ENCLRETN"). */
	private static final long LOCK = 0x454E434C5245544EL;

	private final RetentionStore store;

	private final ConversationService conversations;

	private final AuditLog audit;

	private final TransactionalOperator tx;

	private final Clock clock;

	private final ConversationSettings settings;

	private volatile Disposable schedule;

	RetentionJob(RetentionStore store, ConversationService conversations, AuditLog audit, TransactionalOperator tx,
			Clock clock, ConversationSettings settings) {
		this.store = store;
		this.conversations = conversations;
		this.audit = audit;
		this.tx = tx;
		this.clock = clock;
		this.settings = settings;
	}

	/**
	 * One pass: erases up to a batch of due conversations.
	 * @return how many were erased; 0 also when another replica holds the lock
	 */
	Mono<Long> runOnce() {
		return this.store.tryLock(LOCK)
			.flatMapMany((locked) -> locked ? this.store.due(this.clock.instant(), this.settings.retentionBatchSize())
					: Flux.empty())
			.concatMap((due) -> this.conversations.erase(due.tenant(), due.id())
				.then(due.deleting() ? Mono.empty()
						: this.audit.record(new AuditEvent(due.tenant(), AuditEvent.SYSTEM, "conversation_expired",
								due.id().toString())))
				.thenReturn(due))
			.count()
			.as(this.tx::transactional);
	}

	@Override
	public void start() {
		Duration every = this.settings.retentionInterval();
		this.schedule = Periodic
			.every(every, every, Schedulers.boundedElastic(), () -> runOnce().onErrorResume((ex) -> {
				log.warn("Retention pass failed; the next pass retries: {}", ex.toString());
				return Mono.empty();
			}))
			.subscribe((erased) -> {
				if (erased > 0) {
					log.info("Retention erased {} conversations", erased);
				}
			});
	}

	@Override
	public void stop() {
		Disposable current = this.schedule;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.schedule;
		return current != null && !current.isDisposed();
	}

}

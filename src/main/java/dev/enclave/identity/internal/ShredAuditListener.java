package dev.enclave.identity.internal;

import java.time.Duration;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.privacy.ConversationKeyShredded;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Writes a crypto-shred into the tenant's audit log: actor {@code system}, action
 * {@code conversation_shredded}, the conversation id as target, nothing else.
 *
 * <p>Privacy publishes the event synchronously from a worker thread before
 * {@code shred()} completes, so here the insert is awaited: when a shred returns, its audit
 * row exists, and no crash between the two can lose it. Should the event ever come on a
 * non-blocking thread (an event loop), the insert is subscribed instead, never blocked on.
 *
 * <p>A failed insert is logged, by ids only, and not thrown: the key is destroyed either way,
 * and failing the erasure would not bring the row back, because shredding again publishes
 * nothing. Spring Modulith's event publication registry would retry it, but it needs a
 * JDBC transaction around the publisher and a table of its own, and the shred runs on R2DBC
 * outside any such transaction; that is more machinery than one audit row warrants.
 */
@Component
class ShredAuditListener {

	private static final String ACTION = "conversation_shredded";

	private static final Duration WRITE_LIMIT = Duration.ofSeconds(10);

	private static final Logger log = LoggerFactory.getLogger(ShredAuditListener.class);

	private final AuditLog audit;

	ShredAuditListener(AuditLog audit) {
		this.audit = audit;
	}

	@EventListener
	void on(ConversationKeyShredded shredded) {
		Mono<Void> write = this.audit
			.record(new AuditEvent(shredded.tenant(), AuditEvent.SYSTEM, ACTION, shredded.conversation().toString()))
			.timeout(WRITE_LIMIT)
			.doOnError((ex) -> log.atError()
				.setCause(ex)
				.addKeyValue("tenant", shredded.tenant())
				.addKeyValue("conversation", shredded.conversation())
				.log("Could not write the audit row of a crypto-shred"))
			.onErrorComplete();
		if (Schedulers.isInNonBlockingThread()) {
			write.subscribe();
		}
		else {
			write.block();
		}
	}

}

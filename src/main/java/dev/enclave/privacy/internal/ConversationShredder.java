package dev.enclave.privacy.internal;

import java.time.Clock;

import dev.enclave.shared.ConversationId;
import dev.enclave.privacy.ConversationKeyShredded;
import dev.enclave.privacy.CryptoShredder;
import dev.enclave.privacy.EncryptedCaches;
import dev.enclave.shared.TenantId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Crypto-shredding: the wrapped key is wiped in the database first, then every copy in
 * memory (the unwrapped key, the conversation's cache entries) is dropped, then the event is
 * published. The order matters: once the database says destroyed, no replica can load the
 * key again, whatever happens to this process afterwards.
 */
final class ConversationShredder implements CryptoShredder {

	private static final Logger log = LoggerFactory.getLogger(ConversationShredder.class);

	private final DataKeyStore store;

	private final ConversationKeys keys;

	private final EncryptedCaches caches;

	private final ApplicationEventPublisher events;

	private final Clock clock;

	ConversationShredder(DataKeyStore store, ConversationKeys keys, EncryptedCaches caches,
			ApplicationEventPublisher events, Clock clock) {
		this.store = store;
		this.keys = keys;
		this.caches = caches;
		this.events = events;
		this.clock = clock;
	}

	@Override
	public Mono<ConversationKeyShredded> shred(TenantId tenant, ConversationId conversation) {
		return Mono.defer(() -> this.store.destroy(tenant, conversation, this.clock.instant()))
			.map((at) -> new Shred(new ConversationKeyShredded(tenant, conversation, at), true))
			.switchIfEmpty(Mono.defer(() -> earlierShred(tenant, conversation)))
			.doOnNext((shred) -> {
				this.keys.forget(conversation);
				this.caches.evictConversation(conversation);
			})
			.flatMap((shred) -> (shred.first()) ? publish(shred.event()) : Mono.just(shred.event()));
	}

	private Mono<Shred> earlierShred(TenantId tenant, ConversationId conversation) {
		return this.store.find(conversation).handle((row, sink) -> {
			if (!row.tenant().equals(tenant) || row.destroyedAt() == null) {
				sink.error(new IllegalArgumentException("Conversation " + conversation + " belongs to another tenant"));
				return;
			}
			sink.next(new Shred(new ConversationKeyShredded(tenant, conversation, row.destroyedAt()), false));
		});
	}

	/**
	 * Listeners run on a worker thread, not the database driver's event loop, because the
	 * audit log's listener writes to the database and may block.
	 */
	private Mono<ConversationKeyShredded> publish(ConversationKeyShredded event) {
		return Mono.fromCallable(() -> {
			log.atInfo()
				.addKeyValue("tenant", event.tenant())
				.addKeyValue("conversation", event.conversation())
				.log("Shredded the data key of a conversation");
			this.events.publishEvent(event);
			return event;
		}).subscribeOn(Schedulers.boundedElastic());
	}

	private record Shred(ConversationKeyShredded event, boolean first) {
	}

}

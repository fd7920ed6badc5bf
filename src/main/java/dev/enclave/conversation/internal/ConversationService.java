package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.ModelPolicy;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.gateway.PositionCursor;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import dev.enclave.privacy.BlindIndex;
import dev.enclave.privacy.CryptoShredder;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.SearchTerms;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * A user's conversations as a library: create, list and search, read, rename and erase.
 * Turns and feedback have their own services.
 */
final class ConversationService {

	private final ConversationStore conversations;

	private final MessageStore messages;

	private final SealedContent content;

	private final BlindIndex index;

	private final CryptoShredder shredder;

	private final AuditLog audit;

	private final ModelPolicy models;

	private final TransactionalOperator tx;

	private final Clock clock;

	ConversationService(ConversationStore conversations, MessageStore messages, SealedContent content,
			BlindIndex index, CryptoShredder shredder, AuditLog audit, ModelPolicy models, TransactionalOperator tx,
			Clock clock) {
		this.conversations = conversations;
		this.messages = messages;
		this.content = content;
		this.index = index;
		this.shredder = shredder;
		this.audit = audit;
		this.models = models;
		this.tx = tx;
		this.clock = clock;
	}

	Mono<Views.Conversation> create(Principal caller, @Nullable String title, @Nullable String model,
			@Nullable String systemPrompt) {
		return Mono.fromCallable(() -> this.models.resolve(model)).flatMap((resolved) -> {
			Instant now = now(this.clock);
			ConversationRow row = new ConversationRow(ConversationId.random(), caller.tenantId(), caller.subjectId(), null,
					null, resolved, now, now, null);
			return this.conversations.insert(row)
				.then(Mono.zip(seal(row, SealedContent.TITLE, title), seal(row, SealedContent.SYSTEM_PROMPT, systemPrompt)))
				.flatMap((sealed) -> this.conversations.setContent(row.id(), sealed.getT1().orElse(null),
						sealed.getT2().orElse(null)))
				.then(indexTitle(row, title))
				.as(this.tx::transactional)
				.then(Mono.defer(() -> owned(Owner.of(caller), row.id())))
				.flatMap(this.content::view);
		});
	}

	Mono<Page<Views.Conversation>> list(Principal caller, @Nullable String cursor, int limit, @Nullable String query) {
		PageCursor after = PageCursor.decode(cursor);
		Mono<List<byte[]>> terms = Mono.just(List.of());
		if (query != null && !query.isBlank()) {
			Set<String> words = SearchTerms.of(query);
			if (words.isEmpty()) {
				return Mono.error(ApiException.invalidParam("q", "has no letters or digits to search for"));
			}
			terms = this.index.digests(caller.tenantId(), words);
		}
		// An erased conversation restored from an old copy of the database cannot be shown: it
		// is left out of the page, but still counts for where the next page starts.
		return terms.flatMapMany((digests) -> this.conversations.page(Owner.of(caller), after, digests, limit + 1))
			.concatMap((row) -> this.content.view(row)
				.map(Optional::of)
				.onErrorResume(SealedContent::isErased, (erased) -> Mono.just(Optional.empty()))
				.map((view) -> new Listed(row, view)))
			.collectList()
			.map((rows) -> Page.of(rows, limit, (listed) -> new PageCursor(listed.row().createdAt(), listed.row().uuid())))
			.map((page) -> new Page<>(page.data().stream().flatMap((listed) -> listed.view().stream()).toList(),
					page.nextCursor()));
	}

	Mono<Views.ConversationWithMessages> get(Principal caller, ConversationId id, @Nullable String cursor, int limit) {
		long afterSeq = PositionCursor.after(cursor);
		return owned(Owner.of(caller), id).flatMap((row) -> this.content.view(row)
			.zipWith(this.messages.page(id, afterSeq, limit + 1)
				.concatMap((message) -> this.content.open(row.tenant(), message))
				.collectList())
			.map((both) -> {
				List<ConversationMessage> page = both.getT2();
				String next = null;
				if (page.size() > limit) {
					page = List.copyOf(page.subList(0, limit));
					next = new PositionCursor(page.get(limit - 1).seq()).encode();
				}
				Views.Conversation conversation = both.getT1();
				return new Views.ConversationWithMessages(conversation.id(), conversation.title(), conversation.model(),
						conversation.systemPrompt(), conversation.createdAt(), conversation.updatedAt(),
						conversation.retentionUntil(), page, next);
			}));
	}

	Mono<Views.Conversation> rename(Principal caller, ConversationId id, @Nullable String title) {
		Owner owner = Owner.of(caller);
		return owned(owner, id).flatMap((row) -> seal(row, SealedContent.TITLE, title)
			.flatMap((sealed) -> this.conversations.rename(owner, id, sealed.orElse(null), now(this.clock))
				.then(indexTitle(row, title))
				.as(this.tx::transactional)))
			.then(Mono.defer(() -> owned(owner, id)))
			.flatMap(this.content::view);
	}

	/** Erases a conversation: marks it, destroys its key, then removes its rows. Audited. */
	Mono<Void> delete(Principal caller, ConversationId id) {
		return this.conversations.markDeleting(Owner.of(caller), id)
			.flatMap((marked) -> marked ? Mono.<Void>empty() : Mono.error(ApiException.notFound("Conversation")))
			.then(erase(caller.tenantId(), id))
			.then(this.audit.record(AuditEvent.by(caller, "conversation_deleted", id.toString())));
	}

	/**
	 * Destroys the conversation's key, then deletes its rows. Idempotent: a crash in between
	 * leaves the row marked or past retention, and the retention job finishes the job.
	 */
	Mono<Void> erase(TenantId tenant, ConversationId id) {
		return this.shredder.shred(tenant, id).then(this.conversations.delete(id));
	}

	/** The caller's conversation, or {@code not_found}. */
	Mono<ConversationRow> owned(Owner owner, ConversationId id) {
		return this.conversations.find(owner, id).switchIfEmpty(Mono.error(() -> ApiException.notFound("Conversation")));
	}

	private Mono<Optional<byte[]>> seal(ConversationRow row, String field, @Nullable String plaintext) {
		return this.content.seal(row.tenant(), row.id(), row.uuid(), field, plaintext);
	}

	private Mono<Void> indexTitle(ConversationRow row, @Nullable String title) {
		Set<String> terms = (title != null) ? SearchTerms.of(title) : Set.of();
		return this.index.digests(row.tenant(), terms)
			.flatMap((digests) -> this.conversations.replaceTitleTerms(row.id(), digests));
	}

	/** Microseconds, as PostgreSQL keeps them, so cursors built from a response match the rows. */
	static Instant now(Clock clock) {
		return clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

	/** A row of a listed page, and its view unless it was erased. */
	private record Listed(ConversationRow row, Optional<Views.Conversation> view) {
	}

}

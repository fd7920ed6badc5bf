package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.conversation.ModelPolicy;
import dev.enclave.conversation.Turn;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Principal;
import dev.enclave.privacy.BlindIndex;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.privacy.CryptoShredder;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Conversations and their messages: ownership, sealing, turns, search and erasure. Content
 * is sealed before it reaches {@link ConversationStore} and opened after it leaves it, each
 * piece bound to its tenant, conversation, row and field.
 */
final class ConversationService implements Conversations {

	private static final Logger log = LoggerFactory.getLogger(ConversationService.class);

	static final String TITLE = "title";

	static final String SYSTEM_PROMPT = "system_prompt";

	static final String CONTENT = "content";

	static final String FEEDBACK_COMMENT = "feedback_comment";

	private final ConversationStore store;

	private final ContentCipher cipher;

	private final BlindIndex index;

	private final CryptoShredder shredder;

	private final UsageLedger usage;

	private final AuditLog audit;

	private final ModelPolicy models;

	private final TransactionalOperator tx;

	private final Clock clock;

	private final ConversationSettings settings;

	ConversationService(ConversationStore store, ContentCipher cipher, BlindIndex index, CryptoShredder shredder,
			UsageLedger usage, AuditLog audit, ModelPolicy models, TransactionalOperator tx, Clock clock,
			ConversationSettings settings) {
		this.store = store;
		this.cipher = cipher;
		this.index = index;
		this.shredder = shredder;
		this.usage = usage;
		this.audit = audit;
		this.models = models;
		this.tx = tx;
		this.clock = clock;
		this.settings = settings;
	}

	// --- conversations -------------------------------------------------------------------

	Mono<Views.Conversation> create(Principal caller, @Nullable String title, @Nullable String model,
			@Nullable String systemPrompt) {
		return Mono.fromCallable(() -> this.models.resolve(model)).flatMap((resolved) -> {
			Instant now = now();
			ConversationRow row = new ConversationRow(ConversationId.random(), caller.tenantId(), caller.subjectId(), null,
					null, resolved, now, now, null);
			return this.store.insert(row)
				.then(writeContent(row, title, systemPrompt))
				.as(this.tx::transactional)
				.then(Mono.defer(() -> this.store.find(caller.tenantId(), caller.subjectId(), row.id())))
				.flatMap(this::view);
		});
	}

	Mono<Page<Views.Conversation>> list(Principal caller, @Nullable String cursor, int limit, @Nullable String query) {
		PageCursor after = PageCursor.decode(cursor);
		Mono<List<byte[]>> terms = Mono.just(List.of());
		if (query != null && !query.isBlank()) {
			Set<String> words = TitleTerms.of(query);
			if (words.isEmpty()) {
				return Mono.error(ApiException.invalidParam("q", "has no letters or digits to search for"));
			}
			terms = this.index.digests(caller.tenantId(), words);
		}
		return terms
			.flatMapMany((digests) -> this.store.page(caller.tenantId(), caller.subjectId(), after, digests, limit + 1))
			.concatMap(this::view)
			.collectList()
			.map((rows) -> Page.of(rows, limit, (view) -> new PageCursor(view.createdAt(), view.id())));
	}

	Mono<Views.ConversationWithMessages> get(Principal caller, ConversationId id, @Nullable String cursor, int limit) {
		int afterSeq = SeqCursor.decode(cursor);
		return owned(caller, id).flatMap((row) -> view(row).zipWith(this.store.messages(id, afterSeq, limit + 1)
			.concatMap((message) -> open(row.tenant(), message))
			.collectList()).map((both) -> {
				List<ConversationMessage> messages = both.getT2();
				String next = null;
				if (messages.size() > limit) {
					messages = List.copyOf(messages.subList(0, limit));
					next = SeqCursor.encode(messages.get(limit - 1).seq());
				}
				Views.Conversation conversation = both.getT1();
				return new Views.ConversationWithMessages(conversation.id(), conversation.title(), conversation.model(),
						conversation.systemPrompt(), conversation.createdAt(), conversation.updatedAt(),
						conversation.retentionUntil(), messages, next);
			}));
	}

	Mono<Views.Conversation> rename(Principal caller, ConversationId id, @Nullable String title) {
		return owned(caller, id).flatMap((row) -> seal(row, row.uuid(), TITLE, title)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((sealed) -> this.store
				.rename(caller.tenantId(), caller.subjectId(), id, sealed.orElse(null), now())
				.then(indexTitle(row, title))
				.as(this.tx::transactional)))
			.then(Mono.defer(() -> owned(caller, id)))
			.flatMap(this::view);
	}

	/** Erases a conversation: marks it, destroys its key, then removes its rows. Audited. */
	Mono<Void> delete(Principal caller, ConversationId id) {
		return this.store.markDeleting(caller.tenantId(), caller.subjectId(), id)
			.flatMap((marked) -> marked ? Mono.<Void>empty() : Mono.error(ApiException.notFound("Conversation")))
			.then(erase(caller.tenantId(), id))
			.then(this.audit.record(AuditEvent.by(caller, "conversation_deleted", id.toString())));
	}

	/**
	 * Destroys the conversation's key, then deletes its rows. Idempotent: a crash in between
	 * leaves the row marked or past retention, and the retention job finishes the job.
	 */
	Mono<Void> erase(TenantId tenant, ConversationId id) {
		return this.shredder.shred(tenant, id).then(this.store.delete(id));
	}

	Mono<Views.Feedback> feedback(Principal caller, UUID messageId, String rating, @Nullable String comment) {
		return this.store.message(caller.tenantId(), caller.subjectId(), messageId)
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("Message")))
			.flatMap((message) -> {
				if (message.role() != MessageRole.ASSISTANT) {
					return Mono.error(ApiException.invalidParam("id", "Only the assistant's answers can be rated"));
				}
				ContentRef ref = new ContentRef(caller.tenantId(), new ConversationId(message.conversation()), messageId,
						FEEDBACK_COMMENT);
				Instant now = now();
				Mono<byte @Nullable []> sealed = (comment != null) ? this.cipher.seal(ref, comment) : Mono.empty();
				return sealed.map(Optional::of)
					.defaultIfEmpty(Optional.empty())
					.flatMap((bytes) -> this.store.upsertFeedback(messageId, caller.subjectId(), rating,
							bytes.orElse(null), now))
					.thenReturn(new Views.Feedback(messageId, rating, comment, now));
			});
	}

	// --- turns ---------------------------------------------------------------------------

	@Override
	public Mono<Turn> beginTurn(Principal caller, ConversationId id, String content) {
		Instant now = now();
		Instant stale = now.minus(this.settings.turnLockTimeout());
		return this.store.lockTurn(caller.tenantId(), caller.subjectId(), id, now, stale)
			.flatMap((locked) -> locked ? owned(caller, id)
					: owned(caller, id).then(Mono.error(() -> new ApiException(ErrorCode.CONFLICT,
							"Another turn is still being answered in this conversation; wait for it to finish"))))
			.flatMap((row) -> {
				UUID messageId = UUID.randomUUID();
				return seal(row, messageId, CONTENT, content)
					.flatMap((sealed) -> this.store.append(new MessageRow(messageId, row.uuid(), 0, MessageRole.USER, sealed,
							MessageStatus.COMPLETE, null, null, null, null, null, null, now)))
					.flatMap((seq) -> history(row).map((history) -> new Turn(caller, id,
							new ConversationMessage(messageId, seq, MessageRole.USER, content, MessageStatus.COMPLETE, null,
									null, null, null, null, null, now),
							UUID.randomUUID(), row.model(), null, history, now)))
					.flatMap((turn) -> (row.systemPrompt() == null) ? Mono.just(turn)
							: this.cipher.open(ref(row, row.uuid(), SYSTEM_PROMPT), row.systemPrompt())
								.map((system) -> new Turn(turn.caller(), turn.conversation(), turn.userMessage(),
										turn.answerId(), turn.model(), system, turn.history(), turn.startedAt())))
					// Whatever fails after the lock was taken must not leave it held.
					.onErrorResume((ex) -> this.store.unlockTurn(caller.tenantId(), id, now, now()).then(Mono.error(ex)));
			});
	}

	@Override
	public Mono<ConversationMessage> endTurn(Turn turn, TurnOutcome outcome) {
		Principal caller = turn.caller();
		Instant now = now();
		UsageRecord usage = outcome.usage();
		ContentRef ref = new ContentRef(caller.tenantId(), turn.conversation(), turn.answerId(), CONTENT);
		return this.cipher.seal(ref, outcome.content())
			.flatMap((sealed) -> this.store.append(new MessageRow(turn.answerId(), turn.conversation().value(), 0,
					MessageRole.ASSISTANT, sealed, outcome.status(), usage.promptTokens(), usage.completionTokens(),
					usage.model(), usage.finishReason(), usage.latencyMs(), outcome.ttftMs(), now)))
			.map((seq) -> new ConversationMessage(turn.answerId(), seq, MessageRole.ASSISTANT, outcome.content(),
					outcome.status(), usage.promptTokens(), usage.completionTokens(), usage.model(), usage.finishReason(),
					usage.latencyMs(), outcome.ttftMs(), now))
			.flatMap((stored) -> this.usage.record(caller, usage).thenReturn(stored))
			.doFinally((signal) -> this.store.unlockTurn(caller.tenantId(), turn.conversation(), turn.startedAt(), now())
				.subscribe(null, (ex) -> log.warn("Could not release the turn lock of conversation {}: {}",
						turn.conversation(), ex.toString())));
	}

	@Override
	public Mono<ConversationId> storeExchange(Principal owner, List<ExchangeMessage> messages, ExchangeMessage answer,
			UsageRecord usage) {
		Instant now = now();
		ConversationRow row = new ConversationRow(ConversationId.random(), owner.tenantId(), owner.subjectId(), null, null,
				usage.model(), now, now, null);
		return this.store.insert(row)
			.thenMany(Flux.fromIterable(messages).concatMap((message) -> appendSealed(row, message, null, now)))
			.then(appendSealed(row, answer, usage, now))
			.as(this.tx::transactional)
			.thenReturn(row.id());
	}

	private Mono<Integer> appendSealed(ConversationRow row, ExchangeMessage message, @Nullable UsageRecord usage,
			Instant now) {
		UUID id = UUID.randomUUID();
		return seal(row, id, CONTENT, message.content())
			.flatMap((sealed) -> this.store.append(new MessageRow(id, row.uuid(), 0, message.role(), sealed,
					(usage != null) ? statusOf(usage.finishReason()) : MessageStatus.COMPLETE, (usage != null) ? usage.promptTokens() : null,
					(usage != null) ? usage.completionTokens() : null, (usage != null) ? usage.model() : null,
					(usage != null) ? usage.finishReason() : null, (usage != null) ? usage.latencyMs() : null, null,
					now)));
	}

	/** An answer cut off by its client is partial, one the engine failed is failed. */
	private static MessageStatus statusOf(@Nullable String finishReason) {
		if ("cancelled".equals(finishReason)) {
			return MessageStatus.PARTIAL;
		}
		return "error".equals(finishReason) ? MessageStatus.FAILED : MessageStatus.COMPLETE;
	}

	/** The history a prompt is built from: failed answers without text are no part of it. */
	private Mono<List<ExchangeMessage>> history(ConversationRow row) {
		return this.store.lastMessages(row.id(), this.settings.maxHistoryMessages())
			.concatMap((message) -> open(row.tenant(), message))
			.filter((message) -> !(message.status() == MessageStatus.FAILED && message.content().isEmpty()))
			.map((message) -> new ExchangeMessage(message.role(), message.content()))
			.collectList();
	}

	// --- helpers -------------------------------------------------------------------------

	private Mono<ConversationRow> owned(Principal caller, ConversationId id) {
		return this.store.find(caller.tenantId(), caller.subjectId(), id)
			.switchIfEmpty(Mono.error(() -> ApiException.notFound("Conversation")));
	}

	private Mono<Void> writeContent(ConversationRow row, @Nullable String title, @Nullable String systemPrompt) {
		Mono<Optional<byte[]>> sealedTitle = seal(row, row.uuid(), TITLE, title).map(Optional::of)
			.defaultIfEmpty(Optional.empty());
		Mono<Optional<byte[]>> sealedSystem = seal(row, row.uuid(), SYSTEM_PROMPT, systemPrompt)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty());
		return Mono.zip(sealedTitle, sealedSystem)
			.flatMap((both) -> this.store.setContent(row.id(), both.getT1().orElse(null), both.getT2().orElse(null)))
			.then(indexTitle(row, title));
	}

	private Mono<Void> indexTitle(ConversationRow row, @Nullable String title) {
		Set<String> terms = (title != null) ? TitleTerms.of(title) : Set.of();
		return this.index.digests(row.tenant(), terms)
			.flatMap((digests) -> this.store.replaceTitleTerms(row.id(), digests));
	}

	private Mono<byte[]> seal(ConversationRow row, UUID rowId, String field, @Nullable String plaintext) {
		return (plaintext != null) ? this.cipher.seal(ref(row, rowId, field), plaintext) : Mono.empty();
	}

	private static ContentRef ref(ConversationRow row, UUID rowId, String field) {
		return new ContentRef(row.tenant(), row.id(), rowId, field);
	}

	private Mono<Views.Conversation> view(ConversationRow row) {
		Mono<Optional<String>> title = (row.title() != null)
				? this.cipher.open(ref(row, row.uuid(), TITLE), row.title()).map(Optional::of)
				: Mono.just(Optional.empty());
		Mono<Optional<String>> system = (row.systemPrompt() != null)
				? this.cipher.open(ref(row, row.uuid(), SYSTEM_PROMPT), row.systemPrompt()).map(Optional::of)
				: Mono.just(Optional.empty());
		return Mono.zip(title, system)
			.map((both) -> new Views.Conversation(row.uuid(), both.getT1().orElse(null), row.model(),
					both.getT2().orElse(null), row.createdAt(), row.updatedAt(), row.retentionUntil()));
	}

	private Mono<ConversationMessage> open(TenantId tenant, MessageRow row) {
		return this.cipher.open(new ContentRef(tenant, new ConversationId(row.conversation()), row.id(), CONTENT),
				row.content())
			.map((content) -> new ConversationMessage(row.id(), row.seq(), row.role(), content, row.status(),
					row.promptTokens(), row.completionTokens(), row.model(), row.finishReason(), row.latencyMs(),
					row.ttftMs(), row.createdAt()));
	}

	/** Microseconds, as PostgreSQL keeps them, so cursors built from a response match the rows. */
	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MICROS);
	}

}

package dev.enclave.conversation.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageRole;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.conversation.Turn;
import dev.enclave.conversation.TurnContext;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * What the assistant writes into conversations: turns (prepared without a trace, begun
 * under the conversation's turn lock, ended once with the answer) and stored exchanges of
 * the OpenAI-compatible API. Turns never interleave: one holds the lock, and one that
 * would build on a history that has moved on since it was read is refused.
 */
final class TurnService implements Conversations {

	private static final Logger log = LoggerFactory.getLogger(TurnService.class);

	private final ConversationService library;

	private final ConversationStore conversations;

	private final MessageStore messages;

	private final SealedContent content;

	private final TransactionalOperator tx;

	private final Clock clock;

	private final ConversationSettings settings;

	TurnService(ConversationService library, ConversationStore conversations, MessageStore messages,
			SealedContent content, TransactionalOperator tx, Clock clock, ConversationSettings settings) {
		this.library = library;
		this.conversations = conversations;
		this.messages = messages;
		this.content = content;
		this.tx = tx;
		this.clock = clock;
		this.settings = settings;
	}

	@Override
	public Mono<ConversationId> requireOwned(Principal caller, ConversationId id) {
		return this.library.owned(Owner.of(caller), id).map((row) -> id);
	}

	@Override
	public Mono<TurnContext> prepareTurn(Principal caller, ConversationId id) {
		Instant stale = ConversationService.now(this.clock).minus(this.settings.turnLockTimeout());
		return this.library.owned(Owner.of(caller), id)
			.flatMap((row) -> Mono
				.zip(this.content.open(row, SealedContent.SYSTEM_PROMPT, row.systemPrompt()),
						this.messages.last(id, this.settings.maxHistoryMessages()).collectList())
				.flatMap((both) -> history(row.tenant(), both.getT2())
					.map((history) -> new TurnContext(caller, id, row.model(), both.getT1().orElse(null), history,
							both.getT2().isEmpty() ? 0 : both.getT2().get(both.getT2().size() - 1).seq()))))
			// After the content is opened: an erased conversation (410, for good) is said before a
			// turn lock (409, for now), which a copy restored from a backup may still hold.
			.flatMap((context) -> this.conversations.turnRunning(id, stale)
				.flatMap((running) -> running ? Mono.<TurnContext>error(busy()) : Mono.just(context)));
	}

	@Override
	public Mono<Turn> beginTurn(TurnContext context, List<ExchangeMessage> toolResults, @Nullable String text) {
		Principal caller = context.caller();
		ConversationId id = context.conversation();
		Owner owner = Owner.of(caller);
		Instant now = ConversationService.now(this.clock);
		return this.conversations
			.lockTurn(owner, id, context.lastSeq(), now, now.minus(this.settings.turnLockTimeout()))
			.flatMap((locked) -> locked ? Mono.just(now)
					: this.library.owned(owner, id).then(Mono.<Instant>error(busy())))
			.flatMap((startedAt) -> append(caller.tenantId(), id, toolResults, startedAt)
				.then((text == null) ? Mono.<Turn>fromSupplier(() -> new Turn(caller, id, null, UUID.randomUUID(), startedAt))
						: userMessage(caller, id, text, startedAt))
				// Whatever fails after the lock was taken must not leave it held.
				.onErrorResume((ex) -> unlock(caller.tenantId(), id, startedAt).then(Mono.error(ex))));
	}

	private Mono<Turn> userMessage(Principal caller, ConversationId id, String text, Instant startedAt) {
		UUID messageId = UUID.randomUUID();
		return this.content.sealMessage(caller.tenantId(), id, messageId, text)
			.flatMap((sealed) -> this.messages.append(new MessageRow(messageId, id.value(), 0, MessageRole.USER, sealed,
					MessageStatus.COMPLETE, null, null, null, null, null, null, startedAt, null, null)))
			.map((seq) -> new Turn(caller, id, new ConversationMessage(messageId, seq, MessageRole.USER, text,
					MessageStatus.COMPLETE, null, null, null, null, null, null, startedAt, List.of(), null),
					UUID.randomUUID(), startedAt));
	}

	/** Stores messages of an exchange in order, each sealed like any message. */
	private Mono<Void> append(TenantId tenant, ConversationId conversation, List<ExchangeMessage> sent, Instant now) {
		return Flux.fromIterable(sent).concatMap((message) -> {
			UUID messageId = UUID.randomUUID();
			return Mono
				.zip(this.content.sealMessage(tenant, conversation, messageId, message.content()),
						this.content.sealToolCalls(tenant, conversation, messageId, message.toolCalls()))
				.flatMap((sealed) -> this.messages.append(new MessageRow(messageId, conversation.value(), 0,
						message.role(), sealed.getT1(), MessageStatus.COMPLETE, null, null, null, null, null, null, now,
						sealed.getT2().orElse(null), message.toolCallId())));
		}).then();
	}

	@Override
	public Mono<ConversationMessage> endTurn(Turn turn, TurnOutcome outcome) {
		Principal caller = turn.caller();
		Instant now = ConversationService.now(this.clock);
		UsageRecord usage = outcome.usage();
		return append(caller.tenantId(), turn.conversation(), outcome.steps(), now)
			.then(sealAnswer(caller.tenantId(), turn.conversation(), turn.answerId(), outcome, now))
			.flatMap(this.messages::append)
			.map((seq) -> new ConversationMessage(turn.answerId(), seq, MessageRole.ASSISTANT, outcome.content(),
					outcome.status(), usage.promptTokens(), usage.completionTokens(), usage.model(), usage.finishReason(),
					usage.latencyMs(), outcome.ttftMs(), now, outcome.toolCalls(), null))
			// Released before the answer is handed on: a client that sends its next message as
			// soon as it has this one must find the conversation free, not busy (409) for the
			// moment the release takes. A release that fails leaves a lock that goes stale.
			.flatMap((message) -> unlock(caller.tenantId(), turn.conversation(), turn.startedAt())
				.onErrorResume((ex) -> {
					unlockFailed(turn, ex);
					return Mono.empty();
				})
				.thenReturn(message))
			.doOnError((ex) -> unlockLater(turn))
			.doOnCancel(() -> unlockLater(turn));
	}

	/** Releases the lock of a turn whose answer was not stored, without waiting for it. */
	private void unlockLater(Turn turn) {
		unlock(turn.caller().tenantId(), turn.conversation(), turn.startedAt()).subscribe(null,
				(ex) -> unlockFailed(turn, ex));
	}

	private static void unlockFailed(Turn turn, Throwable ex) {
		log.warn("Could not release the turn lock of conversation {}: {}", turn.conversation(), ex.toString());
	}

	@Override
	public Mono<ConversationId> storeExchange(Principal owner, List<ExchangeMessage> sent, TurnOutcome answer) {
		Instant now = ConversationService.now(this.clock);
		ConversationRow row = new ConversationRow(ConversationId.random(), owner.tenantId(), owner.subjectId(), null, null,
				answer.usage().model(), now, now, null);
		UUID answerId = UUID.randomUUID();
		List<ExchangeMessage> all = new java.util.ArrayList<>(sent);
		all.addAll(answer.steps());
		return this.conversations.insert(row)
			.then(append(row.tenant(), row.id(), all, now))
			.then(sealAnswer(row.tenant(), row.id(), answerId, answer, now))
			.flatMap(this.messages::append)
			.as(this.tx::transactional)
			.thenReturn(row.id());
	}

	private Mono<MessageRow> sealAnswer(TenantId tenant, ConversationId conversation, UUID id, TurnOutcome outcome,
			Instant now) {
		UsageRecord usage = outcome.usage();
		return Mono
			.zip(this.content.sealMessage(tenant, conversation, id, outcome.content()),
					this.content.sealToolCalls(tenant, conversation, id, outcome.toolCalls()))
			.map((sealed) -> new MessageRow(id, conversation.value(), 0, MessageRole.ASSISTANT, sealed.getT1(),
					outcome.status(), usage.promptTokens(), usage.completionTokens(), usage.model(),
					usage.finishReason(), usage.latencyMs(), outcome.ttftMs(), now, sealed.getT2().orElse(null), null));
	}

	/** The history a prompt is built from: failed answers without text are no part of it. */
	private Mono<List<ExchangeMessage>> history(TenantId tenant, List<MessageRow> rows) {
		return Flux.fromIterable(rows)
			.concatMap((row) -> this.content.open(tenant, row))
			.filter((message) -> !(message.status() == MessageStatus.FAILED && message.content().isEmpty()
					&& message.toolCalls().isEmpty()))
			.map((message) -> new ExchangeMessage(message.role(), message.content(), message.toolCalls(),
					message.toolCallId()))
			.collectList();
	}

	private Mono<Void> unlock(TenantId tenant, ConversationId id, Instant startedAt) {
		return this.conversations.unlockTurn(tenant, id, startedAt, ConversationService.now(this.clock));
	}

	private static ApiException busy() {
		return new ApiException(ErrorCode.CONFLICT, "Another turn is being answered in this conversation, or has just "
				+ "added to it; wait for it to finish and send again");
	}

}

package dev.enclave.assistant.internal.openai;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.enclave.conversation.UsageRecord;
import dev.enclave.shared.ConversationId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * What one completion has produced so far: the answer's text, and, once the engine is done,
 * its finish reason and token counts. When it never gets that far (the client went away,
 * the engine failed) the tally still knows how many pieces were generated, which is what
 * the usage ledger then gets. It also makes sure the completion is settled (usage recorded,
 * exchange stored) exactly once, whichever way it ends.
 */
final class CompletionTally {

	private final String model;

	private final Clock clock;

	private final long startedMillis;

	private final long created;

	private final StringBuilder text = new StringBuilder();

	private @Nullable String id;

	private boolean started;

	private int pieces;

	private @Nullable String finishReason;

	private int promptTokens;

	private int completionTokens;

	private @Nullable CompletableFuture<Optional<ConversationId>> settlement;

	CompletionTally(String model, Clock clock) {
		this.model = model;
		this.clock = clock;
		this.startedMillis = clock.millis();
		this.created = clock.instant().getEpochSecond();
	}

	/** Adds one chunk of the engine's stream; returns its text, possibly empty. */
	synchronized String add(ChatResponse chunk) {
		this.started = true;
		if (this.id == null && chunk.getMetadata().getId() != null && !chunk.getMetadata().getId().isEmpty()) {
			this.id = chunk.getMetadata().getId();
		}
		Generation generation = chunk.getResult();
		String piece = (generation != null && generation.getOutput().getText() != null)
				? generation.getOutput().getText() : "";
		if (!piece.isEmpty()) {
			this.text.append(piece);
			this.pieces++;
		}
		String finish = (generation != null) ? generation.getMetadata().getFinishReason() : null;
		if (finish != null) {
			this.finishReason = finish;
			Usage usage = chunk.getMetadata().getUsage();
			this.promptTokens = (usage.getPromptTokens() != null) ? usage.getPromptTokens() : 0;
			this.completionTokens = (usage.getCompletionTokens() != null) ? usage.getCompletionTokens() : this.pieces;
		}
		return piece;
	}

	/** Whether the engine has produced anything, so a stream has begun. */
	synchronized boolean started() {
		return this.started;
	}

	/** The engine's finish reason; null until it has finished. */
	synchronized @Nullable String finishReason() {
		return this.finishReason;
	}

	synchronized String id() {
		if (this.id == null) {
			this.id = "chatcmpl-" + UUID.randomUUID();
		}
		return this.id;
	}

	String model() {
		return this.model;
	}

	/** When the request came, in epoch seconds: OpenAI's {@code created}. */
	long created() {
		return this.created;
	}

	synchronized String text() {
		return this.text.toString();
	}

	synchronized ChatCompletion.Usage usage() {
		return ChatCompletion.Usage.of(this.promptTokens, this.completionTokens);
	}

	/**
	 * The usage to record. A completion that did not finish gets {@code outcome} as its
	 * finish reason and counts what is known: no prompt tokens (the engine reports them only
	 * at the end) and one completion token per piece of text generated.
	 */
	synchronized UsageRecord record(String outcome) {
		boolean finished = this.finishReason != null;
		return new UsageRecord(this.model, finished ? this.promptTokens : 0,
				finished ? this.completionTokens : this.pieces, finished ? this.finishReason : outcome,
				Math.max(0, this.clock.millis() - this.startedMillis));
	}

	/**
	 * Settles the completion once: the first call starts {@code work} at once, detached from
	 * whoever waits for it, so a client that goes away cannot cut it short; every call gets
	 * the same outcome.
	 */
	Mono<Optional<ConversationId>> settle(Supplier<Mono<Optional<ConversationId>>> work) {
		CompletableFuture<Optional<ConversationId>> future;
		synchronized (this) {
			if (this.settlement == null) {
				this.settlement = work.get().toFuture();
			}
			future = this.settlement;
		}
		return Mono.fromFuture(future, true);
	}

}

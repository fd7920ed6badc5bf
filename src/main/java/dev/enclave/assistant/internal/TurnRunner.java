package dev.enclave.assistant.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.Conversations;
import dev.enclave.conversation.ExchangeMessage;
import dev.enclave.conversation.MessageStatus;
import dev.enclave.conversation.Turn;
import dev.enclave.conversation.TurnOutcome;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.inference.ContextWindow;
import dev.enclave.inference.InferenceChatOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * Runs the generation of one turn: builds the prompt from the system prompt and the
 * history (trimmed to the model's context, whole messages only), streams the answer, and
 * ends the turn exactly once, whichever way it ends: complete, partial when the client went
 * away, failed when the engine failed.
 */
final class TurnRunner {

	private static final Logger log = LoggerFactory.getLogger(TurnRunner.class);

	private final StreamingChatModel chat;

	private final ContextWindow window;

	private final Conversations conversations;

	private final AssistantSettings settings;

	TurnRunner(StreamingChatModel chat, ContextWindow window, Conversations conversations, AssistantSettings settings) {
		this.chat = chat;
		this.window = window;
		this.conversations = conversations;
		this.settings = settings;
	}

	/** A running turn; subscribe to {@link Run#deltas()} once. */
	Run start(Turn turn) {
		return new Run(turn);
	}

	final class Run {

		private final Turn turn;

		private final long started = System.nanoTime();

		private final StringBuilder text = new StringBuilder();

		private final AtomicBoolean ended = new AtomicBoolean();

		private @Nullable Long ttftMs;

		private @Nullable Usage usage;

		private @Nullable String finishReason;

		private Run(Turn turn) {
			this.turn = turn;
		}

		Turn turn() {
			return this.turn;
		}

		/**
		 * The answer's text as it is generated. Completes when generation ends; cancelling
		 * it cancels the generation.
		 */
		Flux<String> deltas() {
			return Mono.fromCallable(this::prompt)
				// Rendering and tokenising a long history is CPU work: off the event loop.
				.subscribeOn(Schedulers.boundedElastic())
				.flatMapMany(TurnRunner.this.chat::stream)
				.handle((chunk, sink) -> {
					String delta = accept(chunk);
					if (!delta.isEmpty()) {
						sink.next(delta);
					}
				});
		}

		/** Ends the turn; later calls do nothing and return empty. */
		Mono<ConversationMessage> end(MessageStatus status) {
			if (!this.ended.compareAndSet(false, true)) {
				return Mono.empty();
			}
			String reason = switch (status) {
				case COMPLETE -> (this.finishReason != null) ? this.finishReason : "stop";
				case PARTIAL -> "cancelled";
				case FAILED -> "error";
			};
			long latency = (System.nanoTime() - this.started) / 1_000_000;
			UsageRecord record;
			synchronized (this) {
				int prompt = (this.usage != null && this.usage.getPromptTokens() != null) ? this.usage.getPromptTokens() : 0;
				int completion = (this.usage != null && this.usage.getCompletionTokens() != null)
						? this.usage.getCompletionTokens() : 0;
				record = new UsageRecord(this.turn.model(), prompt, completion, reason, latency);
			}
			return TurnRunner.this.conversations.endTurn(this.turn,
					new TurnOutcome(answer(), status, record, this.ttftMs));
		}

		/** Ends the turn after the client went away: nobody waits for it, so it runs detached. */
		void endDetached(MessageStatus status) {
			end(status).subscribe(null, (ex) -> log.warn("Could not store the {} answer of conversation {}: {}",
					status.value(), this.turn.conversation(), ex.toString()));
		}

		synchronized String answer() {
			return this.text.toString();
		}

		private synchronized String accept(ChatResponse chunk) {
			String delta = (chunk.getResult() != null && chunk.getResult().getOutput().getText() != null)
					? chunk.getResult().getOutput().getText() : "";
			if (!delta.isEmpty() && this.ttftMs == null) {
				this.ttftMs = (System.nanoTime() - this.started) / 1_000_000;
			}
			this.text.append(delta);
			if (chunk.getMetadata() != null && chunk.getMetadata().getUsage() != null
					&& chunk.getMetadata().getUsage().getCompletionTokens() != null
					&& chunk.getMetadata().getUsage().getCompletionTokens() > 0) {
				this.usage = chunk.getMetadata().getUsage();
			}
			if (chunk.getResult() != null && chunk.getResult().getMetadata().getFinishReason() != null) {
				this.finishReason = chunk.getResult().getMetadata().getFinishReason();
			}
			return delta;
		}

		private Prompt prompt() {
			List<Message> messages = new ArrayList<>();
			if (this.turn.systemPrompt() != null) {
				messages.add(new SystemMessage(this.turn.systemPrompt()));
			}
			for (ExchangeMessage message : this.turn.history()) {
				switch (message.role()) {
					case SYSTEM -> messages.add(new SystemMessage(message.content()));
					case USER -> messages.add(new UserMessage(message.content()));
					case ASSISTANT -> messages.add(new AssistantMessage(message.content()));
					case TOOL -> {
						// Tool results join the prompt when tools land; until then no turn stores any.
					}
				}
			}
			int reserve = Math.min(TurnRunner.this.settings.maxAnswerTokens(),
					TurnRunner.this.window.size(this.turn.model()) / 2);
			List<Message> fitted = TurnRunner.this.window.fit(this.turn.model(), messages, reserve);
			return new Prompt(fitted, InferenceChatOptions.builder()
				.model(this.turn.model())
				.maxTokens(reserve)
				.build());
		}

	}

}

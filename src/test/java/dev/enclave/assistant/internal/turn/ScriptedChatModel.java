package dev.enclave.assistant.internal.turn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.enclave.inference.GeneratedTokens;
import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * The one test double of the pipeline's tests: a chat model that plays a script, piece by
 * piece, then ends as told (a finish with usage, an error, or never, until cancelled). Each
 * piece says, like the local engine, how many tokens it has cost so far.
 */
final class ScriptedChatModel implements StreamingChatModel {

	private final List<String> pieces;

	private final Ending ending;

	private final boolean tellsGenerated;

	private final @Nullable FinishReason finish;

	private final int promptTokens;

	private final @Nullable RuntimeException failure;

	final List<Prompt> prompts = new CopyOnWriteArrayList<>();

	final AtomicBoolean cancelled = new AtomicBoolean();

	final AtomicInteger subscriptions = new AtomicInteger();

	private enum Ending {

		FINISH, FAIL, NEVER

	}

	private ScriptedChatModel(List<String> pieces, Ending ending, boolean tellsGenerated, @Nullable FinishReason finish,
			int promptTokens, @Nullable RuntimeException failure) {
		this.pieces = List.copyOf(pieces);
		this.ending = ending;
		this.tellsGenerated = tellsGenerated;
		this.finish = finish;
		this.promptTokens = promptTokens;
		this.failure = failure;
	}

	/** Streams the pieces, one token each, then finishes with the reason and the usage. */
	static ScriptedChatModel finishing(FinishReason reason, int promptTokens, String... pieces) {
		return new ScriptedChatModel(List.of(pieces), Ending.FINISH, true, reason, promptTokens, null);
	}

	/** Streams the pieces, then fails. */
	static ScriptedChatModel failing(RuntimeException failure, String... pieces) {
		return new ScriptedChatModel(List.of(pieces), Ending.FAIL, true, null, 0, failure);
	}

	/** Streams the pieces, then waits for ever: only a cancel ends it. */
	static ScriptedChatModel stalling(String... pieces) {
		return new ScriptedChatModel(List.of(pieces), Ending.NEVER, true, null, 0, null);
	}

	/** Streams the pieces, then waits for ever, never saying how many tokens it generated. */
	static ScriptedChatModel stallingSilently(String... pieces) {
		return new ScriptedChatModel(List.of(pieces), Ending.NEVER, false, null, 0, null);
	}

	@Override
	public Flux<ChatResponse> stream(Prompt prompt) {
		return Flux.defer(() -> {
			this.prompts.add(prompt);
			this.subscriptions.incrementAndGet();
			List<ChatResponse> chunks = new ArrayList<>();
			for (int i = 0; i < this.pieces.size(); i++) {
				chunks.add(chunk(this.pieces.get(i), i + 1, null));
			}
			Flux<ChatResponse> script = Flux.fromIterable(chunks);
			Flux<ChatResponse> end = switch (this.ending) {
				case FINISH -> Flux.just(chunk("", this.pieces.size(), this.finish));
				case FAIL -> Flux.error(this.failure);
				case NEVER -> Flux.never();
			};
			return script.concatWith(end).doOnCancel(() -> this.cancelled.set(true));
		});
	}

	private ChatResponse chunk(String text, int generated, @Nullable FinishReason reason) {
		ChatGenerationMetadata generation = (reason != null)
				? ChatGenerationMetadata.builder().finishReason(reason.value()).build() : ChatGenerationMetadata.NULL;
		ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().id("scripted").model("scripted");
		if (reason != null) {
			metadata.usage(new DefaultUsage(this.promptTokens, generated));
		}
		if (this.tellsGenerated) {
			metadata.keyValue(GeneratedTokens.METADATA_KEY, generated);
		}
		return new ChatResponse(List.of(new Generation(new AssistantMessage(text), generation)), metadata.build());
	}

}

package dev.enclave.inference.internal.generation;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.enclave.shared.FinishReason;

/**
 * The single-stream generation loop, the reference the scheduler's tests compare with: prefill the prompt, then sample, detokenise and feed
 * back one token per step until a stop token, a stop string, {@code max_tokens}, the context
 * limit or a cancellation ({@link Decoding} decides each step). It blocks the calling thread
 * for the whole answer. Cancellation is checked before every step, so a cancelled request
 * costs no further step.
 */
public final class Generator {

	private final LanguageModel model;

	private final Function<int[], String> decoder;

	public Generator(LanguageModel model, Function<int[], String> decoder) {
		this.model = model;
		this.decoder = decoder;
	}

	/**
	 * Generates an answer.
	 * @param text receives each piece of answer text as soon as it is complete
	 * @param cancelled polled before every step
	 */
	public GenerationResult generate(GenerationRequest request, Consumer<String> text, BooleanSupplier cancelled) {
		return generateWithProgress(request, (piece, generated) -> text.accept(piece), cancelled);
	}

	/** Receives each piece of answer text with the number of tokens generated so far. */
	@FunctionalInterface
	public interface Progress {

		void accept(String text, int generatedTokens);

	}

	/**
	 * Generates an answer, telling with each piece how many tokens it has cost so far, so a
	 * client that leaves mid-answer can be charged for what was generated.
	 * @param progress receives each piece of answer text as soon as it is complete
	 * @param cancelled polled before every step
	 */
	public GenerationResult generateWithProgress(GenerationRequest request, Progress progress,
			BooleanSupplier cancelled) {
		Decoding decoding = new Decoding(request, this.decoder, this.model.maxContext());
		try (LanguageModel.Sequence sequence = this.model.newSequence(decoding.capacity())) {
			while (true) {
				if (cancelled.getAsBoolean()) {
					return new GenerationResult(FinishReason.CANCELLED, decoding.promptTokens(), decoding.generated());
				}
				float[] logits = sequence.forward(decoding.next(sequence.length(), Integer.MAX_VALUE));
				Decoding.Step step = decoding.accept(logits);
				if (!step.text().isEmpty()) {
					progress.accept(step.text(), step.generated());
				}
				if (step.finish() != null) {
					return new GenerationResult(step.finish(), decoding.promptTokens(), step.generated());
				}
			}
		}
	}

}

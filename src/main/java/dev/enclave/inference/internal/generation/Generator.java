package dev.enclave.inference.internal.generation;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.enclave.shared.FinishReason;

/**
 * The generation loop: prefill the prompt, then sample, detokenise and feed back one token
 * per step until a stop token, a stop string, {@code max_tokens}, the context limit or a
 * cancellation. It blocks the calling thread for the whole answer; callers run it on the
 * inference scheduler, never on an event loop. Cancellation is checked before every step,
 * so a cancelled request costs at most one more step.
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
		int[] prompt = request.prompt();
		if (prompt.length >= this.model.maxContext()) {
			throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the model's context is "
					+ this.model.maxContext());
		}
		int capacity = (int) Math.min(this.model.maxContext(), (long) prompt.length + request.maxTokens());
		Sampler sampler = new Sampler(request.sampling());
		StreamingDetokenizer detokenizer = new StreamingDetokenizer(this.decoder);
		StopStrings stops = new StopStrings(request.stopStrings());
		int generated = 0;
		try (LanguageModel.Sequence sequence = this.model.newSequence(capacity)) {
			if (cancelled.getAsBoolean()) {
				return new GenerationResult(FinishReason.CANCELLED, prompt.length, 0);
			}
			float[] logits = sequence.forward(prompt);
			while (true) {
				if (cancelled.getAsBoolean()) {
					return new GenerationResult(FinishReason.CANCELLED, prompt.length, generated);
				}
				int token = sampler.next(logits);
				generated++;
				if (request.stopTokens().contains(token)) {
					finish(detokenizer, stops, progress, generated);
					return new GenerationResult(FinishReason.STOP, prompt.length, generated);
				}
				StopStrings.Result piece = stops.push(detokenizer.push(token));
				emit(piece.text(), progress, generated);
				if (piece.stopped()) {
					return new GenerationResult(FinishReason.STOP, prompt.length, generated);
				}
				// Prompt and answer together never exceed the context.
				if (generated >= request.maxTokens() || prompt.length + generated >= capacity) {
					finish(detokenizer, stops, progress, generated);
					return new GenerationResult(FinishReason.LENGTH, prompt.length, generated);
				}
				logits = sequence.forward(new int[] { token });
			}
		}
	}

	private static void finish(StreamingDetokenizer detokenizer, StopStrings stops, Progress progress, int generated) {
		StopStrings.Result piece = stops.push(detokenizer.flush());
		emit(piece.text(), progress, generated);
		if (!piece.stopped()) {
			emit(stops.flush(), progress, generated);
		}
	}

	private static void emit(String piece, Progress progress, int generated) {
		if (!piece.isEmpty()) {
			progress.accept(piece, generated);
		}
	}

}

package dev.enclave.inference.internal.generation;

import java.util.Arrays;
import java.util.function.Function;

import dev.enclave.shared.FinishReason;
import org.jspecify.annotations.Nullable;

/**
 * One answer being generated, one step at a time, whoever drives the steps (the batching
 * scheduler, or the single-stream loop tests use as their reference): which tokens the model must
 * take next, and what each step's logits become (a sampled token, text released through the
 * streaming detokenizer and the stop strings, and whether the answer is over). The state
 * survives losing the model's KV cache: a preempted answer is recomputed from its prompt and
 * the tokens it had generated, and the sampler, detokenizer and stop strings carry on where
 * they were, so nothing is streamed twice and a seeded answer stays the same.
 */
public final class Decoding {

	private final GenerationRequest request;

	private final int capacity;

	private final Sampler sampler;

	private final StreamingDetokenizer detokenizer;

	private final StopStrings stops;

	/** Prompt, then every generated token: what the model must have seen before the next step. */
	private int[] context;

	private int length;

	private int generated;

	private @Nullable FinishReason finish;

	/**
	 * @param maxContext the model's context: prompt and answer together never exceed it
	 * @throws IllegalArgumentException when the prompt leaves no room for an answer
	 */
	public Decoding(GenerationRequest request, Function<int[], String> decoder, int maxContext) {
		int[] prompt = request.prompt();
		if (prompt.length >= maxContext) {
			throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the model's context is "
					+ maxContext);
		}
		this.request = request;
		this.capacity = (int) Math.min(maxContext, (long) prompt.length + request.maxTokens());
		this.sampler = new Sampler(request.sampling());
		this.detokenizer = new StreamingDetokenizer(decoder);
		this.stops = new StopStrings(request.stopStrings());
		this.context = Arrays.copyOf(prompt, Math.min(this.capacity, prompt.length + 16));
		this.length = prompt.length;
	}

	/** The longest the sequence can get: the prompt plus the most the answer may take. */
	public int capacity() {
		return this.capacity;
	}

	/** Tokens of the prompt. */
	public int promptTokens() {
		return this.request.prompt().length;
	}

	/** Answer tokens generated so far. */
	public int generated() {
		return this.generated;
	}

	/** Why it ended; null while it goes on. */
	public @Nullable FinishReason finish() {
		return this.finish;
	}

	/**
	 * The tokens the model must take next, given that it has seen the first {@code computed}
	 * of them: the prompt (and, after a preemption, the answer so far), or the last sampled
	 * token. At most {@code budget} of them; the step's logits are wanted only when the
	 * chunk reaches the end.
	 */
	public int[] next(int computed, int budget) {
		int end = (int) Math.min(this.length, (long) computed + budget);
		return Arrays.copyOfRange(this.context, computed, end);
	}

	/** How many tokens the model still has to take before it can predict the next one. */
	public int pending(int computed) {
		return this.length - computed;
	}

	/** What one step produced for this answer. */
	public record Step(String text, @Nullable FinishReason finish, int generated) {
	}

	/** Samples the next token from the logits that follow the whole context. */
	public Step accept(float[] logits) {
		if (this.finish != null) {
			throw new IllegalStateException("the answer is over");
		}
		int token = this.sampler.next(logits);
		this.generated++;
		if (this.request.stopTokens().contains(token)) {
			return end(FinishReason.STOP, drain(this.detokenizer.flush()));
		}
		StopStrings.Result piece = this.stops.push(this.detokenizer.push(token));
		if (piece.stopped()) {
			return end(FinishReason.STOP, piece.text());
		}
		append(token);
		// Prompt and answer together never exceed the context.
		if (this.generated >= this.request.maxTokens() || this.length >= this.capacity) {
			return end(FinishReason.LENGTH, piece.text() + drain(this.detokenizer.flush()));
		}
		return new Step(piece.text(), null, this.generated);
	}

	/** Ends the answer as cancelled, when its client went away. */
	public Step cancel() {
		return end(FinishReason.CANCELLED, "");
	}

	/** The text held back for a stop string that can no longer come, after {@code tail}. */
	private String drain(String tail) {
		StopStrings.Result piece = this.stops.push(tail);
		return piece.stopped() ? piece.text() : piece.text() + this.stops.flush();
	}

	private Step end(FinishReason reason, String text) {
		this.finish = reason;
		return new Step(text, reason, this.generated);
	}

	private void append(int token) {
		if (this.length == this.context.length) {
			this.context = Arrays.copyOf(this.context, Math.min(this.capacity, this.context.length * 2));
		}
		this.context[this.length++] = token;
	}

}

package dev.enclave.inference.internal.scheduler;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.inference.internal.generation.LanguageModel;
import org.jspecify.annotations.Nullable;

/**
 * A real model seen through a fault seam: records what each step ran and, when told, fails
 * one step the way PyTorch fails when memory runs out. Active in tests only.
 */
final class SteppedModel implements LanguageModel {

	private final LanguageModel model;

	/** Per step, the tokens of each chunk. */
	final List<List<Integer>> steps = new ArrayList<>();

	/** Per step, which chunks wanted logits. */
	final List<List<Boolean>> wanted = new ArrayList<>();

	private int failAtStep = -1;

	private @Nullable RuntimeException failure;

	SteppedModel(LanguageModel model) {
		this.model = model;
	}

	/** The step with this index (counting from 0, attempts included) throws {@code failure}. */
	void failStep(int index, RuntimeException failure) {
		this.failAtStep = index;
		this.failure = failure;
	}

	@Override
	public int vocabSize() {
		return this.model.vocabSize();
	}

	@Override
	public int maxContext() {
		return this.model.maxContext();
	}

	@Override
	public Sequence newSequence(int capacity) {
		return this.model.newSequence(capacity);
	}

	@Override
	public long kvBytesPerToken() {
		return this.model.kvBytesPerToken();
	}

	@Override
	public float[][] step(List<Chunk> chunks) {
		int index = this.steps.size();
		this.steps.add(chunks.stream().map((chunk) -> chunk.tokens().length).toList());
		this.wanted.add(chunks.stream().map(Chunk::logits).toList());
		if (index == this.failAtStep && this.failure != null) {
			throw this.failure;
		}
		return this.model.step(chunks);
	}

}

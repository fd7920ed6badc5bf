package dev.enclave.inference.internal.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.internal.generation.LanguageModel.Chunk;
import dev.enclave.inference.testing.ReferenceModel;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.inference.testing.TinyCheckpoints.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Batch invariance: a sequence's logits in a batched step are its logits alone, whoever else
 * is in the batch, however long they are and whenever they started; checked against the
 * plain-Java reference to 1e-4 in float32 at every step, with prompts prefilled in chunks
 * between other sequences' decode steps.
 */
class BatchedStepTests {

	private static final float TOLERANCE = 1e-4f;

	@TempDir
	Path directory;

	@ParameterizedTest
	@EnumSource(Kind.class)
	void everyStepOfEverySequenceMatchesTheReference(Kind kind) {
		Path checkpoint = TinyCheckpoints.write(this.directory.resolve(kind.name()), kind, 31);
		ReferenceModel reference = ReferenceModel.load(checkpoint);
		// Four sequences of different lengths that join the batch at different steps (one grows
		// past its first cache, into another slab, while batched); prompts
		// of up to 30 tokens are prefilled five tokens a step, then one token a step follows.
		int[][] tokens = { randomTokens(12, 1), randomTokens(40, 2), randomTokens(25, 3), randomTokens(90, 4) };
		int[] prompts = { 3, 30, 9, 17 };
		int[] joins = { 0, 1, 4, 9 };
		float[][][] expected = new float[tokens.length][][];
		for (int i = 0; i < tokens.length; i++) {
			expected[i] = reference.logits(tokens[i]);
		}
		int chunk = 5;
		try (DecoderModel model = DecoderModelTests.load(checkpoint)) {
			List<LanguageModel.Sequence> sequences = new ArrayList<>();
			for (int[] sequence : tokens) {
				sequences.add(model.newSequence(sequence.length));
			}
			int[] done = new int[tokens.length];
			int checked = 0;
			int largestBatch = 0;
			for (int step = 0; IntStream.range(0, tokens.length).anyMatch((i) -> done[i] < tokens[i].length); step++) {
				List<Chunk> chunks = new ArrayList<>();
				List<Integer> members = new ArrayList<>();
				for (int i = 0; i < tokens.length; i++) {
					if (step < joins[i] || done[i] == tokens[i].length) {
						continue;
					}
					int take = (done[i] < prompts[i]) ? Math.min(chunk, prompts[i] - done[i]) : 1;
					int[] piece = java.util.Arrays.copyOfRange(tokens[i], done[i], done[i] + take);
					// Logits only once the prompt is in: a chunk before the prompt's end wants none.
					chunks.add(new Chunk(sequences.get(i), piece, done[i] + take >= prompts[i]));
					members.add(i);
				}
				largestBatch = Math.max(largestBatch, chunks.size());
				float[][] logits = model.step(chunks);
				for (int c = 0; c < chunks.size(); c++) {
					int i = members.get(c);
					done[i] += chunks.get(c).tokens().length;
					assertThat(sequences.get(i).length()).isEqualTo(done[i]);
					if (!chunks.get(c).logits()) {
						assertThat(logits[c]).isNull();
						continue;
					}
					assertClose(logits[c], expected[i][done[i] - 1], kind + " sequence " + i + " at " + done[i]);
					checked++;
				}
			}
			sequences.forEach(LanguageModel.Sequence::close);
			assertThat(largestBatch).isEqualTo(4);
			// Every position from the end of each prompt on was checked.
			assertThat(checked).isEqualTo(IntStream.range(0, tokens.length).map((i) -> tokens[i].length - prompts[i] + 1).sum());
		}
	}

	@Test
	void greedyTokensInABatchAreTheTokensAloneWhereverTheMarginIsClear() {
		Path checkpoint = TinyCheckpoints.write(this.directory, Kind.LLAMA, 41);
		int[][] prompts = { randomTokens(4, 5), randomTokens(21, 6), randomTokens(9, 7) };
		int length = 40;
		try (DecoderModel model = DecoderModelTests.load(checkpoint)) {
			for (int i = 0; i < prompts.length; i++) {
				Greedy alone = new Greedy(model, prompts[i], prompts[i].length + length);
				while (!alone.done()) {
					alone.absorb(model.step(List.of(alone.chunk()))[0]);
				}
				List<Greedy> batch = new ArrayList<>();
				for (int[] prompt : prompts) {
					batch.add(new Greedy(model, prompt, prompt.length + length));
				}
				while (!batch.get(i).done()) {
					List<Chunk> chunks = batch.stream().filter((g) -> !g.done()).map(Greedy::chunk).toList();
					float[][] logits = model.step(chunks);
					int c = 0;
					for (Greedy greedy : batch) {
						if (!greedy.done()) {
							greedy.absorb(logits[c++]);
						}
					}
				}
				int compared = 0;
				for (int t = 0; t < alone.tokens.size(); t++) {
					assertThat(batch.get(i).tokens.get(t)).as("token " + t + " of sequence " + i)
						.isEqualTo(alone.tokens.get(t));
					compared++;
					if (alone.margins.get(t) <= 2 * TOLERANCE) {
						// A near tie may go either way; from here on the two need not agree.
						break;
					}
				}
				assertThat(compared).isGreaterThan(10);
				alone.close();
				batch.forEach(Greedy::close);
			}
		}
	}

	@Test
	void aStepThatCannotRunChangesNothing() {
		Path checkpoint = TinyCheckpoints.write(this.directory, Kind.LLAMA, 43);
		try (DecoderModel model = DecoderModelTests.load(checkpoint);
				LanguageModel.Sequence a = model.newSequence(8);
				LanguageModel.Sequence b = model.newSequence(4)) {
			model.step(List.of(new Chunk(a, new int[] { 1, 2 }, true)));
			assertThatIllegalArgumentException().isThrownBy(() -> model.step(
					List.of(new Chunk(a, new int[] { 3 }, true), new Chunk(b, new int[] { 1, 2, 3, 4, 5 }, true))));
			assertThatIllegalArgumentException().isThrownBy(() -> model
				.step(List.of(new Chunk(a, new int[] { 3 }, true), new Chunk(a, new int[] { 4 }, true))));
			assertThat(a.length()).isEqualTo(2);
			assertThat(b.length()).isZero();
		}
	}

	@Test
	void copiedKvStartsAnotherSequenceExactlyWhereTheFirstWas() {
		Path checkpoint = TinyCheckpoints.write(this.directory, Kind.QWEN2, 47);
		int[] tokens = randomTokens(30, 8);
		float[][] expected = ReferenceModel.load(checkpoint).logits(tokens);
		try (DecoderModel model = DecoderModelTests.load(checkpoint);
				LanguageModel.Sequence first = model.newSequence(30);
				LanguageModel.Sequence second = model.newSequence(30)) {
			first.forward(java.util.Arrays.copyOf(tokens, 20));
			try (LanguageModel.KvBlock head = first.copyKv(0, 8); LanguageModel.KvBlock tail = first.copyKv(8, 16)) {
				assertThat(head.bytes()).isEqualTo(8 * model.kvBytesPerToken());
				second.appendKv(List.of(head, tail));
			}
			assertThat(second.length()).isEqualTo(16);
			float[] next = second.forward(java.util.Arrays.copyOfRange(tokens, 16, 30));
			assertClose(next, expected[29], "after 16 copied tokens");
		}
	}

	/** One greedy generation driven step by step from outside, as a scheduler drives it. */
	private static final class Greedy implements AutoCloseable {

		private final LanguageModel.Sequence sequence;

		private final int[] prompt;

		private final int limit;

		final List<Integer> tokens = new ArrayList<>();

		final List<Float> margins = new ArrayList<>();

		Greedy(LanguageModel model, int[] prompt, int limit) {
			this.sequence = model.newSequence(limit);
			this.prompt = prompt;
			this.limit = limit;
		}

		Chunk chunk() {
			return (this.sequence.length() == 0) ? new Chunk(this.sequence, this.prompt, true)
					: new Chunk(this.sequence, new int[] { this.tokens.get(this.tokens.size() - 1) }, true);
		}

		void absorb(float[] logits) {
			int best = 0;
			int second = -1;
			for (int i = 1; i < logits.length; i++) {
				if (logits[i] > logits[best]) {
					second = best;
					best = i;
				}
				else if (second < 0 || logits[i] > logits[second]) {
					second = i;
				}
			}
			this.tokens.add(best);
			this.margins.add(logits[best] - logits[second]);
		}

		boolean done() {
			return this.prompt.length + this.tokens.size() >= this.limit;
		}

		@Override
		public void close() {
			this.sequence.close();
		}

	}

	private static int[] randomTokens(int count, long seed) {
		Random random = new Random(seed);
		return IntStream.range(0, count).map((i) -> random.nextInt(TinyCheckpoints.VOCAB)).toArray();
	}

	private static void assertClose(float[] actual, float[] expected, String what) {
		float worst = 0;
		for (int i = 0; i < actual.length; i++) {
			worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
		}
		assertThat(worst).as(what + ": max abs logit difference").isLessThanOrEqualTo(TOLERANCE);
	}

}

package dev.enclave.inference.internal.engine;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.testing.ReferenceModel;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.inference.testing.TinyCheckpoints.Kind;
import dev.enclave.inference.testing.TinyCheckpoints.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against the independent plain-Java reference, on tiny random checkpoints of
 * every architecture: same logits to 1e-4 in float32, and incremental decoding with the KV
 * cache equal to recomputation at every step.
 */
class DecoderModelTests {

	private static final float TOLERANCE = 1e-4f;

	@TempDir
	Path directory;

	@ParameterizedTest
	@EnumSource(Kind.class)
	void logitsMatchTheReferenceOverSeveralPrompts(Kind kind) {
		Path checkpoint = TinyCheckpoints.write(this.directory.resolve(kind.name()), kind, 11);
		ReferenceModel reference = ReferenceModel.load(checkpoint);
		try (DecoderModel model = load(checkpoint)) {
			for (int[] prompt : prompts()) {
				float[][] expected = reference.logits(prompt);
				float[][] actual;
				try (LanguageModel.Sequence sequence = model.newSequence(prompt.length)) {
					actual = model.forwardAll(sequence, prompt);
				}
				assertClose(actual, expected, kind + " prompt of " + prompt.length);
			}
		}
	}

	@Test
	void llama3RopeScalingShardedBf16CheckpointMatchesTheReference() {
		Path checkpoint = TinyCheckpoints.write(this.directory, Kind.LLAMA, 5, new Options("BF16", 3, true, true));
		int[] prompt = randomTokens(60, 3);
		try (DecoderModel model = load(checkpoint); LanguageModel.Sequence sequence = model.newSequence(60)) {
			assertClose(model.forwardAll(sequence, prompt), ReferenceModel.load(checkpoint).logits(prompt),
					"llama3 scaling, 3 BF16 shards");
		}
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void float16ComputeStaysCloseToTheReference(Kind kind) {
		// Half-precision projections with a float32 residual stream: the fast mode, checked
		// against the float32 reference with a tolerance fit for 11-bit mantissas.
		Path checkpoint = TinyCheckpoints.write(this.directory.resolve(kind.name()), kind, 11);
		int[] prompt = randomTokens(30, 4);
		float[][] expected = ReferenceModel.load(checkpoint).logits(prompt);
		try (Checkpoint opened = Checkpoint.open(checkpoint, null);
				DecoderModel model = DecoderModel.load("f16", opened, Device.cpu(), DataType.FLOAT16, 0);
				LanguageModel.Sequence sequence = model.newSequence(prompt.length)) {
			float[][] actual = model.forwardAll(sequence, prompt);
			float worst = 0;
			for (int row = 0; row < actual.length; row++) {
				for (int i = 0; i < actual[row].length; i++) {
					worst = Math.max(worst, Math.abs(actual[row][i] - expected[row][i]));
				}
			}
			assertThat(worst).isLessThan(0.05f);
		}
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void incrementalDecodingEqualsRecomputationAtEveryStep(Kind kind) {
		Path checkpoint = TinyCheckpoints.write(this.directory.resolve(kind.name()), kind, 23);
		int[] tokens = randomTokens(80, 7);
		int prefill = 5;
		float[][] reference = ReferenceModel.load(checkpoint).logits(tokens);
		try (DecoderModel model = load(checkpoint);
				LanguageModel.Sequence cached = model.newSequence(tokens.length)) {
			float[][] first = model.forwardAll(cached, java.util.Arrays.copyOf(tokens, prefill));
			assertClose(new float[][] { first[prefill - 1] }, new float[][] { reference[prefill - 1] }, "prefill");
			// Past 64 tokens the cache grows: decoding must not notice.
			for (int step = prefill; step < tokens.length; step++) {
				float[] incremental = cached.forward(new int[] { tokens[step] });
				float[] recomputed;
				try (LanguageModel.Sequence fresh = model.newSequence(step + 1)) {
					float[][] all = model.forwardAll(fresh, java.util.Arrays.copyOf(tokens, step + 1));
					recomputed = all[step];
				}
				assertClose(new float[][] { incremental }, new float[][] { recomputed }, kind + " step " + step);
				assertClose(new float[][] { incremental }, new float[][] { reference[step] }, kind + " ref step " + step);
			}
			assertThat(cached.length()).isEqualTo(tokens.length);
		}
	}

	@Test
	void theComparisonIsSensitiveToTheRotaryBase() throws Exception {
		// A control: the engine reading a config whose rope_ratio differs from the reference's
		// must disagree, or the tolerance would be too loose to catch rotary mistakes.
		Path original = TinyCheckpoints.write(this.directory.resolve("original"), Kind.GLM4, 11);
		Path altered = TinyCheckpoints.write(this.directory.resolve("altered"), Kind.GLM4, 11);
		Path config = altered.resolve("config.json");
		java.nio.file.Files.writeString(config,
				java.nio.file.Files.readString(config).replace("\"rope_ratio\":500", "\"rope_ratio\":1"));
		TinyCheckpoints.seal(altered);
		int[] prompt = randomTokens(12, 1);
		float[][] expected = ReferenceModel.load(original).logits(prompt);
		try (DecoderModel model = load(altered); LanguageModel.Sequence sequence = model.newSequence(12)) {
			float[][] actual = model.forwardAll(sequence, prompt);
			float worst = 0;
			for (int i = 0; i < actual[11].length; i++) {
				worst = Math.max(worst, Math.abs(actual[11][i] - expected[11][i]));
			}
			assertThat(worst).isGreaterThan(100 * TOLERANCE);
			// Position 0 is not rotated, so there the two must still agree.
			assertClose(new float[][] { actual[0] }, new float[][] { expected[0] }, "unrotated first position");
		}
	}

	@Test
	void shapesComeFromTheConfigUnderEachArchitecturesNames() {
		Path glm = TinyCheckpoints.write(this.directory, Kind.GLM4, 3);
		try (DecoderModel model = load(glm)) {
			DecoderSpec spec = model.spec();
			assertThat(spec.kvHeads()).isEqualTo(2);
			assertThat(spec.headDim()).isEqualTo(16);
			assertThat(spec.rope().rotaryDim()).isEqualTo(8);
			assertThat(spec.rope().theta()).isEqualTo(5_000_000.0);
			assertThat(spec.vocabSize()).isEqualTo(TinyCheckpoints.VOCAB);
			assertThat(spec.tiedEmbeddings()).isFalse();
			assertThat(model.device()).isEqualTo(Device.cpu());
		}
	}

	static DecoderModel load(Path directory) {
		try (Checkpoint checkpoint = Checkpoint.open(directory, null)) {
			return DecoderModel.load("test", checkpoint, DjlRuntime.resolve(DeviceSpec.parse("cpu")), DataType.FLOAT32, 0);
		}
	}

	private static int[][] prompts() {
		return new int[][] { { TinyCheckpoints.BEGIN }, { TinyCheckpoints.BEGIN, 72, 105, 33 }, randomTokens(17, 2),
				randomTokens(41, 9) };
	}

	private static int[] randomTokens(int count, long seed) {
		Random random = new Random(seed);
		return IntStream.range(0, count).map((i) -> random.nextInt(TinyCheckpoints.VOCAB)).toArray();
	}

	private static void assertClose(float[][] actual, float[][] expected, String what) {
		assertThat(actual.length).as(what + " positions").isEqualTo(expected.length);
		float worst = 0;
		for (int row = 0; row < actual.length; row++) {
			assertThat(actual[row]).as(what + " vocabulary").hasSameSizeAs(expected[row]);
			for (int i = 0; i < actual[row].length; i++) {
				worst = Math.max(worst, Math.abs(actual[row][i] - expected[row][i]));
			}
		}
		assertThat(worst).as(what + ": max abs logit difference").isLessThanOrEqualTo(TOLERANCE);
		assertThat(maxMagnitude(expected)).as(what + ": logits are of order one").isGreaterThan(0.5f);
	}

	private static float maxMagnitude(float[][] logits) {
		float max = 0;
		for (float[] row : logits) {
			for (float value : row) {
				max = Math.max(max, Math.abs(value));
			}
		}
		return max;
	}

}

package dev.enclave.inference.internal.generation;

import java.nio.file.Path;
import java.util.Set;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.testing.TinyCheckpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** On the real engine: greedy answers repeat exactly, and so do seeded samples. */
class DeterminismTests {

	@TempDir
	static Path directory;

	private static DecoderModel model;

	@BeforeAll
	static void load() {
		TinyCheckpoints.write(directory, TinyCheckpoints.Kind.QWEN2, 17);
		try (Checkpoint checkpoint = Checkpoint.open(directory, null)) {
			model = DecoderModel.load("tiny", checkpoint, Device.cpu(), DataType.FLOAT32, 0);
		}
	}

	@AfterAll
	static void close() {
		model.close();
	}

	@Test
	void greedyGenerationIsDeterministic() {
		String first = answer(SamplingParams.GREEDY);
		assertThat(answer(SamplingParams.GREEDY)).isEqualTo(first);
		assertThat(first.codePoints().count()).isEqualTo(40);
	}

	@Test
	void seededSamplingIsReproducible() {
		SamplingParams seeded = new SamplingParams(3.0, 50, 0.95, 1234L);
		String first = answer(seeded);
		assertThat(answer(seeded)).isEqualTo(first);
		assertThat(answer(new SamplingParams(3.0, 50, 0.95, 4321L))).isNotEqualTo(first);
		assertThat(first).isNotEqualTo(answer(SamplingParams.GREEDY));
	}

	/** Token ids as CJK characters: the text is the token sequence, one character per token. */
	private static String answer(SamplingParams sampling) {
		StringBuilder text = new StringBuilder();
		GenerationRequest request = new GenerationRequest(new int[] { TinyCheckpoints.BEGIN, 'H', 'i' }, 40, sampling,
				Set.of(), java.util.List.of());
		new Generator(model, DeterminismTests::asCharacters).generate(request, text::append, () -> false);
		return text.toString();
	}

	private static String asCharacters(int[] tokens) {
		StringBuilder text = new StringBuilder();
		for (int token : tokens) {
			text.appendCodePoint(0x4E00 + token);
		}
		return text.toString();
	}

}

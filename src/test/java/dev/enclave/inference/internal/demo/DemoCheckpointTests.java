package dev.enclave.inference.internal.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.enclave.shared.FinishReason;
import dev.enclave.inference.internal.checkpoint.Checkpoint;
import dev.enclave.inference.internal.engine.DecoderModel;
import dev.enclave.inference.internal.generation.GenerationRequest;
import dev.enclave.inference.internal.generation.GenerationResult;
import dev.enclave.inference.internal.generation.Generator;
import dev.enclave.inference.internal.generation.LanguageModel;
import dev.enclave.inference.internal.generation.SamplingParams;
import dev.enclave.inference.internal.generation.TextTokenizer;
import dev.enclave.inference.internal.template.ChatTemplate;
import dev.enclave.inference.testing.ReferenceModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generated demo checkpoint is a real Hugging Face checkpoint: it verifies, the
 * reference reads it as the engine does, its tokenizer encodes any text, and it chats.
 */
class DemoCheckpointTests {

	@TempDir
	Path directory;

	@Test
	void isASmallSealedCheckpointThatSaysWhatItIs() throws Exception {
		Path demo = DemoCheckpoint.ensure(this.directory.resolve("demo"));
		assertThat(Files.size(demo.resolve("model.safetensors"))).isBetween(1_000_000L, 5_000_000L);
		assertThat(Files.readString(demo.resolve("README.md"))).contains(DemoCheckpoint.LABEL);
		try (Checkpoint checkpoint = Checkpoint.open(demo, null)) {
			assertThat(checkpoint.manifest().digests().keySet()).containsExactly("README.md", "config.json",
					"generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json");
		}
		String manifest = Files.readString(demo.resolve("SHA256SUMS"));
		assertThat(DemoCheckpoint.ensure(demo)).isEqualTo(demo);
		assertThat(Files.readString(demo.resolve("SHA256SUMS"))).as("left as it is").isEqualTo(manifest);
		DemoCheckpoint.write(this.directory.resolve("again"), DemoCheckpoint.Spec.DEMO);
		assertThat(Files.readString(this.directory.resolve("again/SHA256SUMS"))).as("seeded").isEqualTo(manifest);
	}

	@Test
	void theEngineAndTheReferenceAgreeOnIt() {
		Path demo = DemoCheckpoint.ensure(this.directory.resolve("demo"));
		int[] prompt = { 256, 'H', 'e', 'l', 'l', 'o', 0xE4, 0xBD, 0xA0 };
		float[][] expected = ReferenceModel.load(demo).logits(prompt);
		try (Checkpoint checkpoint = Checkpoint.open(demo, null);
				DecoderModel model = DecoderModel.load("demo", checkpoint, Device.cpu(), DataType.FLOAT32, 0);
				LanguageModel.Sequence sequence = model.newSequence(prompt.length)) {
			float[][] actual = model.forwardAll(sequence, prompt);
			for (int position = 0; position < prompt.length; position++) {
				for (int token = 0; token < actual[position].length; token++) {
					assertThat(actual[position][token]).isCloseTo(expected[position][token],
							org.assertj.core.data.Offset.offset(1e-4f));
				}
			}
		}
	}

	@Test
	void itsTokenizerEncodesAnyTextAndItChats() {
		Path demo = DemoCheckpoint.ensure(this.directory.resolve("demo"));
		try (Checkpoint checkpoint = Checkpoint.open(demo, null);
				DecoderModel model = DecoderModel.load("demo", checkpoint, Device.cpu(), DataType.FLOAT32, 0);
				TextTokenizer tokenizer = TextTokenizer.load(checkpoint.tokenizerFile())) {
			String text = "Grüße, 你好 👋 \u0000\t";
			assertThat(tokenizer.decode(tokenizer.encode(text))).isEqualTo(text);
			ChatTemplate template = new ChatTemplate(checkpoint.tokenizer().chatTemplate(false),
					checkpoint.tokenizer().specialTokens(), Clock.systemUTC());
			String prompt = template.render(List.of(Map.of("role", "user", "content", "Hi")), List.of(), true);
			assertThat(prompt).isEqualTo("<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
					+ "<|start_header_id|>assistant<|end_header_id|>\n\n");
			int[] tokens = tokenizer.encode(prompt);
			assertThat(tokens[0]).isEqualTo(256);
			StringBuilder answer = new StringBuilder();
			GenerationResult result = new Generator(model, tokenizer::decode).generate(
					new GenerationRequest(tokens, 24, new SamplingParams(0.8, 0, 0.95, 1L), Set.of(257, 260), List.of()),
					answer::append, () -> false);
			assertThat(result.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
			assertThat(answer.toString()).as("readable random text").matches("[\\x20-\\x7E\\n]*");
		}
	}

}

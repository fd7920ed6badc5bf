package dev.enclave.inference.internal.generation;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import dev.enclave.shared.FinishReason;
import dev.enclave.inference.testing.TestTokenizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The generation loop: streaming text, every way to stop, usage counts. */
class GeneratorTests {

	private static final int END = 256;

	private static final int[] PROMPT = { 'H', 'i', '!' };

	@TempDir
	static Path directory;

	private static TextTokenizer tokenizer;

	@BeforeAll
	static void loadTokenizer() throws Exception {
		Path file = directory.resolve("tokenizer.json");
		Files.writeString(file, TestTokenizers.byteLevel(List.of("<|end|>")));
		tokenizer = TextTokenizer.load(file);
	}

	@AfterAll
	static void closeTokenizer() {
		tokenizer.close();
	}

	@Test
	void chineseStreamsInWholeCharactersAndAStopTokenEndsIt() {
		int[] answer = tokenizer.encode("你好，世界");
		ScriptedModel model = new ScriptedModel(append(answer, END), 300, 64);
		List<String> pieces = new ArrayList<>();
		GenerationResult result = new Generator(model, tokenizer::decode).generate(request(100, List.of()), pieces::add,
				() -> false);
		assertThat(pieces).containsExactly("你", "好", "，", "世", "界");
		assertThat(result).isEqualTo(new GenerationResult(FinishReason.STOP, 3, answer.length + 1));
	}

	@Test
	void aStopStringEndsTheAnswerBeforeIt() {
		ScriptedModel model = new ScriptedModel(tokenizer.encode("Hello<END>more"), 300, 64);
		StringBuilder text = new StringBuilder();
		GenerationResult result = new Generator(model, tokenizer::decode).generate(request(100, List.of("<END>")),
				text::append, () -> false);
		assertThat(text).hasToString("Hello");
		assertThat(result.finishReason()).isEqualTo(FinishReason.STOP);
		assertThat(result.completionTokens()).isEqualTo("Hello<END>".length());
	}

	@Test
	void maxTokensEndsTheAnswerWithLength() {
		ScriptedModel model = new ScriptedModel(tokenizer.encode("abcdef"), 300, 64);
		StringBuilder text = new StringBuilder();
		GenerationResult result = new Generator(model, tokenizer::decode).generate(request(3, List.of()), text::append,
				() -> false);
		assertThat(text).hasToString("abc");
		assertThat(result).isEqualTo(new GenerationResult(FinishReason.LENGTH, 3, 3));
	}

	@Test
	void theContextLimitEndsTheAnswerWithLength() {
		ScriptedModel model = new ScriptedModel(tokenizer.encode("abcdef"), 300, 5);
		StringBuilder text = new StringBuilder();
		GenerationResult result = new Generator(model, tokenizer::decode).generate(request(100, List.of()),
				text::append, () -> false);
		assertThat(text).hasToString("ab");
		assertThat(result).isEqualTo(new GenerationResult(FinishReason.LENGTH, 3, 2));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Generator(new ScriptedModel(new int[] { 1 }, 300, 3), tokenizer::decode)
				.generate(request(10, List.of()), text::append, () -> false))
			.withMessageContaining("context");
	}

	@Test
	void cancellingStopsAtTheNextStep() {
		ScriptedModel model = new ScriptedModel(tokenizer.encode("abcdefghijklmnop"), 300, 64);
		AtomicBoolean cancelled = new AtomicBoolean();
		List<String> pieces = new ArrayList<>();
		GenerationResult result = new Generator(model, tokenizer::decode).generate(request(100, List.of()), (piece) -> {
			pieces.add(piece);
			cancelled.set(true);
		}, cancelled::get);
		assertThat(pieces).containsExactly("a");
		assertThat(result).isEqualTo(new GenerationResult(FinishReason.CANCELLED, 3, 1));
		// The prompt only: the cancel came before the next step.
		assertThat(model.forwardCalls).isEqualTo(1);
	}

	private static GenerationRequest request(int maxTokens, List<String> stops) {
		return new GenerationRequest(PROMPT, maxTokens, SamplingParams.GREEDY, Set.of(END), stops);
	}

	private static int[] append(int[] tokens, int token) {
		return IntStream.concat(IntStream.of(tokens), IntStream.of(token)).toArray();
	}

}

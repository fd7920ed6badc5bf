package dev.enclave.inference.internal.generation;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.enclave.inference.testing.TestTokenizers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming never emits half a character: with a real Hugging Face tokenizer whose tokens
 * are single bytes, every Chinese character and emoji spans several tokens.
 */
class StreamingDetokenizerTests {

	private static final String TEXT = "你好，世界！Grüße 👋🏽 ok";

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
	void everyTokenIsOneByte() {
		assertThat(tokenizer.encode(TEXT)).hasSize(TEXT.getBytes(StandardCharsets.UTF_8).length);
		assertThat(tokenizer.decode(tokenizer.encode(TEXT))).isEqualTo(TEXT);
	}

	@Test
	void piecesAreWholeCharactersThatAddUpToTheText() {
		StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer::decode);
		List<String> pieces = new ArrayList<>();
		for (int token : tokenizer.encode(TEXT)) {
			String piece = detokenizer.push(token);
			if (!piece.isEmpty()) {
				pieces.add(piece);
			}
		}
		pieces.add(detokenizer.flush());
		assertThat(pieces).allSatisfy((piece) -> assertThat(piece).doesNotContain("\uFFFD"));
		assertThat(String.join("", pieces)).isEqualTo(TEXT);
		assertThat(pieces).contains("你", "好", "👋", "🏽");
	}

	@Test
	void aCharacterIsHeldUntilItsLastByte() {
		StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer::decode);
		int[] bytes = tokenizer.encode("世");
		assertThat(bytes).hasSize(3);
		assertThat(detokenizer.push(bytes[0])).isEmpty();
		assertThat(detokenizer.push(bytes[1])).isEmpty();
		assertThat(detokenizer.push(bytes[2])).isEqualTo("世");
	}

	@Test
	void bytesThatNeverFormACharacterAreNotHeldForever() {
		StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer::decode);
		int[] broken = tokenizer.encode("世");
		assertThat(detokenizer.push(broken[0])).isEmpty();
		// 'a' cannot continue the sequence: the stray byte is rendered as U+FFFD, then 'a'.
		assertThat(detokenizer.push('a')).isEqualTo("\uFFFDa");
		assertThat(detokenizer.push(broken[0])).isEmpty();
		assertThat(detokenizer.flush()).isEqualTo("\uFFFD");
	}

}

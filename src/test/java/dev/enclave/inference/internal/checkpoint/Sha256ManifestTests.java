package dev.enclave.inference.internal.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The manifest is written as sha256sum writes it, and read back with files in subdirectories. */
class Sha256ManifestTests {

	@TempDir
	Path directory;

	@Test
	void writesSortedSha256sumLinesAtomicallyAndReturnsTheirDigest() throws Exception {
		Files.createDirectory(this.directory.resolve("onnx"));
		Files.writeString(this.directory.resolve("onnx/model.onnx"), "graph");
		Files.writeString(this.directory.resolve("config.json"), "{}");
		String onnx = Sha256Manifest.sha256(this.directory.resolve("onnx/model.onnx"));
		String config = Sha256Manifest.sha256(this.directory.resolve("config.json"));

		String digest = Sha256Manifest.write(this.directory, Map.of("onnx/model.onnx", onnx.toUpperCase(), "config.json", config));

		Path file = this.directory.resolve(Sha256Manifest.FILE_NAME);
		assertThat(Files.readString(file, StandardCharsets.UTF_8))
			.isEqualTo(config + "  config.json\n" + onnx + "  onnx/model.onnx\n");
		assertThat(digest).isEqualTo(Sha256Manifest.sha256(file));
		assertThat(this.directory.resolve("SHA256SUMS.tmp")).doesNotExist();
		Sha256Manifest manifest = Sha256Manifest.read(this.directory, digest);
		assertThat(manifest.digests()).containsOnlyKeys("config.json", "onnx/model.onnx");
		manifest.verifyAll(this.directory);

		Files.writeString(this.directory.resolve("onnx/model.onnx"), "other graph");
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> manifest.verifyAll(this.directory))
			.withMessageStartingWith("onnx/model.onnx in ");
	}

	@Test
	void rewritingReplacesTheOldManifest() {
		Sha256Manifest.write(this.directory, Map.of("a.json", "a".repeat(64), "b.json", "b".repeat(64)));
		String digest = Sha256Manifest.write(this.directory, Map.of("c.json", "c".repeat(64)));
		assertThat(Sha256Manifest.read(this.directory, digest).digests()).containsOnlyKeys("c.json");
	}

	@ParameterizedTest
	@ValueSource(strings = { "../evil", "/abs", "a/../b", "./a", "a//b", "a/", "a\\b", "line\nbreak", "" })
	void unsafeNamesAreNeitherWrittenNorAccepted(String name) {
		assertThat(Sha256Manifest.isSafeName(name)).isFalse();
		assertThatIllegalArgumentException().isThrownBy(() -> Sha256Manifest.write(this.directory, Map.of(name, "0".repeat(64))));
		assertThat(this.directory.resolve(Sha256Manifest.FILE_NAME)).doesNotExist();
	}

	@Test
	void normalisedRelativePathsAreSafe() {
		assertThat(Sha256Manifest.isSafeName("config.json")).isTrue();
		assertThat(Sha256Manifest.isSafeName("onnx/model.onnx")).isTrue();
		assertThat(Sha256Manifest.isSafeName("a/b/.hidden")).isTrue();
	}

	@Test
	void aDigestThatIsNotSha256IsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> Sha256Manifest.write(this.directory, Map.of("a.json", "abc")))
			.withMessageContaining("a.json");
	}

}

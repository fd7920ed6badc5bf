package dev.enclave.inference.internal.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.inference.testing.TinyCheckpoints.Kind;
import dev.enclave.inference.testing.TinyCheckpoints.Options;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A checkpoint loads only when SHA256SUMS vouches for every file that is loaded. */
class CheckpointVerificationTests {

	@TempDir
	Path directory;

	@BeforeEach
	void writeCheckpoint() {
		TinyCheckpoints.write(this.directory, Kind.LLAMA, 1, new Options("F32", 2, false, false));
	}

	@Test
	void aSealedCheckpointOpens() {
		try (Checkpoint checkpoint = Checkpoint.open(this.directory, null)) {
			assertThat(checkpoint.weights().names()).contains("model.embed_tokens.weight", "lm_head.weight");
			assertThat(checkpoint.tokenizer().chatTemplate(false)).isEqualTo(TinyCheckpoints.CHAT_TEMPLATE);
			assertThat(checkpoint.tokenizer().specialTokens()).containsEntry("eos_token", "<|end|>");
			assertThat(checkpoint.generation().eosTokenIds()).containsExactlyInAnyOrder(TinyCheckpoints.END, 259);
		}
	}

	@Test
	void aTamperedWeightFileIsRefusedByName() throws Exception {
		Path shard = this.directory.resolve("model-00002-of-00002.safetensors");
		byte[] bytes = Files.readAllBytes(shard);
		bytes[bytes.length - 1] ^= 1;
		Files.write(shard, bytes);
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageStartingWith("model-00002-of-00002.safetensors in ")
			.withMessageContaining("does not match SHA256SUMS");
	}

	@Test
	void aMissingListedFileIsRefusedByName() throws Exception {
		Files.delete(this.directory.resolve("model-00001-of-00002.safetensors"));
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageStartingWith("model-00001-of-00002.safetensors is listed in SHA256SUMS but missing");
	}

	@Test
	void anUnlistedWeightFileIsRefusedByName() throws Exception {
		Files.copy(this.directory.resolve("model-00001-of-00002.safetensors"), this.directory.resolve("extra.safetensors"));
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageStartingWith("unlisted weight file extra.safetensors in ")
			.withMessageEndingWith("is not listed in SHA256SUMS");
	}

	@Test
	void aLoadedFileMissingFromTheManifestIsRefused() throws Exception {
		Path manifest = this.directory.resolve("SHA256SUMS");
		String withoutConfig = Files.readAllLines(manifest)
			.stream()
			.filter((line) -> !line.endsWith("  config.json"))
			.reduce("", (all, line) -> all + line + "\n");
		Files.writeString(manifest, withoutConfig);
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageStartingWith("config.json in ")
			.withMessageEndingWith("is not listed in SHA256SUMS");
	}

	@Test
	void withoutAManifestNothingLoads() throws Exception {
		Files.delete(this.directory.resolve("SHA256SUMS"));
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageContaining("SHA256SUMS is missing")
			.withMessageContaining("sha256sum");
	}

	@Test
	void aPinnedManifestDigestMustMatch() {
		String digest = Sha256Manifest.sha256(this.directory.resolve("SHA256SUMS"));
		try (Checkpoint checkpoint = Checkpoint.open(this.directory, digest.toUpperCase())) {
			assertThat(checkpoint.manifest().digest()).isEqualTo(digest);
		}
		String other = "0".repeat(64);
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, other))
			.withMessageContaining("SHA256SUMS")
			.withMessageContaining("sha256sums-digest pins " + other);
	}

	@ParameterizedTest
	@ValueSource(strings = { "../etc/passwd", "/etc/passwd", "onnx/../../etc/passwd", "onnx//model.onnx",
			"onnx\\model.onnx" })
	void aManifestThatReachesOutsideTheDirectoryIsRefused(String name) throws Exception {
		Files.writeString(this.directory.resolve("SHA256SUMS"), "0".repeat(64) + "  " + name + "\n",
				StandardOpenOption.APPEND);
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageContaining("names '" + name + "'")
			.withMessageContaining("only relative paths inside the checkpoint directory");
	}

	@Test
	void aManifestMayListFilesInSubdirectories() throws Exception {
		Path onnx = Files.createDirectory(this.directory.resolve("onnx"));
		Files.writeString(onnx.resolve("model.onnx"), "graph");
		Files.writeString(this.directory.resolve("SHA256SUMS"),
				Sha256Manifest.sha256(onnx.resolve("model.onnx")) + "  onnx/model.onnx\n", StandardOpenOption.APPEND);
		try (Checkpoint checkpoint = Checkpoint.open(this.directory, null)) {
			assertThat(checkpoint.manifest().lists("onnx/model.onnx")).isTrue();
		}
		Files.writeString(onnx.resolve("model.onnx"), "tampered");
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.directory, null))
			.withMessageStartingWith("onnx/model.onnx in ")
			.withMessageContaining("does not match SHA256SUMS");
	}

}

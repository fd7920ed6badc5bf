package dev.enclave.inference.internal.checkpoint;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.enclave.inference.internal.checkpoint.ManifestSignatures.Algorithm;
import dev.enclave.inference.testing.TinyCheckpoints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A signed checkpoint opens with its public key only; an unsigned or altered one never does. */
class ManifestSignaturesTests {

	@TempDir
	Path dir;

	private Path model;

	@BeforeEach
	void writeCheckpoint() {
		this.model = this.dir.resolve("model");
		TinyCheckpoints.write(this.model, TinyCheckpoints.Kind.LLAMA, 5);
	}

	@ParameterizedTest
	@EnumSource(Algorithm.class)
	void aSignedCheckpointOpensWithItsPublicKey(Algorithm algorithm) throws Exception {
		Path privateKey = this.dir.resolve("signing.json");
		Path publicKey = this.dir.resolve("signing.pub.json");
		ManifestSignatures.generate(algorithm, privateKey, publicKey);
		assertThat(Files.getPosixFilePermissions(privateKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(Files.readString(publicKey)).doesNotContain("privateKey")
			.isNotEqualTo(Files.readString(privateKey));

		String digest = ManifestSignatures.sign(this.model, privateKey);

		assertThat(digest).isEqualTo(Sha256Manifest.read(this.model, null).digest());
		assertThat(ManifestSignatures.verify(this.model, publicKey)).isEqualTo(digest);
		try (Checkpoint checkpoint = Checkpoint.open(this.model, null, publicKey)) {
			assertThat(checkpoint.manifest().digest()).isEqualTo(digest);
		}
		try (Checkpoint checkpoint = Checkpoint.open(this.model, digest.toUpperCase(), publicKey)) {
			assertThat(checkpoint.manifest().digest()).as("a pin and a signature together").isEqualTo(digest);
		}
	}

	@Test
	void anUnsignedCheckpointIsRefusedWhenASignatureIsRequired() {
		Path publicKey = keyPair("a");
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> Checkpoint.open(this.model, null, publicKey))
			.withMessageContaining("is not signed (no SHA256SUMS.sig)");
	}

	@Test
	void aSignatureByAnotherKeyIsRefused() {
		keyPair("ours");
		Path theirs = keyPair("theirs");
		ManifestSignatures.sign(this.model, this.dir.resolve("ours.json"));
		assertThatExceptionOfType(CheckpointException.class).isThrownBy(() -> Checkpoint.open(this.model, null, theirs))
			.withMessageContaining("is not a valid signature of SHA256SUMS by the configured public key");
	}

	@Test
	void aManifestRewrittenAfterSigningIsRefused() throws Exception {
		Path publicKey = keyPair("a");
		ManifestSignatures.sign(this.model, this.dir.resolve("a.json"));
		// An attacker who can write the directory re-hashes altered weights into the manifest.
		Path manifest = this.model.resolve(Sha256Manifest.FILE_NAME);
		Files.writeString(manifest, Files.readString(manifest) + "\n", StandardCharsets.UTF_8);
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> Checkpoint.open(this.model, null, publicKey))
			.withMessageContaining("is not a valid signature");
	}

	@Test
	void aPinThatDisagreesWithTheSignedManifestIsRefused() {
		Path publicKey = keyPair("a");
		ManifestSignatures.sign(this.model, this.dir.resolve("a.json"));
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> Checkpoint.open(this.model, "0".repeat(64), publicKey))
			.withMessageContaining("but sha256sums-digest pins " + "0".repeat(64));
	}

	@Test
	void anAlteredCheckpointIsNeverSigned() throws Exception {
		keyPair("a");
		Path weights = this.model.resolve("model.safetensors");
		byte[] bytes = Files.readAllBytes(weights);
		bytes[bytes.length - 1] ^= 1;
		Files.write(weights, bytes);
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> ManifestSignatures.sign(this.model, this.dir.resolve("a.json")))
			.withMessageContaining("does not match SHA256SUMS");
		assertThat(this.model.resolve(ManifestSignatures.FILE_NAME)).doesNotExist();
	}

	@Test
	void aSigningKeyIsNeverOverwritten() {
		keyPair("a");
		assertThatExceptionOfType(CheckpointException.class)
			.isThrownBy(() -> ManifestSignatures.generate(Algorithm.ED25519, this.dir.resolve("a.json"),
					this.dir.resolve("other.pub.json")))
			.withMessageContaining("exists already");
	}

	private Path keyPair(String name) {
		Path publicKey = this.dir.resolve(name + ".pub.json");
		ManifestSignatures.generate(Algorithm.ECDSA_P256, this.dir.resolve(name + ".json"), publicKey);
		return publicKey;
	}

}

package dev.enclave.inference;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.enclave.EnclaveCommand;
import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import dev.enclave.inference.testing.TinyCheckpoints;
import dev.enclave.shared.CommandFailure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code model verify}, {@code sign}, {@code keygen} and {@code list}, as an operator runs them. */
class ModelCommandTests {

	@TempDir
	Path dir;

	private Path model;

	@BeforeEach
	void writeCheckpoint() {
		this.model = this.dir.resolve("models/tiny");
		TinyCheckpoints.write(this.model, TinyCheckpoints.Kind.QWEN2, 7);
	}

	@Test
	void verifyPrintsTheManifestDigestToPin() {
		Result result = execute("model", "verify", this.model.toString());
		assertThat(result.code()).as(result.err()).isZero();
		String digest = Sha256Manifest.read(this.model, null).digest();
		assertThat(result.out()).contains("SHA256SUMS sha256: " + digest)
			.contains("sha256sums-digest: " + digest)
			.contains("Signature: absent");
	}

	@Test
	void verifyCatchesAFlippedByte() throws Exception {
		Path weights = this.model.resolve("model.safetensors");
		byte[] bytes = Files.readAllBytes(weights);
		bytes[bytes.length / 3] ^= 0x01;
		Files.write(weights, bytes);
		Result result = execute("model", "verify", this.model.toString());
		assertThat(result.code()).isEqualTo(CommandFailure.FAILED);
		assertThat(result.err()).startsWith("enclave model verify: model.safetensors in ")
			.contains("does not match SHA256SUMS");
		assertThat(weights).as("verify never deletes an operator's file").exists();
	}

	@Test
	void verifyRefusesAWrongPinAndAnUnlistedWeightFile() throws Exception {
		assertThat(execute("model", "verify", this.model.toString(), "--sha256sums-digest", "a".repeat(64)).err())
			.contains("but sha256sums-digest pins " + "a".repeat(64));
		Files.copy(this.model.resolve("model.safetensors"), this.model.resolve("extra.safetensors"));
		Result result = execute("model", "verify", this.model.toString());
		assertThat(result.code()).isEqualTo(CommandFailure.FAILED);
		assertThat(result.err()).contains("unlisted weight file extra.safetensors");
	}

	@Test
	void aModelSignedWithKeygensKeyVerifiesWithThePublicKeyOnly() throws Exception {
		Path privateKey = this.dir.resolve("keys/model-team.json");
		Path publicKey = this.dir.resolve("keys/model-team.pub.json");
		assertThat(execute("model", "keygen", "--private-key", privateKey.toString(), "--public-key",
				publicKey.toString(), "--algorithm", "ed25519").code()).isZero();
		Result signed = execute("model", "sign", this.model.toString(), "--key", privateKey.toString());
		assertThat(signed.code()).as(signed.err()).isZero();
		assertThat(signed.out()).contains("Signed SHA256SUMS");

		Result verified = execute("model", "verify", this.model.toString(), "--public-key", publicKey.toString());
		assertThat(verified.code()).as(verified.err()).isZero();
		assertThat(verified.out()).contains("Signature: verified");
		assertThat(execute("model", "verify", this.model.toString()).out()).contains("Signature: not checked");

		Path other = this.dir.resolve("keys/other.pub.json");
		execute("model", "keygen", "--private-key", this.dir.resolve("keys/other.json").toString(), "--public-key",
				other.toString());
		Result forged = execute("model", "verify", this.model.toString(), "--public-key", other.toString());
		assertThat(forged.code()).isEqualTo(CommandFailure.FAILED);
		assertThat(forged.err()).contains("is not a valid signature");
	}

	@Test
	void listShowsSealedSignedAndIncompleteModels() throws Exception {
		Files.createDirectories(this.dir.resolve("models/half-pulled"));
		Result result = execute("model", "list", "--dir", this.dir.resolve("models").toString());
		assertThat(result.code()).isZero();
		assertThat(result.lines()).hasSize(2);
		assertThat(result.lines().get(0)).startsWith("half-pulled").contains("no SHA256SUMS");
		assertThat(result.lines().get(1)).startsWith("tiny")
			.contains("unsigned")
			.contains(Sha256Manifest.read(this.model, null).digest());
		assertThat(execute("model", "list", "--dir", this.dir.resolve("none").toString()).out()).startsWith("No models in");
	}

	static Result execute(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = EnclaveCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
		return new Result(code, out.toString(), err.toString());
	}

	record Result(int code, String out, String err) {

		java.util.List<String> lines() {
			return this.out.lines().toList();
		}

	}

}

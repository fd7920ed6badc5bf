package dev.enclave.inference.internal.hub;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Nothing the hub sends is kept unless it matches what the hub lists, and no listed name escapes the directory. */
@Timeout(60)
class ModelPullIntegrityTests {

	@TempDir
	Path temp;

	private FakeHub hub;

	private Path dir;

	@BeforeEach
	void startHub() {
		this.hub = FakeHub.start("localhost").publish(FakeHub.REPO, FakeHub.sampleFiles());
		this.dir = this.temp.resolve("model");
	}

	@AfterEach
	void stopHub() {
		this.hub.close();
	}

	@Test
	void anLfsFileThatDoesNotMatchItsSha256IsDeleted() {
		this.hub.corrupt(FakeHub.BIG);
		String expected = FakeHub.hex("SHA-256", this.hub.find(FakeHub.REPO, FakeHub.BIG).content());

		assertThatExceptionOfType(ModelIntegrityException.class)
			.isThrownBy(() -> Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 1)))
			.withMessageStartingWith("model.safetensors of acme/tiny-model at commit " + FakeHub.COMMIT)
			.withMessageContaining("expected SHA-256 " + expected + ", got ")
			.withMessageContaining("The download was deleted; pull again.");
		assertThat(this.dir.resolve(FakeHub.BIG)).doesNotExist();
		assertThat(this.dir.resolve(FakeHub.BIG + ".incomplete")).doesNotExist();
		assertThat(this.dir.resolve(Sha256Manifest.FILE_NAME)).doesNotExist();
	}

	@Test
	void aGitFileThatDoesNotMatchItsBlobIdIsDeleted() {
		this.hub.corrupt("onnx/model.onnx");
		String expected = FakeHub.gitBlobId(this.hub.find(FakeHub.REPO, "onnx/model.onnx").content());

		assertThatExceptionOfType(ModelIntegrityException.class)
			.isThrownBy(() -> Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 1)))
			.withMessageStartingWith("onnx/model.onnx of acme/tiny-model")
			.withMessageContaining("expected git blob id " + expected + ", got ")
			.withMessageContaining("deleted");
		assertThat(this.dir.resolve("onnx/model.onnx")).doesNotExist();
		assertThat(this.dir.resolve("onnx/model.onnx.incomplete")).doesNotExist();
		assertThat(this.dir.resolve(Sha256Manifest.FILE_NAME)).doesNotExist();
	}

	@Test
	void theGitBlobIdIsGitsOwn() {
		// What `echo hello | git hash-object --stdin` prints.
		RepoFile hello = new RepoFile("hello.txt", 6, null, "ce013625030ba8dba906f756967f9e9ca394464a");
		ContentHasher hasher = ContentHasher.of(hello);
		byte[] content = "hello\n".getBytes(StandardCharsets.US_ASCII);
		hasher.update(content, 0, content.length);

		assertThat(hello.mismatch(hasher.finish())).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "../evil", "/abs", "onnx/../../evil", "a\\b", "./config.json", "onnx//x" })
	void unsafeNamesInTheListingAreRefusedBeforeAnythingIsWritten(String name) {
		this.hub.listAlso(name);

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 4)))
			.withMessageContaining("unsafe file name '" + name + "'")
			.withMessageContaining("nothing was pulled");
		assertThat(this.dir).doesNotExist();
		assertThat(this.temp.resolve("evil")).doesNotExist();
		assertThat(this.hub.fileRequests()).isEmpty();
	}

}

package dev.enclave.inference.internal.hub;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** A pull request names a repo and revision that cannot be turned into another URL or path. */
class ModelPullRequestTests {

	private static final Path DIR = Path.of("models/tiny");

	@Test
	void defaultsToMainAndFourAtATime() {
		PullRequest request = new PullRequest("acme/tiny-model", DIR);

		assertThat(request.revision()).isEqualTo("main");
		assertThat(request.parallelism()).isEqualTo(4);
		assertThat(request.include()).isEmpty();
		assertThat(new PullRequest("gpt2", DIR).repo()).isEqualTo("gpt2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "acme/", "/acme", "acme/tiny/extra", "../acme", "acme/..", "acme/.", "acme tiny", "acme/tiny?x" })
	void aRepoMustBeOwnerSlashName(String repo) {
		assertThatIllegalArgumentException().isThrownBy(() -> new PullRequest(repo, DIR)).withMessageContaining("repo");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "..", "refs/../main", "main\n" })
	void aRevisionMustNotClimb(String revision) {
		assertThatIllegalArgumentException().isThrownBy(() -> new PullRequest("acme/tiny", revision, DIR, List.of(), 4))
			.withMessageContaining("revision");
	}

	@Test
	void parallelismIsAtLeastOneAndGlobsMustParse() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PullRequest("acme/tiny", "main", DIR, List.of(), 0))
			.withMessageContaining("parallelism");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PullRequest("acme/tiny", "main", DIR, List.of("model-[0-9.safetensors"), 4));
	}

	@Test
	void refsAndFileNamesAreEncodedAsTheHubExpects() {
		assertThat(HubClient.segment("refs/pr/1")).isEqualTo("refs%2Fpr%2F1");
		assertThat(HubClient.path("onnx/model v2+final.onnx")).isEqualTo("onnx/model%20v2%2Bfinal.onnx");
	}

}

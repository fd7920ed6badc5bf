package dev.enclave.inference.internal.hub;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import dev.enclave.inference.internal.hub.FakeHub.Recorded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The token opens gated models on the hub and goes nowhere else; the hub's refusals say what to do. */
@Timeout(60)
class ModelPullAccessTests {

	private static final String TOKEN = "hf_s3cr3tT0ken";

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

	private ModelPuller puller(Map<String, String> env) {
		return new ModelPuller(ModelPuller.httpClient(), HubEndpoint.fromEnvironment(env), PullProgress.none());
	}

	@Test
	void theTokenGoesToTheHubButNotToTheHostItRedirectsTo() throws Exception {
		try (FakeHub cdn = FakeHub.start("127.0.0.1").publish(FakeHub.REPO, FakeHub.sampleFiles())) {
			this.hub.requireToken(TOKEN);
			this.hub.redirectFilesTo(cdn);

			PullResult result = puller(Map.of("HF_ENDPOINT", this.hub.url(), "HF_TOKEN", TOKEN))
				.pull(Pulls.request(this.dir, 4));

			Sha256Manifest.read(this.dir, result.manifestDigest()).verifyAll(this.dir);
			assertThat(this.hub.requests()).hasSize(5)
				.extracting(Recorded::authorization)
				.containsOnly("Bearer " + TOKEN);
			assertThat(cdn.requests()).hasSize(4).allSatisfy((request) -> {
				assertThat(request.uri()).contains("X-Amz-Signature=");
				assertThat(request.authorization()).isNull();
			});
		}
	}

	@Test
	void withoutATokenAGatedModelAsksForHfToken() {
		this.hub.requireToken(TOKEN);

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> puller(Map.of("HF_ENDPOINT", this.hub.url())).pull(Pulls.request(this.dir, 4)))
			.withMessageStartingWith("GET " + this.hub.url() + "/api/models/acme/tiny-model/revision/main answered HTTP 401")
			.withMessageContaining("set HF_TOKEN")
			.withMessageContaining("the hub says: Access to model acme/tiny-model is restricted.");
		assertThat(this.dir).doesNotExist();
	}

	@Test
	void aRefusedTokenIsNamedButNotShown() {
		this.hub.requireToken(TOKEN);

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> puller(Map.of("HF_ENDPOINT", this.hub.url(), "HF_TOKEN", "hf_wrong"))
				.pull(Pulls.request(this.dir, 4)))
			.withMessageContaining("HTTP 401")
			.withMessageContaining("the token in HF_TOKEN was refused")
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("hf_wrong"));
	}

	@Test
	void anUnknownRepoOrRevisionIsSaidToNotExist() {
		PullRequest request = new PullRequest("acme/missing", "v9", this.dir, List.of(), 4);

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> puller(Map.of("HF_ENDPOINT", this.hub.url())).pull(request))
			.withMessageContaining("/api/models/acme/missing/revision/v9 answered HTTP 404")
			.withMessageContaining("the repo acme/missing or its revision v9 does not exist");
	}

	@Test
	void endlessRedirectsAreCutShort() {
		this.hub.redirectLoop();

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> puller(Map.of("HF_ENDPOINT", this.hub.url())).pull(Pulls.request(this.dir, 1)))
			.withMessageContaining("redirected more than 5 times");
		// The first request and five redirects; the next file may have started before the pull was cancelled.
		assertThat(this.hub.fileRequests()).filteredOn((request) -> request.uri().endsWith("/config.json")).hasSize(6);
	}

	@Test
	void aHubThatCannotBeReachedIsNamed() {
		String url = this.hub.url();
		this.hub.close();

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> puller(Map.of("HF_ENDPOINT", url)).pull(Pulls.request(this.dir, 4)))
			.withMessageStartingWith("Cannot reach " + url + "/api/models/acme/tiny-model/revision/main");
	}

}

package dev.enclave.inference.internal.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import dev.enclave.inference.internal.hub.FakeHub.Ranges;
import dev.enclave.inference.internal.hub.FakeHub.Recorded;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A broken pull leaves its partial downloads, and the next pull continues them where they stopped. */
@Timeout(60)
class ModelPullResumeTests {

	private static final long CUT = (1 << 20) + 123;

	@TempDir
	Path temp;

	private FakeHub hub;

	private Path dir;

	private Path partial;

	private byte[] big;

	@BeforeEach
	void startHub() {
		this.hub = FakeHub.start("localhost").publish(FakeHub.REPO, FakeHub.sampleFiles());
		this.dir = this.temp.resolve("model");
		this.partial = this.dir.resolve(FakeHub.BIG + ".incomplete");
		this.big = this.hub.find(FakeHub.REPO, FakeHub.BIG).content();
	}

	@AfterEach
	void stopHub() {
		this.hub.close();
	}

	@Test
	void aPullCutOffMidFileResumesFromWhereItStopped() throws Exception {
		// The connection closes once the puller has written the bytes it got, so the partial file is exactly CUT long.
		CompletableFuture<Void> written = new CompletableFuture<>();
		this.hub.cutAfter(FakeHub.BIG, CUT, written);
		PullProgress watcher = new PullProgress() {
			@Override
			public void fileProgress(String file, int count, long done, long size) {
				if (file.equals(FakeHub.BIG) && done >= CUT) {
					written.complete(null);
				}
			}
		};

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> Pulls.puller(this.hub, watcher).pull(Pulls.request(this.dir, 4)))
			.withMessageContaining("Downloading model.safetensors")
			.withMessageContaining("broke off after " + CUT + " of " + this.big.length + " bytes")
			.withMessageContaining("pull again to resume");
		assertThat(this.partial).hasSize(CUT);
		assertThat(this.dir.resolve(FakeHub.BIG)).doesNotExist();
		assertThat(this.dir.resolve(Sha256Manifest.FILE_NAME)).doesNotExist();
		this.hub.clearRequests();

		PullResult result = Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 4));

		assertThat(this.hub.fileRequests()).filteredOn((request) -> request.uri().endsWith(FakeHub.BIG))
			.singleElement()
			.extracting(Recorded::range)
			.isEqualTo("bytes=" + CUT + "-");
		assertThat(this.hub.served(FakeHub.BIG)).isEqualTo(this.big.length).isLessThan(2L * this.big.length);
		assertThat(this.dir.resolve(FakeHub.BIG)).hasBinaryContent(this.big);
		assertThat(this.partial).doesNotExist();
		assertThat(result.downloadedBytes()).isLessThan(result.bytes()).isGreaterThanOrEqualTo(this.big.length - CUT);
		Sha256Manifest.read(this.dir, result.manifestDigest()).verifyAll(this.dir);
	}

	@Test
	void aPartialFileWithWrongBytesIsCaughtWhenResumed() throws Exception {
		Files.createDirectories(this.dir);
		Files.write(this.partial, new byte[1000]);

		assertThatExceptionOfType(ModelIntegrityException.class)
			.isThrownBy(() -> Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 4)))
			.withMessageContaining(FakeHub.BIG)
			.withMessageContaining("deleted");
		assertThat(this.hub.fileRequests()).filteredOn((request) -> request.uri().endsWith(FakeHub.BIG))
			.singleElement()
			.extracting(Recorded::range)
			.isEqualTo("bytes=1000-");
		assertThat(this.partial).doesNotExist();
		assertThat(this.dir.resolve(FakeHub.BIG)).doesNotExist();
	}

	@Test
	void aHubThatIgnoresTheRangeIsDownloadedFromTheStart() throws Exception {
		Files.createDirectories(this.dir);
		Files.write(this.partial, new byte[1000]);
		this.hub.ranges(Ranges.IGNORED);

		PullResult result = Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 4));

		assertThat(this.dir.resolve(FakeHub.BIG)).hasBinaryContent(this.big);
		assertThat(result.downloadedBytes()).isEqualTo(result.bytes());
		Sha256Manifest.read(this.dir, result.manifestDigest()).verifyAll(this.dir);
	}

	@Test
	void aRefusedRangeStartsTheFileOver() throws Exception {
		Files.createDirectories(this.dir);
		Files.write(this.partial, new byte[1000]);
		this.hub.ranges(Ranges.REFUSED);

		PullResult result = Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 4));

		List<Recorded> requests = this.hub.fileRequests()
			.stream()
			.filter((request) -> request.uri().endsWith(FakeHub.BIG))
			.toList();
		assertThat(requests).extracting(Recorded::range).containsExactly("bytes=1000-", null);
		assertThat(this.dir.resolve(FakeHub.BIG)).hasBinaryContent(this.big);
		Sha256Manifest.read(this.dir, result.manifestDigest()).verifyAll(this.dir);
	}

	@Test
	void aCompletePartialFileIsVerifiedAndMovedWithoutARequest() throws Exception {
		Files.createDirectories(this.dir);
		Files.write(this.partial, this.big);

		PullResult result = Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(this.dir, 4));

		assertThat(this.hub.fileRequests()).noneMatch((request) -> request.uri().endsWith(FakeHub.BIG));
		assertThat(this.dir.resolve(FakeHub.BIG)).hasBinaryContent(this.big);
		assertThat(result.downloadedBytes()).isEqualTo(result.bytes() - this.big.length);
	}

	@Test
	void aHubThatStopsSendingIsGivenUp() {
		this.hub.stall(FakeHub.BIG);
		ModelPuller puller = new ModelPuller(ModelPuller.httpClient(),
				HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", this.hub.url())), PullProgress.none(),
				new Timeouts(Duration.ofSeconds(10), Duration.ofMillis(300)));

		assertThatExceptionOfType(HubException.class).isThrownBy(() -> puller.pull(Pulls.request(this.dir, 4)))
			.withMessageContaining("/resolve/" + FakeHub.COMMIT + "/model.safetensors sent nothing for 300 ms")
			.withMessageContaining("pull again to resume");
		// What arrived before the hub went quiet stays for the next pull; on a busy machine that may be less than all of it.
		assertThat(this.partial).exists();
		assertThat(this.partial.toFile().length()).isBetween(0L, 1000L);
		assertThat(this.dir.resolve(Sha256Manifest.FILE_NAME)).doesNotExist();
	}

}

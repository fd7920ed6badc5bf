package dev.enclave.inference.internal.hub;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.enclave.inference.internal.checkpoint.Sha256Manifest;
import dev.enclave.inference.internal.hub.FakeHub.HubFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A pull fetches the files of one commit, verifies each and seals the directory with SHA256SUMS last. */
@Timeout(60)
class ModelPullTests {

	private static final List<HubFile> FILES = FakeHub.sampleFiles();

	private static final long TOTAL = FILES.stream().mapToLong((file) -> file.content().length).sum();

	@TempDir
	Path temp;

	private FakeHub hub;

	@BeforeEach
	void startHub() {
		this.hub = FakeHub.start("localhost").publish(FakeHub.REPO, FILES);
	}

	@AfterEach
	void stopHub() {
		this.hub.close();
	}

	@Test
	void pullsEveryFileOfTheCommitAndWritesTheManifestLast() throws Exception {
		Path dir = Files.createDirectories(this.temp.resolve("model"));
		Files.writeString(dir.resolve(Sha256Manifest.FILE_NAME), "0".repeat(64) + "  stale.bin\n");
		Files.writeString(dir.resolve("notes.txt"), "not part of the repo");
		List<String> manifestSeen = new CopyOnWriteArrayList<>();
		PullProgress watcher = new PullProgress() {
			@Override
			public void pullStarted(String repo, String commit, int files, long bytes) {
				manifestSeen.add("started:" + Files.exists(dir.resolve(Sha256Manifest.FILE_NAME)));
			}

			@Override
			public void fileVerified(String file, long size, boolean downloaded) {
				manifestSeen.add("verified:" + Files.exists(dir.resolve(Sha256Manifest.FILE_NAME)));
			}

			@Override
			public void pullFinished(PullResult result) {
				manifestSeen.add("finished:" + Files.exists(dir.resolve(Sha256Manifest.FILE_NAME)));
			}
		};

		PullResult result = Pulls.puller(this.hub, watcher).pull(Pulls.request(dir, 4));

		assertThat(result.commit()).isEqualTo(FakeHub.COMMIT);
		assertThat(result.dir()).isEqualTo(dir.toAbsolutePath().normalize());
		assertThat(result.files()).isEqualTo(4);
		assertThat(result.bytes()).isEqualTo(TOTAL);
		assertThat(result.downloadedBytes()).isEqualTo(TOTAL);
		assertThat(result.manifestDigest()).isEqualTo(Sha256Manifest.sha256(dir.resolve(Sha256Manifest.FILE_NAME)));
		for (HubFile file : FILES) {
			assertThat(dir.resolve(file.name())).hasBinaryContent(file.content());
		}
		assertThat(Pulls.filesIn(dir)).containsExactly("SHA256SUMS", "config.json", "model.safetensors", "notes.txt",
				"onnx/model.onnx", "tokenizer.json");
		assertThat(manifestSeen).containsExactly("started:false", "verified:false", "verified:false", "verified:false",
				"verified:false", "finished:true");

		Sha256Manifest manifest = Sha256Manifest.read(dir, result.manifestDigest());
		assertThat(manifest.digests()).containsOnlyKeys("config.json", "tokenizer.json", "onnx/model.onnx",
				"model.safetensors");
		for (HubFile file : FILES) {
			assertThat(manifest.digests()).containsEntry(file.name(), FakeHub.hex("SHA-256", file.content()));
		}
		manifest.verifyAll(dir);

		assertThat(this.hub.requests()).first()
			.extracting(FakeHub.Recorded::uri)
			.isEqualTo("/api/models/acme/tiny-model/revision/main?blobs=true");
		assertThat(this.hub.fileRequests()).extracting(FakeHub.Recorded::uri)
			.containsExactlyInAnyOrder("/acme/tiny-model/resolve/" + FakeHub.COMMIT + "/config.json",
					"/acme/tiny-model/resolve/" + FakeHub.COMMIT + "/tokenizer.json",
					"/acme/tiny-model/resolve/" + FakeHub.COMMIT + "/onnx/model.onnx",
					"/acme/tiny-model/resolve/" + FakeHub.COMMIT + "/model.safetensors");
	}

	@Test
	void aMirrorIsAskedForEverythingAndItsRedirectsAreFollowed() throws Exception {
		try (FakeHub mirror = FakeHub.start("localhost", "/hf").publish(FakeHub.REPO, FILES)) {
			mirror.redirectFilesRelative();
			HubEndpoint endpoint = HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", mirror.url() + "/"));
			Path dir = this.temp.resolve("model");

			PullResult result = new ModelPuller(ModelPuller.httpClient(), endpoint, PullProgress.none())
				.pull(Pulls.request(dir, 2));

			assertThat(result.files()).isEqualTo(4);
			Sha256Manifest.read(dir, result.manifestDigest()).verifyAll(dir);
			assertThat(this.hub.requests()).isEmpty();
			assertThat(mirror.requests()).hasSize(1 + 2 * 4)
				.allSatisfy((request) -> assertThat(request.uri()).matches("(/moved)?/hf/.*"));
			assertThat(mirror.requests()).filteredOn((request) -> request.uri().startsWith("/moved/hf/acme/tiny-model/resolve/"))
				.hasSize(4);
		}
	}

	@Test
	void aRevisionIsSentAsOneEncodedSegment() throws Exception {
		PullRequest request = new PullRequest(FakeHub.REPO, "refs/pr/1", this.temp.resolve("model"), List.of(), 4);

		Pulls.puller(this.hub, PullProgress.none()).pull(request);

		assertThat(this.hub.requests()).first()
			.extracting(FakeHub.Recorded::uri)
			.isEqualTo("/api/models/acme/tiny-model/revision/refs%2Fpr%2F1?blobs=true");
	}

	@Test
	void pullingACompleteDirectoryAgainDownloadsNothing() throws Exception {
		Path dir = this.temp.resolve("model");
		PullResult first = Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(dir, 4));
		this.hub.clearRequests();
		Map<String, Boolean> verified = new ConcurrentHashMap<>();
		PullProgress watcher = new PullProgress() {
			@Override
			public void fileVerified(String file, long size, boolean downloaded) {
				verified.put(file, downloaded);
			}
		};

		PullResult second = Pulls.puller(this.hub, watcher).pull(Pulls.request(dir, 4));

		assertThat(second.downloadedBytes()).isZero();
		assertThat(second.files()).isEqualTo(4);
		assertThat(second.bytes()).isEqualTo(TOTAL);
		assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
		assertThat(this.hub.fileRequests()).isEmpty();
		assertThat(this.hub.requests()).hasSize(1);
		assertThat(verified).hasSize(4).doesNotContainValue(true);
	}

	@Test
	void aFileChangedInPlaceIsDownloadedAgain() throws Exception {
		Path dir = this.temp.resolve("model");
		Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(dir, 4));
		byte[] tokenizer = this.hub.find(FakeHub.REPO, "tokenizer.json").content();
		byte[] altered = tokenizer.clone();
		altered[0] ^= 1;
		Files.write(dir.resolve("tokenizer.json"), altered);
		this.hub.clearRequests();

		PullResult result = Pulls.puller(this.hub, PullProgress.none()).pull(Pulls.request(dir, 4));

		assertThat(result.downloadedBytes()).isEqualTo(tokenizer.length);
		assertThat(this.hub.fileRequests()).extracting(FakeHub.Recorded::uri).singleElement().asString().endsWith("/tokenizer.json");
		assertThat(dir.resolve("tokenizer.json")).hasBinaryContent(tokenizer);
		Sha256Manifest.read(dir, result.manifestDigest()).verifyAll(dir);
	}

	@Test
	void onlyIncludedFilesArePulledAndListed() throws Exception {
		Path dir = this.temp.resolve("model");
		PullRequest request = new PullRequest(FakeHub.REPO, "main", dir, List.of("*.json", "onnx/*"), 4);

		PullResult result = Pulls.puller(this.hub, PullProgress.none()).pull(request);

		assertThat(result.files()).isEqualTo(3);
		assertThat(Sha256Manifest.read(dir, result.manifestDigest()).digests()).containsOnlyKeys("config.json",
				"tokenizer.json", "onnx/model.onnx");
		assertThat(Pulls.filesIn(dir)).containsExactly("SHA256SUMS", "config.json", "onnx/model.onnx", "tokenizer.json");
		assertThat(this.hub.fileRequests()).noneMatch((recorded) -> recorded.uri().endsWith(FakeHub.BIG));
	}

	@Test
	void anIncludeThatMatchesNothingPullsNothing() {
		Path dir = this.temp.resolve("model");
		PullRequest request = new PullRequest(FakeHub.REPO, "main", dir, List.of("*.gguf"), 4);

		assertThatExceptionOfType(HubException.class)
			.isThrownBy(() -> Pulls.puller(this.hub, PullProgress.none()).pull(request))
			.withMessageContaining("No file of acme/tiny-model")
			.withMessageContaining("*.gguf");
		assertThat(dir).doesNotExist();
	}

	@Test
	void noMoreFilesThanTheParallelismAreInFlightAtOnce() throws Exception {
		this.hub.holdFiles();
		Set<Thread> threads = ConcurrentHashMap.newKeySet();
		PullProgress watcher = new PullProgress() {
			@Override
			public void fileStarted(String file, long size, long offset) {
				threads.add(Thread.currentThread());
			}
		};
		CompletableFuture<PullResult> pull = CompletableFuture.supplyAsync(() -> {
			try {
				return Pulls.puller(this.hub, watcher).pull(Pulls.request(this.temp.resolve("model"), 2));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});

		// The hub holds every file until released, so the most it ever holds at once is the
		// most the puller had in flight: a third in flight would show as maxHolding 3.
		assertThat(this.hub.awaitArrivals(2, 10_000)).isTrue();
		for (int released = 0; released < 4; released++) {
			this.hub.releaseOne();
			if (released < 2) {
				assertThat(this.hub.awaitArrivals(1, 10_000)).isTrue();
			}
		}
		PullResult result = pull.get(30, TimeUnit.SECONDS);

		assertThat(result.files()).isEqualTo(4);
		assertThat(this.hub.maxHolding()).isEqualTo(2);
		assertThat(threads).extracting(Thread::getName).allMatch((name) -> name.matches("model-pull-[12]"));
		List<Thread> running = new ArrayList<>(threads);
		for (Thread thread : running) {
			thread.join(10_000);
		}
		assertThat(running).noneMatch(Thread::isAlive);
	}

}

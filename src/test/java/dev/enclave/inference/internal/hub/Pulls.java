package dev.enclave.inference.internal.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/** Pullers and requests against a {@link FakeHub}, as the tests use them. */
final class Pulls {

	private Pulls() {
	}

	static ModelPuller puller(FakeHub hub, PullProgress progress) {
		return new ModelPuller(ModelPuller.httpClient(), HubEndpoint.fromEnvironment(Map.of("HF_ENDPOINT", hub.url())),
				progress);
	}

	static PullRequest request(Path dir, int parallelism) {
		return new PullRequest(FakeHub.REPO, "main", dir, List.of(), parallelism);
	}

	/** Every regular file under {@code dir}, as relative paths with {@code /}. */
	static TreeSet<String> filesIn(Path dir) {
		TreeSet<String> names = new TreeSet<>();
		if (!Files.exists(dir)) {
			return names;
		}
		try (Stream<Path> files = Files.walk(dir)) {
			files.filter(Files::isRegularFile).forEach((file) -> names.add(dir.relativize(file).toString()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return names;
	}

}

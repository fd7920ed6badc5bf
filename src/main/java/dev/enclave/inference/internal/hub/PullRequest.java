package dev.enclave.inference.internal.hub;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One model to pull.
 * @param repo {@code owner/name} (or a bare name) on the hub
 * @param revision a branch, tag or commit ({@code refs/pr/1} works too); the pull pins the
 * commit it resolves to
 * @param dir where the files go; created when missing
 * @param include glob patterns ({@link java.nio.file.PathMatcher} syntax) matched against
 * each file's path in the repo, so {@code *.json} matches top-level files only and
 * {@code onnx/**} a subdirectory; empty pulls every file
 * @param parallelism how many files are downloaded at once, at least 1
 */
public record PullRequest(String repo, String revision, Path dir, List<String> include, int parallelism) {

	public static final String DEFAULT_REVISION = "main";

	public static final int DEFAULT_PARALLELISM = 4;

	private static final Pattern REPO = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)?");

	public PullRequest {
		Objects.requireNonNull(repo, "repo");
		Objects.requireNonNull(revision, "revision");
		Objects.requireNonNull(dir, "dir");
		include = List.copyOf(include);
		if (!REPO.matcher(repo).matches() || repo.contains("..") || ("/" + repo + "/").contains("/./")) {
			throw new IllegalArgumentException("repo '" + repo + "' is not 'owner/name'");
		}
		if (revision.isBlank() || revision.contains("..") || revision.chars().anyMatch(Character::isISOControl)) {
			throw new IllegalArgumentException("revision '" + revision + "' is not a branch, tag or commit");
		}
		if (parallelism < 1) {
			throw new IllegalArgumentException("parallelism must be at least 1, not " + parallelism);
		}
		// A bad pattern fails here, before the hub is asked anything.
		include.forEach((pattern) -> FileSystems.getDefault().getPathMatcher("glob:" + pattern));
	}

	/** Every file of {@code repo} at {@code main}, four at a time. */
	public PullRequest(String repo, Path dir) {
		this(repo, DEFAULT_REVISION, dir, List.of(), DEFAULT_PARALLELISM);
	}

}

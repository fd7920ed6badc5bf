package dev.enclave.inference.internal.hub;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.enclave.inference.internal.checkpoint.CheckpointException;
import dev.enclave.inference.internal.checkpoint.Sha256Manifest;

/**
 * Pulls a model from a Hugging Face hub, or a mirror that speaks its API, into a directory
 * that {@link dev.enclave.inference.internal.checkpoint.Checkpoint} can open: every file is
 * checked against the digest the hub lists for it, and {@code SHA256SUMS} is written last,
 * so a directory with a manifest is always a verified one. The files come from the commit
 * the revision resolves to when the pull starts, so a branch that moves meanwhile cannot mix
 * two revisions. Pulling again resumes broken downloads and only checks the files in place.
 */
public final class ModelPuller {

	/** How long a finished pull waits for cancelled downloads to close their files. */
	private static final long STOP_SECONDS = 30;

	private final HttpClient http;

	private final HubEndpoint endpoint;

	private final PullProgress progress;

	private final Timeouts timeouts;

	/**
	 * @param http a client that does not follow redirects ({@link #httpClient()} is one): the
	 * puller follows them itself, so the token never leaves the hub's host
	 */
	public ModelPuller(HttpClient http, HubEndpoint endpoint, PullProgress progress) {
		this(http, endpoint, progress, Timeouts.DEFAULT);
	}

	ModelPuller(HttpClient http, HubEndpoint endpoint, PullProgress progress, Timeouts timeouts) {
		if (http.followRedirects() != HttpClient.Redirect.NEVER) {
			throw new IllegalArgumentException("the HttpClient must not follow redirects; the puller follows them "
					+ "itself so that the token is never sent to another host");
		}
		this.http = http;
		this.endpoint = endpoint;
		this.progress = progress;
		this.timeouts = timeouts;
	}

	/** A client fit for pulls: a 10 s connect timeout, and redirects left to the puller. */
	public static HttpClient httpClient() {
		return HttpClient.newBuilder()
			.connectTimeout(Timeouts.CONNECT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	/**
	 * Pulls {@code request.repo()} into {@code request.dir()}, verifies every file and seals
	 * the directory with {@code SHA256SUMS}.
	 * @throws HubException when the hub cannot be reached, answers an error, lists an unsafe
	 * or unverifiable file, or a transfer breaks off (a later pull resumes it)
	 * @throws ModelIntegrityException when a file does not match its listed digest (it is deleted)
	 * @throws IOException when the directory cannot be written
	 */
	public PullResult pull(PullRequest request) throws IOException, InterruptedException {
		ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(threads("model-pull-watchdog"));
		try {
			HubClient client = new HubClient(this.http, this.endpoint, this.timeouts, watchdog);
			RepoListing listing = client.listing(request.repo(), request.revision());
			Path dir = request.dir().toAbsolutePath().normalize();
			List<RepoFile> files = selected(listing, request, dir);
			Files.createDirectories(dir);
			// An old manifest must not outlive a pull that is about to replace the files it vouches for.
			Files.deleteIfExists(dir.resolve(Sha256Manifest.FILE_NAME));
			long bytes = files.stream().mapToLong(RepoFile::size).sum();
			this.progress.pullStarted(request.repo(), listing.commit(), files.size(), bytes);
			List<FileDownload.Fetched> fetched = downloadAll(client, request, listing.commit(), files, dir);
			Map<String, String> digests = new LinkedHashMap<>();
			fetched.forEach((file) -> digests.put(file.name(), file.sha256()));
			long downloaded = fetched.stream().mapToLong(FileDownload.Fetched::downloaded).sum();
			PullResult result = new PullResult(listing.commit(), dir, files.size(), bytes, downloaded,
					writeManifest(dir, digests));
			this.progress.pullFinished(result);
			return result;
		}
		finally {
			watchdog.shutdownNow();
		}
	}

	/**
	 * The files to pull. Every listed name is checked, included or not: a listing that names
	 * a path outside the directory is not trusted with anything.
	 */
	private static List<RepoFile> selected(RepoListing listing, PullRequest request, Path dir) {
		for (RepoFile file : listing.files()) {
			if (!Sha256Manifest.isSafeName(file.name()) || !dir.resolve(file.name()).normalize().startsWith(dir)) {
				throw new HubException("The hub lists an unsafe file name '" + file.name() + "' in " + request.repo()
						+ " at commit " + listing.commit() + "; nothing was pulled");
			}
		}
		List<PathMatcher> include = request.include()
			.stream()
			.map((pattern) -> FileSystems.getDefault().getPathMatcher("glob:" + pattern))
			.toList();
		List<RepoFile> files = listing.files()
			.stream()
			.filter((file) -> !isOurs(file.name()))
			.filter((file) -> include.isEmpty() || include.stream().anyMatch((glob) -> glob.matches(Path.of(file.name()))))
			.toList();
		if (files.isEmpty()) {
			throw new HubException("No file of " + request.repo() + " at " + request.revision() + " matches "
					+ (include.isEmpty() ? "" : request.include()) + "; nothing was pulled");
		}
		return files;
	}

	/** The repo's own manifest is not pulled: the one written here, from verified files, replaces it. */
	private static boolean isOurs(String name) {
		return name.equals(Sha256Manifest.FILE_NAME) || name.equals(Sha256Manifest.FILE_NAME + ".tmp");
	}

	/**
	 * Downloads {@code files} on {@code parallelism} threads. The first failure cancels the
	 * rest and is thrown; the transfers it breaks off keep their {@code .incomplete} files.
	 */
	private List<FileDownload.Fetched> downloadAll(HubClient client, PullRequest request, String commit,
			List<RepoFile> files, Path dir) throws IOException, InterruptedException {
		ExecutorService pool = Executors.newFixedThreadPool(Math.min(request.parallelism(), files.size()),
				threads("model-pull-"));
		try {
			CompletionService<FileDownload.Fetched> downloads = new ExecutorCompletionService<>(pool);
			for (RepoFile file : files) {
				downloads.submit(new FileDownload(client, request.repo(), commit, file, dir.resolve(file.name()),
						this.progress));
			}
			List<FileDownload.Fetched> fetched = new ArrayList<>(files.size());
			for (int i = 0; i < files.size(); i++) {
				fetched.add(result(downloads.take()));
			}
			return fetched;
		}
		finally {
			stop(pool);
		}
	}

	private static FileDownload.Fetched result(Future<FileDownload.Fetched> download)
			throws IOException, InterruptedException {
		try {
			return download.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			if (cause instanceof IOException io) {
				throw io;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw new IOException(cause);
		}
	}

	/** Interrupts what still runs and waits, bounded, until every download has closed its file. */
	private static void stop(ExecutorService pool) {
		pool.shutdownNow();
		try {
			pool.awaitTermination(STOP_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String writeManifest(Path dir, Map<String, String> digests) throws IOException {
		try {
			return Sha256Manifest.write(dir, digests);
		}
		catch (CheckpointException ex) {
			throw new IOException(ex.getMessage(), ex.getCause());
		}
	}

	/** Daemon platform threads named {@code prefix} and a count from 1 (or just {@code prefix} when it ends with a letter). */
	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
			// A pull abandoned by an exception must not keep the JVM alive.
			thread.setDaemon(true);
			return thread;
		};
	}

}

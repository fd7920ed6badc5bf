package dev.enclave.inference.internal.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Puts one file of a commit in place, verified. A file already there that matches is left
 * alone. Otherwise it is downloaded to {@code <name>.incomplete}, resuming what an earlier
 * pull left there, hashed as it is written, and moved into place only once it matches; a
 * file that does not match is deleted. A broken transfer leaves the {@code .incomplete}
 * file for the next pull to resume.
 */
final class FileDownload implements Callable<FileDownload.Fetched> {

	static final String INCOMPLETE = ".incomplete";

	private static final int BUFFER = 1 << 16;

	private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

	private final HubClient client;

	private final String repo;

	private final String commit;

	private final RepoFile file;

	private final Path target;

	private final PullProgress progress;

	FileDownload(HubClient client, String repo, String commit, RepoFile file, Path target, PullProgress progress) {
		this.client = client;
		this.repo = repo;
		this.commit = commit;
		this.file = file;
		this.target = target;
		this.progress = progress;
	}

	@Override
	public Fetched call() throws IOException, InterruptedException {
		Path partial = this.target.resolveSibling(this.target.getFileName() + INCOMPLETE);
		ContentHasher.Hashes present = matching(this.target);
		if (present != null) {
			Files.deleteIfExists(partial);
			this.progress.fileVerified(this.file.name(), this.file.size(), false);
			return new Fetched(this.file.name(), present.sha256(), 0);
		}
		Files.createDirectories(partial.getParent());
		long offset = Files.isRegularFile(partial) ? Files.size(partial) : 0;
		if (offset >= this.file.size() && offset > 0) {
			// Downloaded in full before, but never moved into place (or longer than it should be).
			ContentHasher.Hashes complete = matching(partial);
			if (complete != null) {
				return putInPlace(partial, complete, 0);
			}
			offset = 0;
		}
		HubResponse response = this.client.file(this.repo, this.commit, this.file.name(), offset);
		if (response.status() == 416) {
			response.close();
			offset = 0;
			response = this.client.file(this.repo, this.commit, this.file.name(), 0);
		}
		try (HubResponse body = response) {
			return transfer(body, partial, start(body, offset, partial));
		}
	}

	/** The hashes of {@code path} when it is this file, else null. */
	private ContentHasher.@Nullable Hashes matching(Path path) throws IOException {
		if (!Files.isRegularFile(path) || Files.size(path) != this.file.size()) {
			return null;
		}
		ContentHasher.Hashes hashes = ContentHasher.hash(path, this.file);
		return (this.file.mismatch(hashes) == null) ? hashes : null;
	}

	/** Where the body starts: a 206 continues the partial file, a 200 starts it over. */
	private long start(HubResponse response, long offset, Path partial) throws IOException {
		if (response.status() == 200) {
			return 0;
		}
		if (response.status() != 206) {
			throw new HubException(response.url() + " answered HTTP " + response.status() + " for " + this.file.name()
					+ " although no range was asked for");
		}
		String range = response.headers().firstValue("Content-Range").orElse("");
		Matcher matcher = CONTENT_RANGE.matcher(range);
		if (!matcher.matches() || Long.parseLong(matcher.group(1)) != offset) {
			Files.deleteIfExists(partial);
			throw new HubException(response.url() + " answered '" + range + "' when asked for bytes " + offset
					+ "- of " + this.file.name() + "; the partial download was deleted, pull again");
		}
		return offset;
	}

	private Fetched transfer(HubResponse response, Path partial, long start) throws IOException {
		ContentHasher hasher = ContentHasher.of(this.file);
		long done = start;
		try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.READ,
				StandardOpenOption.WRITE)) {
			channel.truncate(start);
			hasher.update(channel, start);
			channel.position(start);
			this.progress.fileStarted(this.file.name(), this.file.size(), start);
			byte[] buffer = new byte[BUFFER];
			// One byte past the listed size is enough to know the hub sent too much.
			for (int read; done <= this.file.size() && (read = read(response, buffer, done)) >= 0;) {
				hasher.update(buffer, 0, read);
				ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
				while (bytes.hasRemaining()) {
					channel.write(bytes);
				}
				done += read;
				this.progress.fileProgress(this.file.name(), read, done, this.file.size());
			}
			channel.force(false);
		}
		return putInPlace(partial, hasher.finish(), done - start);
	}

	private int read(HubResponse response, byte[] buffer, long done) {
		try {
			return response.body().read(buffer);
		}
		catch (IOException ex) {
			throw new HubException("Downloading " + this.file.name() + " from " + response.url() + " broke off after "
					+ done + " of " + this.file.size() + " bytes (" + HubClient.reason(ex)
					+ "); pull again to resume", ex);
		}
	}

	private Fetched putInPlace(Path partial, ContentHasher.Hashes hashes, long downloaded) throws IOException {
		String mismatch = this.file.mismatch(hashes);
		if (mismatch != null) {
			Files.deleteIfExists(partial);
			throw new ModelIntegrityException(this.file.name() + " of " + this.repo + " at commit " + this.commit
					+ " does not match what the hub lists for it: " + mismatch + ". The download was deleted; pull again.");
		}
		Files.move(partial, this.target, StandardCopyOption.ATOMIC_MOVE);
		this.progress.fileVerified(this.file.name(), this.file.size(), true);
		return new Fetched(this.file.name(), hashes.sha256(), downloaded);
	}

	/**
	 * A file in place and verified.
	 * @param downloaded the bytes this pull transferred for it
	 */
	record Fetched(String name, String sha256, long downloaded) {
	}

}

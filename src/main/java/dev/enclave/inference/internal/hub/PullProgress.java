package dev.enclave.inference.internal.hub;

import java.io.PrintStream;

import org.slf4j.Logger;

/**
 * What a pull reports while it runs. The file methods are called from the download threads,
 * several at once, so implementations must be thread-safe; none of them is ever given the
 * token or a URL.
 */
public interface PullProgress {

	/** The hub has listed the commit: {@code files} files of {@code bytes} in total will be pulled. */
	default void pullStarted(String repo, String commit, int files, long bytes) {
	}

	/** A transfer of {@code file} begins; {@code offset} bytes are already on disk when it resumes. */
	default void fileStarted(String file, long size, long offset) {
	}

	/** {@code count} more bytes of {@code file} arrived, {@code done} of {@code size} are now on disk. */
	default void fileProgress(String file, int count, long done, long size) {
	}

	/**
	 * {@code file} matches the hub's digest and is in place.
	 * @param downloaded false when it was already there and only checked
	 */
	default void fileVerified(String file, long size, boolean downloaded) {
	}

	/** Every file is verified and the manifest written. */
	default void pullFinished(PullResult result) {
	}

	/** One line on a terminal, redrawn with {@code \r}: files, bytes, percent and rate. */
	static PullProgress bar(PrintStream out) {
		return new ProgressBar(out, System::nanoTime);
	}

	/**
	 * Log lines for when no one watches a terminal: a file's start, its progress at most every
	 * quarter when it is large, and its verification.
	 */
	static PullProgress log(Logger logger) {
		return new ProgressLog(logger, ProgressLog.LARGE_FILE);
	}

	/** Reports nothing. */
	static PullProgress none() {
		return new PullProgress() {
		};
	}

}

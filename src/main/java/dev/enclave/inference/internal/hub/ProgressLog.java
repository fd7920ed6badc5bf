package dev.enclave.inference.internal.hub;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;

/**
 * Progress as log lines, for pulls in CI jobs and containers: a line when a file starts and
 * when it is verified, and for large files one at each quarter, so a log never fills with a
 * line per buffer.
 */
final class ProgressLog implements PullProgress {

	/** Files from this size on get quarterly progress lines. */
	static final long LARGE_FILE = 64L << 20;

	private final Logger logger;

	private final long largeFile;

	/** The last quarter reported for each large file in transfer. */
	private final Map<String, Integer> quarters = new ConcurrentHashMap<>();

	ProgressLog(Logger logger, long largeFile) {
		this.logger = logger;
		this.largeFile = largeFile;
	}

	@Override
	public void pullStarted(String repo, String commit, int files, long bytes) {
		this.logger.info("Pulling {} at commit {}: {} files, {}", repo, commit, files, ByteCounts.format(bytes));
	}

	@Override
	public void fileStarted(String file, long size, long offset) {
		if (offset > 0) {
			this.logger.info("Resuming {} at {} of {}", file, ByteCounts.format(offset), ByteCounts.format(size));
		}
		else {
			this.logger.info("Downloading {} ({})", file, ByteCounts.format(size));
		}
		this.quarters.put(file, (int) (4 * offset / Math.max(size, 1)));
	}

	@Override
	public void fileProgress(String file, int count, long done, long size) {
		if (size < this.largeFile || done >= size) {
			return;
		}
		int quarter = (int) (4 * done / size);
		Integer reported = this.quarters.get(file);
		if (reported != null && quarter > reported && this.quarters.replace(file, reported, quarter)) {
			this.logger.info("{}: {}% ({} of {})", file, quarter * 25, ByteCounts.format(done), ByteCounts.format(size));
		}
	}

	@Override
	public void fileVerified(String file, long size, boolean downloaded) {
		this.quarters.remove(file);
		if (downloaded) {
			this.logger.info("Verified {} ({})", file, ByteCounts.format(size));
		}
		else {
			this.logger.info("Verified {} ({}), already present", file, ByteCounts.format(size));
		}
	}

	@Override
	public void pullFinished(PullResult result) {
		this.logger.info("Pulled {} files ({}, {} downloaded) at commit {} into {}; SHA256SUMS has SHA-256 {}",
				result.files(), ByteCounts.format(result.bytes()), ByteCounts.format(result.downloadedBytes()),
				result.commit(), result.dir(), result.manifestDigest());
	}

}

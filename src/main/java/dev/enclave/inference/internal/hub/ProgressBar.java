package dev.enclave.inference.internal.hub;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One terminal line, redrawn in place: {@code 3/7 files  1.2 GiB/4.0 GiB  30%  85.3 MiB/s}.
 * Redraws are limited to ten a second, since bytes arrive far more often than a person reads.
 */
final class ProgressBar implements PullProgress {

	private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final PrintStream out;

	private final LongSupplier nanoTime;

	/** Bytes on disk of the files being transferred. */
	private final Map<String, Long> active = new HashMap<>();

	private int files;

	private long bytes;

	private int filesDone;

	private long verifiedBytes;

	private long transferred;

	private long startedAt;

	private long drawnAt;

	private int drawnLength;

	ProgressBar(PrintStream out, LongSupplier nanoTime) {
		this.out = out;
		this.nanoTime = nanoTime;
	}

	@Override
	public synchronized void pullStarted(String repo, String commit, int files, long bytes) {
		this.files = files;
		this.bytes = bytes;
		this.startedAt = this.nanoTime.getAsLong();
		draw();
	}

	@Override
	public synchronized void fileStarted(String file, long size, long offset) {
		this.active.put(file, offset);
		draw();
	}

	@Override
	public synchronized void fileProgress(String file, int count, long done, long size) {
		this.active.put(file, done);
		this.transferred += count;
		if (this.nanoTime.getAsLong() - this.drawnAt >= REDRAW_NANOS) {
			draw();
		}
	}

	@Override
	public synchronized void fileVerified(String file, long size, boolean downloaded) {
		this.active.remove(file);
		this.filesDone++;
		this.verifiedBytes += size;
		draw();
	}

	@Override
	public synchronized void pullFinished(PullResult result) {
		draw();
		this.out.println();
		this.out.flush();
	}

	private void draw() {
		long now = this.nanoTime.getAsLong();
		long done = this.verifiedBytes + this.active.values().stream().mapToLong(Long::longValue).sum();
		int percent = (this.bytes > 0) ? (int) (100 * done / this.bytes) : 100;
		double seconds = Math.max(now - this.startedAt, 1) / 1e9;
		String line = String.format(Locale.ROOT, "%d/%d files  %s/%s  %d%%  %s/s", this.filesDone, this.files,
				ByteCounts.format(done), ByteCounts.format(this.bytes), percent,
				ByteCounts.format((long) (this.transferred / seconds)));
		// Spaces wipe what is left of a longer previous line.
		String padding = " ".repeat(Math.max(this.drawnLength - line.length(), 0));
		this.out.print("\r" + line + padding);
		this.out.flush();
		this.drawnAt = now;
		this.drawnLength = line.length();
	}

}

package dev.enclave.privacy.internal.logfile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes log lines, as its encoder makes them (the console's structured JSON, redacted), to
 * encrypted log files ({@link LogFileFormat}) in one directory, rotated by size and age, the
 * oldest deleted beyond the retention count.
 *
 * <p><b>Never blocking the caller.</b> A line is encoded on the logging thread, as the console
 * appender does, then queued; a daemon thread, {@code enclave-log-writer}, encrypts and writes.
 * The queue is bounded by bytes ({@code queue-capacity}). When a line does not fit, it is
 * dropped and counted ({@link #dropped()}, the metric {@code enclave.log.file.lines.dropped}
 * with {@code reason=queue_full}), never waited for: a slow disk must not stall request
 * threads or the event loop. Lines whose record cannot be written (a full disk) are counted
 * with {@code reason=write_failed}. Either count, when it grows, is logged as a warning at most
 * every 10 seconds, to standard output as well.
 *
 * <p><b>What a crash loses.</b> The writer writes a record whenever lines are waiting (under
 * load, up to 64 KiB of lines to a record), and a written record is in the file for good. A
 * process crash loses only lines not yet written: those still queued (at most
 * {@code queue-capacity} bytes, in practice the last few milliseconds' lines) and the one
 * record being written at that instant (at most 64 KiB of lines, or one longer line), which
 * {@code logs read} reports as the file's torn end after giving back every earlier line. A
 * machine crash (power loss) can also lose what the operating system had not yet put on the
 * device, as for any file: files are forced to the device when closed (rotation, shutdown),
 * not after every record, which would cost a disk flush per line.
 *
 * <p><b>Rotation</b> by size and age, and retention, are {@link RotatingLogFiles}'s.
 */
final class EncryptedFileAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

	/** Up to this many bytes of lines go to one record. */
	static final int RECORD_TARGET = 64 * 1024;

	private static final Duration REPORT_INTERVAL = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration LONGEST_WAIT = Duration.ofMinutes(1);

	private static final Entry STOP = new Entry(null, null);

	private static final Logger log = LoggerFactory.getLogger(EncryptedFileAppender.class);

	private final Encoder<ILoggingEvent> encoder;

	private final EncryptedLogSettings settings;

	private final Clock clock;

	private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicLong dropped = new AtomicLong();

	private final AtomicLong lost = new AtomicLong();

	private @Nullable Thread writer;

	// The writer thread's own state from here on.

	private final RotatingLogFiles files;

	private final PendingLines pending = new PendingLines();

	private @Nullable Exception failure;

	private @Nullable Instant lastReport;

	private long reportedDropped;

	private long reportedLost;

	EncryptedFileAppender(Encoder<ILoggingEvent> encoder, KeyEncryptionKey kek, Path directory,
			EncryptedLogSettings settings, Clock clock) {
		this.encoder = encoder;
		this.settings = settings;
		this.clock = clock;
		this.files = new RotatingLogFiles(directory, kek, settings, clock);
	}

	@Override
	public void start() {
		if (isStarted()) {
			return;
		}
		if (!this.encoder.isStarted()) {
			this.encoder.start();
		}
		Thread thread = new Thread(this::writeLoop, "enclave-log-writer");
		thread.setDaemon(true);
		this.writer = thread;
		thread.start();
		super.start();
	}

	/** Stops taking lines, writes those queued, and closes the current file with its end record. */
	@Override
	public void stop() {
		if (!isStarted()) {
			return;
		}
		super.stop();
		this.queue.offer(STOP);
		Thread thread = this.writer;
		if (thread != null) {
			try {
				thread.join(STOP_TIMEOUT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			if (thread.isAlive()) {
				addWarn("The encrypted log writer did not finish within " + STOP_TIMEOUT.toSeconds()
						+ " s; the lines still queued are lost and the current file stays unclosed");
			}
		}
		this.encoder.stop();
	}

	/** Lines not queued because the queue was full, since the start. */
	long dropped() {
		return this.dropped.get();
	}

	/** Lines whose record could not be written, since the start. */
	long lost() {
		return this.lost.get();
	}

	/**
	 * Completes once every line queued before it is written (and a file past its age closed);
	 * lets tests and a shutdown wait without sleeping.
	 */
	CompletableFuture<Void> flush() {
		CompletableFuture<Void> written = new CompletableFuture<>();
		if (!isStarted()) {
			written.complete(null);
		}
		else {
			this.queue.offer(new Entry(null, written));
		}
		return written;
	}

	@Override
	protected void append(ILoggingEvent event) {
		byte[] line = this.encoder.encode(event);
		if (line.length == 0) {
			return;
		}
		if (line.length > LogFileFormat.MAX_LINE_LENGTH || !reserve(line.length)) {
			this.dropped.incrementAndGet();
			return;
		}
		this.queue.offer(new Entry(line, null));
	}

	private boolean reserve(int bytes) {
		long capacity = this.settings.queueCapacity().toBytes();
		while (true) {
			long queued = this.queuedBytes.get();
			if (queued + bytes > capacity) {
				return false;
			}
			if (this.queuedBytes.compareAndSet(queued, queued + bytes)) {
				return true;
			}
		}
	}

	private void writeLoop() {
		try {
			while (true) {
				Entry entry = this.queue.poll(this.files.millisUntilDue(LONGEST_WAIT), TimeUnit.MILLISECONDS);
				closeIfAged();
				while (entry != null) {
					if (entry == STOP) {
						writePending();
						close();
						return;
					}
					byte[] line = entry.line();
					CompletableFuture<Void> written = entry.written();
					if (line != null) {
						this.queuedBytes.addAndGet(-line.length);
						this.pending.add(line);
						if (this.pending.size() >= this.files.recordLimit(RECORD_TARGET)) {
							writePending();
						}
					}
					else if (written != null) {
						writePending();
						closeIfAged();
						written.complete(null);
					}
					entry = this.queue.poll();
				}
				writePending();
				report();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			close();
		}
	}

	private void writePending() {
		if (this.pending.size() == 0) {
			return;
		}
		try {
			this.files.append(this.pending.bytes(), this.pending.size());
		}
		catch (IOException | GeneralSecurityException | RuntimeException ex) {
			this.lost.addAndGet(this.pending.lines());
			this.failure = ex;
		}
		finally {
			this.pending.release();
		}
	}

	private void closeIfAged() {
		try {
			this.files.closeIfAged();
		}
		catch (IOException ex) {
			this.failure = ex;
		}
	}

	private void close() {
		try {
			this.files.close();
		}
		catch (IOException ex) {
			this.failure = ex;
			report();
		}
	}

	/** Says, at most every 10 seconds, how many lines did not reach a file and why. */
	private void report() {
		long droppedNow = this.dropped.get();
		long lostNow = this.lost.get();
		Exception cause = this.failure;
		if (droppedNow == this.reportedDropped && lostNow == this.reportedLost && cause == null) {
			return;
		}
		Instant now = this.clock.instant();
		if (this.lastReport != null && now.isBefore(this.lastReport.plus(REPORT_INTERVAL))) {
			return;
		}
		this.lastReport = now;
		log.atWarn()
			.addKeyValue("dropped", droppedNow - this.reportedDropped)
			.addKeyValue("lost", lostNow - this.reportedLost)
			.log("Log lines did not reach the encrypted log files: {} dropped (queue full), {} lost to write failures{}",
					droppedNow - this.reportedDropped, lostNow - this.reportedLost,
					(cause != null) ? "; last failure: " + cause : "");
		this.reportedDropped = droppedNow;
		this.reportedLost = lostNow;
		this.failure = null;
	}

	/** A queued line, or (without one) a flush waiting for the lines before it. */
	private record Entry(byte @Nullable [] line, @Nullable CompletableFuture<Void> written) {
	}

	/** The lines of the next record. */
	private static final class PendingLines extends ByteArrayOutputStream {

		private static final int KEPT = 2 * RECORD_TARGET;

		private long lines;

		PendingLines() {
			super(RECORD_TARGET + 8 * 1024);
		}

		void add(byte[] line) {
			write(line, 0, line.length);
			if (line[line.length - 1] != '\n') {
				write('\n');
			}
			this.lines++;
		}

		byte[] bytes() {
			return this.buf;
		}

		long lines() {
			return this.lines;
		}

		/** Empties it; a huge line's buffer is not kept. */
		void release() {
			if (this.buf.length > KEPT) {
				this.buf = new byte[RECORD_TARGET + 8 * 1024];
			}
			this.count = 0;
			this.lines = 0;
		}

	}

}

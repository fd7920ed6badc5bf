package dev.enclave.inference.internal.hub;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A response body that gives up when the hub stops sending. HttpClient bounds the wait for
 * a response's headers but not for its body, so a connection that goes quiet mid-file would
 * block its reader forever; a watchdog closes such a body, which wakes the reader, and the
 * read then fails with a {@link HubException} saying so.
 */
final class IdleTimeoutInputStream extends FilterInputStream {

	private static final long MIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private final Duration idle;

	private final String url;

	private final ScheduledFuture<?> watch;

	private volatile long lastRead = System.nanoTime();

	private volatile boolean timedOut;

	IdleTimeoutInputStream(InputStream body, ScheduledExecutorService watchdog, Duration idle, String url) {
		super(body);
		this.idle = idle;
		this.url = url;
		long period = Math.max(idle.toNanos() / 4, MIN_CHECK_NANOS);
		this.watch = watchdog.scheduleWithFixedDelay(this::closeWhenIdle, period, period, TimeUnit.NANOSECONDS);
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int read = read(one, 0, 1);
		return (read < 0) ? -1 : one[0] & 0xff;
	}

	@Override
	public int read(byte[] bytes, int offset, int length) throws IOException {
		int read;
		try {
			read = this.in.read(bytes, offset, length);
		}
		catch (IOException ex) {
			if (this.timedOut) {
				throw stalled(ex);
			}
			throw ex;
		}
		// A closed body may also read as ended; it did not end, it was given up.
		if (this.timedOut) {
			throw stalled(null);
		}
		this.lastRead = System.nanoTime();
		return read;
	}

	@Override
	public void close() throws IOException {
		this.watch.cancel(false);
		super.close();
	}

	private void closeWhenIdle() {
		if (System.nanoTime() - this.lastRead > this.idle.toNanos()) {
			this.timedOut = true;
			try {
				this.in.close();
			}
			catch (IOException ex) {
				// The reader learns of the timeout from the flag; a failed close changes nothing for it.
			}
		}
	}

	private HubException stalled(@Nullable IOException cause) {
		String message = this.url + " sent nothing for " + this.idle.toMillis() + " ms; pull again to resume";
		return (cause != null) ? new HubException(message, cause) : new HubException(message);
	}

}

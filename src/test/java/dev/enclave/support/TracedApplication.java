package dev.enclave.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The packaged application run the way the image runs it ({@code java -Dai.djl.offline=true
 * -jar enclave.jar}), as a process of its own under {@code strace}, which records every
 * socket call that names a destination, in this process and every one it starts (the
 * embedded PostgreSQL included). Its output is echoed and can be waited on line by line.
 */
public final class TracedApplication implements AutoCloseable {

	/** Debian's strace; {@code ENCLAVE_STRACE} names another. */
	public static final Path STRACE = Path.of(System.getenv().getOrDefault("ENCLAVE_STRACE", "/usr/bin/strace"));

	/**
	 * {@code --seccomp-bpf} stops the process only at the traced calls, so the JVM runs at
	 * nearly full speed; {@code -s 0} prints no buffer, so the trace holds addresses and never
	 * a byte of what was sent (no prompt or answer reaches the file); {@code -qq} and
	 * {@code signal=none} leave out attach, exit and signal lines.
	 */
	private static final List<String> OPTIONS = List.of("-f", "--seccomp-bpf", "-qq", "-s", "0", "-e",
			"trace=connect,sendto,sendmsg,sendmmsg", "-e", "signal=none");

	private static final int ECHOED_ON_FAILURE = 60;

	private final Process strace;

	private final List<String> lines = new ArrayList<>();

	private boolean ended;

	private TracedApplication(Process strace) {
		this.strace = strace;
		Thread reader = new Thread(this::read, "traced-application-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Why strace cannot trace a process here (missing, or ptrace not permitted, as in some
	 * containers), or {@code null} when it can.
	 */
	public static @Nullable String whyUntraceable() throws IOException, InterruptedException {
		if (!Files.isExecutable(STRACE)) {
			return "no strace at " + STRACE + " (apt-get install -y strace, or set ENCLAVE_STRACE)";
		}
		List<String> probe = new ArrayList<>(List.of(STRACE.toString()));
		probe.addAll(OPTIONS);
		probe.addAll(List.of("-o", "/dev/null", "true"));
		Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			return "strace did not finish tracing true(1) in 30 s";
		}
		return (process.exitValue() == 0) ? null
				: "strace cannot trace here (ptrace not permitted?), exit " + process.exitValue() + ": " + output;
	}

	/** Starts {@code jar} with {@code args} under strace, which writes its record to {@code trace}. */
	public static TracedApplication start(Path jar, Path trace, List<String> args) throws IOException {
		List<String> command = new ArrayList<>(List.of(STRACE.toString()));
		command.addAll(OPTIONS);
		command.addAll(List.of("-o", trace.toString(),
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-jar",
				jar.toString()));
		command.addAll(args);
		return new TracedApplication(new ProcessBuilder(command).redirectErrorStream(true).start());
	}

	private void read() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.strace.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				System.out.println("[egress] " + line);
				synchronized (this) {
					this.lines.add(line);
					notifyAll();
				}
			}
		}
		catch (IOException ex) {
			System.out.println("[egress] output ended: " + ex);
		}
		finally {
			synchronized (this) {
				this.ended = true;
				notifyAll();
			}
		}
	}

	/**
	 * Waits for the first output line, from the start, that {@code pattern} finds; fails
	 * when the process ends or {@code timeout} passes first.
	 */
	public synchronized Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		int seen = 0;
		while (true) {
			for (; seen < this.lines.size(); seen++) {
				Matcher matcher = pattern.matcher(this.lines.get(seen));
				if (matcher.find()) {
					return matcher;
				}
			}
			long left = deadline - System.nanoTime();
			if (this.ended || left <= 0) {
				throw new AssertionError("No output line matched " + pattern + " ("
						+ (this.ended ? "the application ended" : "waited " + timeout) + "); the last lines:\n"
						+ String.join("\n", this.lines.subList(Math.max(0, this.lines.size() - ECHOED_ON_FAILURE),
								this.lines.size())));
			}
			TimeUnit.NANOSECONDS.timedWait(this, left);
		}
	}

	/**
	 * Stops the application as an orchestrator does (SIGTERM to the JVM: a graceful shutdown,
	 * which also stops the embedded PostgreSQL) and waits until strace has seen every traced
	 * process end, so its record is complete. Returns strace's exit status, the JVM's.
	 */
	public int stop(Duration timeout) throws InterruptedException {
		// strace blocks fatal signals while it runs a command of its own; the JVM is its child.
		this.strace.toHandle().children().forEach(ProcessHandle::destroy);
		if (!this.strace.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			close();
			throw new AssertionError("The application did not stop within " + timeout + " of SIGTERM");
		}
		synchronized (this) {
			while (!this.ended) {
				wait();
			}
		}
		return this.strace.exitValue();
	}

	/** Kills whatever still runs: for a test that failed half way. */
	@Override
	public void close() {
		if (this.strace.isAlive()) {
			this.strace.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
			this.strace.destroyForcibly();
			try {
				this.strace.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

}

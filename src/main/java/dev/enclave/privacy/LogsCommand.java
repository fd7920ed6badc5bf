package dev.enclave.privacy;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.enclave.privacy.internal.LogsCommandContext;
import dev.enclave.privacy.internal.logfile.LogFileException;
import dev.enclave.privacy.internal.logfile.LogFileReader;
import dev.enclave.privacy.internal.logfile.ReadReport;
import dev.enclave.shared.CommandFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code java -jar enclave.jar logs …}: the encrypted log files
 * ({@code enclave.logging.encrypted-file}) for an operator who holds the keyset. Starts only
 * the configuration and the keyset ({@link LogsCommandContext}): no database, no server.
 */
@Command(name = "logs", mixinStandardHelpOptions = true,
		description = "Read the encrypted log files (enclave.logging.encrypted-file) with the installation's keyset.",
		subcommands = { LogsCommand.Read.class },
		footer = { "", "The keyset is configured as for the server: application.yml, ENCLAVE_* environment variables,",
				"or --name=value arguments after the command (--enclave.keyset-file=…, --enclave.data-dir=…)." })
public final class LogsCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		throw new ParameterException(this.spec.commandLine(), "Name a logs command: read");
	}

	@Command(name = "read", mixinStandardHelpOptions = true,
			description = { "Decrypt encrypted log files and print their lines to standard output, in order.",
					"A file that ends early (a crash, or the file being written now) gives every complete line,",
					"then a note on standard error." },
			footer = { "", "Exit codes: 0 every file read (notes on standard error for files that end early);",
					"1 a file is not an Enclave log file, was written under a key the keyset does not hold, or was",
					"altered (the lines before the damage are printed); 3 a file or the keyset cannot be read." })
	static final class Read implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Parameters(arity = "1..*", paramLabel = "FILE", description = "Encrypted log files (enclave-*.log.enc).")
		List<Path> files = new ArrayList<>();

		@Unmatched
		List<String> arguments = new ArrayList<>();

		@Override
		public Integer call() {
			CommandArguments.requireConfiguration(this.spec, this.arguments);
			LogFileReader reader;
			try {
				reader = LogsCommandContext.reader(this.arguments);
			}
			catch (RuntimeException ex) {
				throw CommandFailure.unavailable("Cannot load the keyset: " + CommandArguments.rootMessage(ex), ex);
			}
			PrintWriter out = this.spec.commandLine().getOut();
			PrintWriter err = this.spec.commandLine().getErr();
			for (Path file : this.files) {
				ReadReport report;
				try {
					report = reader.read(file, out::print);
				}
				catch (NoSuchFileException ex) {
					out.flush();
					throw CommandFailure.unavailable(file + ": no such file", ex);
				}
				catch (IOException ex) {
					out.flush();
					throw CommandFailure.unavailable(file + ": cannot be read: " + ex.getMessage(), ex);
				}
				catch (LogFileException ex) {
					out.flush();
					throw CommandFailure.failed(file + ": " + ex.getMessage(), ex);
				}
				out.flush();
				note(err, file, report);
			}
			return 0;
		}

		private static void note(PrintWriter err, Path file, ReadReport report) {
			switch (report.ending()) {
				case CLOSED -> {
					return;
				}
				case UNCLOSED -> err.printf("%s: ends after %d records (%d lines) without its end record: the writer "
						+ "stopped without closing it (a crash), or is still writing it, or its end was cut off%n", file,
						report.records(), report.lines());
				case TORN -> err.printf("%s: ends in the middle of record %d: its lines are lost (the writer stopped "
						+ "while writing it, or is writing it now, or the file was cut); the %d records (%d lines) "
						+ "before it were printed%n", file, report.records() + 1, report.records(), report.lines());
			}
			err.flush();
		}

	}

}

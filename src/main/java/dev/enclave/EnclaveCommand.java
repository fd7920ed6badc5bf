package dev.enclave;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.enclave.inference.ModelCommand;
import dev.enclave.privacy.KeysCommand;
import dev.enclave.privacy.LogsCommand;
import dev.enclave.shared.CommandFailure;
import dev.enclave.storage.MigrateCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import org.springframework.boot.SpringApplication;

/**
 * The one command line of the jar: {@code serve} (the default), {@code keys …},
 * {@code logs …}, {@code model …} and {@code migrate}. Each command starts only what it needs; only
 * {@code serve} starts the web server.
 */
@Command(name = "enclave", mixinStandardHelpOptions = true, versionProvider = EnclaveCommand.Version.class,
		description = "Enclave, the self-hosted AI assistant platform.",
		subcommands = { EnclaveCommand.Serve.class, KeysCommand.class, LogsCommand.class, ModelCommand.class,
				MigrateCommand.class, CommandLine.HelpCommand.class },
		footer = { "", "Without a command, or with only --name=value arguments, Enclave serves.", "", "Exit codes:",
				"  0  done", "  1  the command ran and failed: a check did not pass, or it was refused",
				"  2  the command line is wrong", "  3  something it needs could not be reached: database, hub, file" })
public final class EnclaveCommand implements Runnable {

	/** What {@code serve} returns: the server runs on, so the process must not exit. */
	static final int SERVING = -1;

	private static final Set<String> OWN_OPTIONS = Set.of("-h", "--help", "-V", "--version");

	private static final String LEGACY_PROPERTY = "--enclave.privacy.command=";

	private static final String LEGACY_KEY_ID = "--enclave.privacy.key-id=";

	@Override
	public void run() {
		// Not reached: a command line without a command serves (see launch).
	}

	/**
	 * Runs a command line and returns its exit code, {@link #SERVING} when the server was
	 * started.
	 */
	public static int execute(PrintWriter out, PrintWriter err, String... args) {
		CommandLine commandLine = new CommandLine(new EnclaveCommand());
		commandLine.setOut(out);
		commandLine.setErr(err);
		commandLine.setExecutionExceptionHandler((ex, failed, parsed) -> {
			if (ex instanceof CommandFailure failure) {
				failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + failure.getMessage());
				failed.getErr().flush();
				return failure.exitCode();
			}
			failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": unexpected error: " + ex);
			failed.getErr().flush();
			return CommandFailure.FAILED;
		});
		return commandLine.execute(launch(args, System.getenv(), err));
	}

	/**
	 * The command line as picocli parses it: {@code serve} prepended when no command is
	 * named, and the deprecated {@code --enclave.privacy.command=…} turned into its
	 * {@code keys} command.
	 */
	static String[] launch(String[] args, Map<String, String> environment, PrintWriter err) {
		String legacy = legacyCommand(args, environment);
		if (legacy != null) {
			return legacyKeysCommand(legacy, args, err);
		}
		if (args.length == 0 || (args[0].startsWith("--") && !OWN_OPTIONS.contains(args[0]))) {
			List<String> serve = new ArrayList<>(List.of("serve"));
			serve.addAll(Arrays.asList(args));
			return serve.toArray(String[]::new);
		}
		return args;
	}

	private static String legacyCommand(String[] args, Map<String, String> environment) {
		for (String arg : args) {
			if (arg.startsWith(LEGACY_PROPERTY)) {
				return arg.substring(LEGACY_PROPERTY.length());
			}
		}
		String variable = environment.get("ENCLAVE_PRIVACY_COMMAND");
		return (variable != null && !variable.isBlank()) ? variable : null;
	}

	private static String[] legacyKeysCommand(String legacy, String[] args, PrintWriter err) {
		List<String> rest = new ArrayList<>();
		String keyId = null;
		for (String arg : args) {
			if (arg.startsWith(LEGACY_KEY_ID)) {
				keyId = arg.substring(LEGACY_KEY_ID.length());
			}
			else if (!arg.startsWith(LEGACY_PROPERTY)) {
				rest.add(arg);
			}
		}
		List<String> command = new ArrayList<>(List.of("keys"));
		switch (legacy) {
			case "list-keys" -> command.add("list");
			case "add-key" -> command.add("add");
			case "rewrap" -> command.add("rewrap");
			case "promote-key", "delete-key" -> {
				command.add(legacy.substring(0, legacy.indexOf('-')));
				if (keyId != null) {
					command.add(keyId);
				}
			}
			default -> command.add(legacy);
		}
		err.println("enclave: --enclave.privacy.command is deprecated; run: java -jar enclave.jar "
				+ String.join(" ", command));
		err.flush();
		command.addAll(rest);
		return command.toArray(String[]::new);
	}

	@Command(name = "serve", mixinStandardHelpOptions = true,
			description = { "Run the platform (the default). Configuration: application.yml, ENCLAVE_* environment",
					"variables, or --name=value arguments (--server.port=8081)." })
	static final class Serve implements Callable<Integer> {

		@Unmatched
		List<String> arguments = new ArrayList<>();

		@Override
		public Integer call() {
			EventLoops.onePerProcessor();
			SpringApplication.run(EnclaveApplication.class, this.arguments.toArray(String[]::new));
			return SERVING;
		}

	}

	static final class Version implements CommandLine.IVersionProvider {

		@Override
		public String[] getVersion() {
			String version = EnclaveCommand.class.getPackage().getImplementationVersion();
			return new String[] { "Enclave " + ((version != null) ? version : "(development build)") };
		}

	}

}

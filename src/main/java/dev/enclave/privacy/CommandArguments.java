package dev.enclave.privacy;

import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What this module's commands ({@code keys}, {@code logs}) share: configuration given as
 * {@code --name=value} after the command, and failures reported by their root cause.
 */
final class CommandArguments {

	private CommandArguments() {
	}

	/** Refuses anything among a command's leftover arguments that is not {@code --name=value}. */
	static void requireConfiguration(CommandSpec spec, List<String> arguments) {
		for (String argument : arguments) {
			if (!argument.startsWith("--") || !argument.contains("=")) {
				throw new ParameterException(spec.commandLine(), "Unexpected argument '" + argument
						+ "'; configuration is given as --name=value");
			}
		}
	}

	/** The innermost message: Spring wraps a start-up failure several times over. */
	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

}

package dev.enclave.storage;

import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.enclave.shared.CommandFailure;
import dev.enclave.storage.internal.MigrateCommandContext;
import dev.enclave.storage.internal.SchemaMigrator;
import dev.enclave.storage.internal.SchemaMigrator.Applied;
import dev.enclave.storage.internal.SchemaMigrator.Migration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar enclave.jar migrate}: brings the database schema up to date and exits,
 * starting only the database connection and Flyway ({@link MigrateCommandContext}). Rolling
 * out a new version runs it once, before any new instance serves (the Helm chart's
 * pre-upgrade hook); the server still migrates on start, which is then a no-op.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
		description = { "Apply the database migrations this version ships (db/migration) and exit.",
				"Flyway holds a PostgreSQL advisory lock meanwhile, so concurrent runs take turns." },
		footer = { "", "It reads its configuration as the server does: application.yml, ENCLAVE_* environment",
				"variables, or --name=value arguments (--enclave.db.url=…, --enclave.db.user=…).",
				"Exit code 3 when the database cannot be reached, 1 when a migration fails." })
public final class MigrateCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	@Unmatched
	List<String> arguments = new ArrayList<>();

	@Override
	public Integer call() {
		for (String argument : this.arguments) {
			if (!argument.startsWith("--") || !argument.contains("=")) {
				throw new ParameterException(this.spec.commandLine(),
						"Unexpected argument '" + argument + "'; configuration is given as --name=value");
			}
		}
		ConfigurableApplicationContext context;
		try {
			context = MigrateCommandContext.start(this.arguments);
		}
		catch (RuntimeException ex) {
			throw CommandFailure.unavailable("Cannot start the database: " + rootMessage(ex), ex);
		}
		try (context) {
			SchemaMigrator migrator = MigrateCommandContext.migrator(context);
			try {
				migrator.checkConnection();
			}
			catch (SQLException ex) {
				throw CommandFailure.unavailable("Cannot reach the database: " + rootMessage(ex), ex);
			}
			Applied applied;
			try {
				applied = migrator.migrate();
			}
			catch (RuntimeException ex) {
				throw CommandFailure.failed("Migration failed, nothing after it was applied: " + rootMessage(ex), ex);
			}
			report(applied, this.spec.commandLine().getOut());
			return 0;
		}
	}

	private static void report(Applied applied, PrintWriter out) {
		String where = applied.database() + " (schema " + applied.schema() + ")";
		if (applied.migrations().isEmpty()) {
			out.printf("The schema of %s is up to date at version %s: no migration to apply.%n",
					where, (applied.from() != null) ? applied.from() : "(none)");
		}
		else {
			out.printf("Applied %d migration%s to %s, from version %s to %s:%n", applied.migrations().size(),
					(applied.migrations().size() == 1) ? "" : "s", where,
					(applied.from() != null) ? applied.from() : "(empty)", applied.to());
			for (Migration migration : applied.migrations()) {
				out.printf("  V%s %s (%d ms)%n", migration.version(), migration.description(), migration.millis());
			}
		}
		out.flush();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
	}

}

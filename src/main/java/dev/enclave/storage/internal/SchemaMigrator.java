package dev.enclave.storage.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.jspecify.annotations.Nullable;

/**
 * Runs the Flyway migrations of {@code db/migration} on demand, with the server's Flyway
 * configuration, and reports what it applied. Flyway holds a PostgreSQL advisory lock while
 * it migrates, so two runs against one database (two pods of a Helm hook, a hook and a
 * starting server) take turns and the second finds nothing left to do.
 */
public final class SchemaMigrator {

	private final Flyway flyway;

	SchemaMigrator(Flyway flyway) {
		this.flyway = flyway;
	}

	/**
	 * Opens and closes one connection, so that an unreachable database is told apart from a
	 * migration that fails.
	 * @throws SQLException when no connection can be had
	 */
	public void checkConnection() throws SQLException {
		try (Connection connection = this.flyway.getConfiguration().getDataSource().getConnection()) {
			connection.getMetaData();
		}
	}

	/** Applies every pending migration, in order, each in its own transaction. */
	public Applied migrate() {
		MigrateResult result = this.flyway.migrate();
		List<Migration> migrations = result.migrations.stream()
			.map((MigrateOutput output) -> new Migration(output.version, output.description, output.executionTime))
			.toList();
		return new Applied(result.database, result.schemaName, result.initialSchemaVersion, result.targetSchemaVersion,
				migrations);
	}

	/**
	 * What one run did.
	 *
	 * @param database the database's name
	 * @param schema the schema migrated
	 * @param from the schema's version before the run; null for an empty database
	 * @param to the version after it; null when there was nothing to apply
	 * @param migrations the migrations applied, in order; empty when the schema was current
	 */
	public record Applied(String database, String schema, @Nullable String from, @Nullable String to,
			List<Migration> migrations) {
	}

	/**
	 * One applied migration.
	 *
	 * @param version its version ({@code V<version>__…})
	 * @param description its description, from the file name
	 * @param millis how long it ran
	 */
	public record Migration(String version, String description, int millis) {
	}

}

package dev.enclave.storage.internal;

import dev.enclave.storage.DataDirectory;
import dev.enclave.storage.DatabaseKind;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Decides where the database is. An external server when {@code enclave.db.url} is set;
 * otherwise the embedded one, started here before anything connects. Boot builds the R2DBC
 * pool and runs Flyway from the connection details this returns.
 */
@Configuration(proxyBeanMethods = false)
class DatabaseConfiguration {

	@Bean
	DataDirectory dataDirectory(StorageSettings settings) {
		return new DataDirectory(settings.dataDir());
	}

	@Bean
	DatabaseKind databaseKind(DatabaseSettings settings) {
		return settings.external() ? DatabaseKind.EXTERNAL : DatabaseKind.EMBEDDED;
	}

	@Bean(destroyMethod = "close")
	EnclaveDatabase enclaveDatabase(DatabaseSettings settings, DataDirectory dataDirectory) {
		if (settings.external()) {
			return EnclaveDatabase.external(settings.url(), settings.user(), settings.password());
		}
		EmbeddedPostgresServer server = new EmbeddedPostgresServer(dataDirectory.directory("postgres"),
				settings.embeddedPort());
		server.start();
		return EnclaveDatabase.embedded(server);
	}

	@Bean(destroyMethod = "close")
	PostgresNotifications databaseNotifications(EnclaveDatabase database) {
		return new PostgresNotifications(database);
	}

}

package dev.enclave.storage.internal;

import java.util.regex.Matcher;

import io.r2dbc.spi.ConnectionFactoryOptions;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;

/**
 * Enclave's one database, described in the shapes Spring Boot needs: R2DBC for the
 * application (reactive, pooled by Boot), JDBC for Flyway's migrations. Both are derived
 * from one JDBC URL so they can never point at different servers.
 */
final class EnclaveDatabase
		implements R2dbcConnectionDetails, JdbcConnectionDetails, FlywayConnectionDetails, AutoCloseable {

	private static final java.util.regex.Pattern SSL_MODE = java.util.regex.Pattern.compile("(?i)([?&])sslmode=");

	private final String jdbcUrl;

	private final @Nullable String username;

	private final @Nullable String password;

	private final @Nullable EmbeddedPostgresServer embedded;

	private EnclaveDatabase(String jdbcUrl, @Nullable String username, @Nullable String password,
			@Nullable EmbeddedPostgresServer embedded) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
		this.embedded = embedded;
	}

	static EnclaveDatabase external(String jdbcUrl, @Nullable String username, @Nullable String password) {
		return new EnclaveDatabase(jdbcUrl, username, password, null);
	}

	static EnclaveDatabase embedded(EmbeddedPostgresServer server) {
		return new EnclaveDatabase(server.jdbcUrl(), EmbeddedPostgresServer.USER, null, server);
	}

	boolean isEmbedded() {
		return this.embedded != null;
	}

	@Override
	public ConnectionFactoryOptions getConnectionFactoryOptions() {
		// r2dbc-postgresql reads the same URL shape; only the SSL option is spelled differently.
		String r2dbcUrl = "r2dbc:" + this.jdbcUrl.substring("jdbc:".length());
		r2dbcUrl = SSL_MODE.matcher(r2dbcUrl).replaceAll(Matcher.quoteReplacement("$1") + "sslMode=");
		ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(r2dbcUrl).mutate();
		if (this.username != null) {
			options.option(ConnectionFactoryOptions.USER, this.username);
		}
		if (this.password != null) {
			options.option(ConnectionFactoryOptions.PASSWORD, this.password);
		}
		return options.build();
	}

	@Override
	public String getJdbcUrl() {
		return this.jdbcUrl;
	}

	@Override
	public @Nullable String getUsername() {
		return this.username;
	}

	@Override
	public @Nullable String getPassword() {
		return this.password;
	}

	@Override
	public String getDriverClassName() {
		return "org.postgresql.Driver";
	}

	@Override
	public void close() {
		if (this.embedded != null) {
			this.embedded.stop();
		}
	}

}

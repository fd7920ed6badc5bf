package dev.enclave.storage.internal;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * The database. With no {@code url}, Enclave starts real PostgreSQL binaries in-process and
 * keeps their data under the data directory.
 *
 * @param url JDBC URL of an external PostgreSQL ({@code jdbc:postgresql://host:5432/enclave});
 * when set, nothing embedded starts
 * @param user user name for the external database
 * @param password password for the external database
 * @param embeddedPort port of the embedded server on the loopback interface; 0 picks a free
 * one at each start
 */
@ConfigurationProperties("enclave.db")
@Validated
record DatabaseSettings(
		@Nullable @Pattern(regexp = "(jdbc:postgresql://.+)?",
				message = "must look like jdbc:postgresql://host:5432/database") String url,
		@Nullable String user, @Nullable String password,
		@DefaultValue("0") @PositiveOrZero @Max(65535) int embeddedPort) {

	boolean external() {
		return this.url != null && !this.url.isBlank();
	}

}

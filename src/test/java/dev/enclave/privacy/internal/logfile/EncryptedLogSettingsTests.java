package dev.enclave.privacy.internal.logfile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The defaults and environment variables the README promises, and the values refused. */
class EncryptedLogSettingsTests {

	private static final String PREFIX = "enclave.logging.encrypted-file";

	@Test
	void offByDefault() {
		EncryptedLogSettings defaults = binder(Map.of()).bindOrCreate(PREFIX, EncryptedLogSettings.class);
		assertThat(defaults.enabled()).isFalse();
		assertThat(defaults.directory()).isNull();
		assertThat(defaults.maxFileSize()).isEqualTo(DataSize.ofMegabytes(64));
		assertThat(defaults.maxAge()).isEqualTo(Duration.ofDays(1));
		assertThat(defaults.retention()).isEqualTo(14);
		assertThat(defaults.queueCapacity()).isEqualTo(DataSize.ofMegabytes(8));
	}

	@Test
	void environmentVariables() {
		EncryptedLogSettings settings = binder(Map.of("ENCLAVE_LOGGING_ENCRYPTED_FILE_ENABLED", "true",
				"ENCLAVE_LOGGING_ENCRYPTED_FILE_DIRECTORY", "/var/log/enclave",
				"ENCLAVE_LOGGING_ENCRYPTED_FILE_MAX_FILE_SIZE", "16MB", "ENCLAVE_LOGGING_ENCRYPTED_FILE_MAX_AGE", "6h",
				"ENCLAVE_LOGGING_ENCRYPTED_FILE_RETENTION", "30", "ENCLAVE_LOGGING_ENCRYPTED_FILE_QUEUE_CAPACITY", "1MB"))
			.bindOrCreate(PREFIX, EncryptedLogSettings.class);
		assertThat(settings).isEqualTo(new EncryptedLogSettings(true, Path.of("/var/log/enclave"),
				DataSize.ofMegabytes(16), Duration.ofHours(6), 30, DataSize.ofMegabytes(1)));
	}

	@Test
	void refusesValuesThatCannotWork() {
		for (Map.Entry<String, String> wrong : Map.of("ENCLAVE_LOGGING_ENCRYPTED_FILE_MAX_FILE_SIZE", "1KB",
				"ENCLAVE_LOGGING_ENCRYPTED_FILE_MAX_AGE", "500ms", "ENCLAVE_LOGGING_ENCRYPTED_FILE_RETENTION", "0",
				"ENCLAVE_LOGGING_ENCRYPTED_FILE_QUEUE_CAPACITY", "1KB")
			.entrySet()) {
			assertThatExceptionOfType(BindException.class).as(wrong.getKey())
				.isThrownBy(() -> binder(Map.of(wrong.getKey(), wrong.getValue())).bindOrCreate(PREFIX,
						EncryptedLogSettings.class))
				.havingRootCause()
				.withMessageStartingWith(PREFIX + ".");
		}
	}

	private static Binder binder(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables));
		ConfigurationPropertySources.attach(environment);
		return Binder.get(environment);
	}

}

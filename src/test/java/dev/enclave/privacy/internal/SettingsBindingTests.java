package dev.enclave.privacy.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The environment variables the README promises bind to the settings records. */
class SettingsBindingTests {

	@Test
	void keysetVariablesUseTheirShortNames() {
		Binder binder = binder(Map.of("ENCLAVE_KEYSET_FILE", "/etc/enclave/keyset.json",
				"ENCLAVE_KEYSET_MASTER_KEY_FILE", "/mnt/master/master.json"));
		KeysetSettings settings = binder.bindOrCreate("enclave", KeysetSettings.class);
		assertThat(settings.keysetFile()).isEqualTo(Path.of("/etc/enclave/keyset.json"));
		assertThat(settings.keysetMasterKeyFile()).isEqualTo(Path.of("/mnt/master/master.json"));
		assertThat(settings.keyset()).isNull();

		assertThat(binder(Map.of("ENCLAVE_KEYSET", "eyJwcmltYXJ5S2V5SWQiOjF9")).bindOrCreate("enclave", KeysetSettings.class)
			.keyset()).isEqualTo("eyJwcmltYXJ5S2V5SWQiOjF9");
	}

	@Test
	void privacyVariablesAndDefaults() {
		PrivacySettings defaults = binder(Map.of()).bindOrCreate("enclave.privacy", PrivacySettings.class);
		assertThat(defaults.dataKeyCacheTtl()).isEqualTo(Duration.ofMinutes(5));
		assertThat(defaults.dataKeyCacheSize()).isEqualTo(10_000);
		assertThat(defaults.cacheTtl()).isEqualTo(Duration.ofMinutes(10));
		assertThat(defaults.cacheMaxSize()).isEqualTo(10_000);

		PrivacySettings set = binder(Map.of("ENCLAVE_PRIVACY_DATA_KEY_CACHE_TTL", "1m", "ENCLAVE_PRIVACY_CACHE_MAX_SIZE",
				"50"))
			.bindOrCreate("enclave.privacy", PrivacySettings.class);
		assertThat(set.dataKeyCacheTtl()).isEqualTo(Duration.ofMinutes(1));
		assertThat(set.cacheMaxSize()).isEqualTo(50);
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

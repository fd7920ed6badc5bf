package dev.enclave.privacy.internal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * How long key material and cached content stay in memory.
 *
 * @param dataKeyCacheTtl how long an unwrapped data key stays in memory after it was loaded;
 * also bounds how long another replica may still use a key after a shred
 * @param dataKeyCacheSize most unwrapped data keys held in memory at once
 * @param cacheTtl time to live of entries in encrypted caches
 * @param cacheMaxSize most entries in each encrypted cache
 */
@ConfigurationProperties("enclave.privacy")
@Validated
record PrivacySettings(@DefaultValue("5m") @NotNull Duration dataKeyCacheTtl,
		@DefaultValue("10000") @Positive long dataKeyCacheSize, @DefaultValue("10m") @NotNull Duration cacheTtl,
		@DefaultValue("10000") @Positive long cacheMaxSize) {

	PrivacySettings {
		if (dataKeyCacheTtl.isNegative() || dataKeyCacheTtl.isZero()) {
			throw new IllegalArgumentException("enclave.privacy.data-key-cache-ttl must be positive");
		}
		if (cacheTtl.isNegative() || cacheTtl.isZero()) {
			throw new IllegalArgumentException("enclave.privacy.cache-ttl must be positive");
		}
	}

}

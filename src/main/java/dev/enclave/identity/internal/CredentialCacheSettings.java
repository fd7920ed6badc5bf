package dev.enclave.identity.internal;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The in-memory cache of credentials that resolved (API keys, local sessions), which spares
 * the database a lookup on every request.
 *
 * @param ttl the longest a cached credential is trusted without hearing from the database:
 * the bound on a revocation's delay when the notification listener is disconnected
 * (normally a revocation reaches every replica within a second); {@code 0s} turns the
 * cache off
 * @param maxEntries how many credentials each replica keeps
 * @param lastUsedFlush how often the {@code last_used_at} of used API keys is written, in
 * one batch
 */
@ConfigurationProperties("enclave.auth.credential-cache")
@Validated
record CredentialCacheSettings(@DefaultValue("30s") @NotNull Duration ttl,
		@DefaultValue("100000") @Min(1) long maxEntries, @DefaultValue("10s") @NotNull Duration lastUsedFlush) {

	CredentialCacheSettings {
		if (ttl.isNegative()) {
			throw new IllegalArgumentException("enclave.auth.credential-cache.ttl must not be negative");
		}
		if (lastUsedFlush.isNegative() || lastUsedFlush.isZero()) {
			throw new IllegalArgumentException("enclave.auth.credential-cache.last-used-flush must be positive");
		}
	}

}

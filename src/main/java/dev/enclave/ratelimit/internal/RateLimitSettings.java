package dev.enclave.ratelimit.internal;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of rate limits ({@code enclave.ratelimit.*}). The default tiers are in
 * {@code application.yml}, so that they are documented in one place with the README.
 *
 * @param store where limit state lives: {@code postgres} (shared by all replicas) or
 * {@code memory} (one node only)
 * @param failureMode what to do when the store is unreachable: {@code closed} answers 503
 * {@code ratelimit_unavailable}, {@code open} lets requests through unlimited
 * @param key the default tier of an API key
 * @param user the default tier of a user
 * @param tenant the default tier of a tenant
 * @param storeTimeout the longest a limit check may take before the store counts as unreachable
 * @param unavailableRetryAfter the {@code Retry-After} of a 503 {@code ratelimit_unavailable}
 * @param leaseTtl how long a concurrency lease of a replica that died keeps counting
 * @param overrideCacheTtl how long an override edited on another replica may take to apply
 * @param poolSize connections of the limit store's own JDBC pool
 * @param maxConcurrentChecks limit checks in flight at once per replica (a semaphore
 * bulkhead); beyond it requests are shed with 503 {@code overloaded}
 * @param storeUrl a JDBC URL for the limit store when it is not Enclave's database
 * @param localAllowance the share of each limit (0 to 0.1) a replica takes from the store
 * ahead of need, in the transaction of a request it sends there, and spends without the
 * store; 0 checks every request in the store. Limits stay exact: a token is counted in the
 * store before any replica spends it. Another replica may be refused while up to that share
 * sits unspent here
 * @param localAllowanceMaxAge the longest a replica spends tokens it took ahead after the store
 * counted them; what is left of them goes back within a quarter of this, and an allowance in
 * use is topped up ahead of need from half of it
 * @param leaseSpare the share of each concurrency limit (0 to 0.5, rounded down, at most 64
 * slots) a replica may keep as free slots for its next requests, so that a request needs no
 * store transaction; concurrency stays exact, but another replica may be refused while that
 * many slots sit free here. 0 takes and gives back a slot in the store per request
 */
@ConfigurationProperties("enclave.ratelimit")
@Validated
record RateLimitSettings(@DefaultValue("postgres") Store store, @DefaultValue("closed") FailureMode failureMode,
		@NotNull @Valid Tier key, @NotNull @Valid Tier user, @NotNull @Valid Tier tenant,
		@DefaultValue("2s") Duration storeTimeout, @DefaultValue("5s") Duration unavailableRetryAfter,
		@DefaultValue("2m") Duration leaseTtl, @DefaultValue("10s") Duration overrideCacheTtl,
		@DefaultValue("8") @Min(1) int poolSize, @DefaultValue("256") @Min(1) int maxConcurrentChecks,
		@Nullable String storeUrl, @DefaultValue("0.01") @DecimalMin("0") @DecimalMax("0.1") double localAllowance,
		@DefaultValue("1s") Duration localAllowanceMaxAge,
		@DefaultValue("0.1") @DecimalMin("0") @DecimalMax("0.5") double leaseSpare) {

	RateLimitSettings {
		if (localAllowanceMaxAge.isNegative() || localAllowanceMaxAge.isZero()) {
			throw new IllegalArgumentException("enclave.ratelimit.local-allowance-max-age must be positive");
		}
	}

	enum Store {

		POSTGRES, MEMORY

	}

	enum FailureMode {

		CLOSED, OPEN

	}

	Tier defaults(Scope.Kind kind) {
		return switch (kind) {
			case KEY -> this.key;
			case USER -> this.user;
			case TENANT -> this.tenant;
		};
	}

}

package dev.enclave.identity.internal;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * Local accounts: the tokens Enclave issues itself.
 *
 * @param issuer the {@code iss} of tokens Enclave signs; must differ from the SSO issuer
 * @param audience the {@code aud} of tokens Enclave signs
 * @param accessTokenTtl lifetime of an access token
 * @param refreshTokenTtl lifetime of a refresh token (each one is used once)
 * @param signingKey the signing key as a JWK (EC P-256, JSON), for example from a Kubernetes
 * Secret; all replicas must share it
 * @param signingKeyFile where the signing key is kept when {@code signingKey} is not given;
 * generated on first start; defaults to {@code keys/jwt-signing-key.json} in the data dir
 * @param failedLogins how many failed logins are tolerated before answering 429
 */
@ConfigurationProperties("enclave.auth")
@Validated
record LocalAuthSettings(@DefaultValue("enclave") @NotBlank String issuer,
		@DefaultValue("enclave") @NotBlank String audience,
		@DefaultValue("15m") @NotNull Duration accessTokenTtl,
		@DefaultValue("14d") @NotNull Duration refreshTokenTtl,
		@Nullable String signingKey, @Nullable Path signingKeyFile,
		@DefaultValue @Valid FailedLogins failedLogins) {

	/**
	 * @param perUsername failures allowed per user name within the window
	 * @param perAddress failures allowed per client address within the window
	 * @param window the window over which failures are counted
	 */
	record FailedLogins(@DefaultValue("5") @Min(1) int perUsername, @DefaultValue("20") @Min(1) int perAddress,
			@DefaultValue("15m") @NotNull Duration window) {
	}

}

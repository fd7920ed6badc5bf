package dev.enclave.identity.internal;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * The first administrator, created on first start when no account has that name.
 *
 * @param username its user name
 * @param password its password; when empty a random one is printed once to the console
 * @param tenant the slug of the tenant it administers, created if missing
 */
@ConfigurationProperties("enclave.admin")
@Validated
record AdminBootstrapSettings(@DefaultValue("admin") @NotBlank String username, @Nullable String password,
		@DefaultValue("default") @Pattern(regexp = "[a-z0-9][a-z0-9_.-]{0,62}") String tenant) {
}

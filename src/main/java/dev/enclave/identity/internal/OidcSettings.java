package dev.enclave.identity.internal;

import java.util.Map;

import dev.enclave.identity.Role;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotBlank;

/**
 * Single sign-on through the company's OIDC provider. Off unless {@code issuerUri} is set.
 *
 * @param issuerUri the provider's issuer; its discovery document names the signing keys
 * @param audience the {@code aud} tokens must carry to be accepted (recommended)
 * @param jwkSetUri the provider's key set, when discovery is not reachable
 * @param tenantClaim the claim that names the user's tenant (a slug)
 * @param defaultTenant tenant slug for tokens without the tenant claim; none means such tokens
 * are refused
 * @param rolesClaim the claim listing the user's groups or roles
 * @param roleMapping group name to Enclave role; a group whose name is a role's name maps to
 * it without an entry
 * @param usernameClaim the claim shown as user name
 * @param displayNameClaim the claim shown as display name
 */
@ConfigurationProperties("enclave.oidc")
@Validated
record OidcSettings(@Nullable String issuerUri, @Nullable String audience, @Nullable String jwkSetUri,
		@DefaultValue("tenant") @NotBlank String tenantClaim, @Nullable String defaultTenant,
		@DefaultValue("groups") @NotBlank String rolesClaim, @DefaultValue Map<String, Role> roleMapping,
		@DefaultValue("preferred_username") @NotBlank String usernameClaim,
		@DefaultValue("name") @NotBlank String displayNameClaim) {

	boolean enabled() {
		return this.issuerUri != null && !this.issuerUri.isBlank();
	}

}

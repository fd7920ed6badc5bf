package dev.enclave.identity.internal;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import jakarta.validation.constraints.NotEmpty;

/**
 * Single sign-on in the browser console: the console runs the authorization-code flow with
 * PKCE itself, as a public client (it can keep no secret), and sends the provider's access
 * token to Enclave like any other client. Offered only when {@code enclave.oidc.issuer-uri}
 * is set too.
 *
 * @param clientId the console's client id at the provider; none means the console offers
 * local sign-in only
 * @param scopes what the console asks the provider for
 */
@ConfigurationProperties("enclave.console.sso")
@Validated
record ConsoleSsoSettings(@Nullable String clientId,
		@DefaultValue({ "openid", "profile", "email" }) @NotEmpty List<String> scopes) {
}

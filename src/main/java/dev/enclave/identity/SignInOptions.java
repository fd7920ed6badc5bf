package dev.enclave.identity;

import java.net.URI;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * How people may sign in to the console: always with a local account, and with single
 * sign-on when an OIDC provider and a public client for the console are configured.
 *
 * @param local whether local accounts can sign in (they always can)
 * @param sso what the console needs for an authorization-code flow with PKCE; null when the
 * console offers no single sign-on
 */
public record SignInOptions(boolean local, @Nullable Sso sso) {

	/**
	 * @param issuer the provider's issuer; its discovery document names the endpoints
	 * @param clientId the console's public client at the provider (no secret)
	 * @param scopes the scopes the console asks for
	 */
	public record Sso(String issuer, String clientId, List<String> scopes) {

		public Sso {
			scopes = List.copyOf(scopes);
		}

		/** The provider's origin ({@code https://idp.example.com}), which the console's page talks to. */
		public String origin() {
			URI uri = URI.create(this.issuer);
			return uri.getScheme() + "://" + uri.getRawAuthority();
		}

	}

}

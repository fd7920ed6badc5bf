package dev.enclave.console;

import java.util.List;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestIdentityProvider;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser console as a browser meets it, with a public SSO client configured for it:
 * the sign-in page's configuration.
 */
@TestPropertySource(properties = "enclave.console.sso.client-id=" + ConsoleIT.CLIENT_ID)
class ConsoleIT extends EnclaveIT {

	static final String CLIENT_ID = "enclave-console";

	@Test
	@SuppressWarnings("unchecked")
	void theSignInPageLearnsTheProviderAndTheConsolesPublicClientWithoutCredentials() {
		Map<String, Object> config = http().get()
			.uri("/api/v1/auth/config")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();

		assertThat(config).containsOnlyKeys("local", "sso").containsEntry("local", true);
		assertThat((Map<String, Object>) config.get("sso")).containsOnlyKeys("issuer", "client_id", "scopes")
			.containsEntry("issuer", TestIdentityProvider.issuer())
			.containsEntry("client_id", CLIENT_ID)
			.containsEntry("scopes", List.of("openid", "profile", "email"));
	}

}

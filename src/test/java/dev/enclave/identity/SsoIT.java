package dev.enclave.identity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import dev.enclave.support.TestIdentityProvider;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSO through a real OIDC provider, and every way a credential can be bad, one by one. Each
 * bad credential gets the same 401 envelope: the body never hints at which check failed.
 */
class SsoIT extends EnclaveIT {

	@Test
	void ssoUserIsProvisionedOnFirstSightWithTenantAndRoles() {
		String subject = Identities.uniqueSubject("li.lei");
		String token = identities().sso("acme", subject, "AGENT", "some-unrelated-group");
		http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(token)).exchange().expectStatus().isOk()
			.expectBody()
			.jsonPath("$.username").isEqualTo(subject)
			.jsonPath("$.tenant.slug").isEqualTo("acme")
			.jsonPath("$.roles.length()").isEqualTo(1)
			.jsonPath("$.roles[0]").isEqualTo("AGENT")
			.jsonPath("$.auth_method").isEqualTo("oidc");
		String userId = identities().me(token);
		String acmeAdmin = identities().sso("acme", Identities.uniqueSubject("acme-admin"), "ADMIN");
		http().get()
			.uri("/api/v1/audit?action=user_provisioned&limit=100")
			.headers((h) -> h.setBearerAuth(acmeAdmin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains(userId));
	}

	@Test
	void rolesFollowTheIdentityProviderAndChangesAreAudited() {
		String subject = Identities.uniqueSubject("promoted");
		String asAgent = identities().sso("acme", subject, "AGENT");
		String userId = identities().me(asAgent);
		String asAdmin = identities().sso("acme", subject, "ADMIN");
		http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(asAdmin)).exchange().expectBody()
			.jsonPath("$.roles[0]").isEqualTo("ADMIN");
		http().get()
			.uri("/api/v1/audit?action=roles_changed&limit=100")
			.headers((h) -> h.setBearerAuth(asAdmin))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains(userId));
	}

	@Test
	void expiredTokenBeyondTheSkewIs401ButWithinTheSkewPasses() {
		String subject = Identities.uniqueSubject("late");
		Map<String, Object> claims = Map.of("tenant", "acme", "groups", List.of("AGENT"));
		// Issued ten minutes ago; expired 30 s ago (inside the 60 s skew) and 120 s ago (outside).
		String withinSkew = TestIdentityProvider.tokenIssuedAgo(Duration.ofMinutes(10), Duration.ofSeconds(570),
				subject, claims);
		http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(withinSkew)).exchange().expectStatus().isOk();
		String expired = TestIdentityProvider.tokenIssuedAgo(Duration.ofMinutes(10), Duration.ofSeconds(480), subject,
				claims);
		assertRejected(bearer(expired));
	}

	@Test
	void wrongIssuerIs401() {
		String token = TestIdentityProvider.token("some-other-idp", Identities.uniqueSubject("x"),
				TestIdentityProvider.AUDIENCE, Map.of("tenant", "acme", "groups", List.of("ADMIN")), 3600);
		assertRejected(bearer(token));
	}

	@Test
	void wrongAudienceIs401() {
		String token = TestIdentityProvider.token(TestIdentityProvider.ISSUER_ID, Identities.uniqueSubject("x"),
				"someone-else", Map.of("tenant", "acme", "groups", List.of("ADMIN")), 3600);
		assertRejected(bearer(token));
	}

	@Test
	void unsignedAlgNoneTokenIs401() {
		PlainJWT unsigned = new PlainJWT(claims(TestIdentityProvider.issuer()));
		assertThat(unsigned.getHeader().getAlgorithm().getName()).isEqualTo("none");
		assertRejected(bearer(unsigned.serialize()));
	}

	@Test
	void hs256TokenSignedWithThePublicKeyIs401() throws Exception {
		HttpResponse<String> jwks = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(TestIdentityProvider.server().jwksUrl(TestIdentityProvider.ISSUER_ID)
				.toString())).build(), HttpResponse.BodyHandlers.ofString());
		RSAKey providerKey = (RSAKey) JWKSet.parse(jwks.body()).getKeys().get(0);
		byte[] publicKeyBytes = providerKey.toRSAPublicKey().getEncoded();
		SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(providerKey.getKeyID())
			.type(JOSEObjectType.JWT)
			.build(), claims(TestIdentityProvider.issuer()));
		forged.sign(new MACSigner(publicKeyBytes));
		assertRejected(bearer(forged.serialize()));
	}

	@Test
	void disabledSsoUserIs401() {
		String subject = Identities.uniqueSubject("disabled");
		String token = identities().sso("globex", subject, "AGENT");
		String userId = identities().me(token);
		String admin = identities().sso("globex", Identities.uniqueSubject("globex-admin"), "ADMIN");
		http().patch()
			.uri("/api/v1/users/" + userId)
			.headers((h) -> h.setBearerAuth(admin))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("enabled", false))
			.exchange()
			.expectStatus()
			.isOk();
		assertRejected(bearer(token));
		// A fresh token from the provider changes nothing: being enabled is Enclave's decision.
		assertRejected(bearer(identities().sso("globex", subject, "AGENT")));
	}

	@Test
	void malformedAuthorizationHeadersAre401() {
		String valid = identities().sso("acme", Identities.uniqueSubject("ok"), "AGENT");
		List<WebTestClient.RequestHeadersSpec<?>> requests = new ArrayList<>();
		for (String header : List.of("Bearer", "Bearer ", "Bearer a b", "Basic dXNlcjpwYXNzd29yZA==", "xyz",
				"Bearer " + valid + "," + valid, "Bearer not-a-jwt", "Bearer ek_live_short")) {
			requests.add(http().get().uri("/api/v1/me").header(HttpHeaders.AUTHORIZATION, header));
		}
		requests.add(http().get().uri("/api/v1/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + valid, "Bearer " + valid));
		requests.add(http().get().uri("/api/v1/me").header(HttpHeaders.AUTHORIZATION, "Bearer " + valid)
			.header("X-API-Key", "ek_live_00000000000000000000000000000000"));
		requests.add(http().get().uri("/api/v1/me").header("X-API-Key", "ek_live_00000000000000000000000000000000"));
		for (WebTestClient.RequestHeadersSpec<?> request : requests) {
			assertRejected(request.exchange().expectBody().returnResult());
		}
	}

	@Test
	void everyRejectionLooksTheSame() {
		JsonNode first = assertRejected(bearer("not-a-jwt"));
		JsonNode second = assertRejected(http().get().uri("/api/v1/me").exchange().expectBody().returnResult());
		assertThat(first.get("message")).isEqualTo(second.get("message"));
		assertThat(first.get("details")).isEqualTo(second.get("details"));
	}

	private EntityExchangeResult<byte[]> bearer(String token) {
		return http().get().uri("/api/v1/me").headers((h) -> h.setBearerAuth(token)).exchange().expectBody()
			.returnResult();
	}

	private static JsonNode assertRejected(EntityExchangeResult<byte[]> result) {
		JsonNode error = assertEnvelope(result, 401, "unauthenticated", "authentication_error");
		assertThat(error.get("message").asString()).isEqualTo("Invalid or missing credentials");
		assertThat(error.get("details")).isEmpty();
		assertThat(result.getResponseHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE)).isEqualTo("Bearer");
		return error;
	}

	private static JWTClaimsSet claims(String issuer) {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(issuer)
			.subject(Identities.uniqueSubject("forger"))
			.audience(TestIdentityProvider.AUDIENCE)
			.issueTime(Date.from(now))
			.expirationTime(Date.from(now.plusSeconds(600)))
			.claim("tenant", "acme")
			.claim("groups", List.of("ADMIN"))
			.build();
	}

}

package dev.enclave.support;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jwt.SignedJWT;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OIDC provider on loopback (mock-oauth2-server), one per test JVM: discovery, key
 * set and real RS256-signed tokens that go through Enclave's real validation.
 */
public final class TestIdentityProvider {

	/** The issuer id Enclave trusts in tests. */
	public static final String ISSUER_ID = "enclave-idp";

	/** The audience Enclave requires in tests. */
	public static final String AUDIENCE = "enclave-api";

	/** How far the provider's clock is behind ours; tokens are issued "in the past" with it. */
	private static volatile Duration clockBehind = Duration.ZERO;

	private static final MockOAuth2Server SERVER = start();

	private TestIdentityProvider() {
	}

	public static MockOAuth2Server server() {
		return SERVER;
	}

	public static String issuer() {
		return SERVER.issuerUrl(ISSUER_ID).toString();
	}

	/** A token for a user of {@code tenant} with these groups, valid for an hour. */
	public static String token(String tenant, String subject, String... groups) {
		return token(ISSUER_ID, subject, AUDIENCE,
				Map.of("tenant", tenant, "groups", List.of(groups), "preferred_username", subject), 3600);
	}

	/** A token with every part chosen by the test; {@code expirySeconds} may be negative. */
	public static String token(String issuerId, String subject, String audience, Map<String, Object> claims,
			long expirySeconds) {
		SignedJWT jwt = SERVER.issueToken(issuerId, subject, audience, claims, expirySeconds);
		return jwt.serialize();
	}

	/**
	 * A token issued {@code ago} in the past (by the provider's clock) that lived
	 * {@code lifetime}: a real, consistent token ({@code iat < exp}) that may have expired.
	 */
	public static synchronized String tokenIssuedAgo(Duration ago, Duration lifetime, String subject,
			Map<String, Object> claims) {
		clockBehind = ago;
		try {
			return token(ISSUER_ID, subject, AUDIENCE, claims, lifetime.toSeconds());
		}
		finally {
			clockBehind = Duration.ZERO;
		}
	}

	private static MockOAuth2Server start() {
		OAuth2TokenProvider tokens = new OAuth2TokenProvider(() -> Instant.now().minus(clockBehind));
		MockOAuth2Server server = new MockOAuth2Server(new OAuth2Config(false, null, null, false, tokens));
		server.start();
		Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "test-idp-shutdown"));
		return server;
	}

}

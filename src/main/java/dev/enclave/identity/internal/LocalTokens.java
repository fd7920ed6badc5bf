package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import reactor.core.publisher.Mono;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

/**
 * Access tokens for local accounts: short-lived RS256 JWTs naming the user ({@code sub}), the
 * tenant and the sign-in session ({@code sid}). Validation is as strict as for SSO tokens:
 * signature with our key only, issuer, audience, expiry with 60 s of clock skew.
 */
final class LocalTokens {

	static final String TENANT_CLAIM = "tenant";

	static final String SESSION_CLAIM = "sid";

	private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

	private final NimbusJwtEncoder encoder;

	private final NimbusReactiveJwtDecoder decoder;

	private final RSAKey key;

	private final LocalAuthSettings settings;

	private final Clock clock;

	LocalTokens(RSAKey key, LocalAuthSettings settings, Clock clock) {
		this.key = key;
		this.settings = settings;
		this.clock = clock;
		this.encoder = new NimbusJwtEncoder(new ImmutableJWKSet<>(new JWKSet(key)));
		try {
			this.decoder = NimbusReactiveJwtDecoder.withPublicKey(key.toRSAPublicKey())
				.signatureAlgorithm(SignatureAlgorithm.RS256)
				.build();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("The token signing key is not a usable RSA key", ex);
		}
		JwtTimestampValidator timestamps = new JwtTimestampValidator(CLOCK_SKEW);
		timestamps.setClock(clock);
		OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
				(aud) -> aud != null && aud.contains(settings.audience()));
		this.decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(timestamps, JwtTypeValidator.jwt(),
				new JwtIssuerValidator(settings.issuer()), audience));
	}

	String issuer() {
		return this.settings.issuer();
	}

	Duration ttl() {
		return this.settings.accessTokenTtl();
	}

	String issue(UserRecord user, UUID session) {
		Instant now = this.clock.instant();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.issuer(this.settings.issuer())
			.audience(List.of(this.settings.audience()))
			.subject(user.id().toString())
			.issuedAt(now)
			.notBefore(now)
			.expiresAt(now.plus(this.settings.accessTokenTtl()))
			.id(UUID.randomUUID().toString())
			.claim(TENANT_CLAIM, user.tenantId().toString())
			.claim(SESSION_CLAIM, session.toString())
			.build();
		JwsHeader header = JwsHeader.with(SignatureAlgorithm.RS256).keyId(this.key.getKeyID()).type("JWT").build();
		return this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
	}

	Mono<Jwt> decode(String token) {
		return this.decoder.decode(token);
	}

}

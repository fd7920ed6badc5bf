package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.jwk.RSAKey;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.SignInOptions;
import dev.enclave.storage.DataDirectory;
import dev.enclave.storage.DatabaseNotifications;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;

/** Wires authentication: local tokens, SSO tokens, API keys and the login services. */
@Configuration(proxyBeanMethods = false)
class IdentityConfiguration {

	/** Accepted difference between our clock and the token issuer's. */
	static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

	@Bean
	LocalTokens localTokens(LocalAuthSettings settings, DataDirectory dataDirectory, Clock clock) {
		RSAKey key = SigningKey.load(settings, dataDirectory);
		return new LocalTokens(key, settings, clock);
	}

	@Bean
	PasswordHasher passwordHasher() {
		return new PasswordHasher();
	}

	@Bean
	LoginThrottle loginThrottle(LocalAuthSettings settings) {
		return new LoginThrottle(settings.failedLogins());
	}

	@Bean
	LocalAccounts localAccounts(UserStore users, TenantStore tenants, SessionStore sessions, LocalTokens tokens, PasswordHasher passwords,
			LoginThrottle throttle, AuditLog audit, LocalAuthSettings settings, Clock clock) {
		return new LocalAccounts(users, tenants, sessions, tokens, passwords, throttle, audit, settings.refreshTokenTtl(), clock);
	}

	/** What the console's sign-in page offers; SSO needs both the provider and the console's client. */
	@Bean
	SignInOptions signInOptions(OidcSettings oidc, ConsoleSsoSettings console) {
		if (!oidc.enabled() || console.clientId() == null || console.clientId().isBlank()) {
			return new SignInOptions(true, null);
		}
		return new SignInOptions(true,
				new SignInOptions.Sso(oidc.issuerUri().trim(), console.clientId().trim(), console.scopes()));
	}

	@Bean
	ConsoleSession consoleSession(LocalAuthSettings settings) {
		return new ConsoleSession(settings.refreshTokenTtl());
	}

	@Bean(destroyMethod = "close")
	CredentialCache credentialCache(CredentialCacheSettings settings, DatabaseNotifications notifications) {
		return new CredentialCache(settings, notifications);
	}

	/** Closed before the database pool: its last batch is written on a graceful shutdown. */
	@Bean(destroyMethod = "close")
	LastUsedKeys lastUsedKeys(ApiKeyStore store, Clock clock, CredentialCacheSettings settings) {
		return new LastUsedKeys(store, clock, settings.lastUsedFlush());
	}

	@Bean
	ApiKeys apiKeys(ApiKeyStore store, AuditLog audit, Clock clock, CredentialCache cache, LastUsedKeys lastUsed) {
		return new ApiKeys(store, audit, clock, cache, lastUsed);
	}

	@Bean
	BearerTokens bearerTokens(LocalTokens localTokens, SessionStore sessions, CredentialCache cache, OidcSettings oidc,
			TenantStore tenants, UserStore users, AuditLog audit, LocalAuthSettings local, Clock clock) {
		if (!oidc.enabled()) {
			return new BearerTokens(localTokens, sessions, cache, null, null, null);
		}
		String issuer = oidc.issuerUri().trim();
		if (issuer.equals(local.issuer())) {
			throw new IllegalStateException("enclave.oidc.issuer-uri must differ from enclave.auth.issuer");
		}
		// The provider's keys are fetched lazily, on the first SSO token: Enclave starts even
		// while the provider is unreachable.
		NimbusReactiveJwtDecoder decoder = (oidc.jwkSetUri() != null && !oidc.jwkSetUri().isBlank())
				? NimbusReactiveJwtDecoder.withJwkSetUri(oidc.jwkSetUri()).build()
				: NimbusReactiveJwtDecoder.withIssuerLocation(issuer).build();
		decoder.setJwtValidator(ssoValidator(issuer, oidc.audience(), clock));
		return new BearerTokens(localTokens, sessions, cache, decoder, issuer,
				new OidcUsers(oidc, tenants, users, audit));
	}

	/**
	 * What Spring Boot's resource server checks (issuer, audience, expiry and not-before with
	 * 60 s of skew, token type), kept explicitly because the decoder is built here.
	 */
	static OAuth2TokenValidator<Jwt> ssoValidator(String issuer, String audience, Clock clock) {
		JwtTimestampValidator timestamps = new JwtTimestampValidator(CLOCK_SKEW);
		timestamps.setClock(clock);
		JwtTypeValidator type = new JwtTypeValidator("JWT", "at+jwt", "application/at+jwt");
		type.setAllowEmpty(true);
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(
				List.of(timestamps, type, new JwtIssuerValidator(issuer)));
		if (audience != null && !audience.isBlank()) {
			validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
					(aud) -> aud != null && aud.contains(audience)));
		}
		return new DelegatingOAuth2TokenValidator<>(validators);
	}

	@Bean
	CredentialsAuthenticationManager credentialsAuthenticationManager(ApiKeys apiKeys, BearerTokens bearerTokens) {
		return new CredentialsAuthenticationManager(apiKeys, bearerTokens);
	}

}

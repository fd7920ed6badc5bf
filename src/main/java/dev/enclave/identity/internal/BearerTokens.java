package dev.enclave.identity.internal;

import java.text.ParseException;
import java.util.UUID;

import com.nimbusds.jwt.JWTParser;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Principal;
import dev.enclave.identity.SubjectId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Bearer JWTs from the two issuers Enclave trusts: itself (local accounts) and the
 * configured SSO provider. The issuer claim only picks the decoder; the decoder then checks
 * signature, issuer, audience and expiry, so a token cannot pick a lenient path for itself.
 */
final class BearerTokens {

	private final LocalTokens local;

	private final SessionStore sessions;

	private final @Nullable ReactiveJwtDecoder sso;

	private final @Nullable String ssoIssuer;

	private final @Nullable OidcUsers ssoUsers;

	private final CredentialCache cache;

	BearerTokens(LocalTokens local, SessionStore sessions, CredentialCache cache, @Nullable ReactiveJwtDecoder sso,
			@Nullable String ssoIssuer, @Nullable OidcUsers ssoUsers) {
		this.local = local;
		this.cache = cache;
		this.sessions = sessions;
		this.sso = sso;
		this.ssoIssuer = ssoIssuer;
		this.ssoUsers = ssoUsers;
	}

	Mono<Principal> authenticate(String token) {
		String issuer = unverifiedIssuer(token);
		if (this.local.issuer().equals(issuer)) {
			return this.local.decode(token).flatMap(this::localUser);
		}
		if (this.sso != null && this.ssoUsers != null && issuer != null && issuer.equals(this.ssoIssuer)) {
			return this.sso.decode(token).flatMap(this.ssoUsers::principal);
		}
		return Mono.error(new BadCredentialsException("token from an untrusted issuer"));
	}

	/**
	 * The user of a live session. Logout and disabling reach every replica's cache by
	 * notification, within the cache's TTL at worst.
	 */
	private Mono<Principal> localUser(Jwt jwt) {
		try {
			SubjectId user = SubjectId.of(jwt.getSubject());
			UUID session = UUID.fromString(jwt.getClaimAsString(LocalTokens.SESSION_CLAIM));
			return this.cache.session(session, () -> this.sessions.activeUser(session, user).filter(UserRecord::enabled))
				// The token names the user; a cached session of someone else is not this one.
				.filter((found) -> found.id().equals(user) && found.enabled())
				.map((found) -> Principal.ofUser(found.tenantId(), found.id(), found.roles(), AuthMethod.LOCAL))
				.switchIfEmpty(Mono.error(() -> new BadCredentialsException("session ended or account disabled")));
		}
		catch (IllegalArgumentException | NullPointerException ex) {
			return Mono.error(new BadCredentialsException("token lacks a user or session"));
		}
	}

	private static @Nullable String unverifiedIssuer(String token) {
		try {
			return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
		}
		catch (ParseException ex) {
			throw new BadCredentialsException("not a JWT");
		}
	}

}

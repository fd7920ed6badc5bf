package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.SubjectId;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Sign-in with a local account: password login, refresh-token rotation with reuse
 * detection, and logout. Every failure answers the same {@code unauthenticated} error, so
 * nobody learns whether a user name exists or which check failed.
 */
final class LocalAccounts {

	static final String REFRESH_PREFIX = "ert_";

	private static final Logger log = LoggerFactory.getLogger(LocalAccounts.class);

	private static final String INVALID_LOGIN = "Invalid user name or password";

	private static final String INVALID_REFRESH = "Invalid or expired refresh token";

	private final UserStore users;

	private final TenantStore tenants;

	private final SessionStore sessions;

	private final LocalTokens tokens;

	private final PasswordHasher passwords;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	private final Duration refreshTtl;

	private final Clock clock;

	LocalAccounts(UserStore users, TenantStore tenants, SessionStore sessions, LocalTokens tokens, PasswordHasher passwords,
			LoginThrottle throttle, AuditLog audit, Duration refreshTtl, Clock clock) {
		this.users = users;
		this.tenants = tenants;
		this.sessions = sessions;
		this.tokens = tokens;
		this.passwords = passwords;
		this.throttle = throttle;
		this.audit = audit;
		this.refreshTtl = refreshTtl;
		this.clock = clock;
	}

	Mono<TokenPair> login(String username, String password, String clientAddress) {
		Duration wait = this.throttle.blockedFor(username, clientAddress).orElse(null);
		if (wait != null) {
			log.atWarn().addKeyValue("client", clientAddress).log("Login refused: too many failed attempts");
			return Mono.error(new ApiException(ErrorCode.RATE_LIMIT_EXCEEDED,
					"Too many failed logins; try again later").withRetryAfter(wait));
		}
		return this.users.findLocalByUsername(username)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((user) -> this.passwords.matches(password, user.map(UserRecord::passwordHash).orElse(null))
				.flatMap((matches) -> {
					if (!matches || !user.get().enabled()) {
						return failed(username, clientAddress, user.orElse(null));
					}
					// A suspended tenant's users are refused like disabled ones, with the same answer.
					return this.tenants.findById(user.get().tenantId())
						.filter(TenantRecord::active)
						.flatMap((tenant) -> {
							this.throttle.recordSuccess(username);
							return startSession(user.get());
						})
						.switchIfEmpty(Mono.defer(() -> failed(username, clientAddress, user.get())));
				}));
	}

	Mono<TokenPair> refresh(String refreshToken) {
		if (!refreshToken.startsWith(REFRESH_PREFIX)) {
			return Mono.error(new ApiException(ErrorCode.UNAUTHENTICATED, INVALID_REFRESH));
		}
		byte[] hash = Secrets.sha256(refreshToken);
		return this.sessions.useRefreshToken(hash)
			.flatMap((session) -> this.sessions.userOf(session)
				.flatMap((userId) -> this.sessions.activeUser(session, userId)
					.filter(UserRecord::enabled)
					.flatMap((user) -> issue(user, session))
					// A good token of a disabled account or tenant: refused, and said so, not
					// mistaken below for a stolen copy (the token was only just used, by this call).
					.switchIfEmpty(Mono.defer(() -> refusedInactive(session, userId)))))
			.switchIfEmpty(Mono.defer(() -> rejectRefresh(hash)));
	}

	/** Ends the session the refresh token belongs to; unknown tokens are ignored. */
	Mono<Void> logout(String refreshToken) {
		return this.sessions.refreshTokenState(Secrets.sha256(refreshToken))
			.flatMap((state) -> this.sessions.revoke(state.session(), "logout")
				.then(this.audit.record(new AuditEvent(state.tenant(), state.user().toString(), "logout", null))))
			.then();
	}

	private Mono<TokenPair> startSession(UserRecord user) {
		return this.sessions.create(user.id(), this.clock.instant().plus(this.refreshTtl))
			.flatMap((session) -> issue(user, session))
			.flatMap((pair) -> this.audit
				.record(new AuditEvent(user.tenantId(), user.id().toString(), "login_succeeded", user.id().toString()))
				.thenReturn(pair));
	}

	private Mono<TokenPair> issue(UserRecord user, UUID session) {
		String refresh = REFRESH_PREFIX + Secrets.random(43);
		return this.sessions.addRefreshToken(session, Secrets.sha256(refresh), this.clock.instant().plus(this.refreshTtl))
			.thenReturn(new TokenPair(this.tokens.issue(user, session), "Bearer", this.tokens.ttl().toSeconds(), refresh));
	}

	private Mono<TokenPair> failed(String username, String clientAddress, @Nullable UserRecord user) {
		this.throttle.recordFailure(username, clientAddress);
		// Never the password; the user's id only when the account exists.
		log.atWarn()
			.addKeyValue("user", (user != null) ? user.id().toString() : "unknown")
			.addKeyValue("client", clientAddress)
			.log("Login failed");
		AuditEvent event = (user != null)
				? new AuditEvent(user.tenantId(), AuditEvent.ANONYMOUS, "login_failed", user.id().toString())
				: new AuditEvent(null, AuditEvent.ANONYMOUS, "login_failed", null);
		return this.audit.record(event).then(Mono.error(new ApiException(ErrorCode.UNAUTHENTICATED, INVALID_LOGIN)));
	}

	/** A refresh of a session whose user or tenant is disabled: audited, and refused like any bad token. */
	private Mono<TokenPair> refusedInactive(UUID session, SubjectId userId) {
		return this.sessions.tenantOf(session)
			.flatMap((tenant) -> this.audit.record(new AuditEvent(tenant, userId.value().toString(),
					"refresh_refused_inactive", userId.value().toString())))
			.then(Mono.error(new ApiException(ErrorCode.UNAUTHENTICATED, INVALID_REFRESH)));
	}

	/**
	 * A refresh token that could not be used. If it had been used before, someone holds a
	 * copy: the whole session is revoked, so the thief's tokens die with the owner's.
	 */
	private Mono<TokenPair> rejectRefresh(byte[] hash) {
		return this.sessions.refreshTokenState(hash)
			.filter((state) -> state.usedAt() != null)
			.flatMap((state) -> {
				log.atWarn().addKeyValue("session", state.session()).log("Refresh token reused; session revoked");
				return this.sessions.revoke(state.session(), "refresh_reuse")
					.then(this.audit.record(new AuditEvent(state.tenant(), AuditEvent.ANONYMOUS,
							"refresh_reuse_detected", state.user().toString())));
			})
			.then(Mono.error(new ApiException(ErrorCode.UNAUTHENTICATED, INVALID_REFRESH)));
	}

}

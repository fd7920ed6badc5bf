package dev.enclave.identity.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.FieldIssue;
import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.AuthMethod;
import dev.enclave.identity.Ownership;
import dev.enclave.identity.Principal;
import dev.enclave.identity.Role;
import dev.enclave.identity.Scopes;
import dev.enclave.identity.SubjectId;
import dev.enclave.shared.Priority;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.security.authentication.BadCredentialsException;

/**
 * API keys for apps: {@code ek_live_} and 32 random base-62 characters (190 bits). The key is
 * shown once at creation; only a display prefix and its SHA-256 are stored. A key that
 * resolved is kept in the {@link CredentialCache}: a revocation reaches every replica by
 * notification, within the cache's TTL at worst.
 */
final class ApiKeys {

	static final String PREFIX = "ek_live_";

	static final Pattern FORMAT = Pattern.compile("ek_live_[A-Za-z0-9]{32}");

	private static final int MAX_LISTED = 1000;

	private final ApiKeyStore store;

	private final AuditLog audit;

	private final Clock clock;

	private final CredentialCache cache;

	private final LastUsedKeys lastUsed;

	ApiKeys(ApiKeyStore store, AuditLog audit, Clock clock, CredentialCache cache, LastUsedKeys lastUsed) {
		this.store = store;
		this.audit = audit;
		this.clock = clock;
		this.cache = cache;
		this.lastUsed = lastUsed;
	}

	record Created(ApiKeyRecord record, String key) {
	}

	Mono<Created> create(Principal admin, String name, List<String> scopes, @Nullable Instant expiresAt,
			Priority priority, boolean responseCache) {
		List<FieldIssue> issues = new ArrayList<>();
		for (int i = 0; i < scopes.size(); i++) {
			if (!Scopes.ALL.contains(scopes.get(i))) {
				issues.add(new FieldIssue("scopes[" + i + "]", "is not a known scope; known: " + Scopes.ALL.stream().sorted().toList()));
			}
		}
		if (expiresAt != null && !expiresAt.isAfter(this.clock.instant())) {
			issues.add(new FieldIssue("expires_at", "must be in the future"));
		}
		if (!issues.isEmpty()) {
			return Mono.error(ApiException.invalid("The API key request has invalid fields", issues));
		}
		String key = PREFIX + Secrets.random(32);
		String prefix = key.substring(0, PREFIX.length() + 4);
		return this.store
			.insert(admin.tenantId(), name, prefix, Secrets.sha256(key), Set.copyOf(scopes), admin.subjectId().value(),
					expiresAt, priority, responseCache)
			.flatMap((record) -> this.audit.record(AuditEvent.by(admin, "api_key_created", record.id().toString()))
				.thenReturn(new Created(record, key)));
	}

	Flux<ApiKeyRecord> list(Principal admin) {
		return recentUses().thenMany(this.store.listByTenant(admin.tenantId(), MAX_LISTED));
	}

	Mono<ApiKeyRecord> get(Principal admin, UUID id) {
		return recentUses().then(Ownership.inTenant(admin, this.store.findById(id), ApiKeyRecord::tenantId, "API key"));
	}

	Mono<ApiKeyRecord> revoke(Principal admin, UUID id) {
		return recentUses().then(Ownership.inTenant(admin, this.store.revoke(id, admin.tenantId()), ApiKeyRecord::tenantId, "API key"))
			.flatMap((record) -> this.audit.record(AuditEvent.by(admin, "api_key_revoked", id.toString()))
				.thenReturn(record));
	}

	/**
	 * Writes this replica's pending {@code last_used_at} before an admin reads keys, so what
	 * they see includes the uses this replica just served; a failed write stays pending for the
	 * next flush and does not fail the read.
	 */
	private Mono<Void> recentUses() {
		return this.lastUsed.flush().onErrorResume((failure) -> Mono.empty());
	}

	/** The app behind a key; a malformed, unknown, revoked or expired key is refused alike. */
	Mono<Principal> authenticate(String key) {
		if (!FORMAT.matcher(key).matches()) {
			return Mono.error(new BadCredentialsException("malformed API key"));
		}
		byte[] hash = Secrets.sha256(key);
		return this.cache.apiKey(hash, () -> this.store.findByHash(hash).filter((record) -> record.revokedAt() == null))
			// Expiry is checked on every use, cached or not.
			.filter((record) -> record.usableAt(this.clock.instant()))
			.switchIfEmpty(Mono.error(() -> new BadCredentialsException("unknown, revoked or expired API key")))
			.map((record) -> {
				this.lastUsed.used(record.id());
				return new Principal(record.tenantId(), new SubjectId(record.id()), Set.of(Role.APP), record.scopes(),
						AuthMethod.API_KEY, record.priority(), record.responseCache());
			});
	}

}

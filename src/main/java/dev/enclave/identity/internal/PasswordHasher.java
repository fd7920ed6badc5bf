package dev.enclave.identity.internal;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * bcrypt password hashes, computed off the event loop on a small bounded scheduler: each
 * hash costs tens of milliseconds of CPU on purpose. Hashes carry their algorithm
 * ({@code {bcrypt}…}) so a stronger one can be introduced without invalidating old ones.
 */
final class PasswordHasher implements DisposableBean {

	/** bcrypt reads at most 72 bytes; longer passwords would be silently truncated. */
	static final int MAX_PASSWORD_BYTES = 72;

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	private final Scheduler scheduler = Schedulers.newBoundedElastic(Math.max(2, Runtime.getRuntime().availableProcessors()),
			1000, "password-hashing");

	/** A hash of a random password, checked when the user does not exist so timing tells nothing. */
	private final String decoy = this.encoder.encode(Secrets.random(24));

	Mono<String> hash(String password) {
		return Mono.fromCallable(() -> this.encoder.encode(password)).subscribeOn(this.scheduler);
	}

	/** Whether {@code password} matches {@code hash}; a missing hash is checked against a decoy. */
	Mono<Boolean> matches(String password, @Nullable String hash) {
		return Mono.fromCallable(() -> {
			boolean matches = this.encoder.matches(password, (hash != null) ? hash : this.decoy);
			return hash != null && matches;
		}).subscribeOn(this.scheduler);
	}

	static boolean fits(String password) {
		return password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES;
	}

	@Override
	public void destroy() {
		this.scheduler.dispose();
	}

}

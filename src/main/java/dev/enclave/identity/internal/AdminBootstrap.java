package dev.enclave.identity.internal;

import java.time.Duration;
import java.util.Set;

import dev.enclave.identity.AuditEvent;
import dev.enclave.identity.AuditLog;
import dev.enclave.identity.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On first start, creates the administrator's tenant and account so a fresh installation
 * can be used at once. The password comes from {@code ENCLAVE_ADMIN_PASSWORD}; without one a
 * random password is printed once, to the console only, never to the log.
 *
 * <p>Only the server runs it: the operator's commands ({@code keys}, {@code model}) start
 * without this module.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class AdminBootstrap implements ApplicationRunner {

	private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);

	private final AdminBootstrapSettings settings;

	private final TenantStore tenants;

	private final UserStore users;

	private final PasswordHasher passwords;

	private final AuditLog audit;

	AdminBootstrap(AdminBootstrapSettings settings, TenantStore tenants, UserStore users, PasswordHasher passwords,
			AuditLog audit) {
		this.settings = settings;
		this.tenants = tenants;
		this.users = users;
		this.passwords = passwords;
		this.audit = audit;
	}

	@Override
	public void run(ApplicationArguments args) {
		// Runs once on the main thread at start-up, before traffic matters: blocking is fine here.
		ensureAdmin().block(Duration.ofMinutes(1));
	}

	Mono<Void> ensureAdmin() {
		return this.users.findLocalByUsername(this.settings.username())
			.hasElement()
			.flatMap((exists) -> exists ? Mono.empty() : createAdmin());
	}

	private Mono<Void> createAdmin() {
		boolean generated = this.settings.password() == null || this.settings.password().isBlank();
		String password = generated ? Secrets.random(24) : this.settings.password();
		if (!PasswordHasher.fits(password)) {
			return Mono.error(new IllegalStateException("ENCLAVE_ADMIN_PASSWORD is longer than "
					+ PasswordHasher.MAX_PASSWORD_BYTES + " bytes"));
		}
		return this.tenants.ensure(this.settings.tenant())
			.flatMap((tenant) -> this.passwords.hash(password)
				.flatMap((hash) -> this.users.insertLocal(tenant.id(), this.settings.username(), "Administrator", hash,
						Set.of(Role.ADMIN)))
				.flatMap((admin) -> this.audit
					.record(new AuditEvent(tenant.id(), AuditEvent.SYSTEM, "user_created", admin.id().toString()))))
			.doOnSuccess((done) -> {
				log.info("Created the first administrator '{}' in tenant '{}'", this.settings.username(),
						this.settings.tenant());
				if (generated) {
					printOnce(password);
				}
			});
	}

	@SuppressWarnings("java:S106") // the console, deliberately not the log: logs are shipped and kept
	private void printOnce(String password) {
		System.out.println();
		System.out.println("==================================================================");
		System.out.println(" Enclave administrator: " + this.settings.username());
		System.out.println(" Password (shown this once; set ENCLAVE_ADMIN_PASSWORD to choose): " + password);
		System.out.println("==================================================================");
		System.out.println();
	}

}

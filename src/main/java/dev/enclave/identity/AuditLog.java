package dev.enclave.identity;

import reactor.core.publisher.Mono;

/**
 * The append-only audit log. Rows record the actor, tenant, action, target, time and the
 * trace id of the request they happened in. Other modules record their own events here
 * (conversation deleted, key shredded).
 */
public interface AuditLog {

	Mono<Void> record(AuditEvent event);

}

package dev.enclave.identity;

import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * One row of the audit log. Never carries content: the action, who did it and to what, by id.
 *
 * @param tenant the tenant it happened in; null for installation-wide events
 * @param actor who acted: a subject id, {@code anonymous} or {@code system}
 * @param action what happened, a stable snake_case verb phrase ({@code api_key_created})
 * @param target what it happened to, by id; null when nothing in particular
 */
public record AuditEvent(@Nullable TenantId tenant, String actor, String action, @Nullable String target) {

	/** Actor for events with no authenticated caller, such as a failed login. */
	public static final String ANONYMOUS = "anonymous";

	/** Actor for events Enclave causes itself, such as provisioning at first start. */
	public static final String SYSTEM = "system";

	public static AuditEvent by(Principal actor, String action, @Nullable String target) {
		return new AuditEvent(actor.tenantId(), actor.subjectId().toString(), action, target);
	}

}

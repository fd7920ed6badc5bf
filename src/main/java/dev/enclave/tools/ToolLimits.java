package dev.enclave.tools;

import dev.enclave.shared.TenantId;
import reactor.core.publisher.Mono;

/** How far the tool loop may go for a tenant. */
public interface ToolLimits {

	/**
	 * The rounds of tool calls one turn may make: the tenant's own bound, never above the
	 * installation's {@code enclave.tools.max-steps}, or that when the tenant set none.
	 */
	Mono<Integer> maxSteps(TenantId tenant);

}

package dev.enclave.conversation;

import dev.enclave.identity.Principal;
import reactor.core.publisher.Mono;

/**
 * The ledger of every completion served, stored conversation or stateless API call alike:
 * the source of {@code GET /api/v1/usage}. One row per completion, with the caller's tenant,
 * subject and authentication method, and the numbers of a {@link UsageRecord}.
 */
public interface UsageLedger {

	Mono<Void> record(Principal caller, UsageRecord usage);

}

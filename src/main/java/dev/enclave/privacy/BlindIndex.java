package dev.enclave.privacy;

import java.util.Collection;
import java.util.List;

import dev.enclave.shared.TenantId;
import reactor.core.publisher.Mono;

/**
 * Keyed digests for searching sealed text: HMAC-SHA256 under a key of each tenant's own that
 * never leaves the process unsealed. Equal terms of one tenant give equal digests on every
 * replica and after restarts, so digests can be stored and matched in the database; without
 * the tenant's key they reveal nothing about the terms. What they do reveal is equality:
 * whoever reads the database sees which rows share a term and how often a term occurs, not
 * what it is. Callers normalise terms themselves.
 */
public interface BlindIndex {

	/** The digests of {@code terms}, in their iteration order. */
	Mono<List<byte[]>> digests(TenantId tenant, Collection<String> terms);

}

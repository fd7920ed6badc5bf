/**
 * Ratelimit: budgets per API key, user and tenant, enforced exactly however many replicas
 * run. It owns the limit tiers (a default tier from configuration, overrides in the
 * database edited by a tenant's administrators), the request, token and concurrency limits
 * (Bucket4j buckets and lease rows in PostgreSQL, or in memory on a single node), the
 * {@code x-ratelimit-*} headers and the 429 and 503 answers with {@code Retry-After}.
 * Other modules reserve and settle the tokens of inference requests through
 * {@link dev.enclave.ratelimit.TokenBudget}, with a principal and numbers, never an HTTP
 * exchange: the web layer writes the headers a reservation hands back. It never sees
 * prompts or answers, only counts.
 */
@ApplicationModule(displayName = "Rate limits", allowedDependencies = { "gateway", "identity", "shared", "observability" })
@NullMarked
package dev.enclave.ratelimit;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

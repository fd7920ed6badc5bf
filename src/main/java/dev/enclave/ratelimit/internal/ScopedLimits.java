package dev.enclave.ratelimit.internal;

/** The limits that apply to one scope of a request. */
record ScopedLimits(Scope scope, Tier tier) {
}

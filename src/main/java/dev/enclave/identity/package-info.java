/**
 * Identity: who is calling. It owns the security filter chain, decides which paths are
 * public, and answers unauthenticated (401, with {@code WWW-Authenticate: Bearer}) and
 * forbidden (403) requests with the gateway's error envelope. It never stores or reads
 * conversation content.
 */
@ApplicationModule(displayName = "Identity", allowedDependencies = { "gateway" })
@NullMarked
package dev.enclave.identity;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

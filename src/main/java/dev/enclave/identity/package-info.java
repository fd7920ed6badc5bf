/**
 * Identity: who is calling, and what they may do. It owns tenants, users (SSO accounts
 * provisioned just in time, and local accounts), sign-in sessions with rotating refresh
 * tokens, API keys, and the append-only audit log. Every authenticated request resolves to a
 * {@link dev.enclave.identity.Principal}; {@link dev.enclave.identity.Ownership} is the
 * guarantee other modules use so that another tenant's or user's resource is "not found". It
 * audits crypto-shreds by id and offers privacy's data-key re-wrap to the installation's
 * administrators, who also create, suspend and restore tenants. It never stores or reads
 * conversation content.
 */
@ApplicationModule(displayName = "Identity", allowedDependencies = { "gateway", "storage", "shared", "privacy" })
@NullMarked
package dev.enclave.identity;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

/**
 * Tools: what the assistant may do besides talk, and only within what the signed-in person
 * may do. It owns the tool registry (built-in tools, declarative HTTP tools, and the tools of
 * MCP servers, each with a name, description, JSON Schema for its arguments, required scopes
 * or roles, read or write mode, approval requirement, timeout and circuit breaker), the gate
 * every proposed call passes (the schema, the permission check made outside the model), the
 * egress policy that blocks private, loopback and link-local addresses on the resolved address
 * and on every redirect, the sealed audit of every call, the durable approval queue, and the
 * tenants' bounds. The loop that runs tools lives in the turn pipeline ({@code assistant}).
 */
@ApplicationModule(displayName = "Tools", allowedDependencies = { "identity", "conversation", "privacy", "gateway", "shared", "storage", "observability" })
@NullMarked
package dev.enclave.tools;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

/**
 * Tools: what the assistant may do besides talk, and only within what the signed-in person
 * may do. It owns the tool registry (each tool's name, description, JSON Schema for its
 * arguments, required scopes or roles, read or write mode, approval requirement, timeout
 * and circuit breaker), the validation of proposed arguments against that schema, the
 * permission check made outside the model, declarative HTTP tools behind an egress policy
 * that blocks private, loopback and link-local addresses on the resolved address and on every
 * redirect, the tools of configured MCP servers (Streamable HTTP behind the same egress
 * policy, or stdio), and (to come) the durable approval queue and the sealed audit of every
 * call. The loop that runs tools lives in the turn pipeline ({@code assistant}).
 */
@ApplicationModule(displayName = "Tools", allowedDependencies = { "identity", "conversation", "privacy", "gateway", "shared", "storage" })
@NullMarked
package dev.enclave.tools;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

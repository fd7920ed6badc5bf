/**
 * Gateway: the WebFlux edge every request passes. It gives each request a trace id,
 * enforces body limits and timeouts, serves the
 * OpenAPI description, and turns every failure, from any layer, into the one error envelope.
 * Its public API is the typed error vocabulary ({@link dev.enclave.gateway.ErrorCode},
 * {@link dev.enclave.gateway.ApiException}) and the writer other modules use when they must
 * answer outside a handler (security entry points). It never knows who the caller is or what
 * a conversation holds.
 */
@ApplicationModule(displayName = "Gateway", allowedDependencies = {})
@NullMarked
package dev.enclave.gateway;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

/**
 * Console: serves the customer-service console's single-page application from the jar. It
 * answers the console's own routes with {@code index.html} (never cached, under a Content
 * Security Policy that forbids inline scripts) and its hashed assets with a year-long
 * immutable cache. It never handles an API call: unknown API paths keep the error envelope.
 */
@ApplicationModule(displayName = "Console", allowedDependencies = { "identity" })
@NullMarked
package dev.enclave.console;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

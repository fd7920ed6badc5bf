/**
 * Storage: where Enclave keeps its state. It owns the data directory, the PostgreSQL
 * connection (an external server, or real PostgreSQL binaries started in-process as the
 * embedded default) and the Flyway migrations in {@code db/migration}. It never reads or
 * writes any other module's tables; modules use the reactive {@code DatabaseClient} over
 * the connection this module provides. Its one operator command, {@code migrate}, ends like
 * every module's with the shared kernel's {@code CommandFailure}.
 */
@ApplicationModule(displayName = "Storage", allowedDependencies = { "shared" })
@NullMarked
package dev.enclave.storage;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

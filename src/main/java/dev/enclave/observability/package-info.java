/**
 * Observability: the names and rules every module records by. It documents each metric
 * ({@link dev.enclave.observability.EnclaveMeter}) and each span
 * ({@link dev.enclave.observability.EnclaveObservation}) with its tags, holds the SLO buckets
 * of every latency histogram ({@link dev.enclave.observability.SloBuckets}), and enforces the
 * tag rules: no user, tenant, key or conversation id ever becomes a label, and no span
 * attribute outside a short allow-list leaves the process. It writes the access log and wraps
 * reactive work in spans ({@link dev.enclave.observability.Observed}). It depends on no other
 * module; every module that measures depends on it.
 */
@ApplicationModule(displayName = "Observability", allowedDependencies = {})
@NullMarked
package dev.enclave.observability;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

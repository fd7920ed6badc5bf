/**
 * Privacy: keeps customer content unreadable wherever it rests. It owns the installation's
 * key-encryption keyset, one data key per conversation (envelope encryption with Tink
 * AES-256-GCM, bound to tenant, conversation, row and field), crypto-shredding and key
 * rotation, the redactor that masks personal data in every structured log line and metric
 * label, the encrypted in-memory cache, and the optional encrypted log files. It never
 * stores, reads or deletes another module's rows, never writes content to disk in plain text,
 * and knows nothing about HTTP. The operator's {@code keys} commands ({@code KeysCommand})
 * rotate the keyset with only the database and this module started; {@code logs read}
 * ({@code LogsCommand}) decrypts log files with only the keyset.
 */
@ApplicationModule(displayName = "Privacy", allowedDependencies = { "storage", "shared", "observability" })
@NullMarked
package dev.enclave.privacy;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

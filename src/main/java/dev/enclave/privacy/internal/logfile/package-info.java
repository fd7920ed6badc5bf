/**
 * Encrypted log files, for hosts that must keep log files: the structured, redacted lines of
 * the console also go, when enabled, to files that hold only ciphertext (Tink streaming AEAD
 * under a fresh key per file, wrapped by the installation's keyset), rotated by size and age,
 * the oldest deleted. The operator reads them back with {@code logs read}. Standard output
 * stays the default and is never affected.
 */
@NullMarked
package dev.enclave.privacy.internal.logfile;

import org.jspecify.annotations.NullMarked;

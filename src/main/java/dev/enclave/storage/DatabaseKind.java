package dev.enclave.storage;

/**
 * Which database Enclave runs on: its own embedded PostgreSQL (the zero-configuration
 * default, for trying Enclave out) or an external one (production). Demo data is only ever
 * added to the embedded one.
 */
public enum DatabaseKind {

	EMBEDDED, EXTERNAL

}

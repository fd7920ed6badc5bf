package dev.enclave.privacy.internal;

/** The operator commands {@code --enclave.privacy.command=…} runs (see the README). */
enum KeysetCommand {

	/** Lists the keys of the key-encryption keyset and how many data keys each one wraps. */
	LIST_KEYS,

	/** Adds a new key to the keyset file, enabled but not primary. */
	ADD_KEY,

	/** Makes {@code enclave.privacy.key-id} the primary of the keyset file. */
	PROMOTE_KEY,

	/** Re-wraps every live data key with the current primary. */
	REWRAP,

	/** Removes {@code enclave.privacy.key-id} from the keyset file, once no live data key uses it. */
	DELETE_KEY

}

package dev.enclave.privacy;

import reactor.core.publisher.Mono;

/**
 * The second half of key rotation. After a new key has become the primary of the
 * key-encryption keyset, this moves every live data key to it: each one is unwrapped with
 * the key that wrapped it and wrapped again with the primary. Content ciphertexts are not
 * touched; they stay sealed by their data keys. Safe to run while Enclave serves requests
 * and safe to run again.
 */
public interface DataKeyRewrapper {

	/** Re-wraps every live data key not yet wrapped by the current primary. */
	Mono<RewrapReport> rewrapAll();

	/**
	 * What a re-wrap run did.
	 *
	 * @param primaryKeyId the key-encryption key every data key should now be wrapped by
	 * @param rewrapped data keys moved to the primary
	 * @param skipped data keys shredded or re-wrapped by someone else while the job ran
	 * @param failed data keys that could not be unwrapped (their KEK key is missing from the
	 * keyset); their conversations are unreadable until that key is restored
	 */
	record RewrapReport(long primaryKeyId, long rewrapped, long skipped, long failed) {
	}

}

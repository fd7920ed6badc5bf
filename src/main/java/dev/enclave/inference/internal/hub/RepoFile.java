package dev.enclave.inference.internal.hub;

import org.jspecify.annotations.Nullable;

/**
 * A file as the hub lists it, with what its content must hash to: LFS files by the SHA-256
 * of the LFS pointer, all others by their git blob id.
 * @param name the path in the repo, {@code /} between directories
 * @param sha256 the LFS object id, or null for a file kept in git itself
 * @param blobId the git blob SHA-1, or null for an LFS file (whose blob is only the pointer)
 */
record RepoFile(String name, long size, @Nullable String sha256, @Nullable String blobId) {

	/** Why {@code actual} is not this file, or null when it is. */
	@Nullable String mismatch(ContentHasher.Hashes actual) {
		if (actual.size() != this.size) {
			return "expected " + this.size + " bytes, got " + actual.size();
		}
		if (this.sha256 != null) {
			return this.sha256.equals(actual.sha256()) ? null
					: "expected SHA-256 " + this.sha256 + ", got " + actual.sha256();
		}
		return (this.blobId != null && this.blobId.equals(actual.blobId())) ? null
				: "expected git blob id " + this.blobId + ", got " + actual.blobId();
	}

}

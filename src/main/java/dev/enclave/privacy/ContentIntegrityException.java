package dev.enclave.privacy;

/**
 * A ciphertext did not open for the {@link ContentRef} it was presented with: it was
 * altered, copied from another row, field, conversation or tenant, or sealed under a key this
 * installation does not have. The content is never part of the message.
 */
public final class ContentIntegrityException extends PrivacyException {

	private final ContentRef ref;

	public ContentIntegrityException(ContentRef ref, String reason) {
		super("Ciphertext of field '" + ref.field() + "' in row " + ref.rowId() + " (conversation "
				+ ref.conversation() + ") does not open: " + reason);
		this.ref = ref;
	}

	/** Where the ciphertext was presented. */
	public ContentRef ref() {
		return this.ref;
	}

}

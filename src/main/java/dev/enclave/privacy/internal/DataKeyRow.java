package dev.enclave.privacy.internal;

import java.time.Instant;
import java.util.UUID;

import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;

/**
 * One row of {@code data_keys}.
 *
 * @param id the data key's id, bound into its wrapping
 * @param tenant the tenant owning the conversation
 * @param conversation the conversation the key seals
 * @param wrappedKey the key encrypted by the KEK; {@code null} once destroyed
 * @param kekKeyId the KEK key that wrapped it
 * @param createdAt when the key was created
 * @param destroyedAt when it was shredded, or {@code null} while live
 */
record DataKeyRow(UUID id, TenantId tenant, ConversationId conversation, byte @Nullable [] wrappedKey,
		@Nullable Long kekKeyId, Instant createdAt, @Nullable Instant destroyedAt) {

	boolean destroyed() {
		return this.destroyedAt != null;
	}

	@Override
	public String toString() {
		return "DataKeyRow[id=" + this.id + ", conversation=" + this.conversation + ", kekKeyId=" + this.kekKeyId
				+ ", destroyed=" + destroyed() + "]";
	}

}

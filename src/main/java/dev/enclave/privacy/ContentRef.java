package dev.enclave.privacy;

import dev.enclave.shared.ConversationId;

import dev.enclave.shared.TenantId;

import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where a piece of content lives: tenant, conversation, row and field. It is bound to the
 * ciphertext as associated data, so a ciphertext only opens at the place it was sealed for;
 * copied to another row, another field, another conversation or another tenant it fails.
 *
 * @param tenant the tenant that owns the conversation
 * @param conversation the conversation whose data key seals the content
 * @param rowId the id of the row holding the ciphertext (a message, a tool call)
 * @param field the column or field name, for example {@code content} or {@code title}:
 * lower case letters, digits, {@code _} and {@code .}, at most 63 characters
 */
public record ContentRef(TenantId tenant, ConversationId conversation, UUID rowId, String field) {

	private static final Pattern FIELD = Pattern.compile("[a-z][a-z0-9_.]{0,62}");

	public ContentRef {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(conversation, "conversation");
		Objects.requireNonNull(rowId, "rowId");
		Objects.requireNonNull(field, "field");
		if (!FIELD.matcher(field).matches()) {
			throw new IllegalArgumentException("field must be a lower-case name like 'content' (at most 63 characters)");
		}
	}

}

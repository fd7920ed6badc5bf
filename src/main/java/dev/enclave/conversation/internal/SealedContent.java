package dev.enclave.conversation.internal;

import java.util.Optional;
import java.util.UUID;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Every piece of conversation content on its way into and out of the stores: sealed under
 * the conversation's key, each piece bound to its tenant, conversation, row and field, so
 * no ciphertext can be moved to another place and still open.
 */
final class SealedContent {

	static final String TITLE = "title";

	static final String SYSTEM_PROMPT = "system_prompt";

	static final String CONTENT = "content";

	static final String FEEDBACK_COMMENT = "feedback_comment";

	private final ContentCipher cipher;

	SealedContent(ContentCipher cipher) {
		this.cipher = cipher;
	}

	/** Seals {@code plaintext}; absent text stays absent (an empty optional). */
	Mono<Optional<byte[]>> seal(TenantId tenant, ConversationId conversation, UUID rowId, String field,
			@Nullable String plaintext) {
		if (plaintext == null) {
			return Mono.just(Optional.empty());
		}
		return this.cipher.seal(new ContentRef(tenant, conversation, rowId, field), plaintext).map(Optional::of);
	}

	/** Seals a message's content. */
	Mono<byte[]> sealMessage(TenantId tenant, ConversationId conversation, UUID messageId, String content) {
		return this.cipher.seal(new ContentRef(tenant, conversation, messageId, CONTENT), content);
	}

	/** Opens a field of the conversation row itself (title, system prompt); absent stays absent. */
	Mono<Optional<String>> open(ConversationRow row, String field, byte @Nullable [] sealed) {
		if (sealed == null) {
			return Mono.just(Optional.empty());
		}
		return this.cipher.open(new ContentRef(row.tenant(), row.id(), row.uuid(), field), sealed).map(Optional::of);
	}

	Mono<Views.Conversation> view(ConversationRow row) {
		return Mono.zip(open(row, TITLE, row.title()), open(row, SYSTEM_PROMPT, row.systemPrompt()))
			.map((both) -> new Views.Conversation(row.uuid(), both.getT1().orElse(null), row.model(),
					both.getT2().orElse(null), row.createdAt(), row.updatedAt(), row.retentionUntil()));
	}

	Mono<ConversationMessage> open(TenantId tenant, MessageRow row) {
		return this.cipher
			.open(new ContentRef(tenant, new ConversationId(row.conversation()), row.id(), CONTENT), row.content())
			.map((content) -> new ConversationMessage(row.id(), row.seq(), row.role(), content, row.status(),
					row.promptTokens(), row.completionTokens(), row.model(), row.finishReason(), row.latencyMs(),
					row.ttftMs(), row.createdAt()));
	}

}

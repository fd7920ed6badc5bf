package dev.enclave.conversation.internal;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.enclave.conversation.ConversationMessage;
import dev.enclave.conversation.ToolCall;
import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.privacy.ConversationShreddedException;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

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

	static final String TOOL_CALLS = "tool_calls";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final TypeReference<List<ToolCall>> CALLS = new TypeReference<>() {
	};

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
		return this.cipher.seal(new ContentRef(tenant, conversation, rowId, field), plaintext)
			.map(Optional::of)
			.onErrorMap(ConversationShreddedException.class, SealedContent::erased);
	}

	/** Seals a message's content. */
	Mono<byte[]> sealMessage(TenantId tenant, ConversationId conversation, UUID messageId, String content) {
		return this.cipher.seal(new ContentRef(tenant, conversation, messageId, CONTENT), content)
			.onErrorMap(ConversationShreddedException.class, SealedContent::erased);
	}

	/** Seals a message's tool calls as one JSON list; none stay absent. */
	Mono<Optional<byte[]>> sealToolCalls(TenantId tenant, ConversationId conversation, UUID messageId,
			List<ToolCall> calls) {
		if (calls.isEmpty()) {
			return Mono.just(Optional.empty());
		}
		return seal(tenant, conversation, messageId, TOOL_CALLS, JSON.writeValueAsString(calls));
	}

	/** Opens a field of the conversation row itself (title, system prompt); absent stays absent. */
	Mono<Optional<String>> open(ConversationRow row, String field, byte @Nullable [] sealed) {
		if (sealed == null) {
			return Mono.just(Optional.empty());
		}
		return this.cipher.open(new ContentRef(row.tenant(), row.id(), row.uuid(), field), sealed)
			.map(Optional::of)
			.onErrorMap(ConversationShreddedException.class, SealedContent::erased);
	}

	/**
	 * Rows of an erased conversation can only come back from an old copy of the database:
	 * their key is gone, so they are unreadable for good, and the client is told so.
	 */
	static boolean isErased(Throwable failure) {
		return failure instanceof ApiException api && api.code() == ErrorCode.GONE;
	}

	static ApiException erased(ConversationShreddedException shredded) {
		return new ApiException(ErrorCode.GONE,
				"Conversation " + shredded.conversation() + " was erased; its content can no longer be read")
			.withCause(shredded);
	}

	Mono<Views.Conversation> view(ConversationRow row) {
		return Mono.zip(open(row, TITLE, row.title()), open(row, SYSTEM_PROMPT, row.systemPrompt()))
			.map((both) -> new Views.Conversation(row.uuid(), both.getT1().orElse(null), row.model(),
					both.getT2().orElse(null), row.createdAt(), row.updatedAt(), row.retentionUntil()));
	}

	Mono<ConversationMessage> open(TenantId tenant, MessageRow row) {
		ConversationId conversation = new ConversationId(row.conversation());
		Mono<List<ToolCall>> calls = (row.toolCalls() == null) ? Mono.just(List.of())
				: this.cipher.open(new ContentRef(tenant, conversation, row.id(), TOOL_CALLS), row.toolCalls())
					.map((json) -> JSON.readValue(json, CALLS));
		return Mono.zip(this.cipher.open(new ContentRef(tenant, conversation, row.id(), CONTENT), row.content()), calls)
			.map((both) -> new ConversationMessage(row.id(), row.seq(), row.role(), both.getT1(), row.status(),
					row.promptTokens(), row.completionTokens(), row.model(), row.finishReason(), row.latencyMs(),
					row.ttftMs(), row.createdAt(), both.getT2(), row.toolCallId()))
			.onErrorMap(ConversationShreddedException.class, SealedContent::erased);
	}

}

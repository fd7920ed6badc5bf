package dev.enclave.conversation.internal;

import java.util.UUID;

import dev.enclave.gateway.Page;
import dev.enclave.gateway.PageCursor;
import dev.enclave.identity.Principal;
import dev.enclave.shared.ConversationId;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The platform's conversation API. Every lookup goes through the caller's tenant and
 * identity: another tenant's or another user's conversation is {@code not_found}.
 */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Conversations", description = "A user's conversations, their messages and feedback")
class ConversationController {

	private static final int DEFAULT_LIMIT = 20;

	private static final int DEFAULT_MESSAGE_LIMIT = 100;

	private final ConversationService conversations;

	private final FeedbackService feedback;

	ConversationController(ConversationService conversations, FeedbackService feedback) {
		this.conversations = conversations;
		this.feedback = feedback;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record CreateConversation(@Nullable @Size(max = 500) String title, @Nullable @Size(max = 200) String model,
			@Nullable @Size(max = 32_000) String systemPrompt) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record RenameConversation(@Nullable @Size(max = 500) String title) {
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	record Rate(@NotNull @Pattern(regexp = "up|down", message = "must be up or down") String rating,
			@Nullable @Size(max = 4_000) String comment) {
	}

	@PostMapping(path = "/conversations", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	@PreAuthorize("hasAuthority('SCOPE_conversations:write')")
	@Operation(summary = "Start a conversation", description = "Title and system prompt are stored encrypted.")
	Mono<Views.Conversation> create(@AuthenticationPrincipal Principal caller,
			@Valid @RequestBody CreateConversation request) {
		return this.conversations.create(caller, request.title(), request.model(), request.systemPrompt());
	}

	@GetMapping("/conversations")
	@PreAuthorize("hasAuthority('SCOPE_conversations:read')")
	@Operation(summary = "List one's conversations", description = "Newest first, by cursor; q finds titles "
			+ "containing every word of it (Chinese, Japanese and Korean by any two adjacent characters).")
	Mono<Page<Views.Conversation>> list(@AuthenticationPrincipal Principal caller,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable Integer limit,
			@RequestParam(required = false) @Nullable @Size(max = 200) String q) {
		return Mono.defer(() -> this.conversations.list(caller, cursor, PageCursor.limit(limit, DEFAULT_LIMIT), q));
	}

	@GetMapping("/conversations/{id}")
	@PreAuthorize("hasAuthority('SCOPE_conversations:read')")
	@Operation(summary = "A conversation with its messages", description = "Messages in order, by cursor.")
	Mono<Views.ConversationWithMessages> get(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(required = false) @Nullable Integer limit) {
		return Mono.defer(() -> this.conversations.get(caller, new ConversationId(id), cursor,
				PageCursor.limit(limit, DEFAULT_MESSAGE_LIMIT)));
	}

	@PatchMapping(path = "/conversations/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_conversations:write')")
	@Operation(summary = "Rename a conversation")
	Mono<Views.Conversation> rename(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@Valid @RequestBody RenameConversation request) {
		return this.conversations.rename(caller, new ConversationId(id), request.title());
	}

	@DeleteMapping("/conversations/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@PreAuthorize("hasAuthority('SCOPE_conversations:write')")
	@Operation(summary = "Erase a conversation", description = "Destroys its key first (crypto-shredding), then "
			+ "its rows; copies in backups stay unreadable. Audited.")
	Mono<Void> delete(@AuthenticationPrincipal Principal caller, @PathVariable UUID id) {
		return this.conversations.delete(caller, new ConversationId(id));
	}

	@PostMapping(path = "/messages/{id}/feedback", consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	@PreAuthorize("hasAuthority('SCOPE_conversations:write')")
	@Operation(summary = "Rate an answer", description = "One rating per user and answer; rating again replaces it. "
			+ "The comment is stored encrypted.")
	Mono<Views.Feedback> feedback(@AuthenticationPrincipal Principal caller, @PathVariable UUID id,
			@Valid @RequestBody Rate request) {
		return this.feedback.rate(caller, id, request.rating(), request.comment());
	}

}

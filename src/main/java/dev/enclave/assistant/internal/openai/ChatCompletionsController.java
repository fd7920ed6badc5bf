package dev.enclave.assistant.internal.openai;

import dev.enclave.identity.Principal;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/** OpenAI's chat completions, so OpenAI SDKs work against Enclave unchanged. */
@RestController
@Tag(name = "OpenAI-compatible", description = "Chat completions in OpenAI's shapes (scope chat)")
@SecurityRequirement(name = "bearer")
class ChatCompletionsController {

	private final ChatCompletions completions;

	ChatCompletionsController(ChatCompletions completions) {
		this.completions = completions;
	}

	@PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = { MediaType.APPLICATION_JSON_VALUE, MediaType.TEXT_EVENT_STREAM_VALUE })
	@PreAuthorize("hasAuthority('SCOPE_chat')")
	@Operation(summary = "Create a chat completion",
			description = "OpenAI's request and response. With stream: true the answer comes as server-sent events "
					+ "ending with data: [DONE]. Stateless unless store: true, which keeps the exchange as a "
					+ "conversation of the caller and returns its id in the x-enclave-conversation-id header "
					+ "(in enclave_conversation_id on the finishing chunk of a stream). Usage is always recorded.")
	Mono<ResponseEntity<?>> create(@AuthenticationPrincipal Principal caller,
			@RequestBody ChatCompletionRequest request, ServerWebExchange exchange) {
		return this.completions.answer(caller, request, exchange);
	}

}

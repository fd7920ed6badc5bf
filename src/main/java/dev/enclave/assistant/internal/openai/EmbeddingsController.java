package dev.enclave.assistant.internal.openai;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import dev.enclave.conversation.UsageKind;
import dev.enclave.conversation.UsageLedger;
import dev.enclave.conversation.UsageRecord;
import dev.enclave.identity.Principal;
import dev.enclave.inference.TextEmbeddings;
import dev.enclave.ratelimit.TokenBudget;
import dev.enclave.ratelimit.TokenReservation;
import dev.enclave.shared.FinishReason;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's embeddings, for the embedding models on the model servers. The same limits as
 * chat: the input is counted and its tokens reserved before any server is asked, settled to
 * what the server counted, and one usage row records it. The input is never logged or kept.
 */
@RestController
@Tag(name = "OpenAI-compatible", description = "Chat completions in OpenAI's shapes (scope chat)")
@SecurityRequirement(name = "bearer")
class EmbeddingsController {

	private static final Logger log = LoggerFactory.getLogger(EmbeddingsController.class);

	private final TextEmbeddings embeddings;

	private final TokenBudget budget;

	private final UsageLedger ledger;

	private final Clock clock;

	EmbeddingsController(TextEmbeddings embeddings, TokenBudget budget, UsageLedger ledger, Clock clock) {
		this.embeddings = embeddings;
		this.budget = budget;
		this.ledger = ledger;
		this.clock = clock;
	}

	@PostMapping(path = "/v1/embeddings", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	@PreAuthorize("hasAuthority('SCOPE_chat')")
	@Operation(summary = "Create embeddings",
			description = "OpenAI's request and response, for the embedding models of GET /v1/models. input is a "
					+ "string, a list of strings, or token ids; other fields (encoding_format, dimensions) go to the "
					+ "model server unchanged. Token budgets and usage apply as for chat.")
	Mono<ResponseEntity<EmbeddingsResponse>> create(@AuthenticationPrincipal Principal caller,
			@RequestBody EmbeddingsRequest request) {
		long started = this.clock.millis();
		Map<String, JsonNode> extra = (request.extra() != null) ? request.extra() : Map.of();
		return this.embeddings.prepare(request.model(), request.input())
			.flatMap((input) -> this.budget.reserve(caller, input.tokens())
				.flatMap((reservation) -> this.embeddings.embed(input, extra)
					.flatMap((result) -> reservation.settle(result.promptTokens())
						.then(record(caller, result, started))
						.thenReturn(ResponseEntity.ok()
							.headers((headers) -> reservation.headers().forEach(headers::add))
							.body(new EmbeddingsResponse("list", result.data(), result.model(),
									new EmbeddingsResponse.Usage(result.promptTokens(), result.promptTokens())))))
					.onErrorResume((failure) -> refund(reservation).then(Mono.error(failure)))
					.doOnCancel(() -> refund(reservation).subscribe())));
	}

	private Mono<Void> record(Principal caller, TextEmbeddings.EmbeddingResult result, long started) {
		UsageRecord usage = new UsageRecord(result.model(), result.promptTokens(), 0, FinishReason.STOP,
				Math.max(0, this.clock.millis() - started), UsageKind.EMBEDDING, false);
		return this.ledger.record(caller, usage).onErrorResume((failure) -> {
			log.atWarn().setCause(failure).addKeyValue("model", result.model()).log("Embeddings usage could not be recorded");
			return Mono.empty();
		});
	}

	/** Nothing was computed for a failed or abandoned request. */
	private static Mono<Void> refund(TokenReservation reservation) {
		return reservation.settle(0);
	}

	/**
	 * OpenAI's request; fields Enclave does not interpret are kept for the model server.
	 * {@code user} (an end-user id) is not passed on.
	 */
	record EmbeddingsRequest(@Nullable String model, @Nullable JsonNode input, @Nullable String user,
			@JsonAnySetter @Nullable Map<String, JsonNode> extra) {
	}

	/** OpenAI's answer: the vectors as the server sent them, the model, the usage. */
	record EmbeddingsResponse(String object, JsonNode data, String model, Usage usage) {

		@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
		record Usage(int promptTokens, int totalTokens) {
		}

	}

}

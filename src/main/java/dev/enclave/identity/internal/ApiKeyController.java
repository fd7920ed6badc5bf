package dev.enclave.identity.internal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.enclave.identity.Principal;
import dev.enclave.shared.Priority;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/api-keys", produces = MediaType.APPLICATION_JSON_VALUE)
@PreAuthorize("hasAuthority('SCOPE_admin')")
@Tag(name = "API keys", description = "Keys for enterprise apps (scope admin)")
class ApiKeyController {

	private final ApiKeys apiKeys;

	ApiKeyController(ApiKeys apiKeys) {
		this.apiKeys = apiKeys;
	}

	@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
	/**
	 * @param priority {@code interactive} (the default) or {@code batch}: a batch key's
	 * generations wait behind interactive ones
	 * @param responseCache whether the key's deterministic chat requests (temperature 0 or a
	 * seed) may be answered from the encrypted response cache; off by default
	 */
	record CreateApiKeyRequest(@NotBlank @Size(max = 100) String name,
			@NotEmpty @Size(max = 16) List<@NotBlank String> scopes, @Nullable Instant expiresAt,
			@Nullable Priority priority, @Nullable Boolean responseCache) {
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(summary = "Create an API key", description = "The key is in this response only; Enclave keeps a hash.")
	Mono<Views.CreatedApiKeyView> create(@AuthenticationPrincipal Principal admin,
			@Valid @RequestBody CreateApiKeyRequest request) {
		return this.apiKeys
			.create(admin, request.name(), request.scopes(), request.expiresAt(),
					(request.priority() != null) ? request.priority() : Priority.INTERACTIVE,
					Boolean.TRUE.equals(request.responseCache()))
			.map((created) -> new Views.CreatedApiKeyView(created.record().id(), created.record().name(), created.key(),
					created.record().prefix(), created.record().scopes().stream().sorted().toList(),
					created.record().createdAt(), created.record().expiresAt(), created.record().priority(),
					created.record().responseCache()));
	}

	@GetMapping
	@Operation(summary = "List your tenant's API keys, revoked ones included")
	Flux<Views.ApiKeyView> list(@AuthenticationPrincipal Principal admin) {
		return this.apiKeys.list(admin).map(Views.ApiKeyView::of);
	}

	@GetMapping("/{id}")
	@Operation(summary = "One API key")
	Mono<Views.ApiKeyView> get(@AuthenticationPrincipal Principal admin, @PathVariable UUID id) {
		return this.apiKeys.get(admin, id).map(Views.ApiKeyView::of);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Revoke an API key", description = "Takes effect on the next request, on every replica.")
	Mono<Void> revoke(@AuthenticationPrincipal Principal admin, @PathVariable UUID id) {
		return this.apiKeys.revoke(admin, id).then();
	}

}

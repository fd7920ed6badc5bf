package dev.enclave.inference.internal;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.ModelDescriptor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * OpenAI's model listing: the models this instance serves, local and on model servers,
 * with their aliases (Enclave's addition; an alias finds its model too). Listing models goes with
 * chatting (scope {@code chat}), as the identity README's scope table says.
 */
@RestController
@Tag(name = "Models", description = "The served models (scope chat)")
@SecurityRequirement(name = "bearer")
@PreAuthorize("hasAuthority('SCOPE_chat')")
class ModelsController {

	private final ModelCatalog catalog;

	ModelsController(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@Operation(summary = "List the models that are served")
	@GetMapping(path = "/v1/models", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ModelList> models() {
		return Mono.fromSupplier(() -> new ModelList("list",
				this.catalog.models().stream().filter(ModelDescriptor::ready).map(ModelEntry::of).toList()));
	}

	@Operation(summary = "Describe one served model")
	@GetMapping(path = "/v1/models/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<ModelEntry> model(@PathVariable String id) {
		return Mono.fromSupplier(() -> this.catalog.models()
			.stream()
			.filter((model) -> model.ready() && model.answersTo(id))
			.findFirst()
			.map(ModelEntry::of)
			.orElseThrow(() -> ApiException.notFound("Model")));
	}

	/** {@code {"object": "list", "data": [...]}}. */
	record ModelList(String object, List<ModelEntry> data) {
	}

	/**
	 * One model in OpenAI's shape, plus a description (the demo model says it is untrained).
	 */
	record ModelEntry(String id, String object, long created, @JsonProperty("owned_by") String ownedBy,
			String description, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> aliases) {

		static ModelEntry of(ModelDescriptor model) {
			return new ModelEntry(model.id(), "model", model.created().getEpochSecond(), model.ownedBy(),
					model.description(), model.aliases());
		}

	}

}

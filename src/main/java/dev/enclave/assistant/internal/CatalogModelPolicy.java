package dev.enclave.assistant.internal;

import dev.enclave.conversation.ModelPolicy;
import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.ModelKind;
import org.jspecify.annotations.Nullable;

/** New conversations may use any chat model of the catalog, by id or alias; none named means the default one. */
final class CatalogModelPolicy implements ModelPolicy {

	private final ModelCatalog catalog;

	CatalogModelPolicy(ModelCatalog catalog) {
		this.catalog = catalog;
	}

	@Override
	public String resolve(@Nullable String requested) {
		if (requested == null || requested.isBlank()) {
			return this.catalog.defaultModel();
		}
		return this.catalog.find(requested)
			.filter((model) -> model.kind() == ModelKind.CHAT)
			.map((model) -> model.id())
			.orElseThrow(() -> ApiException.invalidParam("model", "There is no model '"
					+ ((requested.length() > 64) ? requested.substring(0, 64) + "…" : requested)
					+ "' to chat with; GET /v1/models lists them"));
	}

}

package dev.enclave.inference.internal;

import java.util.ArrayList;
import java.util.List;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.ModelCatalog;
import dev.enclave.inference.ModelDescriptor;
import dev.enclave.inference.ModelKind;
import dev.enclave.inference.internal.remote.RemoteModels;
import org.jspecify.annotations.Nullable;

/**
 * The one model list: local models first, then those on model servers, in configuration
 * order. It says which engine serves a name (an id or an alias), so a request goes to the
 * local engine or to the servers without the caller knowing which.
 */
final class Models implements ModelCatalog {

	private final ModelRegistry local;

	private final RemoteModels remote;

	Models(ModelRegistry local, RemoteModels remote) {
		this.local = local;
		this.remote = remote;
	}

	@Override
	public List<ModelDescriptor> models() {
		List<ModelDescriptor> models = new ArrayList<>(this.local.models());
		models.addAll(this.remote.descriptors());
		return models;
	}

	@Override
	public String defaultModel() {
		String first = this.local.firstModel();
		if (first != null) {
			return first;
		}
		return this.remote.descriptors()
			.stream()
			.filter((model) -> model.kind() == ModelKind.CHAT)
			.map(ModelDescriptor::id)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No chat model is configured"));
	}

	/** Whether the model a request names (or the default) is on the model servers. */
	boolean isRemote(@Nullable String name) {
		String id = (name == null || name.isBlank()) ? defaultModel() : name;
		if (this.local.knows(id)) {
			return false;
		}
		if (this.remote.serves(id)) {
			return true;
		}
		throw ApiException.notFound("Model '" + ((id.length() > 64) ? id.substring(0, 64) + "…" : id) + "'")
			.withParam("model");
	}

}

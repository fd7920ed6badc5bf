package dev.enclave.inference;

import java.util.List;
import java.util.Optional;

/**
 * The models this instance knows about, local or on model servers behind it, loaded or not.
 * Callers choose a model by its {@link ModelDescriptor#id()} (or an alias) in
 * {@code ChatOptions#getModel()}; a null model means {@link #defaultModel()}.
 */
public interface ModelCatalog {

	/** Every configured model (or the demo model): local ones first, in configuration order. */
	List<ModelDescriptor> models();

	/** The chat model that answers when a request names none: the first configured one. */
	String defaultModel();

	/** The model a client calls {@code name}, by id or alias. */
	default Optional<ModelDescriptor> find(String name) {
		return models().stream().filter((model) -> model.answersTo(name)).findFirst();
	}

}

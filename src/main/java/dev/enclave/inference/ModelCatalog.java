package dev.enclave.inference;

import java.util.List;

/**
 * The models this instance knows about, loaded or not. Callers choose a model by its
 * {@link ModelDescriptor#id()} in {@code ChatOptions#getModel()}; a null model means
 * {@link #defaultModel()}.
 */
public interface ModelCatalog {

	/** Every configured model (or the demo model), in configuration order. */
	List<ModelDescriptor> models();

	/** The model that answers when a request names none: the first configured one. */
	String defaultModel();

}

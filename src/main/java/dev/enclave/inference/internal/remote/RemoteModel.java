package dev.enclave.inference.internal.remote;

import java.util.List;

import dev.enclave.inference.ModelKind;

/**
 * A model served by one or more model servers.
 *
 * @param name its name on the servers, and its id in Enclave
 * @param aliases other names clients may use
 * @param kind chat or embedding
 * @param configuredContext its context as configured; 0 when the servers are to say
 * @param counter how its prompts are counted
 * @param backends the servers that serve it
 */
record RemoteModel(String name, List<String> aliases, ModelKind kind, int configuredContext, PromptCounter counter,
		List<Backend> backends) {

	/** Used when neither the configuration nor any server says. */
	static final int DEFAULT_CONTEXT = 8192;

	/** Its context: as configured, else as a server reported it, else {@link #DEFAULT_CONTEXT}. */
	int context() {
		if (this.configuredContext > 0) {
			return this.configuredContext;
		}
		int reported = 0;
		for (Backend backend : this.backends) {
			reported = Math.max(reported, backend.health().contextOf(this.name));
		}
		return (reported > 0) ? reported : DEFAULT_CONTEXT;
	}

}

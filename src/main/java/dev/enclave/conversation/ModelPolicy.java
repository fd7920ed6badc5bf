package dev.enclave.conversation;

import org.jspecify.annotations.Nullable;

/**
 * Which model a new conversation uses. The conversation module knows nothing about models;
 * the assistant module, which does, implements this port.
 */
public interface ModelPolicy {

	/**
	 * @param requested the model a client asked for, or null for the default
	 * @return the model to store
	 * @throws dev.enclave.gateway.ApiException {@code invalid_request} naming {@code model}
	 * when there is no such model
	 */
	String resolve(@Nullable String requested);

}

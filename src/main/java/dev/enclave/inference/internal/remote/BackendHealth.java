package dev.enclave.inference.internal.remote;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a server's last health check found.
 *
 * @param up whether it answered its model list
 * @param checked whether it has been checked at all; an unchecked server is tried, so a
 * request in the first seconds after start-up is not refused for want of a check
 * @param listed the models it listed, with their context when it said (0 when not)
 * @param reason why it is down
 * @param at when it was checked
 */
record BackendHealth(boolean up, boolean checked, Map<String, Integer> listed, @Nullable String reason,
		@Nullable Instant at) {

	static final BackendHealth UNCHECKED = new BackendHealth(true, false, Map.of(), null, null);

	static BackendHealth up(Map<String, Integer> listed, Instant at) {
		return new BackendHealth(true, true, Map.copyOf(listed), null, at);
	}

	static BackendHealth down(String reason, Instant at) {
		return new BackendHealth(false, true, Map.of(), reason, at);
	}

	/** Whether {@code model} may be sent there: it is up and lists the model (or is unchecked). */
	boolean serves(String model) {
		return this.up && (!this.checked || this.listed.containsKey(model));
	}

	/** The model's context as the server reported it; 0 when unknown. */
	int contextOf(String model) {
		return this.listed.getOrDefault(model, 0);
	}

}

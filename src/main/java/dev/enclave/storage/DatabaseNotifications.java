package dev.enclave.storage;

import reactor.core.publisher.Flux;

/**
 * PostgreSQL {@code LISTEN}/{@code NOTIFY}, for changes every replica must hear about at once
 * (a revoked key, an ended session). A notification is sent in the same statement as the
 * change ({@code SELECT pg_notify(...)} in a CTE after the {@code UPDATE}), so it is
 * delivered exactly when the change commits. Delivery is best effort across a lost
 * connection: whenever the listener (re)connects, every channel gets a {@link #RESYNC}
 * payload first, meaning "anything may have been missed; forget what you cached".
 */
public interface DatabaseNotifications {

	/** The payload a subscriber gets when notifications may have been missed. */
	String RESYNC = "*resync*";

	/**
	 * The payloads sent on {@code channel} from now on, preceded by {@link #RESYNC} once the
	 * listener is connected. Never completes; never errors (the listener reconnects).
	 *
	 * @param channel a lower-case SQL identifier
	 */
	Flux<String> listen(String channel);

}

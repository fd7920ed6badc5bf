package dev.enclave.gateway.internal;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Hooks;
import reactor.netty.channel.AbortedException;

/**
 * What Reactor does with an error that arrives after its subscriber has gone. By default it
 * logs it at ERROR with a stack trace: every client that leaves while a response is being
 * written (a closed tab, a load test ending) then looks like a failure of Enclave. A client
 * leaving is routine and goes to DEBUG; anything else dropped is still worth a WARN, named
 * by type (a dropped error's message is not ours to vouch for).
 */
final class DroppedErrors implements Consumer<Throwable> {

	private static final Logger log = LoggerFactory.getLogger(DroppedErrors.class);

	/** Installs the hook for the whole JVM; installing it again replaces it with an equal one. */
	static void install() {
		Hooks.resetOnErrorDropped();
		Hooks.onErrorDropped(new DroppedErrors());
	}

	@Override
	public void accept(Throwable error) {
		// Reactor Netty's own test covers resets and broken pipes as well as aborted sends.
		if (error instanceof AbortedException || AbortedException.isConnectionReset(error)) {
			log.debug("A client left before its response was written ({})", error.getClass().getSimpleName());
			return;
		}
		log.atWarn()
			.addKeyValue("error", error.getClass().getName())
			.setCause(error)
			.log("An error arrived after its request had ended and was dropped ({})", error.getClass().getSimpleName());
	}

}

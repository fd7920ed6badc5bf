package dev.enclave.inference.internal;

import java.util.Set;

import dev.enclave.gateway.ApiException;
import dev.enclave.inference.internal.checkpoint.GenerationDefaults;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * The local engine's own check of a request's sampling options, for tests of the entry points
 * outside this package: what a client sends reaches it unchanged, so a fuzz test of a request
 * body follows the body that far.
 */
public final class EngineSampling {

	/** A checkpoint without a {@code generation_config.json}. */
	private static final GenerationDefaults NO_DEFAULTS = new GenerationDefaults(Set.of(), null, null, null, null);

	private EngineSampling() {
	}

	/** Accepts the options, or refuses them with the {@link ApiException} the client would get. */
	public static void check(@Nullable ChatOptions options) {
		ChatRequests.sampling(options, NO_DEFAULTS);
	}

}

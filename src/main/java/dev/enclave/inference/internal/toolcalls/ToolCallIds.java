package dev.enclave.inference.internal.toolcalls;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Ids for parsed calls. The model's text carries none, and the id travels back with the
 * tool's result, so it must not repeat within a conversation: 144 random bits make that
 * certain in practice without any shared counter.
 */
final class ToolCallIds {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

	private ToolCallIds() {
	}

	/** {@code "call_"} and 24 URL-safe characters. */
	static String next() {
		byte[] bytes = new byte[18];
		RANDOM.nextBytes(bytes);
		return "call_" + URL_SAFE.encodeToString(bytes);
	}

}

package dev.enclave.conversation.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import dev.enclave.gateway.ApiException;
import org.jspecify.annotations.Nullable;

/** The cursor of a conversation's messages: the last {@code seq} seen, opaque to clients. */
final class SeqCursor {

	private static final String PREFIX = "seq:";

	private SeqCursor() {
	}

	static String encode(int seq) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + seq).getBytes(StandardCharsets.US_ASCII));
	}

	/** @return the last seq seen, 0 for the first page */
	static int decode(@Nullable String cursor) {
		if (cursor == null || cursor.isEmpty()) {
			return 0;
		}
		try {
			String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			if (raw.startsWith(PREFIX)) {
				int seq = Integer.parseInt(raw.substring(PREFIX.length()));
				if (seq >= 0) {
					return seq;
				}
			}
		}
		catch (RuntimeException ex) {
			// falls through to the client error
		}
		throw ApiException.invalidParam("cursor", "is not a cursor this API returned");
	}

}

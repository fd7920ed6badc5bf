package dev.enclave.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/**
 * The one codec of list cursors: a kind and the keyset values of the last row seen,
 * {@code kind|value|value}, as opaque URL-safe base64. The kind keeps a cursor of one list
 * from being taken for another's; anything that does not decode is the client's error,
 * naming the {@code cursor} parameter.
 */
final class Cursors {

	private static final String SEPARATOR = "|";

	private Cursors() {
	}

	static String encode(String kind, String... values) {
		String raw = kind + SEPARATOR + String.join(SEPARATOR, values);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * @return the values of a cursor of {@code kind}, exactly {@code count} of them; null for
	 * an absent or empty cursor (the first page)
	 * @throws ApiException {@code invalid_request} naming {@code cursor}
	 */
	static String @Nullable [] decode(@Nullable String cursor, String kind, int count) {
		if (cursor == null || cursor.isEmpty()) {
			return null;
		}
		try {
			String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
			String[] parts = raw.split("\\|", -1);
			if (parts.length == count + 1 && parts[0].equals(kind)) {
				String[] values = new String[count];
				System.arraycopy(parts, 1, values, 0, count);
				return values;
			}
		}
		catch (IllegalArgumentException ex) {
			// falls through to the client error
		}
		throw invalid();
	}

	static ApiException invalid() {
		return ApiException.invalidParam("cursor", "is not a cursor this API returned");
	}

}

package dev.enclave.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A keyset position in a list ordered newest first by {@code (created, id)}: lists page by
 * cursor, never by offset, so pages stay stable while rows are added. Encoded as an opaque
 * URL-safe string; a cursor that does not decode is the client's error.
 *
 * @param created the timestamp of the last row on the previous page
 * @param id the id of that row, the tie-breaker
 */
public record PageCursor(Instant created, UUID id) {

	/** The largest page size a client may ask for. */
	public static final int MAX_LIMIT = 100;

	public String encode() {
		String raw = this.created.getEpochSecond() + "." + this.created.getNano() + "." + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * Decodes a cursor from a request parameter.
	 * @return {@code null} for an absent or empty cursor (the first page)
	 * @throws ApiException {@code invalid_request} naming the {@code cursor} parameter
	 */
	public static @Nullable PageCursor decode(@Nullable String cursor) {
		if (cursor == null || cursor.isEmpty()) {
			return null;
		}
		try {
			String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
			String[] parts = raw.split("\\.", 3);
			Instant created = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
			return new PageCursor(created, UUID.fromString(parts[2]));
		}
		catch (RuntimeException ex) {
			throw ApiException.invalidParam("cursor", "is not a cursor this API returned");
		}
	}

	/**
	 * Checks a requested page size.
	 * @return the size to use; {@code fallback} when none was asked for
	 */
	public static int limit(@Nullable Integer requested, int fallback) {
		if (requested == null) {
			return fallback;
		}
		if (requested < 1 || requested > MAX_LIMIT) {
			throw ApiException.invalidParam("limit", "must be between 1 and " + MAX_LIMIT);
		}
		return requested;
	}

}

package dev.enclave.gateway;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A keyset position in a list ordered newest first by {@code (created, id)}: lists page by
 * cursor, never by offset, so pages stay stable while rows are added. Encoded by the one
 * cursor codec; a cursor that does not decode is the client's error.
 *
 * @param created the timestamp of the last row on the previous page
 * @param id the id of that row, the tie-breaker
 */
public record PageCursor(Instant created, UUID id) {

	/** The largest page size a client may ask for. */
	public static final int MAX_LIMIT = 100;

	private static final String KIND = "t";

	public String encode() {
		return Cursors.encode(KIND, Long.toString(this.created.getEpochSecond()), Integer.toString(this.created.getNano()),
				this.id.toString());
	}

	/**
	 * Decodes a cursor from a request parameter.
	 * @return {@code null} for an absent or empty cursor (the first page)
	 * @throws ApiException {@code invalid_request} naming the {@code cursor} parameter
	 */
	public static @Nullable PageCursor decode(@Nullable String cursor) {
		String[] values = Cursors.decode(cursor, KIND, 3);
		if (values == null) {
			return null;
		}
		try {
			return new PageCursor(Instant.ofEpochSecond(Long.parseLong(values[0]), Long.parseLong(values[1])),
					UUID.fromString(values[2]));
		}
		catch (RuntimeException ex) {
			throw Cursors.invalid();
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

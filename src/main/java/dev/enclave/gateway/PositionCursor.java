package dev.enclave.gateway;

import org.jspecify.annotations.Nullable;

/**
 * A keyset position in a list ordered by a position that only grows, oldest first, such as
 * a conversation's messages by {@code seq}. Encoded by the same codec as
 * {@link PageCursor}, and not interchangeable with it.
 *
 * @param position the position of the last row on the previous page
 */
public record PositionCursor(long position) {

	private static final String KIND = "p";

	public String encode() {
		return Cursors.encode(KIND, Long.toString(this.position));
	}

	/**
	 * Decodes a cursor from a request parameter.
	 * @return the position after which the page starts: 0 for an absent or empty cursor
	 * @throws ApiException {@code invalid_request} naming the {@code cursor} parameter
	 */
	public static long after(@Nullable String cursor) {
		String[] values = Cursors.decode(cursor, KIND, 1);
		if (values == null) {
			return 0;
		}
		try {
			long position = Long.parseLong(values[0]);
			if (position >= 0) {
				return position;
			}
		}
		catch (NumberFormatException ex) {
			// falls through to the client error
		}
		throw Cursors.invalid();
	}

}

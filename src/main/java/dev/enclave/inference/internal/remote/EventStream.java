package dev.enclave.inference.internal.remote;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The data of server-sent events, cut from a byte stream read by read, as the event stream
 * specification says: lines end with CRLF, LF or a lone CR (also one split across two
 * reads); a leading byte-order mark is dropped; lines starting with a colon are comments;
 * {@code data} lines are joined with LF; every other field ({@code event}, {@code id},
 * {@code retry}, unknown ones) is ignored; an empty line ends an event, and an event without
 * {@code data} is no event. An event the stream ends in without its empty line still counts,
 * as Spring's reader counted it, since some servers end their last event that way.
 *
 * <p>Enclave only needs the data, as bytes for the JSON parser. Spring's reader, used before,
 * matched line ends byte by byte through {@code DataBuffer.getByte} and built a string per
 * line and per event; on a gateway that is a proxy of such streams that was about 5 % of its
 * CPU. Here each read is scanned in an array, and nothing is decoded until JSON is read.
 * Never a byte of content is logged or kept beyond the event it belongs to.
 */
final class EventStream {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	/** Stands, last in a read's events, for a line or an event over the size limit. */
	static final byte[] TOO_LARGE = new byte[0];

	private final int maxEventBytes;

	/** The line not yet ended. */
	private Bytes line = new Bytes();

	/** The data of the event not yet ended, each data line followed by LF. */
	private final Bytes data = new Bytes();

	private boolean hasData;

	/** The previous read ended with CR: an LF at the start of this one belongs to it. */
	private boolean afterCr;

	/** No line has ended yet: a byte-order mark may start the next. */
	private boolean firstLine = true;

	/** A line or an event was over the limit: nothing more is read. */
	private boolean tooLarge;

	/** @param maxEventBytes the most bytes one line or one event's data may take */
	EventStream(int maxEventBytes) {
		this.maxEventBytes = maxEventBytes;
	}

	/**
	 * The data of the events that the next read ends, in order; the last is
	 * {@link #TOO_LARGE} when a line or an event went over the size limit, and then nothing
	 * more is read. Reported in line, not thrown, so the events before it come out whichever
	 * way the stream was cut into reads.
	 */
	List<byte[]> read(byte[] bytes) {
		if (this.tooLarge) {
			return List.of();
		}
		List<byte[]> events = null;
		int at = 0;
		if (this.afterCr && bytes.length > 0) {
			this.afterCr = false;
			if (bytes[at] == LF) {
				at++;
			}
		}
		int lineStart = at;
		for (int i = at; i < bytes.length; i++) {
			byte b = bytes[i];
			if (b != LF && b != CR) {
				continue;
			}
			byte[] event = endLine(bytes, lineStart, i);
			if (event != null) {
				if (events == null) {
					events = new ArrayList<>(2);
				}
				events.add(event);
			}
			if (this.tooLarge) {
				return withTooLarge(events);
			}
			if (b == CR) {
				if (i + 1 == bytes.length) {
					this.afterCr = true;
				}
				else if (bytes[i + 1] == LF) {
					i++;
				}
			}
			lineStart = i + 1;
		}
		if (lineStart < bytes.length) {
			if (this.line.size + (bytes.length - lineStart) > this.maxEventBytes) {
				this.tooLarge = true;
				return withTooLarge(events);
			}
			this.line.append(bytes, lineStart, bytes.length - lineStart);
		}
		return (events != null) ? events : List.of();
	}

	/** The data of an event the stream ended in without its empty line, if it has any. */
	List<byte[]> end() {
		if (this.tooLarge) {
			return List.of();
		}
		if (this.line.size > 0) {
			Bytes last = this.line;
			this.line = new Bytes();
			field(last.array, 0, last.size);
		}
		byte[] event = this.tooLarge ? TOO_LARGE : dispatch();
		return (event != null) ? List.of(event) : List.of();
	}

	/** Ends the line {@code bytes[from, to)} (after what an earlier read left of it); the event it ends, if any. */
	private byte[] endLine(byte[] bytes, int from, int to) {
		if (this.line.size + (to - from) > this.maxEventBytes) {
			this.tooLarge = true;
			return null;
		}
		if (this.line.size > 0) {
			this.line.append(bytes, from, to - from);
			Bytes whole = this.line;
			this.line = new Bytes();
			field(whole.array, 0, whole.size);
			return null;
		}
		if (from == to) {
			this.firstLine = false;
			return dispatch();
		}
		field(bytes, from, to);
		return null;
	}

	/** One line that is not empty: a comment, a data line, or a field that is ignored. */
	private void field(byte[] bytes, int from, int to) {
		if (this.firstLine) {
			this.firstLine = false;
			if (to - from >= 3 && bytes[from] == (byte) 0xEF && bytes[from + 1] == (byte) 0xBB
					&& bytes[from + 2] == (byte) 0xBF) {
				from += 3;
			}
		}
		if (to == from || bytes[from] == ':') {
			return;
		}
		int colon = -1;
		for (int i = from; i < to; i++) {
			if (bytes[i] == ':') {
				colon = i;
				break;
			}
		}
		int nameEnd = (colon >= 0) ? colon : to;
		if (nameEnd - from != 4 || bytes[from] != 'd' || bytes[from + 1] != 'a' || bytes[from + 2] != 't'
				|| bytes[from + 3] != 'a') {
			return;
		}
		int valueStart = (colon >= 0) ? colon + 1 : to;
		if (valueStart < to && bytes[valueStart] == ' ') {
			valueStart++;
		}
		if (this.data.size + (to - valueStart) + 1 > this.maxEventBytes) {
			this.tooLarge = true;
			return;
		}
		this.data.append(bytes, valueStart, to - valueStart);
		this.data.append(LF);
		this.hasData = true;
	}

	private byte[] dispatch() {
		if (!this.hasData) {
			return null;
		}
		// Without the LF that followed the last data line.
		byte[] event = Arrays.copyOf(this.data.array, this.data.size - 1);
		this.data.size = 0;
		this.hasData = false;
		return event;
	}

	private static List<byte[]> withTooLarge(List<byte[]> events) {
		if (events == null) {
			return List.of(TOO_LARGE);
		}
		events.add(TOO_LARGE);
		return events;
	}

	/** A growable byte array. */
	private static final class Bytes {

		byte[] array = new byte[256];

		int size;

		void append(byte[] bytes, int from, int length) {
			ensure(this.size + length);
			System.arraycopy(bytes, from, this.array, this.size, length);
			this.size += length;
		}

		void append(byte b) {
			ensure(this.size + 1);
			this.array[this.size++] = b;
		}

		private void ensure(int capacity) {
			if (capacity > this.array.length) {
				this.array = Arrays.copyOf(this.array, Math.max(capacity, this.array.length * 2));
			}
		}

	}

}

package dev.enclave.privacy.internal.logfile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import dev.enclave.privacy.internal.TinkRegistration;

/**
 * The on-disk form of an encrypted log file, version 1: a header that carries the file's own
 * key, wrapped by the installation's key-encryption keyset, then a sequence of records, each
 * one complete Tink streaming-AEAD ciphertext of whole log lines. Every number is big-endian.
 *
 * <pre>
 * header
 *   offset  size  field
 *   0       8     magic: the ASCII bytes "ENCLVLOG"
 *   8       1     format version: 1
 *   9       8     creation time: milliseconds since the epoch
 *   17      16    file id: random
 *   33      4     length n of the wrapped key: 1 to 65536
 *   37      n     the wrapped key
 * then records, up to the end of the file
 *   1             kind: 'L' (lines) or 'E' (end; its plaintext is empty)
 *   4             length m of the ciphertext: 1 to 64 MiB
 *   m             the ciphertext
 * </pre>
 *
 * <p><b>The file key.</b> Each file gets a fresh random AES-256-GCM-HKDF streaming-AEAD keyset
 * with 4 KiB segments, serialized as a Tink keyset and encrypted (Tink's encrypted keyset
 * format) by the installation's primary key, with the associated data
 * {@code "enclave-log-file"} followed by header bytes 0 to 32 (magic, version, time, id). So a
 * key cannot be moved to another header, and the header's time and id cannot be changed. It
 * is not bound to the file's name: operators rename and archive log files. Unwrapping finds
 * the wrapping key by the id Tink prefixes, so files written before a rotation of the keyset
 * stay readable as long as their key is in the keyset.
 *
 * <p><b>Records.</b> Record number {@code i} (from 0) is encrypted with the associated data
 * {@code "enclave-log-record"}, the file id, {@code i} as 8 bytes and its kind byte. A record
 * cannot be moved to another file or position, dropped from the middle, replayed, or turned
 * into the end record; the end record proves that nothing was cut off after it. A file without
 * one was not closed: its writer crashed, or is still writing it, or its end was cut off; the
 * reader says which records it still has. Each record derives its own AES key from the file
 * key and a random salt (that is what AES-GCM-HKDF streaming does), so the number of records a
 * file key encrypts has no nonce-collision limit.
 *
 * <p><b>Why one ciphertext per record, not one stream per file.</b> Tink's streaming AEAD only
 * decrypts complete segments and writes a segment only when it is full or the stream is
 * closed; a quiet server could hold its last lines in memory for hours, and a crash would lose
 * them. A record is complete on disk as soon as it is written, so the writer writes one
 * whenever lines are waiting (under load, many lines to a record, up to 64 KiB). The 4 KiB
 * segments keep a small record small: a record costs 5 bytes of framing, 40 bytes of stream
 * header and 16 bytes of tag per 4 KiB.
 */
final class LogFileFormat {

	static final byte[] MAGIC = "ENCLVLOG".getBytes(StandardCharsets.US_ASCII);

	static final byte VERSION = 1;

	/** Magic, version, creation time and file id: what the wrapped key is bound to. */
	static final int HEADER_PREFIX_LENGTH = MAGIC.length + 1 + Long.BYTES + 16;

	/** The header up to the wrapped key itself. */
	static final int HEADER_FIXED_LENGTH = HEADER_PREFIX_LENGTH + Integer.BYTES;

	static final int FILE_ID_OFFSET = MAGIC.length + 1 + Long.BYTES;

	static final int FILE_ID_LENGTH = 16;

	static final int MAX_WRAPPED_KEY_LENGTH = 64 * 1024;

	static final byte LINES = 'L';

	static final byte END = 'E';

	static final int RECORD_FRAME_LENGTH = 1 + Integer.BYTES;

	/** Bounds what a reader allocates for one record, whatever a damaged length field says. */
	static final int MAX_CIPHERTEXT_LENGTH = 64 * 1024 * 1024;

	/** Lines longer than this are not written; they could not fit a record a reader accepts. */
	static final int MAX_LINE_LENGTH = 16 * 1024 * 1024;

	static final AesGcmHkdfStreamingParameters FILE_KEY = PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB;

	private static final byte[] KEY_PURPOSE = "enclave-log-file".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] RECORD_PURPOSE = "enclave-log-record".getBytes(StandardCharsets.US_ASCII);

	private LogFileFormat() {
	}

	/** Header bytes 0 to 32. */
	static byte[] headerPrefix(Instant created, byte[] fileId) {
		return ByteBuffer.allocate(HEADER_PREFIX_LENGTH)
			.put(MAGIC)
			.put(VERSION)
			.putLong(created.toEpochMilli())
			.put(fileId)
			.array();
	}

	/** The complete header: its prefix, then the wrapped key with its length. */
	static byte[] header(byte[] prefix, byte[] wrappedKey) {
		return ByteBuffer.allocate(HEADER_FIXED_LENGTH + wrappedKey.length)
			.put(prefix)
			.putInt(wrappedKey.length)
			.put(wrappedKey)
			.array();
	}

	static byte[] keyAssociatedData(byte[] headerPrefix) {
		return ByteBuffer.allocate(KEY_PURPOSE.length + headerPrefix.length).put(KEY_PURPOSE).put(headerPrefix).array();
	}

	static byte[] recordAssociatedData(byte[] fileId, long sequence, byte kind) {
		return ByteBuffer.allocate(RECORD_PURPOSE.length + fileId.length + Long.BYTES + 1)
			.put(RECORD_PURPOSE)
			.put(fileId)
			.putLong(sequence)
			.put(kind)
			.array();
	}

	static KeysetHandle newFileKey() throws GeneralSecurityException {
		TinkRegistration.ensure();
		return KeysetHandle.generateNew(FILE_KEY);
	}

	static StreamingAead streamingAead(KeysetHandle fileKey) throws GeneralSecurityException {
		TinkRegistration.ensure();
		return fileKey.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
	}

}

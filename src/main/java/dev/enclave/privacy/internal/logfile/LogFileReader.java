package dev.enclave.privacy.internal.logfile;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.function.Consumer;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import dev.enclave.privacy.internal.KeyEncryptionKey;
import dev.enclave.privacy.internal.logfile.ReadReport.Ending;

/**
 * Decrypts an encrypted log file ({@link LogFileFormat}) for an operator who holds the
 * keyset, record by record, handing out each record's lines only once the record has been
 * authenticated. A file that ends early (a crash, a file still being written) gives back every
 * complete record and says how it ends; a file that fails authentication gives back the
 * records before the failure and then throws. It reads the file as it was when reading began,
 * so the file being written can be read too.
 */
public final class LogFileReader {

	private static final int BUFFER = 64 * 1024;

	private final KeyEncryptionKey kek;

	public LogFileReader(KeyEncryptionKey kek) {
		this.kek = kek;
	}

	/**
	 * Reads {@code file}, handing each record's text (whole lines, each ending with a line
	 * break) to {@code text} in the order written.
	 * @throws IOException the file cannot be read
	 * @throws LogFileException the file is not an encrypted log file of this format, the
	 * keyset cannot open it, or it was altered
	 */
	public ReadReport read(Path file, Consumer<String> text) throws IOException, LogFileException {
		long size = Files.size(file);
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
			byte[] fixed = in.readNBytes((int) Math.min(size, LogFileFormat.HEADER_FIXED_LENGTH));
			checkMagic(fixed);
			if (fixed.length < LogFileFormat.HEADER_FIXED_LENGTH) {
				return new ReadReport(0, 0, Ending.TORN);
			}
			ByteBuffer header = ByteBuffer.wrap(fixed);
			byte version = header.get(LogFileFormat.MAGIC.length);
			if (version != LogFileFormat.VERSION) {
				throw new LogFileException("format version " + version + "; this Enclave reads version "
						+ LogFileFormat.VERSION);
			}
			int wrappedLength = header.getInt(LogFileFormat.HEADER_PREFIX_LENGTH);
			if (wrappedLength < 1 || wrappedLength > LogFileFormat.MAX_WRAPPED_KEY_LENGTH) {
				throw new LogFileException("the header is damaged (a wrapped key of " + wrappedLength + " bytes)");
			}
			if (size < LogFileFormat.HEADER_FIXED_LENGTH + wrappedLength) {
				return new ReadReport(0, 0, Ending.TORN);
			}
			byte[] prefix = Arrays.copyOf(fixed, LogFileFormat.HEADER_PREFIX_LENGTH);
			byte[] fileId = Arrays.copyOfRange(fixed, LogFileFormat.FILE_ID_OFFSET,
					LogFileFormat.FILE_ID_OFFSET + LogFileFormat.FILE_ID_LENGTH);
			StreamingAead aead = openFileKey(prefix, in.readNBytes(wrappedLength));
			Records records = new Records(in, size, LogFileFormat.HEADER_FIXED_LENGTH + wrappedLength, aead, fileId);
			return records.readAll(text);
		}
	}

	private static void checkMagic(byte[] start) throws LogFileException {
		int compared = Math.min(start.length, LogFileFormat.MAGIC.length);
		if (start.length == 0 || !Arrays.equals(start, 0, compared, LogFileFormat.MAGIC, 0, compared)) {
			throw new LogFileException("not an Enclave encrypted log file");
		}
	}

	private StreamingAead openFileKey(byte[] prefix, byte[] wrapped) throws LogFileException {
		KeysetHandle fileKey;
		try {
			fileKey = this.kek.unwrap(wrapped, LogFileFormat.keyAssociatedData(prefix));
		}
		catch (GeneralSecurityException ex) {
			throw new LogFileException("the keyset cannot open this file's key: the file was written under a key this "
					+ "keyset does not hold, or its header was altered", ex);
		}
		try {
			return LogFileFormat.streamingAead(fileKey);
		}
		catch (GeneralSecurityException ex) {
			throw new LogFileException("the file's key is not a streaming AEAD key", ex);
		}
	}

	/** The records after the header, read in order, each authenticated at its position. */
	private static final class Records {

		private final InputStream in;

		private final long size;

		private final StreamingAead aead;

		private final byte[] fileId;

		private long position;

		private long sequence;

		private long records;

		private long lines;

		Records(InputStream in, long size, long position, StreamingAead aead, byte[] fileId) {
			this.in = in;
			this.size = size;
			this.position = position;
			this.aead = aead;
			this.fileId = fileId;
		}

		ReadReport readAll(Consumer<String> text) throws IOException, LogFileException {
			while (true) {
				long remaining = this.size - this.position;
				if (remaining == 0) {
					return report(Ending.UNCLOSED);
				}
				if (remaining < LogFileFormat.RECORD_FRAME_LENGTH) {
					return report(Ending.TORN);
				}
				ByteBuffer frame = ByteBuffer.wrap(this.in.readNBytes(LogFileFormat.RECORD_FRAME_LENGTH));
				byte kind = frame.get(0);
				int length = frame.getInt(1);
				if (kind == 0 && length == 0 && restIsZero(remaining - LogFileFormat.RECORD_FRAME_LENGTH)) {
					// Some file systems leave a crashed file's unwritten tail as zeros.
					return report(Ending.TORN);
				}
				if (kind != LogFileFormat.LINES && kind != LogFileFormat.END) {
					throw altered("has an unknown kind");
				}
				if (length < 1 || length > LogFileFormat.MAX_CIPHERTEXT_LENGTH) {
					throw altered("has a damaged length");
				}
				if (length > remaining - LogFileFormat.RECORD_FRAME_LENGTH) {
					return report(Ending.TORN);
				}
				byte[] plaintext = decrypt(kind, this.in.readNBytes(length));
				this.position += LogFileFormat.RECORD_FRAME_LENGTH + length;
				this.sequence++;
				if (kind == LogFileFormat.END) {
					if (this.position != this.size) {
						throw new LogFileException("bytes follow the end record at byte " + this.position
								+ ": the file was altered");
					}
					return report(Ending.CLOSED);
				}
				this.records++;
				this.lines += count(plaintext);
				text.accept(new String(plaintext, StandardCharsets.UTF_8));
			}
		}

		private byte[] decrypt(byte kind, byte[] ciphertext) throws LogFileException {
			byte[] associatedData = LogFileFormat.recordAssociatedData(this.fileId, this.sequence, kind);
			try (InputStream decrypting = this.aead.newDecryptingStream(new ByteArrayInputStream(ciphertext),
					associatedData)) {
				return decrypting.readAllBytes();
			}
			catch (IOException | GeneralSecurityException ex) {
				// The ciphertext is in memory: any failure here is Tink refusing it.
				throw altered("fails authentication", ex);
			}
		}

		private boolean restIsZero(long rest) throws IOException {
			byte[] chunk = new byte[BUFFER];
			long left = rest;
			while (left > 0) {
				int read = this.in.readNBytes(chunk, 0, (int) Math.min(chunk.length, left));
				if (read == 0) {
					return true;
				}
				for (int i = 0; i < read; i++) {
					if (chunk[i] != 0) {
						return false;
					}
				}
				left -= read;
			}
			return true;
		}

		private LogFileException altered(String what) {
			return new LogFileException(describe(what));
		}

		private LogFileException altered(String what, Throwable cause) {
			return new LogFileException(describe(what), cause);
		}

		private String describe(String what) {
			return "record " + (this.sequence + 1) + " (at byte " + this.position + ") " + what
					+ ": the file was altered or damaged; the records before it were read";
		}

		private ReadReport report(Ending ending) {
			return new ReadReport(this.records, this.lines, ending);
		}

		private static long count(byte[] plaintext) {
			long lines = 0;
			for (byte b : plaintext) {
				if (b == '\n') {
					lines++;
				}
			}
			return lines;
		}

	}

}

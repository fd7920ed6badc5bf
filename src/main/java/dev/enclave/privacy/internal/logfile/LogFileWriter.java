package dev.enclave.privacy.internal.logfile;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Set;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.StreamingAead;
import dev.enclave.privacy.internal.KeyEncryptionKey;

/**
 * Writes one encrypted log file ({@link LogFileFormat}): creates it with its header, appends
 * records, and closes it with the end record. Plaintext exists only in memory; each record is
 * encrypted completely before its bytes go to the file in one write, so the file never holds
 * a plaintext byte, not even for a moment. Not thread-safe: the appender's writer thread owns
 * it.
 */
final class LogFileWriter implements Closeable {

	private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

	private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

	private final Path path;

	private final FileChannel channel;

	private final StreamingAead aead;

	private final byte[] fileId;

	private final Instant created;

	private final RecordBuffer record = new RecordBuffer();

	private long sequence;

	private long size;

	private LogFileWriter(Path path, FileChannel channel, StreamingAead aead, byte[] fileId, Instant created) {
		this.path = path;
		this.channel = channel;
		this.aead = aead;
		this.fileId = fileId;
		this.created = created;
	}

	/**
	 * Creates {@code path}, which must not exist, readable by its owner only, and writes its
	 * header with a fresh file key wrapped by {@code kek}.
	 */
	static LogFileWriter create(Path path, Instant created, KeyEncryptionKey kek, SecureRandom random)
			throws IOException, GeneralSecurityException {
		byte[] fileId = new byte[LogFileFormat.FILE_ID_LENGTH];
		random.nextBytes(fileId);
		KeysetHandle fileKey = LogFileFormat.newFileKey();
		byte[] prefix = LogFileFormat.headerPrefix(created, fileId);
		byte[] wrapped = kek.wrap(fileKey, LogFileFormat.keyAssociatedData(prefix));
		byte[] header = LogFileFormat.header(prefix, wrapped);
		FileChannel channel = (POSIX)
				? FileChannel.open(path, CREATE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
				: FileChannel.open(path, CREATE, new FileAttribute<?>[0]);
		LogFileWriter writer = new LogFileWriter(path, channel, LogFileFormat.streamingAead(fileKey), fileId, created);
		try {
			writer.writeFully(ByteBuffer.wrap(header));
			writer.size = header.length;
		}
		catch (IOException ex) {
			writer.abandon();
			throw ex;
		}
		return writer;
	}

	Path path() {
		return this.path;
	}

	Instant created() {
		return this.created;
	}

	/** Bytes in the file so far. */
	long size() {
		return this.size;
	}

	/** Appends one record of lines: {@code length} bytes of {@code plaintext}, whole lines only. */
	void append(byte[] plaintext, int length) throws IOException, GeneralSecurityException {
		writeRecord(LogFileFormat.LINES, plaintext, length);
	}

	/** Writes the end record, forces the file to the disk and closes it. */
	@Override
	public void close() throws IOException {
		try {
			writeRecord(LogFileFormat.END, new byte[0], 0);
			this.channel.force(true);
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("Cannot encrypt the end record of " + this.path, ex);
		}
		finally {
			this.channel.close();
		}
	}

	/** Closes the file without its end record, after a write failed: the reader reports it as unclosed. */
	void abandon() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing after a failed write: nothing more can be done about this file.
		}
	}

	private void writeRecord(byte kind, byte[] plaintext, int length) throws IOException, GeneralSecurityException {
		this.record.reset();
		this.record.write(new byte[LogFileFormat.RECORD_FRAME_LENGTH]);
		try (OutputStream encrypting = this.aead.newEncryptingStream(this.record,
				LogFileFormat.recordAssociatedData(this.fileId, this.sequence, kind))) {
			encrypting.write(plaintext, 0, length);
		}
		ByteBuffer bytes = this.record.frame(kind);
		int written = bytes.remaining();
		writeFully(bytes);
		this.size += written;
		this.sequence++;
		this.record.release();
	}

	private void writeFully(ByteBuffer bytes) throws IOException {
		while (bytes.hasRemaining()) {
			this.channel.write(bytes);
		}
	}

	/** The record being built: room for the frame, then the ciphertext, written as one buffer. */
	private static final class RecordBuffer extends ByteArrayOutputStream {

		private static final int KEPT = 256 * 1024;

		RecordBuffer() {
			super(8 * 1024);
		}

		/** A huge line's buffer is not kept for the rest of the file's life. */
		void release() {
			if (this.buf.length > KEPT) {
				this.buf = new byte[8 * 1024];
			}
			this.count = 0;
		}

		ByteBuffer frame(byte kind) {
			ByteBuffer bytes = ByteBuffer.wrap(this.buf, 0, this.count);
			bytes.put(0, kind).putInt(1, this.count - LogFileFormat.RECORD_FRAME_LENGTH);
			return bytes;
		}

	}

}

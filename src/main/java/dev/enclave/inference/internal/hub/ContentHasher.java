package dev.enclave.inference.internal.hub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;

/**
 * Hashes a file's content as it passes: always SHA-256, which the manifest lists, and for
 * files kept in git also the git blob id (the SHA-1 of the text "blob", a space, the size, a NUL byte, then the content),
 * which is all the hub vouches for them with. One pass serves both, so nothing is read twice.
 */
final class ContentHasher {

	private static final int BUFFER = 1 << 20;

	private final MessageDigest sha256 = digest("SHA-256");

	private final @Nullable MessageDigest blob;

	private long size;

	private ContentHasher(@Nullable MessageDigest blob) {
		this.blob = blob;
	}

	/** A hasher for {@code file}; the blob header carries the listed size, as git's does. */
	static ContentHasher of(RepoFile file) {
		if (file.sha256() != null) {
			return new ContentHasher(null);
		}
		MessageDigest blob = digest("SHA-1");
		blob.update(("blob " + file.size() + "\0").getBytes(StandardCharsets.US_ASCII));
		return new ContentHasher(blob);
	}

	/** The hashes of a whole file on disk, as {@code file} is checked. */
	static Hashes hash(Path path, RepoFile file) throws IOException {
		ContentHasher hasher = of(file);
		try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
			hasher.update(channel, channel.size());
		}
		return hasher.finish();
	}

	void update(byte[] bytes, int offset, int count) {
		this.sha256.update(bytes, offset, count);
		if (this.blob != null) {
			this.blob.update(bytes, offset, count);
		}
		this.size += count;
	}

	/** Hashes the first {@code count} bytes of {@code channel}, leaving its position alone. */
	void update(FileChannel channel, long count) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
		long position = 0;
		while (position < count) {
			buffer.clear().limit((int) Math.min(BUFFER, count - position));
			int read = channel.read(buffer, position);
			if (read < 0) {
				throw new IOException("file ended after " + position + " of " + count + " bytes");
			}
			update(buffer.array(), 0, read);
			position += read;
		}
	}

	Hashes finish() {
		HexFormat hex = HexFormat.of();
		return new Hashes(this.size, hex.formatHex(this.sha256.digest()),
				(this.blob != null) ? hex.formatHex(this.blob.digest()) : null);
	}

	private static MessageDigest digest(String algorithm) {
		try {
			return MessageDigest.getInstance(algorithm);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has " + algorithm, ex);
		}
	}

	/** What was hashed: its length, SHA-256 and, for git files, blob id. */
	record Hashes(long size, String sha256, @Nullable String blobId) {
	}

}

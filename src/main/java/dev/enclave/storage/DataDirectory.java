package dev.enclave.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directory under which Enclave keeps everything it owns on disk: the embedded
 * database, generated keys and model checkpoints. Sub-directories and secret files are
 * created readable by the owner only, because they hold key material and customer data.
 */
public final class DataDirectory {

	private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

	private final Path root;

	public DataDirectory(Path root) {
		this.root = root.toAbsolutePath().normalize();
	}

	/** The absolute root of the data directory. */
	public Path root() {
		return this.root;
	}

	/**
	 * Resolves {@code name} under the root and creates it as an owner-only directory when it
	 * does not exist yet.
	 */
	public Path directory(String name) {
		Path dir = this.root.resolve(name).normalize();
		if (!dir.startsWith(this.root)) {
			throw new IllegalArgumentException("'" + name + "' is outside the data directory");
		}
		try {
			if (Files.notExists(this.root)) {
				Files.createDirectories(this.root);
				restrict(this.root, OWNER_DIR);
			}
			Files.createDirectories(dir);
			restrict(dir, OWNER_DIR);
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create data directory " + dir, ex);
		}
	}

	/**
	 * Writes a secret (a key, a keyset) to {@code file} with owner-only permissions. The
	 * permissions are set before any byte is written, and the file appears atomically, so no
	 * reader ever sees a world-readable or half-written secret.
	 * @throws FileAlreadyExistsException (wrapped) when the file exists, so a generated secret
	 * is never silently replaced
	 */
	public void writeSecret(Path file, byte[] content) {
		Path dir = file.toAbsolutePath().getParent();
		try {
			Files.createDirectories(dir);
			if (Files.exists(file)) {
				throw new FileAlreadyExistsException(file.toString());
			}
			Path partial = Files.createTempFile(dir, ".secret-", ".partial");
			try {
				restrict(partial, OWNER_FILE);
				Files.write(partial, content);
				try {
					Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (AtomicMoveNotSupportedException ex) {
					Files.move(partial, file);
				}
			}
			finally {
				Files.deleteIfExists(partial);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write secret file " + file, ex);
		}
	}

	private static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
		if (Files.getFileStore(path).supportsFileAttributeView("posix")) {
			Files.setPosixFilePermissions(path, permissions);
		}
	}

}

package dev.enclave.inference.internal.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A checkpoint's {@code SHA256SUMS}: one {@code <hex digest>  <file name>} line per file,
 * exactly what {@code sha256sum} writes (a {@code *} before the name marks binary mode and
 * is accepted). It is the supply-chain seal of a checkpoint: nothing is loaded that it does
 * not list with a matching digest.
 */
public final class Sha256Manifest {

	/** The manifest's file name inside a checkpoint directory. */
	public static final String FILE_NAME = "SHA256SUMS";

	private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](.+)");

	private static final Pattern DIGEST = Pattern.compile("[0-9a-fA-F]{64}");

	private static final int READ_BUFFER = 1 << 20;

	private final Map<String, String> digests;

	private final String digest;

	private Sha256Manifest(Map<String, String> digests, String digest) {
		this.digests = Collections.unmodifiableMap(digests);
		this.digest = digest;
	}

	/**
	 * Reads the manifest of {@code directory}.
	 * @param pinnedDigest when set, the SHA-256 the manifest itself must have, so an attacker
	 * who can write the directory cannot rewrite the manifest along with the weights
	 */
	public static Sha256Manifest read(Path directory, @Nullable String pinnedDigest) {
		Path file = directory.resolve(FILE_NAME);
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(file);
		}
		catch (NoSuchFileException ex) {
			throw new CheckpointException(FILE_NAME + " is missing in " + directory
					+ "; create it with: (cd " + directory + " && sha256sum *.json *.safetensors > " + FILE_NAME + ")");
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot read " + file + ": " + ex.getMessage(), ex);
		}
		String digest = HexFormat.of().formatHex(sha256().digest(bytes));
		if (pinnedDigest != null && !pinnedDigest.equalsIgnoreCase(digest)) {
			throw new CheckpointException(FILE_NAME + " in " + directory + " has SHA-256 " + digest
					+ " but sha256sums-digest pins " + pinnedDigest.toLowerCase(Locale.ROOT));
		}
		Map<String, String> digests = new LinkedHashMap<>();
		String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\r?\n");
		for (int i = 0; i < lines.length; i++) {
			if (lines[i].isBlank()) {
				continue;
			}
			Matcher matcher = LINE.matcher(lines[i]);
			if (!matcher.matches()) {
				throw new CheckpointException(FILE_NAME + " line " + (i + 1) + " is not '<sha256>  <file name>'");
			}
			String name = matcher.group(2);
			if (name.startsWith("./")) {
				name = name.substring(2);
			}
			if (!isSafeName(name)) {
				throw new CheckpointException(FILE_NAME + " line " + (i + 1) + " names '" + name
						+ "'; only relative paths inside the checkpoint directory may be listed");
			}
			if (digests.put(name, matcher.group(1).toLowerCase(Locale.ROOT)) != null) {
				throw new CheckpointException(FILE_NAME + " lists " + name + " twice");
			}
		}
		return new Sha256Manifest(digests, digest);
	}

	/**
	 * Writes {@code digests} as the manifest of {@code directory}, one line per file sorted by
	 * name, exactly as {@code sha256sum} would. The file appears under its name only when
	 * complete (written beside it, then renamed), so a reader never sees half a manifest.
	 * @param digests hex SHA-256 by relative path ({@code /} between directories)
	 * @return the SHA-256 of the manifest, the value {@code sha256sums-digest} pins
	 */
	public static String write(Path directory, Map<String, String> digests) {
		StringBuilder text = new StringBuilder();
		new TreeMap<>(digests).forEach((name, digest) -> {
			if (!isSafeName(name)) {
				throw new IllegalArgumentException("'" + name + "' is not a relative path inside " + directory);
			}
			if (!DIGEST.matcher(digest).matches()) {
				throw new IllegalArgumentException("'" + digest + "' for " + name + " is not a hex SHA-256");
			}
			text.append(digest.toLowerCase(Locale.ROOT)).append("  ").append(name).append('\n');
		});
		byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
		Path file = directory.resolve(FILE_NAME);
		Path temporary = directory.resolve(FILE_NAME + ".tmp");
		try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			channel.write(ByteBuffer.wrap(bytes));
			channel.force(true);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot write " + temporary + ": " + ex.getMessage(), ex);
		}
		try {
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot move " + temporary + " to " + file + ": " + ex.getMessage(), ex);
		}
		return HexFormat.of().formatHex(sha256().digest(bytes));
	}

	/**
	 * Whether {@code name} may be listed: a normalised relative path ({@code onnx/model.onnx}),
	 * never absolute, never with {@code ..}, {@code .} or empty segments, backslashes or
	 * control characters, so no listed name can reach outside the directory or break a line.
	 */
	public static boolean isSafeName(String name) {
		if (name.isEmpty() || name.startsWith("/") || name.contains("\\")
				|| name.chars().anyMatch(Character::isISOControl)) {
			return false;
		}
		for (String segment : name.split("/", -1)) {
			if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
				return false;
			}
		}
		return true;
	}

	/** The listed file names and their digests, in manifest order. */
	public Map<String, String> digests() {
		return this.digests;
	}

	/** The SHA-256 of the manifest file itself, the value {@code sha256sums-digest} pins. */
	public String digest() {
		return this.digest;
	}

	public boolean lists(String fileName) {
		return this.digests.containsKey(fileName);
	}

	/** Checks that every listed file exists and has its listed digest. */
	public void verifyAll(Path directory) {
		this.digests.forEach((name, expected) -> {
			Path file = directory.resolve(name);
			if (!Files.isRegularFile(file)) {
				throw new CheckpointException(name + " is listed in " + FILE_NAME + " but missing from " + directory);
			}
			String actual = sha256(file);
			if (!actual.equals(expected)) {
				throw new CheckpointException(name + " in " + directory + " does not match " + FILE_NAME
						+ " (expected SHA-256 " + expected + ", found " + actual + ")");
			}
		});
	}

	/** The hex SHA-256 of a file, read in 1 MiB blocks so any size works. */
	public static String sha256(Path file) {
		MessageDigest digest = sha256();
		ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BUFFER);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			while (channel.read(buffer) >= 0) {
				buffer.flip();
				digest.update(buffer);
				buffer.clear();
			}
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot read " + file + ": " + ex.getMessage(), ex);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

}

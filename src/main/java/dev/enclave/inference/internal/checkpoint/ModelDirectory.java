package dev.enclave.inference.internal.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * What the {@code model} commands see of a model directory: its files checked against the
 * manifest (and the signature when a public key is given), or a summary without reading the
 * weights.
 */
public final class ModelDirectory {

	private ModelDirectory() {
	}

	/**
	 * The outcome of a full check.
	 * @param files how many files the manifest lists, all verified
	 * @param bytes their total size
	 * @param manifestDigest the SHA-256 of {@code SHA256SUMS}, the value {@code sha256sums-digest} pins
	 * @param signature whether a signature was verified, present but not checked, or absent
	 * @param unlisted files in the directory the manifest does not list (never weights)
	 */
	public record Verified(int files, long bytes, String manifestDigest, Signature signature, List<String> unlisted) {
	}

	/** A model directory as {@code model list} shows it, without reading the weights. */
	public record Summary(String name, boolean sealed, int files, long bytes, boolean signed,
			@Nullable String manifestDigest) {
	}

	public enum Signature {

		VERIFIED, NOT_CHECKED, ABSENT;

		@Override
		public String toString() {
			return name().toLowerCase(Locale.ROOT).replace('_', ' ');
		}

	}

	/**
	 * Checks every file of {@code directory} against its manifest.
	 * @param publicKey when set, {@code SHA256SUMS.sig} must be a valid signature by it
	 * @param pinnedDigest when set, the SHA-256 the manifest must have
	 * @throws CheckpointException naming the first file that is missing, altered or an
	 * unlisted weight file, or the signature that does not verify
	 */
	public static Verified verify(Path directory, @Nullable Path publicKey, @Nullable String pinnedDigest) {
		if (!Files.isDirectory(directory)) {
			throw new CheckpointException("model directory " + directory + " does not exist");
		}
		String pinned = ManifestSignatures.pinned(directory, publicKey, pinnedDigest);
		Signature signature = (publicKey != null) ? Signature.VERIFIED
				: ManifestSignatures.isSigned(directory) ? Signature.NOT_CHECKED : Signature.ABSENT;
		Sha256Manifest manifest = Sha256Manifest.read(directory, pinned);
		List<String> unlisted = new ArrayList<>();
		for (String file : filesIn(directory)) {
			if (!manifest.lists(file) && !file.equals(Sha256Manifest.FILE_NAME)
					&& !file.equals(ManifestSignatures.FILE_NAME)) {
				if (file.endsWith(".safetensors")) {
					throw new CheckpointException("unlisted weight file " + file + " in " + directory
							+ " is not listed in " + Sha256Manifest.FILE_NAME);
				}
				unlisted.add(file);
			}
		}
		manifest.verifyAll(directory);
		return new Verified(manifest.digests().size(), sizeOf(directory, manifest), manifest.digest(), signature,
				List.copyOf(unlisted));
	}

	/** Every model directory under {@code parent}, sealed or not, by name. */
	public static List<Summary> list(Path parent) {
		if (!Files.isDirectory(parent)) {
			return List.of();
		}
		List<Summary> summaries = new ArrayList<>();
		try (Stream<Path> children = Files.list(parent)) {
			for (Path child : children.filter(Files::isDirectory).sorted().toList()) {
				String name = child.getFileName().toString();
				if (!Files.isRegularFile(child.resolve(Sha256Manifest.FILE_NAME))) {
					summaries.add(new Summary(name, false, 0, 0, false, null));
					continue;
				}
				Sha256Manifest manifest = Sha256Manifest.read(child, null);
				summaries.add(new Summary(name, true, manifest.digests().size(), sizeOf(child, manifest),
						ManifestSignatures.isSigned(child), manifest.digest()));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot list " + parent, ex);
		}
		return summaries;
	}

	private static long sizeOf(Path directory, Sha256Manifest manifest) {
		long bytes = 0;
		for (String name : manifest.digests().keySet()) {
			try {
				bytes += Files.size(directory.resolve(name));
			}
			catch (IOException ex) {
				// A listed file that is gone: list shows the rest, verify names it.
			}
		}
		return bytes;
	}

	private static List<String> filesIn(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile)
				.map((file) -> directory.relativize(file).toString().replace('\\', '/'))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot list " + directory + ": " + ex.getMessage(), ex);
		}
	}

}

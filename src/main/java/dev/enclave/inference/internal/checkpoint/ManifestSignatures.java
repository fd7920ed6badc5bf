package dev.enclave.inference.internal.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import org.jspecify.annotations.Nullable;

/**
 * Detached signatures over a checkpoint's {@code SHA256SUMS}, with Tink's public-key
 * signatures. The manifest already binds every file by its SHA-256, so signing its bytes
 * signs the whole checkpoint: a model team holding the private key approves a model, and
 * an installation holding only the public key refuses any other, without anyone needing
 * write access to the model directory to vouch for it.
 *
 * <p>The signature sits beside the manifest as {@code SHA256SUMS.sig}, Base64 text.
 */
public final class ManifestSignatures {

	/** The detached signature's file name inside a checkpoint directory. */
	public static final String FILE_NAME = Sha256Manifest.FILE_NAME + ".sig";

	static {
		try {
			SignatureConfig.register();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Tink's signature primitives cannot be registered", ex);
		}
	}

	private ManifestSignatures() {
	}

	/** The algorithms {@code model keygen} offers. */
	public enum Algorithm {

		ECDSA_P256, ED25519;

		/** Parses {@code ecdsa-p256} or {@code ed25519}, as written on the command line. */
		public static Algorithm of(String name) {
			return switch (name.toLowerCase(Locale.ROOT)) {
				case "ecdsa-p256", "ecdsa_p256" -> ECDSA_P256;
				case "ed25519" -> ED25519;
				default -> throw new IllegalArgumentException("Unknown signature algorithm '" + name
						+ "'; use ecdsa-p256 or ed25519");
			};
		}

	}

	/**
	 * Generates a key pair: the private keyset, readable by its owner only, and the public
	 * keyset that installations configure as {@code signature-public-key}.
	 */
	public static void generate(Algorithm algorithm, Path privateKeyFile, Path publicKeyFile) {
		if (Files.exists(privateKeyFile)) {
			throw new CheckpointException(privateKeyFile + " exists already; a signing key is never overwritten");
		}
		try {
			KeysetHandle handle = KeysetHandle.generateNew((algorithm == Algorithm.ED25519)
					? PredefinedSignatureParameters.ED25519 : PredefinedSignatureParameters.ECDSA_P256);
			String secret = TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get());
			String pub = TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(handle.getPublicKeysetHandle());
			writePrivately(privateKeyFile, secret);
			writeAtomically(publicKeyFile, pub.getBytes(StandardCharsets.UTF_8));
		}
		catch (GeneralSecurityException ex) {
			throw new CheckpointException("Cannot generate a signing key: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Signs the manifest of {@code directory} with the private keyset in {@code privateKeyFile}
	 * and writes {@code SHA256SUMS.sig}. The files are verified first: a signature vouches
	 * for what is there, so nothing altered is ever signed.
	 * @return the SHA-256 of the signed manifest
	 */
	public static String sign(Path directory, Path privateKeyFile) {
		Sha256Manifest.read(directory, null).verifyAll(directory);
		byte[] manifest = manifestBytes(directory);
		try {
			KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeyset(read(privateKeyFile, "private key"),
					InsecureSecretKeyAccess.get());
			byte[] signature = handle.getPrimitive(PublicKeySign.class).sign(manifest);
			writeAtomically(directory.resolve(FILE_NAME), Base64.getEncoder().encode(signature));
			return digest(manifest);
		}
		catch (GeneralSecurityException ex) {
			throw new CheckpointException(privateKeyFile + " is not a Tink private signing keyset: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Checks {@code SHA256SUMS.sig} of {@code directory} against the public keyset in
	 * {@code publicKeyFile}.
	 * @return the SHA-256 of the manifest bytes the signature covers, to pin when the
	 * manifest is read again, so the files are checked against exactly the signed manifest
	 * @throws CheckpointException when the signature is missing or does not verify
	 */
	public static String verify(Path directory, Path publicKeyFile) {
		byte[] manifest = manifestBytes(directory);
		byte[] signature;
		try {
			signature = Base64.getMimeDecoder().decode(Files.readAllBytes(directory.resolve(FILE_NAME)));
		}
		catch (NoSuchFileException ex) {
			throw new CheckpointException("checkpoint " + directory + " is not signed (no " + FILE_NAME
					+ "), but a signature is required; sign it with: model sign <dir> --key <private key>");
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new CheckpointException(FILE_NAME + " in " + directory + " cannot be read: " + ex.getMessage(), ex);
		}
		PublicKeyVerify verifier;
		try {
			KeysetHandle handle = TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(read(publicKeyFile, "public key"));
			verifier = handle.getPrimitive(PublicKeyVerify.class);
		}
		catch (GeneralSecurityException ex) {
			throw new CheckpointException(publicKeyFile + " is not a Tink public signature keyset: " + ex.getMessage(),
					ex);
		}
		try {
			verifier.verify(signature, manifest);
		}
		catch (GeneralSecurityException ex) {
			throw new CheckpointException(FILE_NAME + " in " + directory + " is not a valid signature of "
					+ Sha256Manifest.FILE_NAME + " by the configured public key");
		}
		return digest(manifest);
	}

	/**
	 * The digest to read the manifest with: when a public key is given, the digest of the
	 * manifest bytes its signature covers, so the files are then checked against exactly the
	 * signed manifest even if the file is replaced in between; otherwise {@code pinned}.
	 * @throws CheckpointException when the signature does not verify, or the signed manifest
	 * is not the pinned one
	 */
	public static @Nullable String pinned(Path directory, @Nullable Path publicKey, @Nullable String pinned) {
		if (publicKey == null) {
			return pinned;
		}
		String signed = verify(directory, publicKey);
		if (pinned != null && !pinned.equalsIgnoreCase(signed)) {
			throw new CheckpointException(Sha256Manifest.FILE_NAME + " in " + directory + " is signed with SHA-256 "
					+ signed + " but sha256sums-digest pins " + pinned.toLowerCase(Locale.ROOT));
		}
		return signed;
	}

	/** Whether {@code directory} holds a detached signature. */
	public static boolean isSigned(Path directory) {
		return Files.isRegularFile(directory.resolve(FILE_NAME));
	}

	private static byte[] manifestBytes(Path directory) {
		try {
			return Files.readAllBytes(directory.resolve(Sha256Manifest.FILE_NAME));
		}
		catch (NoSuchFileException ex) {
			throw new CheckpointException(Sha256Manifest.FILE_NAME + " is missing in " + directory);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot read the manifest of " + directory + ": " + ex.getMessage(), ex);
		}
	}

	private static String read(Path file, String what) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot read the " + what + " " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static void writePrivately(Path file, String text) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			Files.createDirectories(parent);
			Path partial = parent.resolve(file.getFileName() + ".partial");
			Files.deleteIfExists(partial);
			// Created owner-only, so the key is never readable by others, not even for a moment.
			try (SeekableByteChannel channel = Files.newByteChannel(partial,
					Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
				channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
			}
			Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot write " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static void writeAtomically(Path file, byte[] bytes) {
		try {
			Path parent = file.toAbsolutePath().getParent();
			Files.createDirectories(parent);
			Path partial = parent.resolve(file.getFileName() + ".partial");
			Files.write(partial, bytes);
			Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new CheckpointException("Cannot write " + file + ": " + ex.getMessage(), ex);
		}
	}

	private static String digest(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java runtime has SHA-256", ex);
		}
	}

}

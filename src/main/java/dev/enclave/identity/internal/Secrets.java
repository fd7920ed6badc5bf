package dev.enclave.identity.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Random secrets handed to clients once (refresh tokens, API keys) and the hashes kept in
 * their place. They carry 190+ bits of entropy, so a fast hash is enough: nothing can be
 * guessed or brute-forced from a stolen hash, unlike a password.
 */
final class Secrets {

	private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	/** Never used itself, only cloned. */
	private static final MessageDigest SHA_256 = sha256Digest();

	private Secrets() {
	}

	/** A random string of {@code length} base-62 characters. */
	static String random(int length) {
		char[] chars = new char[length];
		for (int i = 0; i < length; i++) {
			chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
		}
		return new String(chars);
	}

	static byte[] sha256(String secret) {
		// A clone of a ready digest: getInstance looks the algorithm up among the security
		// providers on every call, and an API key is hashed on every request.
		MessageDigest digest;
		try {
			digest = (MessageDigest) SHA_256.clone();
		}
		catch (CloneNotSupportedException ex) {
			throw new IllegalStateException("The JVM's SHA-256 can be cloned", ex);
		}
		return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
	}

	private static MessageDigest sha256Digest() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every JVM", ex);
		}
	}

}

package dev.enclave.identity.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.enclave.storage.DataDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key Enclave signs local access tokens with: given by the operator (a JWK, so every
 * replica shares it), or generated on first start and kept in the data directory with
 * owner-only permissions.
 */
final class SigningKey {

	private static final Logger log = LoggerFactory.getLogger(SigningKey.class);

	private SigningKey() {
	}

	static RSAKey load(LocalAuthSettings settings, DataDirectory dataDirectory) {
		try {
			if (settings.signingKey() != null && !settings.signingKey().isBlank()) {
				return requirePrivate(RSAKey.parse(settings.signingKey()), "enclave.auth.signing-key");
			}
			Path file = (settings.signingKeyFile() != null) ? settings.signingKeyFile()
					: dataDirectory.directory("keys").resolve("jwt-signing-key.json");
			if (Files.exists(file)) {
				return requirePrivate(RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8)), file.toString());
			}
			RSAKey generated = new RSAKeyGenerator(3072).keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.RS256)
				.keyID(UUID.randomUUID().toString())
				.generate();
			dataDirectory.writeSecret(file, generated.toJSONString().getBytes(StandardCharsets.UTF_8));
			log.warn("Generated a new token signing key in {}. Replicas must share it: copy it to each, or set "
					+ "ENCLAVE_AUTH_SIGNING_KEY from a secret.", file);
			return generated;
		}
		catch (java.io.IOException | ParseException | JOSEException ex) {
			throw new IllegalStateException("Cannot load the token signing key: " + ex.getMessage(), ex);
		}
	}

	private static RSAKey requirePrivate(RSAKey key, String source) {
		if (!key.isPrivate()) {
			throw new IllegalStateException(source + " holds no private key; Enclave needs one to sign tokens");
		}
		return key;
	}

}

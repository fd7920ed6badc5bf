package dev.enclave.privacy.internal;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the installation's key-encryption keyset comes from. The properties sit directly
 * under {@code enclave} so their environment variables are the short names operators and
 * Kubernetes manifests use: {@code ENCLAVE_KEYSET}, {@code ENCLAVE_KEYSET_FILE} and
 * {@code ENCLAVE_KEYSET_MASTER_KEY_FILE}. With neither keyset property set, a keyset is
 * generated under the data directory on first start.
 *
 * @param keyset a Tink JSON keyset, cleartext or encrypted, as base64 (or as the JSON itself),
 * typically from a Kubernetes Secret
 * @param keysetFile a file holding a Tink JSON keyset, cleartext or encrypted
 * @param keysetMasterKeyFile a cleartext Tink JSON AEAD keyset that decrypts an encrypted
 * keyset; kept on another volume than the keyset it protects
 */
@ConfigurationProperties("enclave")
@Validated
record KeysetSettings(@Nullable String keyset, @Nullable Path keysetFile, @Nullable Path keysetMasterKeyFile) {

	KeysetSettings {
		if (keyset != null && keyset.isBlank()) {
			keyset = null;
		}
		if (keyset != null && keysetFile != null) {
			throw new IllegalArgumentException(
					"Set either enclave.keyset (ENCLAVE_KEYSET) or enclave.keyset-file (ENCLAVE_KEYSET_FILE), not both");
		}
	}

	/** Never prints the keyset itself; configuration reports and failure messages show this. */
	@Override
	public String toString() {
		return "KeysetSettings[keyset=" + ((this.keyset != null) ? "(set)" : "(unset)") + ", keysetFile="
				+ this.keysetFile + ", keysetMasterKeyFile=" + this.keysetMasterKeyFile + "]";
	}

}

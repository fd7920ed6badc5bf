package dev.enclave.privacy.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Base64;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import dev.enclave.storage.DataDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Every way the key-encryption keyset can arrive, and the ways it can be wrong. */
@ExtendWith(OutputCaptureExtension.class)
class KeysetLoaderTests {

	@TempDir
	Path dir;

	@BeforeAll
	static void tink() {
		TinkRegistration.ensure();
	}

	@Test
	void generatesTheEmbeddedKeysetOwnerOnlyWithAWarningAndReusesIt(CapturedOutput output) throws Exception {
		DataDirectory data = new DataDirectory(this.dir.resolve("data"));
		LoadedKeyset first = new KeysetLoader(new KeysetSettings(null, null, null), data).load();
		Path file = this.dir.resolve("data/keys/keyset.json");
		assertThat(first.file()).isEqualTo(file);
		assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(output).contains("GENERATED A NEW KEY-ENCRYPTION KEYSET").contains("BACK IT UP");
		assertThat(first.handle().getPrimary().getKey().getParameters()).isEqualTo(PredefinedAeadParameters.AES256_GCM);

		LoadedKeyset second = new KeysetLoader(new KeysetSettings(null, null, null), data).load();
		assertThat(second.handle().equalsKeyset(first.handle())).as("the same keyset on the next start").isTrue();
		assertRoundTrip(first.handle(), second.handle());
	}

	@Test
	void readsBase64FromTheEnvironment() throws Exception {
		KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		String json = cleartext(keyset);
		// `base64` wraps at 76 columns; operators paste it like that.
		String base64 = Base64.getMimeEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
		LoadedKeyset loaded = load(new KeysetSettings(base64, null, null));
		assertThat(loaded.origin()).isEqualTo("ENCLAVE_KEYSET");
		assertThat(loaded.file()).isNull();
		assertRoundTrip(keyset, loaded.handle());
		assertThat(load(new KeysetSettings(json, null, null)).handle().equalsKeyset(keyset)).as("plain JSON works too")
			.isTrue();
	}

	@Test
	void readsAKeysetFile() throws Exception {
		KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		Path file = this.dir.resolve("keyset.json");
		Files.writeString(file, cleartext(keyset));
		LoadedKeyset loaded = load(new KeysetSettings(null, file, null));
		assertThat(loaded.file()).isEqualTo(file.toAbsolutePath());
		assertRoundTrip(keyset, loaded.handle());
	}

	@Test
	void readsAnEncryptedKeysetWithItsMasterKey() throws Exception {
		KeysetHandle master = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		Path masterFile = this.dir.resolve("master.json");
		Files.writeString(masterFile, cleartext(master));
		KeysetHandle keyset = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
		String encrypted = KeysetLoader.serialize(keyset, master.getPrimitive(RegistryConfiguration.get(), Aead.class));
		assertThat(encrypted).contains("encryptedKeyset");
		String base64 = Base64.getEncoder().encodeToString(encrypted.getBytes(StandardCharsets.UTF_8));

		LoadedKeyset loaded = load(new KeysetSettings(base64, null, masterFile));
		assertRoundTrip(keyset, loaded.handle());
		assertThat(loaded.masterKey()).isNotNull();

		assertThatIllegalStateException().isThrownBy(() -> load(new KeysetSettings(base64, null, null)))
			.withMessageContaining("encrypted")
			.withMessageContaining("ENCLAVE_KEYSET_MASTER_KEY_FILE");
		Path otherMaster = this.dir.resolve("other-master.json");
		Files.writeString(otherMaster, cleartext(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)));
		assertThatIllegalStateException().isThrownBy(() -> load(new KeysetSettings(base64, null, otherMaster)))
			.withMessageContaining("master key does not decrypt it");
	}

	@Test
	void refusesAmbiguousMissingOrWrongKeysets() throws Exception {
		Path file = this.dir.resolve("keyset.json");
		String json = cleartext(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
		Files.writeString(file, json);
		assertThatIllegalArgumentException().isThrownBy(() -> new KeysetSettings(json, file, null))
			.withMessageContaining("not both");
		assertThatIllegalStateException()
			.isThrownBy(() -> load(new KeysetSettings(null, this.dir.resolve("missing.json"), null)))
			.withMessageContaining("does not exist");
		assertThatIllegalStateException().isThrownBy(() -> load(new KeysetSettings("%%% not base64", null, null)))
			.withMessageContaining("neither base64 nor JSON");
		String prf = cleartext(KeysetHandle.generateNew(PredefinedPrfParameters.HKDF_SHA256));
		assertThatIllegalStateException().isThrownBy(() -> load(new KeysetSettings(prf, null, null)))
			.withMessageContaining("does not hold AEAD keys");
	}

	@Test
	void neverShowsTheKeysetInItsSettingsOrErrors() throws Exception {
		String json = cleartext(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
		String secret = json.substring(json.indexOf("\"value\":\"") + 9, json.indexOf("\"value\":\"") + 30);
		assertThat(new KeysetSettings(json, null, null).toString()).doesNotContain(secret).contains("(set)");
		String broken = json.replace("\"primaryKeyId\"", "\"primaryKeyIdentifier\"");
		assertThatIllegalStateException().isThrownBy(() -> load(new KeysetSettings(broken, null, null)))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain(secret));
	}

	@Test
	void warnsAboutAKeysetFileOthersCanRead(CapturedOutput output) throws Exception {
		Path file = this.dir.resolve("shared.json");
		Files.writeString(file, cleartext(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM)));
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
		load(new KeysetSettings(null, file, null));
		assertThat(output).contains("can be read or written by other users");
	}

	private LoadedKeyset load(KeysetSettings settings) {
		return new KeysetLoader(settings, new DataDirectory(this.dir.resolve("unused"))).load();
	}

	private static String cleartext(KeysetHandle keyset) throws GeneralSecurityException {
		return TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get());
	}

	private static void assertRoundTrip(KeysetHandle sealer, KeysetHandle opener) throws GeneralSecurityException {
		byte[] ciphertext = sealer.getPrimitive(RegistryConfiguration.get(), Aead.class)
			.encrypt("secret".getBytes(StandardCharsets.UTF_8), new byte[0]);
		assertThat(opener.getPrimitive(RegistryConfiguration.get(), Aead.class).decrypt(ciphertext, new byte[0]))
			.asString(StandardCharsets.UTF_8)
			.isEqualTo("secret");
	}

}

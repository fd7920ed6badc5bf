package dev.enclave.privacy.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.google.crypto.tink.KeysetHandle;
import dev.enclave.EnclaveApplication;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.storage.DataDirectory;
import dev.enclave.storage.internal.EmbeddedPostgresServer;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operator's key commands as they are run: {@code java -jar enclave.jar
 * --enclave.privacy.command=…}, each a whole application start without a web server, on a
 * copy of the installation's keyset file and the real database.
 */
@ExtendWith(OutputCaptureExtension.class)
class KeysetCommandIT extends EnclaveIT {

	@Autowired
	LoadedKeyset installed;

	@Autowired
	ContentCipher cipher;

	@Autowired
	DatabaseClient db;

	private DataKeysTable table;

	@TempDir
	Path dir;

	private Path keysetFile;

	/** Every key the test has seen, to move all data keys back to the installed primary. */
	private KeysetHandle allKeys;

	@BeforeEach
	void copyTheInstalledKeyset() throws Exception {
		this.table = new DataKeysTable(this.db);
		this.keysetFile = this.dir.resolve("keyset.json");
		Files.copy(this.installed.file(), this.keysetFile);
		Files.setPosixFilePermissions(this.keysetFile, PosixFilePermissions.fromString("rw-------"));
		TenantId tenant = new TenantId(UUID.randomUUID());
		this.cipher.seal(new ContentRef(tenant, ConversationId.random(), UUID.randomUUID(), "content"), "x").block();
	}

	@Test
	void rotatesTheKeysetFileThenReWrapsEveryDataKey(CapturedOutput output) throws Exception {
		long oldPrimary = Integer.toUnsignedLong(this.installed.handle().getPrimary().getId());

		try (ConfigurableApplicationContext listing = command("list-keys")) {
			assertThat(listing).as("a command starts no web server").isNotInstanceOf(WebServerApplicationContext.class);
		}
		assertThat(output).contains("KEK key " + oldPrimary + ": ENABLED, primary, wraps");

		command("add-key").close();
		KeysetHandle added = read();
		assertThat(added.size()).isEqualTo(this.installed.handle().size() + 1);
		assertThat(Integer.toUnsignedLong(added.getPrimary().getId())).as("added, not yet primary").isEqualTo(oldPrimary);
		long newKey = Integer.toUnsignedLong(added.getAt(added.size() - 1).getId());
		assertThat(Files.getPosixFilePermissions(this.keysetFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

		command("promote-key", "--enclave.privacy.key-id=" + newKey).close();
		this.allKeys = read();
		assertThat(Integer.toUnsignedLong(this.allKeys.getPrimary().getId())).isEqualTo(newKey);
		assertThat(this.table.liveNotWrappedBy(newKey)).as("promotion alone moves no data key").isPositive();
		assertThatThrownBy(() -> command("delete-key", "--enclave.privacy.key-id=" + oldPrimary).close())
			.as("the old key still wraps data keys")
			.hasStackTraceContaining("run rewrap first");

		command("rewrap").close();
		assertThat(this.table.liveNotWrappedBy(newKey)).isZero();
		assertThat(output).contains("Re-wrapped").contains("with KEK key " + newKey);

		command("delete-key", "--enclave.privacy.key-id=" + oldPrimary).close();
		KeysetHandle retired = read();
		assertThat(retired.size()).isEqualTo(this.allKeys.size() - 1);
		assertThat(Integer.toUnsignedLong(retired.getPrimary().getId())).isEqualTo(newKey);
		assertThatThrownBy(() -> command("delete-key", "--enclave.privacy.key-id=" + newKey).close())
			.as("never the primary")
			.hasStackTraceContaining("is the primary");
	}

	@Test
	void promoteKeyRefusesAKeyTheKeysetDoesNotHave() {
		assertThatThrownBy(() -> command("promote-key", "--enclave.privacy.key-id=12345").close())
			.hasStackTraceContaining("The keyset has no key 12345");
	}

	@Test
	void aKeysetFromTheEnvironmentIsNotChangedInPlace() throws Exception {
		String json = Files.readString(this.keysetFile, StandardCharsets.UTF_8);
		String base64 = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
		assertThatThrownBy(() -> run("--enclave.keyset=" + base64, "--enclave.privacy.command=add-key").close())
			.hasStackTraceContaining("The keyset comes from ENCLAVE_KEYSET");
	}

	/** Whatever the test did, every data key goes back to the installed primary. */
	@AfterEach
	void moveEveryDataKeyBack() throws Exception {
		KeysetHandle current = (this.allKeys != null) ? this.allKeys : read();
		KeysetHandle.Builder back = KeysetHandle.newBuilder(current);
		long installedPrimary = Integer.toUnsignedLong(this.installed.handle().getPrimary().getId());
		for (int i = 0; i < current.size(); i++) {
			if (Integer.toUnsignedLong(current.getAt(i).getId()) == installedPrimary) {
				back.getAt(i).makePrimary();
			}
		}
		new KekRewrapper(new DataKeyStore(this.db), new TinkKeysetKek(back.build())).rewrapAll().block();
		assertThat(this.table.liveNotWrappedBy(installedPrimary)).isZero();
	}

	private ConfigurableApplicationContext command(String command, String... more) {
		List<String> args = new ArrayList<>(List.of("--enclave.keyset-file=" + this.keysetFile,
				"--enclave.privacy.command=" + command));
		args.addAll(List.of(more));
		return run(args.toArray(String[]::new));
	}

	private ConfigurableApplicationContext run(String... args) {
		List<String> all = new ArrayList<>(List.of("--enclave.db.url=" + TestDatabase.server().jdbcUrl(),
				"--enclave.db.user=" + EmbeddedPostgresServer.USER, "--enclave.data-dir=" + this.dir.resolve("data")));
		all.addAll(List.of(args));
		return new SpringApplicationBuilder(EnclaveApplication.class).run(all.toArray(String[]::new));
	}

	private KeysetHandle read() {
		return new KeysetLoader(new KeysetSettings(null, this.keysetFile, null), new DataDirectory(this.dir.resolve("unused")))
			.load()
			.handle();
	}

}

package dev.enclave.privacy.internal;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.google.crypto.tink.KeysetHandle;
import dev.enclave.EnclaveCommand;
import dev.enclave.privacy.ContentCipher;
import dev.enclave.privacy.ContentRef;
import dev.enclave.shared.CommandFailure;
import dev.enclave.shared.ConversationId;
import dev.enclave.shared.TenantId;
import dev.enclave.storage.DataDirectory;
import dev.enclave.storage.internal.EmbeddedPostgresServer;
import dev.enclave.support.EnclaveIT;
import dev.enclave.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator's key commands as they are run: {@code java -jar enclave.jar keys …}, each
 * starting only the database and the keyset, on a copy of the installation's keyset file
 * and the real database.
 */
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
	void rotatesTheKeysetFileThenReWrapsEveryDataKey() throws Exception {
		long oldPrimary = Integer.toUnsignedLong(this.installed.handle().getPrimary().getId());

		assertThat(keys("list").out()).contains("KEK key " + oldPrimary + ": ENABLED, primary, wraps");

		Result add = keys("add");
		KeysetHandle added = read();
		assertThat(added.size()).isEqualTo(this.installed.handle().size() + 1);
		assertThat(Integer.toUnsignedLong(added.getPrimary().getId())).as("added, not yet primary").isEqualTo(oldPrimary);
		long newKey = Integer.toUnsignedLong(added.getAt(added.size() - 1).getId());
		assertThat(add.out()).contains("Added KEK key " + newKey).contains("keys promote " + newKey);
		assertThat(Files.getPosixFilePermissions(this.keysetFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

		keys("promote", Long.toString(newKey));
		this.allKeys = read();
		assertThat(Integer.toUnsignedLong(this.allKeys.getPrimary().getId())).isEqualTo(newKey);
		assertThat(this.table.liveNotWrappedBy(newKey)).as("promotion alone moves no data key").isPositive();
		Result refused = run(CommandFailure.FAILED, "keys", "delete", Long.toString(oldPrimary));
		assertThat(refused.err()).as("the old key still wraps data keys").contains("run keys rewrap first");

		assertThat(keys("rewrap").out()).contains("Re-wrapped").contains("with KEK key " + newKey);
		assertThat(this.table.liveNotWrappedBy(newKey)).isZero();

		keys("delete", Long.toString(oldPrimary));
		KeysetHandle retired = read();
		assertThat(retired.size()).isEqualTo(this.allKeys.size() - 1);
		assertThat(Integer.toUnsignedLong(retired.getPrimary().getId())).isEqualTo(newKey);
		assertThat(run(CommandFailure.FAILED, "keys", "delete", Long.toString(newKey)).err()).as("never the primary")
			.contains("is the primary");
	}

	@Test
	void promoteRefusesAKeyTheKeysetDoesNotHave() {
		assertThat(run(CommandFailure.FAILED, "keys", "promote", "12345").err()).contains("The keyset has no key 12345");
	}

	@Test
	void aKeysetFromTheEnvironmentIsNotChangedInPlace() throws Exception {
		String json = Files.readString(this.keysetFile, StandardCharsets.UTF_8);
		String base64 = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
		assertThat(run(CommandFailure.FAILED, "keys", "add", "--enclave.keyset=" + base64,
				"--enclave.data-dir=" + this.dir.resolve("data"), "--enclave.db.url=" + TestDatabase.server().jdbcUrl(),
				"--enclave.db.user=" + EmbeddedPostgresServer.USER)
			.err())
			.contains("The keyset comes from ENCLAVE_KEYSET");
	}

	@Test
	void theDeprecatedPropertyStillRunsTheCommand() {
		long primary = Integer.toUnsignedLong(this.installed.handle().getPrimary().getId());
		Result listed = run(0, "--enclave.privacy.command=list-keys", "--enclave.keyset-file=" + this.keysetFile,
				"--enclave.data-dir=" + this.dir.resolve("data"), "--enclave.db.url=" + TestDatabase.server().jdbcUrl(),
				"--enclave.db.user=" + EmbeddedPostgresServer.USER);
		assertThat(listed.out()).contains("KEK key " + primary + ": ENABLED, primary");
		assertThat(listed.err()).contains("deprecated").contains("java -jar enclave.jar keys list");
	}

	@Test
	void anUnreachableDatabaseIsExitCodeThree() {
		Result result = run(CommandFailure.UNAVAILABLE, "keys", "list", "--enclave.keyset-file=" + this.keysetFile,
				"--enclave.data-dir=" + this.dir.resolve("data"), "--enclave.db.url=jdbc:postgresql://127.0.0.1:1/enclave",
				"--enclave.db.user=enclave");
		assertThat(result.err()).startsWith("enclave keys list: Cannot start the database and the keyset");
	}

	@Test
	void aKeysCommandStartsTheDatabaseAndTheKeysetOnly() {
		try (ConfigurableApplicationContext context = KeyCommandContext.start(configuration())) {
			assertThat(context).as("no web server").isNotInstanceOf(WebServerApplicationContext.class);
			assertThat(context.getBeansOfType(ChatModel.class)).as("no model").isEmpty();
			assertThat(context.containsBean("adminBootstrap")).as("no administrator bootstrap").isFalse();
			assertThat(KeyCommandContext.administration(context).list()).isNotEmpty();
		}
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

	private Result keys(String... command) {
		List<String> args = new ArrayList<>(List.of("keys"));
		args.addAll(List.of(command));
		return run(0, args.toArray(String[]::new));
	}

	/** Runs the command line with this installation's configuration, expecting {@code exitCode}. */
	private Result run(int exitCode, String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		if (args[0].equals("keys") && all.stream().noneMatch((arg) -> arg.startsWith("--enclave.keyset"))) {
			all.addAll(configuration());
		}
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = EnclaveCommand.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
		assertThat(code).as("exit code of %s; stderr: %s", all, err).isEqualTo(exitCode);
		return new Result(out.toString(), err.toString());
	}

	private List<String> configuration() {
		return List.of("--enclave.keyset-file=" + this.keysetFile, "--enclave.data-dir=" + this.dir.resolve("data"),
				"--enclave.db.url=" + TestDatabase.server().jdbcUrl(), "--enclave.db.user=" + EmbeddedPostgresServer.USER);
	}

	private KeysetHandle read() {
		return new KeysetLoader(new KeysetSettings(null, this.keysetFile, null), new DataDirectory(this.dir.resolve("unused")))
			.load()
			.handle();
	}

	record Result(String out, String err) {
	}

}

package dev.enclave.privacy;

import java.io.PrintWriter;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.enclave.privacy.DataKeyRewrapper.RewrapReport;
import dev.enclave.privacy.internal.KeyCommandContext;
import dev.enclave.privacy.internal.KeysetAdministration;
import dev.enclave.privacy.internal.KeysetAdministration.KeyInfo;
import dev.enclave.shared.CommandFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code java -jar enclave.jar keys …}: the key-encryption keyset's rotation, each command
 * starting only the database and the keyset ({@link KeyCommandContext}).
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
		description = { "Rotate the key-encryption keyset that wraps every conversation's data key.",
				"Rotation: add, restart every instance, promote, restart every instance, rewrap; later delete the old key." },
		subcommands = { KeysCommand.ListKeys.class, KeysCommand.AddKey.class, KeysCommand.PromoteKey.class,
				KeysCommand.Rewrap.class, KeysCommand.DeleteKey.class },
		footer = { "", "Each command reads its configuration as the server does: application.yml, ENCLAVE_* environment",
				"variables, or --name=value arguments after the command (--enclave.db.url=…, --enclave.keyset-file=…)." })
public final class KeysCommand implements Runnable {

	@Spec
	CommandSpec spec;

	@Override
	public void run() {
		throw new ParameterException(this.spec.commandLine(), "Name a keys command: list, add, promote, rewrap or delete");
	}

	/**
	 * A keys command: it starts the database and the keyset with the server's configuration
	 * arguments ({@code --name=value}), acts, prints what it did and stops them again.
	 */
	abstract static class KeyAction implements Callable<Integer> {

		@Spec
		CommandSpec spec;

		@Unmatched
		List<String> arguments = new ArrayList<>();

		abstract void act(KeysetAdministration keys, PrintWriter out) throws GeneralSecurityException;

		@Override
		public Integer call() {
			CommandArguments.requireConfiguration(this.spec, this.arguments);
			ConfigurableApplicationContext context;
			try {
				context = KeyCommandContext.start(this.arguments);
			}
			catch (RuntimeException ex) {
				throw CommandFailure.unavailable(
						"Cannot start the database and the keyset: " + CommandArguments.rootMessage(ex), ex);
			}
			try (context) {
				PrintWriter out = this.spec.commandLine().getOut();
				act(KeyCommandContext.administration(context), out);
				out.flush();
				return 0;
			}
			catch (IllegalArgumentException | IllegalStateException | GeneralSecurityException ex) {
				throw CommandFailure.failed(ex.getMessage(), ex);
			}
			catch (RuntimeException ex) {
				throw CommandFailure.unavailable(CommandArguments.rootMessage(ex), ex);
			}
		}

	}

	@Command(name = "list", mixinStandardHelpOptions = true,
			description = "List the keyset's keys and how many live data keys each one wraps.")
	static final class ListKeys extends KeyAction {

		@Override
		void act(KeysetAdministration keys, PrintWriter out) throws GeneralSecurityException {
			for (KeyInfo key : keys.list()) {
				out.printf("KEK key %d: %s%s, wraps %d live data keys%n", key.id(), key.status(),
						key.primary() ? ", primary" : "", key.dataKeys());
			}
		}

	}

	@Command(name = "add", mixinStandardHelpOptions = true,
			description = "Add a new AES-256-GCM key to the keyset file, enabled but not primary.")
	static final class AddKey extends KeyAction {

		@Override
		void act(KeysetAdministration keys, PrintWriter out) throws GeneralSecurityException {
			long added = keys.add();
			out.printf("Added KEK key %d to %s (enabled, not primary).%n", added, keys.origin());
			out.printf("Next: give every instance this keyset and restart them, then run: keys promote %d%n", added);
		}

	}

	@Command(name = "promote", mixinStandardHelpOptions = true,
			description = "Make a key the primary: new data keys are wrapped with it.")
	static final class PromoteKey extends KeyAction {

		@Parameters(index = "0", paramLabel = "KEY-ID", description = "The key to promote (see keys list).")
		long keyId;

		@Override
		void act(KeysetAdministration keys, PrintWriter out) throws GeneralSecurityException {
			keys.promote(this.keyId);
			out.printf("KEK key %d is now the primary of %s.%n", this.keyId, keys.origin());
			out.println("Next: give every instance this keyset and restart them, then run: keys rewrap");
		}

	}

	@Command(name = "rewrap", mixinStandardHelpOptions = true,
			description = "Re-wrap every live data key with the primary key.")
	static final class Rewrap extends KeyAction {

		@Override
		void act(KeysetAdministration keys, PrintWriter out) throws GeneralSecurityException {
			RewrapReport report = keys.rewrap();
			out.printf("Re-wrapped %d data keys with KEK key %d (%d already wrapped by it).%n", report.rewrapped(),
					report.primaryKeyId(), report.skipped());
		}

	}

	@Command(name = "delete", mixinStandardHelpOptions = true,
			description = { "Remove a retired key from the keyset file, once no live data key uses it.",
					"Data keys it wrapped, in older backups too, can no longer be unwrapped with this keyset." })
	static final class DeleteKey extends KeyAction {

		@Parameters(index = "0", paramLabel = "KEY-ID", description = "The key to delete (see keys list).")
		long keyId;

		@Override
		void act(KeysetAdministration keys, PrintWriter out) throws GeneralSecurityException {
			keys.delete(this.keyId);
			out.printf("Deleted KEK key %d from %s.%n", this.keyId, keys.origin());
		}

	}

}

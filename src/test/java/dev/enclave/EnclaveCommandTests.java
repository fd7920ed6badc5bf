package dev.enclave;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import dev.enclave.shared.CommandFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's command line: help everywhere, the server by default, usage errors as exit code 2. */
class EnclaveCommandTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "serve", "keys", "keys list", "keys add", "keys promote", "keys rewrap", "keys delete",
			"model", "model pull", "model verify", "model list", "model sign", "model keygen", "migrate" })
	void everyLevelHasHelp(String command) {
		String[] args = (command + " --help").trim().split(" ");
		Result result = execute(args);
		assertThat(result.code()).isZero();
		assertThat(result.out()).startsWith(("Usage: enclave " + command).trim() + " ").contains("-h, --help");
	}

	@Test
	void theTopLevelHelpNamesTheCommandsAndTheExitCodes() {
		assertThat(execute("--help").out()).contains("serve").contains("keys").contains("model").contains("migrate")
			.contains("Exit codes:")
			.contains("2  the command line is wrong");
	}

	@Test
	void usageErrorsAreExitCodeTwo() {
		assertThat(execute("nonsense").code()).isEqualTo(CommandFailure.USAGE);
		assertThat(execute("model", "verify").err()).contains("Missing required parameter: 'DIR'");
		assertThat(execute("model", "verify").code()).isEqualTo(CommandFailure.USAGE);
		assertThat(execute("model").code()).isEqualTo(CommandFailure.USAGE);
		assertThat(execute("keys").code()).isEqualTo(CommandFailure.USAGE);
		assertThat(execute("keys", "promote", "not-a-number").code()).isEqualTo(CommandFailure.USAGE);
		Result stray = execute("keys", "list", "stray");
		assertThat(stray.code()).isEqualTo(CommandFailure.USAGE);
		assertThat(stray.err()).contains("configuration is given as --name=value");
		assertThat(execute("model", "keygen", "--private-key", "a", "--public-key", "b", "--algorithm", "rsa").err())
			.contains("Unknown signature algorithm 'rsa'");
	}

	@Test
	void withoutACommandEnclaveServes() {
		PrintWriter err = new PrintWriter(new StringWriter());
		assertThat(EnclaveCommand.launch(new String[0], Map.of(), err)).containsExactly("serve");
		assertThat(EnclaveCommand.launch(new String[] { "--server.port=8081" }, Map.of(), err))
			.containsExactly("serve", "--server.port=8081");
		assertThat(EnclaveCommand.launch(new String[] { "--help" }, Map.of(), err)).containsExactly("--help");
		assertThat(EnclaveCommand.launch(new String[] { "model", "list" }, Map.of(), err))
			.containsExactly("model", "list");
	}

	@Test
	void theDeprecatedKeyPropertyBecomesItsKeysCommand() {
		StringWriter warning = new StringWriter();
		String[] launched = EnclaveCommand.launch(new String[] { "--enclave.privacy.command=promote-key",
				"--enclave.privacy.key-id=42", "--enclave.keyset-file=/k.json" }, Map.of(), new PrintWriter(warning));
		assertThat(launched).containsExactly("keys", "promote", "42", "--enclave.keyset-file=/k.json");
		assertThat(warning.toString()).contains("deprecated").contains("java -jar enclave.jar keys promote 42");
		assertThat(EnclaveCommand.launch(new String[] { "--enclave.db.url=jdbc:postgresql://db/enclave" },
				Map.of("ENCLAVE_PRIVACY_COMMAND", "list-keys"), new PrintWriter(new StringWriter())))
			.containsExactly("keys", "list", "--enclave.db.url=jdbc:postgresql://db/enclave");
	}

	static Result execute(String... args) {
		StringWriter out = new StringWriter();
		StringWriter err = new StringWriter();
		int code = EnclaveCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
		return new Result(code, out.toString(), err.toString());
	}

	record Result(int code, String out, String err) {

		List<String> lines() {
			return out.lines().toList();
		}

	}

}

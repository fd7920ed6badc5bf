package dev.enclave.tools.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The secrets HTTP tool and MCP server settings refer to as {@code {secret:NAME}}: one file per secret in
 * {@code enclave.tools.secrets-dir} (how Kubernetes mounts a Secret), and variables
 * {@code ENCLAVE_TOOL_SECRET_NAME}. Read once at start; values are never logged.
 */
final class ToolSecrets {

	static final String VARIABLE_PREFIX = "ENCLAVE_TOOL_SECRET_";

	private ToolSecrets() {
	}

	static Map<String, String> load(@Nullable Path directory, Map<String, String> environment) {
		Map<String, String> secrets = new HashMap<>();
		environment.forEach((name, value) -> {
			if (name.startsWith(VARIABLE_PREFIX) && name.length() > VARIABLE_PREFIX.length()) {
				secrets.put(name.substring(VARIABLE_PREFIX.length()), value.strip());
			}
		});
		if (directory != null) {
			try (Stream<Path> files = Files.list(directory)) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					String name = file.getFileName().toString();
					if (!name.startsWith(".")) {
						secrets.put(name, Files.readString(file, StandardCharsets.UTF_8).strip());
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Cannot read the tool secrets in " + directory, ex);
			}
		}
		return Map.copyOf(secrets);
	}

}

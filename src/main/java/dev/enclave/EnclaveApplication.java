package dev.enclave;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;

/**
 * Enclave: a self-hosted enterprise AI assistant platform. One top-level package per
 * capability; see {@code ../shared/DESIGN.md} for the map.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EnclaveApplication {

	/** Serves, or runs an operator command ({@code keys}, {@code model}) and exits with its code. */
	public static void main(String[] args) {
		PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
		PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
		int code = EnclaveCommand.execute(out, err, args);
		if (code != EnclaveCommand.SERVING) {
			System.exit(code);
		}
	}

	/** The one clock every time-dependent component takes, so tests can control time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}

package dev.enclave;

import java.time.Clock;

import org.springframework.boot.SpringApplication;
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

	public static void main(String[] args) {
		SpringApplication.run(EnclaveApplication.class, args);
	}

	/** The one clock every time-dependent component takes, so tests can control time. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

}

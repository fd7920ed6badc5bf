package dev.enclave.privacy.internal;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A key command ({@code --enclave.privacy.command=…}) is a one-shot job: it starts the
 * application without a web server, so it runs next to a serving instance without fighting
 * over its port, and the process ends when the command is done.
 */
public final class KeysetCommandEnvironment implements EnvironmentPostProcessor, Ordered {

	static final String COMMAND = "enclave.privacy.command";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String command = environment.getProperty(COMMAND);
		if (command != null && !command.isBlank()) {
			environment.getPropertySources()
				.addFirst(new MapPropertySource("enclaveKeysetCommand", Map.of("spring.main.web-application-type", "none")));
		}
	}

	/** After the configuration files are loaded, so a command set in one counts too. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

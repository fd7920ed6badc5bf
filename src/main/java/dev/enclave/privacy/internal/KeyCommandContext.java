package dev.enclave.privacy.internal;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The application a {@code keys} command starts: the database (embedded or external, with
 * its migrations) and this module's keyset and data keys, and nothing else. No web server,
 * no administrator bootstrap, no model. It reads its configuration as the server does:
 * {@code application.yml}, environment variables and {@code --name=value} arguments.
 *
 * <p>Deliberately not a {@code @Configuration}: the server's component scan must not pick
 * it up and start a second application's worth of auto-configuration.
 */
@EnableAutoConfiguration
@ComponentScan(basePackages = { "dev.enclave.storage", "dev.enclave.privacy" },
		excludeFilters = { @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
				@ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class) })
@ConfigurationPropertiesScan(basePackages = { "dev.enclave.storage", "dev.enclave.privacy" })
public class KeyCommandContext {

	/**
	 * Above the configuration files, below the command line: a command prints its results
	 * itself, so the log keeps to warnings unless the operator asks for more.
	 */
	private static final Map<String, Object> COMMAND_DEFAULTS = Map.of("logging.level.root", "WARN",
			"spring.main.web-application-type", "none", "spring.main.banner-mode", "off",
			// The server's readiness group names the models and model servers, which a
			// command does not start.
			"management.endpoint.health.validate-group-membership", "false");

	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/** Starts the context; the caller closes it, which stops the embedded database too. */
	public static ConfigurableApplicationContext start(List<String> springArguments) {
		SpringApplication application = new SpringApplication(KeyCommandContext.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("enclaveCommand", COMMAND_DEFAULTS));
		application.setEnvironment(environment);
		return application.run(springArguments.toArray(String[]::new));
	}

	/** The keyset administration of a started context. */
	public static KeysetAdministration administration(ConfigurableApplicationContext context) {
		return context.getBean(KeysetAdministration.class);
	}

}

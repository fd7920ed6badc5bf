package dev.enclave.privacy.internal;

import java.util.List;
import java.util.Map;

import dev.enclave.privacy.internal.logfile.LogFileReader;
import dev.enclave.storage.DataDirectory;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * What {@code logs read} starts: the configuration as the server reads it
 * ({@code application.yml}, environment variables, {@code --name=value} arguments), bound to
 * the keyset settings and the data directory, and then the keyset; nothing else. No
 * auto-configuration, no database, no web server: every bean is lazy and only the two it asks
 * for are made. It never generates a keyset.
 *
 * <p>Deliberately not a {@code @Configuration}: the server's component scan must not pick it
 * up.
 */
@ComponentScan(basePackages = { "dev.enclave.storage", "dev.enclave.privacy" },
		excludeFilters = @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class))
@ConfigurationPropertiesScan(basePackages = { "dev.enclave.storage", "dev.enclave.privacy" })
public class LogsCommandContext {

	/**
	 * Above the configuration files, below the command line. Standard output carries the
	 * decrypted lines, so nothing else may be logged there: a JSON warning would read like a
	 * line of the file.
	 */
	private static final Map<String, Object> COMMAND_DEFAULTS = Map.of("logging.level.root", "OFF",
			"spring.main.web-application-type", "none", "spring.main.banner-mode", "off");

	/** A reader of encrypted log files under the configured keyset. */
	public static LogFileReader reader(List<String> springArguments) {
		SpringApplication application = new SpringApplication(LogsCommandContext.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		application.setLazyInitialization(true);
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("enclaveCommand", COMMAND_DEFAULTS));
		application.setEnvironment(environment);
		try (ConfigurableApplicationContext context = application.run(springArguments.toArray(String[]::new))) {
			KeysetLoader loader = new KeysetLoader(context.getBean(KeysetSettings.class),
					context.getBean(DataDirectory.class));
			return new LogFileReader(new TinkKeysetKek(loader.loadExisting().handle()));
		}
	}

}

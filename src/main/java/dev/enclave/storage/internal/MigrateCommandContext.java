package dev.enclave.storage.internal;

import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The application the {@code migrate} command starts: this module's database (external, or
 * the embedded one under the data directory) and Boot's Flyway, configured from the same
 * {@code spring.flyway.*} properties as the server, and nothing else. No R2DBC pool, no
 * keyset, no web server, no administrator bootstrap, no model. It reads its configuration as
 * the server does: {@code application.yml}, environment variables and {@code --name=value}
 * arguments.
 *
 * <p>Deliberately not a {@code @Configuration}: the server's component scan must not pick
 * it up.
 */
@ComponentScan(basePackages = "dev.enclave.storage")
@ConfigurationPropertiesScan(basePackages = "dev.enclave.storage")
@ImportAutoConfiguration(FlywayAutoConfiguration.class)
public class MigrateCommandContext {

	/**
	 * Above the configuration files, below the command line: the command prints what it
	 * applied itself, so the log keeps to warnings unless the operator asks for more.
	 */
	private static final Map<String, Object> COMMAND_DEFAULTS = Map.of("logging.level.root", "WARN",
			"spring.main.web-application-type", "none", "spring.main.banner-mode", "off");

	/**
	 * Boot would migrate while the context starts; the command migrates afterwards itself,
	 * so it can tell an unreachable database from a failing migration and report the result.
	 */
	@Bean
	FlywayMigrationStrategy migrateOnCommand() {
		return (flyway) -> {
		};
	}

	@Bean
	SchemaMigrator schemaMigrator(Flyway flyway) {
		return new SchemaMigrator(flyway);
	}

	/** Starts the context; the caller closes it, which stops the embedded database too. */
	public static ConfigurableApplicationContext start(List<String> springArguments) {
		SpringApplication application = new SpringApplication(MigrateCommandContext.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setBannerMode(Banner.Mode.OFF);
		application.setLogStartupInfo(false);
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("enclaveCommand", COMMAND_DEFAULTS));
		application.setEnvironment(environment);
		return application.run(springArguments.toArray(String[]::new));
	}

	/** The migrator of a started context. */
	public static SchemaMigrator migrator(ConfigurableApplicationContext context) {
		return context.getBean(SchemaMigrator.class);
	}

}

package dev.enclave.console.internal;

import java.time.Duration;

import dev.enclave.identity.SignInOptions;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.web.reactive.config.ResourceHandlerRegistry;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

/**
 * Serves the console's build output ({@code static/} in the jar). Where each piece sits among
 * WebFlux's handler mappings matters: the document for client routes comes after every
 * controller (order 2), so no route of the server is ever shadowed, but before the static
 * resources, which would answer 404; {@code /} alone comes before Spring Boot's welcome page
 * (order 1), which would serve the same file without the cache and security headers.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleConfiguration {

	/** Vite names assets by their content hash: a changed file is a new name, so never revalidate. */
	private static final CacheControl IMMUTABLE = CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable();

	@Bean
	ConsolePages consolePages(SignInOptions signIn) {
		return new ConsolePages(new ClassPathResource("static/index.html"), signIn);
	}

	@Bean
	RouterFunctionMapping consoleRootMapping(ConsolePages pages) {
		RouterFunctionMapping mapping = new RouterFunctionMapping(pages.routes(true));
		mapping.setOrder(0);
		return mapping;
	}

	@Bean
	RouterFunctionMapping consoleRoutesMapping(ConsolePages pages) {
		RouterFunctionMapping mapping = new RouterFunctionMapping(pages.routes(false));
		mapping.setOrder(2);
		return mapping;
	}

	@Bean
	WebFluxConfigurer consoleAssets() {
		return new WebFluxConfigurer() {
			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler("/assets/**")
					.addResourceLocations("classpath:/static/assets/")
					.setCacheControl(IMMUTABLE);
			}
		};
	}

}

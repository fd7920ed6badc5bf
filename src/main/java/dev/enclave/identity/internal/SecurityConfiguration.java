package dev.enclave.identity.internal;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.ErrorResponses;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.method.configuration.EnableReactiveMethodSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.security.web.server.header.HttpHeaderWriterWebFilter;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * The security filter chain.
 *
 * <p>The API is stateless: every request carries its credential in a header (a Bearer token
 * or an API key), no server session is ever created, and so no browser sends a credential
 * on its own. That is why CSRF protection is off: there is no ambient credential to forge a
 * request with. The console keeps its access token in memory and sends it as a header too.
 * Its refresh token is the one cookie, and {@link ConsoleSession} honours it only on the
 * sign-in paths and only with a custom header no cross-site form can send.
 *
 * <p>Who may do what is decided by {@code @PreAuthorize} on each handler (by scope); the
 * chain itself only insists that API paths are authenticated.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableReactiveMethodSecurity
class SecurityConfiguration {

	private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

	private static final String UNAUTHENTICATED = "Invalid or missing credentials";

	/**
	 * The firewall's refusals (an encoded slash, backslash, percent or NUL in the path, a
	 * {@code ..} segment, a semicolon) in the envelope, instead of an empty 400. The message
	 * does not repeat the path: it is what the client sent, and may be an attack.
	 */
	@Bean
	ServerExchangeRejectedHandler firewallRejections(ErrorResponses errors) {
		return (exchange, rejected) -> errors.write(exchange,
				new ApiException(ErrorCode.INVALID_REQUEST, "The request path holds characters or segments that are not allowed"));
	}

	/**
	 * Spring Security's own observations of each filter, authentication and authorization,
	 * only when {@code management.observations.enable.spring.security} turns them on (off in
	 * application.yml). Off, the observation predicate alone would still leave every filter of
	 * the chain wrapped in an observing decorator and a checkpoint on every request, observing
	 * nothing; these settings leave the chain undecorated.
	 */
	@Bean
	SecurityObservationSettings securityObservations(Environment environment) {
		return securityObserved(environment) ? SecurityObservationSettings.withDefaults().build()
				: SecurityObservationSettings.noObservations();
	}

	/**
	 * While Spring Security's observations are off, its filters run in a plain chain
	 * ({@link PlainFilterChains}) rather than one that names every filter on every request.
	 * Static, as a post-processor must be, so that it is ready before the filter chain bean.
	 */
	@Bean
	static BeanPostProcessor plainSecurityFilterChains(Environment environment) {
		boolean observed = securityObserved(environment);
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (!observed && bean instanceof WebFilterChainProxy proxy) {
					proxy.setFilterChainDecorator(new PlainFilterChains());
				}
				return bean;
			}
		};
	}

	private static boolean securityObserved(Environment environment) {
		return environment.getProperty("management.observations.enable.spring.security", Boolean.class, true);
	}

	/** Spring Security's strict firewall, with its header rules checked without regular expressions. */
	@Bean
	ServerWebExchangeFirewall firewall() {
		StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();
		firewall.setAllowedHeaderNames(HeaderCharacters::name);
		firewall.setAllowedHeaderValues(HeaderCharacters::value);
		return firewall;
	}

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ErrorResponses errors,
			CredentialsAuthenticationManager authenticationManager, CorsSettings cors) {
		AuthenticationWebFilter authentication = new AuthenticationWebFilter(authenticationManager);
		authentication.setServerAuthenticationConverter(new CredentialsConverter());
		authentication.setSecurityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		// Credentials are read on API paths only, except where a user is still signing in.
		authentication.setRequiresAuthenticationMatcher(SecurityPaths.matcher(SecurityPaths.CREDENTIALS));
		// One answer for every failure: the body never says which check failed; the log does.
		authentication.setAuthenticationFailureHandler((webFilterExchange, failure) -> {
			log.atDebug().addKeyValue("reason", failure.getClass().getSimpleName()).log("Credential refused: {}",
					rootMessage(failure));
			return errors.write(webFilterExchange.getExchange(),
					new ApiException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED));
		});

		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.cors((spec) -> spec.configurationSource(corsSource(cors)))
			// Spring's default headers, written by one writer instead of twelve (SecurityHeaders).
			.headers(ServerHttpSecurity.HeaderSpec::disable)
			.addFilterAt(new HttpHeaderWriterWebFilter(new SecurityHeaders()), SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
			.addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
			.exceptionHandling((handling) -> handling
				.authenticationEntryPoint((exchange, failure) -> errors.write(exchange,
						new ApiException(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED)))
				.accessDeniedHandler((exchange, denied) -> errors.write(exchange,
						new ApiException(ErrorCode.FORBIDDEN, "You are not allowed to do this"))))
			.authorizeExchange((exchanges) -> exchanges
				.matchers(SecurityPaths.matcher(SecurityPaths.SIGNING_IN))
				.permitAll()
				.matchers(SecurityPaths.matcher(SecurityPaths.API))
				.authenticated()
				.anyExchange()
				.permitAll())
			.build();
	}

	private static String rootMessage(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	private static UrlBasedCorsConfigurationSource corsSource(CorsSettings settings) {
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		if (!settings.allowedOrigins().isEmpty()) {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.setAllowedOrigins(settings.allowedOrigins());
			configuration.addAllowedMethod("*");
			configuration.addAllowedHeader("*");
			configuration.addExposedHeader("traceparent");
			configuration.addExposedHeader("Retry-After");
			// The id of a conversation stored by the OpenAI-compatible API (store: true).
			configuration.addExposedHeader("x-enclave-conversation-id");
			// Rate limits, so that browser clients can pace themselves as SDKs do.
			for (String unit : new String[] { "requests", "tokens" }) {
				configuration.addExposedHeader("x-ratelimit-limit-" + unit);
				configuration.addExposedHeader("x-ratelimit-remaining-" + unit);
				configuration.addExposedHeader("x-ratelimit-reset-" + unit);
			}
			configuration.setAllowCredentials(false);
			configuration.setMaxAge(3600L);
			source.registerCorsConfiguration("/**", configuration);
		}
		return source;
	}

}

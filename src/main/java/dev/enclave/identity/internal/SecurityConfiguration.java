package dev.enclave.identity.internal;

import dev.enclave.gateway.ApiException;
import dev.enclave.gateway.ErrorCode;
import dev.enclave.gateway.ErrorResponses;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;

/**
 * The security filter chain. The API is stateless: every request authenticates itself, no
 * session or cookie is created, so CSRF protection has nothing to protect and is off.
 * Health, metrics, the API description and the console's static files are public; every
 * API path needs an authenticated caller.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ErrorResponses errors) {
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
			.exceptionHandling((handling) -> handling
				.authenticationEntryPoint((exchange, failure) -> errors.write(exchange,
						new ApiException(ErrorCode.UNAUTHENTICATED, "Authentication is required")))
				.accessDeniedHandler((exchange, denied) -> errors.write(exchange,
						new ApiException(ErrorCode.FORBIDDEN, "You are not allowed to do this"))))
			.authorizeExchange((exchanges) -> exchanges
				.pathMatchers("/api/**", "/v1/**").authenticated()
				.anyExchange().permitAll())
			.build();
	}

}

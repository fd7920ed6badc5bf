package dev.enclave.identity.internal;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reads the credential of a request: {@code Authorization: Bearer <jwt>},
 * {@code Authorization: Bearer ek_…} (what OpenAI SDKs send) or {@code X-API-Key: ek_…}. No
 * credential means anonymous; anything malformed, duplicated or ambiguous is refused rather
 * than guessed at.
 */
final class CredentialsConverter implements ServerAuthenticationConverter {

	static final String API_KEY_HEADER = "X-API-Key";

	/** RFC 6750 b64token; the scheme is case-insensitive. */
	private static final Pattern BEARER = Pattern.compile("^Bearer ([A-Za-z0-9\\-._~+/]+=*)$",
			Pattern.CASE_INSENSITIVE);

	@Override
	public Mono<Authentication> convert(ServerWebExchange exchange) {
		HttpHeaders headers = exchange.getRequest().getHeaders();
		List<String> authorization = headers.getOrEmpty(HttpHeaders.AUTHORIZATION);
		List<String> apiKey = headers.getOrEmpty(API_KEY_HEADER);
		if (authorization.isEmpty() && apiKey.isEmpty()) {
			return Mono.empty();
		}
		if (authorization.size() + apiKey.size() > 1) {
			return Mono.error(new BadCredentialsException("more than one credential"));
		}
		if (!apiKey.isEmpty()) {
			return Mono.just(new ApiKeyCredentials(apiKey.get(0).trim()));
		}
		Matcher bearer = BEARER.matcher(authorization.get(0).trim());
		if (!bearer.matches()) {
			return Mono.error(new BadCredentialsException("malformed Authorization header"));
		}
		String token = bearer.group(1);
		return Mono.just(token.startsWith(ApiKeys.PREFIX.substring(0, 3)) ? new ApiKeyCredentials(token)
				: new BearerTokenAuthenticationToken(token));
	}

}

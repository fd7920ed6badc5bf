package dev.enclave.identity;

import java.time.Duration;
import java.util.Map;

import dev.enclave.support.EnclaveIT;
import dev.enclave.support.Identities;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import static dev.enclave.support.Envelopes.assertEnvelope;
import static dev.enclave.support.Envelopes.details;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser console's refresh token in an HttpOnly cookie: set on login and refresh when
 * the console says it is the console, used only together with that header, rotated on every
 * refresh and cleared on logout.
 */
class ConsoleSessionIT extends EnclaveIT {

	private static final String CLIENT = "X-Enclave-Client";

	private static final String COOKIE = "enclave_refresh";

	@Test
	void consoleLoginSetsAStrictHttpOnlyCookieAndKeepsTheRefreshTokenOutOfTheBody() {
		EntityExchangeResult<Map> login = consoleLogin();

		assertThat(login.getResponseBody()).containsOnlyKeys("access_token", "token_type", "expires_in");
		ResponseCookie cookie = login.getResponseCookies().getFirst(COOKIE);
		assertThat(cookie).isNotNull();
		assertThat(cookie.getValue()).startsWith("ert_");
		assertThat(cookie.isHttpOnly()).isTrue();
		assertThat(cookie.getSameSite()).isEqualTo("Strict");
		assertThat(cookie.getPath()).isEqualTo("/api/v1/auth");
		assertThat(cookie.getMaxAge()).isEqualTo(Duration.ofDays(14));
		assertThat(cookie.isSecure()).as("plain http on loopback").isFalse();
		assertThat(login.getResponseHeaders().getFirst(HttpHeaders.SET_COOKIE)).containsIgnoringCase("HttpOnly")
			.contains("SameSite=Strict")
			.contains("Max-Age=1209600");
	}

	@Test
	void otherClientsGetNoCookie() {
		http().post()
			.uri("/api/v1/auth/login")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "admin", "password", Identities.ADMIN_PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.doesNotExist(HttpHeaders.SET_COOKIE)
			.expectBody()
			.jsonPath("$.refresh_token")
			.isNotEmpty();
	}

	@Test
	void refreshWithOnlyTheCookieRotatesItAndTheOldValueIsRefused() {
		String first = consoleLogin().getResponseCookies().getFirst(COOKIE).getValue();

		EntityExchangeResult<Map> refreshed = consoleRefresh(first);
		assertThat(refreshed.getStatus().value()).isEqualTo(200);
		assertThat(refreshed.getResponseBody()).containsOnlyKeys("access_token", "token_type", "expires_in");
		String second = refreshed.getResponseCookies().getFirst(COOKIE).getValue();
		assertThat(second).startsWith("ert_").isNotEqualTo(first);
		assertMe((String) refreshed.getResponseBody().get("access_token"), 200);

		// The old value again is a kept copy: refused, and the whole session with it.
		assertEnvelope(http().post().uri("/api/v1/auth/refresh").header(CLIENT, "console").cookie(COOKIE, first)
			.exchange().expectBody().returnResult(), 401, "unauthenticated", "authentication_error");
		assertMe((String) refreshed.getResponseBody().get("access_token"), 401);
	}

	@Test
	void theCookieWithoutTheConsoleHeaderIsIgnoredAndTheRequestInvalid() {
		String cookie = consoleLogin().getResponseCookies().getFirst(COOKIE).getValue();

		JsonNode error = assertEnvelope(http().post().uri("/api/v1/auth/refresh").cookie(COOKIE, cookie).exchange()
			.expectBody().returnResult(), 400, "invalid_request", "invalid_request_error");
		assertThat(details(error)).containsExactly("refresh_token: must not be blank");
		assertThat(consoleRefresh(cookie).getStatus().value()).as("the token was not used").isEqualTo(200);
	}

	@Test
	void logoutRevokesTheSessionAndClearsTheCookie() {
		EntityExchangeResult<Map> login = consoleLogin();
		String cookie = login.getResponseCookies().getFirst(COOKIE).getValue();
		String access = (String) login.getResponseBody().get("access_token");

		EntityExchangeResult<Void> logout = http().post()
			.uri("/api/v1/auth/logout")
			.header(CLIENT, "console")
			.cookie(COOKIE, cookie)
			.exchange()
			.expectStatus()
			.isNoContent()
			.expectBody(Void.class)
			.returnResult();

		ResponseCookie cleared = logout.getResponseCookies().getFirst(COOKIE);
		assertThat(cleared).isNotNull();
		assertThat(cleared.getValue()).isEmpty();
		assertThat(cleared.getMaxAge()).isZero();
		assertThat(cleared.getPath()).isEqualTo("/api/v1/auth");
		assertMe(access, 401);
		assertThat(consoleRefresh(cookie).getStatus().value()).isEqualTo(401);
	}

	@Test
	void withoutAConsoleClientIdTheSignInPageOffersLocalAccountsOnly() {
		// The suite configures an OIDC provider, but no public client for the console.
		http().get()
			.uri("/api/v1/auth/config")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.json("{\"local\": true, \"sso\": null}", org.springframework.test.json.JsonCompareMode.STRICT);
	}

	private EntityExchangeResult<Map> consoleLogin() {
		return http().post()
			.uri("/api/v1/auth/login")
			.header(CLIENT, "console")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("username", "admin", "password", Identities.ADMIN_PASSWORD))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult();
	}

	/** A refresh as the console sends it after a reload: no body, the cookie and the header. */
	private EntityExchangeResult<Map> consoleRefresh(String cookie) {
		return http().post()
			.uri("/api/v1/auth/refresh")
			.header(CLIENT, "console")
			.cookie(COOKIE, cookie)
			.exchange()
			.expectBody(Map.class)
			.returnResult();
	}

	private void assertMe(String accessToken, int status) {
		http().get()
			.uri("/api/v1/me")
			.headers((h) -> h.setBearerAuth(accessToken))
			.exchange()
			.expectStatus()
			.isEqualTo(status);
	}

}

package dev.enclave.identity.internal;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a successful login or refresh returns, in OAuth 2's names. */
record TokenPair(@JsonProperty("access_token") String accessToken, @JsonProperty("token_type") String tokenType,
		@JsonProperty("expires_in") long expiresIn, @JsonProperty("refresh_token") String refreshToken) {
}

package dev.enclave.identity.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * What a successful login or refresh returns, in OAuth 2's names. The refresh token is left
 * out for the browser console, which receives it as an HttpOnly cookie that script never sees.
 */
record TokenPair(@JsonProperty("access_token") String accessToken, @JsonProperty("token_type") String tokenType,
		@JsonProperty("expires_in") long expiresIn,
		@JsonProperty("refresh_token") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String refreshToken) {

	TokenPair withoutRefreshToken() {
		return new TokenPair(this.accessToken, this.tokenType, this.expiresIn, null);
	}

}

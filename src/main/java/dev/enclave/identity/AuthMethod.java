package dev.enclave.identity;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a caller proved who it is. */
public enum AuthMethod {

	/** A local account's access token, issued by Enclave. */
	LOCAL("local"),

	/** A token from the company's SSO (OIDC). */
	OIDC("oidc"),

	/** An app's API key. */
	API_KEY("api_key");

	private final String value;

	AuthMethod(String value) {
		this.value = value;
	}

	@JsonValue
	public String value() {
		return this.value;
	}

}

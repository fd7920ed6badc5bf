package dev.enclave.identity.internal;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;

/** An API key as presented, not yet checked. */
final class ApiKeyCredentials extends AbstractAuthenticationToken {

	private final String key;

	ApiKeyCredentials(String key) {
		super(List.of());
		this.key = key;
	}

	String key() {
		return this.key;
	}

	@Override
	public Object getCredentials() {
		return this.key;
	}

	@Override
	public Object getPrincipal() {
		return "api-key";
	}

	@Override
	public String toString() {
		// Never the key: this object may end up in a log line.
		return "ApiKeyCredentials[redacted]";
	}

}

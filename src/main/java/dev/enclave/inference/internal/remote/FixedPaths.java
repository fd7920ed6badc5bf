package dev.enclave.inference.internal.remote;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.util.UriBuilder;
import org.springframework.web.util.UriBuilderFactory;

/**
 * A model server's URIs, each expanded once. A backend calls a few fixed paths
 * ({@code /chat/completions}, {@code /embeddings}, {@code /models}) on every request, and
 * expanding a template parses it and the base URL again each time. Templates with variables
 * are expanded as usual, and never kept.
 */
final class FixedPaths implements UriBuilderFactory {

	/** More paths than a backend calls; a bound all the same, as the map is never emptied. */
	private static final int MOST = 16;

	private final DefaultUriBuilderFactory uris;

	private final Map<String, URI> expanded = new ConcurrentHashMap<>();

	FixedPaths(String baseUrl) {
		this.uris = new DefaultUriBuilderFactory(baseUrl);
	}

	@Override
	public URI expand(String template, Object... variables) {
		if (variables.length > 0) {
			return this.uris.expand(template, variables);
		}
		URI known = this.expanded.get(template);
		if (known != null) {
			return known;
		}
		URI uri = this.uris.expand(template);
		if (this.expanded.size() < MOST) {
			this.expanded.putIfAbsent(template, uri);
		}
		return uri;
	}

	@Override
	public URI expand(String template, Map<String, ?> variables) {
		return variables.isEmpty() ? expand(template) : this.uris.expand(template, variables);
	}

	@Override
	public UriBuilder uriString(String template) {
		return this.uris.uriString(template);
	}

	@Override
	public UriBuilder builder() {
		return this.uris.builder();
	}

}

package dev.enclave.inference.internal.hub;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Where models are pulled from, the Hugging Face hub or a mirror that speaks its API, and
 * the token that opens gated models. The token is sent to this origin only, never to the
 * hosts it redirects to, and is never printed.
 * @param base the hub's root, without a trailing slash; a mirror may live under a path
 * @param token the access token, or null for public models
 */
public record HubEndpoint(URI base, @Nullable String token) {

	/** The public hub, used when {@code HF_ENDPOINT} is not set. */
	public static final URI DEFAULT_BASE = URI.create("https://huggingface.co");

	public HubEndpoint {
		Objects.requireNonNull(base, "base");
		String scheme = (base.getScheme() != null) ? base.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("http") || scheme.equals("https")) || base.getHost() == null) {
			throw new IllegalArgumentException("hub endpoint '" + base + "' is not an http(s) URL with a host");
		}
		if (base.getRawUserInfo() != null || base.getRawQuery() != null || base.getRawFragment() != null) {
			// Credentials in the URL would be printed wherever the URL is; the token has its own variable.
			throw new IllegalArgumentException("hub endpoint must not carry credentials, a query or a fragment; "
					+ "put the token in HF_TOKEN");
		}
		String text = base.toString();
		if (text.endsWith("/")) {
			base = URI.create(text.replaceAll("/+$", ""));
		}
		if (token != null && token.isBlank()) {
			token = null;
		}
	}

	/**
	 * The endpoint the {@code huggingface_hub} client would use: {@code HF_ENDPOINT} selects a
	 * mirror (default {@code https://huggingface.co}), {@code HF_TOKEN} is sent for gated models.
	 */
	public static HubEndpoint fromEnvironment(Map<String, String> env) {
		String endpoint = env.get("HF_ENDPOINT");
		URI base = (endpoint == null || endpoint.isBlank()) ? DEFAULT_BASE : URI.create(endpoint.strip());
		String token = env.get("HF_TOKEN");
		return new HubEndpoint(base, (token != null) ? token.strip() : null);
	}

	/** {@code path} (already encoded, starting with {@code /}) below the base. */
	URI resolve(String path) {
		return URI.create(this.base + path);
	}

	/**
	 * Whether the token may go to {@code target}: only to the base's own scheme, host and port,
	 * because a redirect to a CDN carries a signed URL and must not learn the token.
	 */
	boolean isOrigin(URI target) {
		return this.base.getScheme().equalsIgnoreCase(target.getScheme())
				&& this.base.getHost().equalsIgnoreCase(target.getHost()) && port(this.base) == port(target);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
	}

	@Override
	public String toString() {
		return "HubEndpoint[base=" + this.base + ", token=" + ((this.token != null) ? "(set)" : "(none)") + "]";
	}

}

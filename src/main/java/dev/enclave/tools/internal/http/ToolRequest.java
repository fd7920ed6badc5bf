package dev.enclave.tools.internal.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * One request of a tool call: the first, or one after a redirect.
 *
 * @param method GET or POST
 * @param url where it goes, not yet checked
 * @param headers what is sent, secrets filled in
 * @param credentials the (lower-case) names of the headers that must not reach another origin
 * @param body the JSON body of a POST, or null
 */
record ToolRequest(String method, URI url, Map<String, String> headers, Set<String> credentials, byte @Nullable [] body) {

	/**
	 * The request a redirect to {@code location} asks for, not yet checked: 303, and 301 or
	 * 302 after a POST, become a GET without a body (as browsers do); 307 and 308 repeat the
	 * request. Credentials stay behind when the target is another origin.
	 * @throws ToolHttpException {@code BAD_RESPONSE} when {@code location} is no URL,
	 * {@code BLOCKED} when it leaves https for http
	 */
	ToolRequest redirectedTo(String location, int status) {
		URI target = target(location);
		boolean toGet = status == 303 || ((status == 301 || status == 302) && this.method.equals("POST"));
		Map<String, String> next = new LinkedHashMap<>();
		this.headers.forEach((name, value) -> {
			String lower = name.toLowerCase(Locale.ROOT);
			if ((toGet && lower.equals("content-type")) || (!sameOrigin(target) && this.credentials.contains(lower))) {
				return;
			}
			next.put(name, value);
		});
		return new ToolRequest(toGet ? "GET" : this.method, target, next, this.credentials, toGet ? null : this.body);
	}

	private URI target(String location) {
		URI target;
		try {
			target = this.url.resolve(new URI(location.strip()));
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			throw new ToolHttpException(ToolHttpException.Kind.BAD_RESPONSE,
					this.url.getHost() + " redirected to something that is not a URL");
		}
		if (scheme(this.url).equals("https") && scheme(target).equals("http")) {
			throw new ToolHttpException(ToolHttpException.Kind.BLOCKED, "a redirect from https to http was refused");
		}
		return target;
	}

	private boolean sameOrigin(URI target) {
		return scheme(this.url).equals(scheme(target))
				&& HostPatterns.normalize(String.valueOf(this.url.getHost()))
					.equals(HostPatterns.normalize(String.valueOf(target.getHost())))
				&& port(this.url) == port(target);
	}

	private static String scheme(URI url) {
		return String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
	}

	private static int port(URI url) {
		if (url.getPort() >= 0) {
			return url.getPort();
		}
		return scheme(url).equals("https") ? 443 : 80;
	}

}

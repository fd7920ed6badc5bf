package dev.enclave.tools.internal.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/**
 * A tool's URL with {@code {arg}} placeholders in its path and query. The model chooses the
 * values, never the place they go: the scheme, host and port are fixed, and every value is
 * percent-encoded down to the unreserved characters, so a {@code /}, {@code ?}, {@code &} or
 * {@code #} in a value stays inside its path segment or query value.
 */
final class UrlTemplate {

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)\\}");

	private final String template;

	/** Where the query starts, or -1: placeholders after it are query values. */
	private final int query;

	private UrlTemplate(String template) {
		this.template = template;
		this.query = template.indexOf('?');
	}

	/**
	 * Checks {@code template}.
	 * @throws IllegalArgumentException when it is not an absolute http(s) URL with
	 * placeholders only in its path and query
	 */
	static UrlTemplate parse(String template) {
		if (template.contains("#")) {
			throw new IllegalArgumentException("the url must not have a fragment");
		}
		int scheme = template.indexOf("://");
		if (scheme < 0) {
			throw new IllegalArgumentException("the url must be an absolute http or https URL");
		}
		int authorityEnd = template.length();
		for (char end : new char[] { '/', '?' }) {
			int at = template.indexOf(end, scheme + 3);
			if (at >= 0 && at < authorityEnd) {
				authorityEnd = at;
			}
		}
		Matcher placeholders = PLACEHOLDER.matcher(template);
		if (placeholders.find() && placeholders.start() < authorityEnd) {
			throw new IllegalArgumentException("placeholders may stand in the url's path and query only, never in its "
					+ "scheme, host or port");
		}
		URI sample;
		try {
			sample = new URI(PLACEHOLDER.matcher(template).replaceAll("x"));
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("the url is not a valid URL template: " + ex.getReason());
		}
		String kind = (sample.getScheme() != null) ? sample.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!kind.equals("http") && !kind.equals("https")) {
			throw new IllegalArgumentException("the url must be an http or https URL");
		}
		if (sample.getHost() == null) {
			throw new IllegalArgumentException("the url has no valid host name");
		}
		return new UrlTemplate(template);
	}

	/**
	 * The URL for {@code arguments}, and which arguments it used.
	 * @throws ToolHttpException {@code BAD_ARGUMENTS} for a missing value, or one that is an
	 * object, an array or a path segment of {@code .} or {@code ..}
	 */
	Expanded expand(JsonNode arguments) {
		Matcher placeholders = PLACEHOLDER.matcher(this.template);
		StringBuilder url = new StringBuilder();
		Set<String> used = new LinkedHashSet<>();
		while (placeholders.find()) {
			String name = placeholders.group(1);
			String value = text(name, arguments.get(name));
			boolean inQuery = this.query >= 0 && placeholders.start() > this.query;
			if (!inQuery && (value.equals(".") || value.equals(".."))) {
				throw new ToolHttpException(ToolHttpException.Kind.BAD_ARGUMENTS,
						"the argument '" + name + "' must not be '" + value + "'");
			}
			placeholders.appendReplacement(url, Matcher.quoteReplacement(encode(value)));
			used.add(name);
		}
		placeholders.appendTail(url);
		return new Expanded(URI.create(url.toString()), used);
	}

	private static String text(String name, JsonNode value) {
		if (value == null || value.isNull() || value.isMissingNode()) {
			throw new ToolHttpException(ToolHttpException.Kind.BAD_ARGUMENTS, "the argument '" + name + "' is missing");
		}
		if (!value.isValueNode()) {
			throw new ToolHttpException(ToolHttpException.Kind.BAD_ARGUMENTS,
					"the argument '" + name + "' must be a string, a number or a boolean");
		}
		return value.asString();
	}

	/** Percent-encodes all but the unreserved characters of RFC 3986: valid in a path segment and a query value alike. */
	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8)
			.replace("+", "%20")
			.replace("*", "%2A")
			.replace("%7E", "~");
	}

	/** A URL built from the template, and the names of the arguments placed in it. */
	record Expanded(URI url, Set<String> used) {
	}

}

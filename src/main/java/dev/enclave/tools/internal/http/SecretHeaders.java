package dev.enclave.tools.internal.http;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The configured headers of an HTTP tool or an MCP server (and an MCP server's environment),
 * whose values may hold {@code {secret:NAME}} references. The references are resolved only
 * into what is sent: the values are never logged, kept or put into a message. The form is not Spring's dollar-brace placeholder on purpose:
 * Spring would resolve that in the configuration before Enclave ever saw the reference.
 */
public final class SecretHeaders {

	private static final Pattern REFERENCE = Pattern.compile("\\{secret:([A-Za-z0-9_.-]+)\\}");

	private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

	/** Headers the HTTP client owns; a tool setting them could confuse the server about the request. */
	private static final Set<String> RESERVED = Set.of("host", "content-length", "transfer-encoding", "connection",
			"upgrade", "te", "trailer", "keep-alive", "proxy-connection");

	/** Headers that carry credentials whatever their value. */
	private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie");

	private SecretHeaders() {
	}

	/** @throws IllegalArgumentException for a name that is no HTTP token, a reserved one, or a malformed reference */
	public static void validate(String name, String value) {
		if (!TOKEN.matcher(name).matches()) {
			throw new IllegalArgumentException("the header name '" + name + "' is not a valid HTTP header name");
		}
		if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
			throw new IllegalArgumentException("the header '" + name + "' is set by the HTTP client, not by a tool");
		}
		if (!wellFormed(value)) {
			throw new IllegalArgumentException(
					"the header '" + name + "' has a reference that is not of the form {secret:NAME}");
		}
	}

	/**
	 * The (lower-case) names of the headers that must not follow a redirect to another
	 * origin: the credentials headers, and every header that holds a secret.
	 */
	static Set<String> credentials(Map<String, String> headers) {
		return headers.entrySet()
			.stream()
			.filter((header) -> CREDENTIALS.contains(header.getKey().toLowerCase(Locale.ROOT))
					|| REFERENCE.matcher(header.getValue()).find())
			.map((header) -> header.getKey().toLowerCase(Locale.ROOT))
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * The headers with their secrets filled in.
	 * @param owner whose headers, for messages: "the tool order_lookup"
	 * @throws ToolHttpException {@code MISCONFIGURED} when a secret is not set or a value
	 * could not be sent as a header
	 */
	public static Map<String, String> resolve(String owner, Map<String, String> headers, Map<String, String> secrets) {
		Map<String, String> resolved = new LinkedHashMap<>();
		headers.forEach((name, value) -> {
			String filled = fill(owner, value, secrets);
			// A line break in a secret would end the header and start another: header injection.
			if (filled.chars().anyMatch((c) -> c == '\r' || c == '\n' || c == 0)) {
				throw new ToolHttpException(ToolHttpException.Kind.MISCONFIGURED,
						"the header " + name + " of " + owner + " has a value that cannot be sent");
			}
			resolved.put(name, filled);
		});
		return resolved;
	}

	/**
	 * {@code value} with its {@code {secret:NAME}} references filled in.
	 * @throws ToolHttpException {@code MISCONFIGURED} when a secret is not set
	 */
	public static String fill(String owner, String value, Map<String, String> secrets) {
		Matcher references = REFERENCE.matcher(value);
		StringBuilder filled = new StringBuilder();
		while (references.find()) {
			String secret = secrets.get(references.group(1));
			if (secret == null) {
				throw new ToolHttpException(ToolHttpException.Kind.MISCONFIGURED,
						"the secret " + references.group(1) + " of " + owner + " is not set");
			}
			references.appendReplacement(filled, Matcher.quoteReplacement(secret));
		}
		references.appendTail(filled);
		return filled.toString();
	}

	/** Whether {@code value} is free of malformed references ({@code {secret:} with no valid name and brace}). */
	public static boolean wellFormed(String value) {
		return !REFERENCE.matcher(value).replaceAll("").contains("{secret");
	}

}

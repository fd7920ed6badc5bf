package dev.enclave.tools.internal.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonPointer;

/**
 * A declarative HTTP tool, as configured under {@code enclave.tools.http[]}: one request to a
 * fixed host, with the model's arguments placed into its URL, and only chosen fields of the
 * JSON answer handed back. Validated when built, so a tool that cannot work fails at start.
 *
 * @param name what the model calls it: letters, digits, {@code _} and {@code -}, at most 64
 * @param description what the model is told it does
 * @param method {@code GET} (the default) or {@code POST}; a {@code POST} sends the arguments
 * that no placeholder took as a JSON object
 * @param url an absolute http(s) URL with {@code {arg}} placeholders in its path and query
 * only; each value is percent-encoded to stay within its path segment or query value
 * @param argumentsSchema the JSON Schema of the arguments, as text; stored here, checked by the registry
 * @param headers sent with every request; a value may hold {@code {secret:NAME}} references,
 * filled from the secrets at call time, never logged and never sent to another origin after a
 * redirect (nor are {@code Authorization}, {@code Proxy-Authorization} and {@code Cookie})
 * @param keep JSON Pointers ({@code /status}, {@code /items/0/name}) of the response fields
 * handed back; nothing else of the response is
 * @param timeout the longest a whole call may take, redirects included (default 30 s); the
 * tool executor enforces it, as for every tool
 */
public record HttpToolDefinition(String name, String description, Method method, String url, String argumentsSchema,
		Map<String, String> headers, List<String> keep, Duration timeout) {

	/** The methods a tool may use. */
	public enum Method {

		GET, POST

	}

	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	public HttpToolDefinition(String name, String description, @Nullable Method method, String url,
			@Nullable String argumentsSchema, @Nullable Map<String, String> headers, @Nullable List<String> keep,
			@Nullable Duration timeout) {
		if (name == null || !NAME.matcher(name).matches()) {
			throw new IllegalArgumentException(
					"an HTTP tool's name must be 1 to 64 letters, digits, '_' or '-', not '" + name + "'");
		}
		if (description == null || description.isBlank()) {
			throw new IllegalArgumentException("the HTTP tool " + name + " needs a description");
		}
		if (url == null) {
			throw new IllegalArgumentException("the HTTP tool " + name + " needs a url");
		}
		try {
			UrlTemplate.parse(url);
			(headers != null ? headers : Map.<String, String>of()).forEach(SecretHeaders::validate);
			(keep != null ? keep : List.<String>of()).forEach(HttpToolDefinition::pointer);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("the HTTP tool " + name + ": " + ex.getMessage(), ex);
		}
		if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
			throw new IllegalArgumentException("the HTTP tool " + name + ": the timeout must be positive");
		}
		this.name = name;
		this.description = description;
		this.method = (method != null) ? method : Method.GET;
		this.url = url;
		this.argumentsSchema = (argumentsSchema != null) ? argumentsSchema : "{\"type\":\"object\"}";
		this.headers = (headers != null) ? Map.copyOf(headers) : Map.of();
		this.keep = (keep != null) ? List.copyOf(keep) : List.of();
		this.timeout = (timeout != null) ? timeout : DEFAULT_TIMEOUT;
	}

	/** The {@code keep} paths, compiled. */
	List<JsonPointer> keptPointers() {
		return this.keep.stream().map(HttpToolDefinition::pointer).toList();
	}

	private static JsonPointer pointer(String path) {
		if (path == null || !path.startsWith("/")) {
			throw new IllegalArgumentException("keep needs JSON Pointers such as /status, not '" + path + "'");
		}
		try {
			return JsonPointer.compile(path);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("keep has an invalid JSON Pointer '" + path + "'");
		}
	}

}
